"""Run a grid: skip cells whose rows are already stored, run the rest, write their rows.

Rows go through the results API only: `results.Store.add` (one atomic add per finished cell)
and, when the grid names a `ledger:`, `results.ledger.append_to_ledger` (the CSV that ships
with the product). A run killed at any point loses at most the cells in flight; re-running
finishes them and nothing else. Each row's `note` is the cell's provenance as JSON: grid, cell
and stage-1 ids, its full config, the code version, the asset hashes, wall seconds and machine.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from xfer_analysis import __version__, tasks
from xfer_analysis.errors import UnknownNameError
from xfer_analysis.results.ledger import append_to_ledger, ledger_run_ids
from xfer_analysis.train.grid import Cell, Grid
from xfer_analysis.train.stages import RunContext

ORIGIN_PREFIX = "xfer run"


def code_version() -> str:
    """Package version plus the git commit of the source tree when there is one."""
    try:
        sha = subprocess.run(
            ["git", "rev-parse", "--short=12", "HEAD"], cwd=Path(__file__).parent,
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return __version__
    return f"{__version__}+g{sha}" if sha else __version__


def machine() -> dict:
    """What the cell ran on (for provenance; never part of a cell's identity)."""
    import torch

    return {"platform": platform.platform(), "processor": platform.machine(),
            "cpus": os.cpu_count(), "torch": torch.__version__,
            "torch_threads": torch.get_num_threads(),
            "device": torch.cuda.get_device_name(0) if torch.cuda.is_available() else "cpu"}


def cell_rows(cell: Cell, outcome: dict, grid_name: str, version: str,
              provenance: dict | None = None) -> pd.DataFrame:
    """Results-table rows of one finished cell (one per language x metric)."""
    task = tasks.target(cell.target)
    note = json.dumps({"grid": grid_name, "cell": cell.id, "stage1": cell.stage1_id,
                       "code_version": version, "config": cell.config()}
                      | (provenance or {}), sort_keys=True)
    rows = []
    for lang, scores in outcome["scores"].items():
        for metric in task.metrics:
            rows.append({
                "run_id": cell.id, "source": f"xfer-run:{grid_name}",
                "base_model": cell.base.name, "model_params": float(outcome["model_params"]),
                "intermediate": cell.intermediate_label,
                "intermediate_examples": outcome["intermediate_examples"],
                "intermediate_data": cell.settings["intermediate_data"] if cell.intermediate
                else "english", "setting": "zero-shot",
                "target_task": task.name, "language": lang, "split": cell.split,
                "metric": metric, "value": float(scores[metric]), "seed": cell.seed,
                "confidence": "read directly", "note": note,
            })
    return pd.DataFrame(rows)


def predictions_dir(grid: Grid) -> Path:
    """Where per-example predictions go: beside the ledger when there is one, else the work
    dir; one parquet file per cell, named by its id."""
    return (grid.ledger.parent if grid.ledger is not None else grid.work_dir) / "predictions"


def write_predictions(cell: Cell, predictions: pd.DataFrame | None, grid: Grid) -> None:
    """Save a cell's per-example predictions (language, example, gold, prediction) atomically."""
    if predictions is None or predictions.empty:
        return
    folder = predictions_dir(grid)
    folder.mkdir(parents=True, exist_ok=True)
    final = folder / f"{cell.id}.parquet"
    tmp = folder / f".{cell.id}.parquet.tmp"
    predictions.assign(run_id=cell.id).to_parquet(tmp, index=False)
    os.replace(tmp, final)


def done_cells(store, cells: Iterable[Cell], ledger: Path | None = None) -> set[str]:
    """Ids of the cells whose rows are already in the store or in the grid's ledger."""
    ids = [c.id for c in cells]
    if not ids:
        return set()
    done = set(store.table(run_id=ids)["run_id"].unique())
    if ledger is not None:
        done |= ledger_run_ids(ledger) & set(ids)
    return done


def _assets(grid: Grid):
    """The fetched asset set a grid names (an error saying how to fetch it when missing)."""
    from xfer_analysis.assets.fetch import AssetError, assets_root, cached

    found = cached(grid.assets, assets_root())
    if found is None:
        raise AssetError(f"grid {grid.name} needs the asset set {grid.assets!r}: run "
                         f"`xfer assets fetch {grid.assets}` first (cache: {assets_root()})")
    return found


def context(grid: Grid, progress: bool = True, log=print) -> RunContext:
    """The run context (data, work dir, device, assets, in-stage checkpoints) of a grid."""
    data_dir, asset_root = grid.data_dir, None
    if grid.assets is not None:
        found = _assets(grid)
        data_dir, asset_root = grid.data_dir or found.data_dir, found.root
    return RunContext(data_dir, grid.work_dir, grid.device, grid.precision, progress, asset_root,
                      grid.threads, grid.checkpoint_every, log, grid.translated_dir)


def provenance(grid: Grid) -> dict:
    """Run-level provenance shared by every cell (asset hashes, machine, a label)."""
    from xfer_analysis.assets.fetch import asset_hashes

    out: dict = {"machine": machine() | ({"torch_threads": grid.threads} if grid.threads else {})}
    if grid.assets is not None:
        out["assets"] = {grid.assets: asset_hashes(_assets(grid).manifest)}
    if grid.label:
        out["label"] = grid.label
    return out


def check_files(grid: Grid, cells: list[Cell]) -> dict[str, str]:
    """Cells whose local input files are missing (BUCC 2018 mining files), {cell id: reason}:
    checked before any training so a grid never fails late on them."""
    from xfer_analysis.train import data

    out = {}
    for cell in cells:
        spec = tasks.target(cell.target).eval_data
        if spec is None or spec.kind != "mining":
            continue
        for lang in cell.settings["languages"][cell.target]:
            why = data.bucc_missing(grid.data_dir, lang, cell.split)
            if why is not None:
                out[cell.id] = why
                break
    return out


def failure_path(grid: Grid, cell: Cell) -> Path:
    """Where a failed cell's error is recorded (removed when the cell later succeeds)."""
    return grid.work_dir / "failures" / f"{cell.id}.json"


def record_failure(grid: Grid, cell: Cell, error: BaseException | str) -> str:
    """Write a failed cell's error (type, message, config) beside the checkpoints; the line
    the summary prints."""
    import traceback

    text = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
    path = failure_path(grid, cell)
    path.parent.mkdir(parents=True, exist_ok=True)
    detail = "" if isinstance(error, str) else "".join(traceback.format_exception(error))
    path.write_text(json.dumps({"cell": cell.id, "error": text, "traceback": detail,
                                "config": cell.config()}, indent=1, sort_keys=True))
    return f"{cell.id} {cell.base.name} {cell.intermediate_label} {cell.target} " \
           f"seed={cell.seed}: {text.splitlines()[0] if text else ''}"


def run_grid(grid: Grid, store, executor: str = "local", progress: bool = True,
             log=print, ray_address: str | None = None) -> dict:
    """Run every pending cell of `grid` and store its rows; returns counts of
    cells/skipped/ran/rows/failed plus `failures` (one line per failed cell).

    A failing cell is recorded (`failure_path`) and the grid goes on; the caller decides the
    exit status from `failed`."""
    from xfer_analysis.errors import InputError
    from xfer_analysis.train.executors import EXECUTORS

    if executor not in EXECUTORS:
        raise UnknownNameError("executor", executor, sorted(EXECUTORS))
    finished = done_cells(store, grid.cells, grid.ledger)
    pending = [c for c in grid.cells if c.id not in finished]
    missing = check_files(grid, pending)
    if missing and not grid.skip_unavailable:
        lines = [f"cell {cid}: {why}" for cid, why in missing.items()]
        raise InputError("input files missing before training (use --skip-unavailable to skip "
                         "these cells):\n  " + "\n  ".join(lines))
    for cid, why in missing.items():
        log(f"  skip {cid}: {why}")
    pending = [c for c in pending if c.id not in missing]
    log(f"{grid.name}: {len(grid.cells)} cells, {len(finished)} done, {len(pending)} to run")
    version = code_version()
    ctx = context(grid, progress, log)
    shared = provenance(grid)
    added = 0
    failures: list[str] = []

    def write(cell: Cell, outcome: dict) -> None:
        nonlocal added
        origin = f"{ORIGIN_PREFIX} {grid.name} {cell.id}"
        rows = cell_rows(cell, outcome, grid.name, version,
                         shared | {"wall_seconds": round(outcome["seconds"], 1)})
        write_predictions(cell, outcome.get("predictions"), grid)
        n = store.add(rows, origin=origin)
        if grid.ledger is not None:
            append_to_ledger(grid.ledger, rows, origin=origin)
        failure_path(grid, cell).unlink(missing_ok=True)
        added += n
        log(f"  {cell.id} {cell.base.name} {cell.intermediate_label} {cell.target} "
            f"seed={cell.seed}: {n} rows, {outcome['seconds']:.0f} s")

    def fail(cell: Cell, error: BaseException | str) -> None:
        line = record_failure(grid, cell, error)
        failures.append(line)
        log(f"  FAILED {line}")

    EXECUTORS[executor](grid, pending, ctx, write, fail,
                        **({"address": ray_address} if ray_address else {}))
    return {"cells": len(grid.cells), "skipped": len(finished), "ran": len(pending),
            "rows": added, "failed": len(failures), "failures": failures,
            "unavailable": len(missing)}
