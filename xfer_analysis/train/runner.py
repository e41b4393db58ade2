"""Run a grid: skip cells whose rows are already in the store, run the rest, write their rows.

Rows go through `results.Store.add` only (one atomic add per finished cell), so a run killed at
any point loses at most the cells in flight; re-running finishes them and nothing else. Each
row carries the cell's full config and the code version as JSON in the `note` column.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from xfer_analysis import __version__, tasks
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


def cell_rows(cell: Cell, outcome: dict, grid_name: str, version: str) -> pd.DataFrame:
    """Results-table rows of one finished cell (one per language x metric)."""
    task = tasks.target(cell.target)
    note = json.dumps({"grid": grid_name, "cell": cell.id, "stage1": cell.stage1_id,
                       "code_version": version, "config": cell.config()}, sort_keys=True)
    rows = []
    for lang, scores in outcome["scores"].items():
        for metric in task.metrics:
            rows.append({
                "run_id": cell.id, "source": f"xfer-run:{grid_name}",
                "base_model": cell.base.name, "model_params": float(outcome["model_params"]),
                "intermediate": cell.intermediate_label,
                "intermediate_examples": outcome["intermediate_examples"],
                "intermediate_data": "english", "setting": "zero-shot",
                "target_task": task.name, "language": lang, "split": cell.split,
                "metric": metric, "value": float(scores[metric]), "seed": cell.seed,
                "confidence": "read directly", "note": note,
            })
    return pd.DataFrame(rows)


def done_cells(store, cells: Iterable[Cell]) -> set[str]:
    """Ids of the cells whose rows are already in the store."""
    ids = [c.id for c in cells]
    if not ids:
        return set()
    table = store.table(run_id=ids)
    return set(table["run_id"].unique())


def context(grid: Grid, progress: bool = True) -> RunContext:
    """The run context (data, work dir, device) of a grid."""
    return RunContext(grid.data_dir, grid.work_dir, grid.device, grid.bf16, progress)


def run_grid(grid: Grid, store, executor: str = "local", progress: bool = True,
             log=print) -> dict[str, int]:
    """Run every pending cell of `grid` and store its rows; returns counts of done/ran/rows."""
    from xfer_analysis.train.executors import run_local, run_ray

    finished = done_cells(store, grid.cells)
    pending = [c for c in grid.cells if c.id not in finished]
    log(f"{grid.name}: {len(grid.cells)} cells, {len(finished)} done, {len(pending)} to run")
    version = code_version()
    added = 0

    def write(cell: Cell, outcome: dict) -> None:
        nonlocal added
        n = store.add(cell_rows(cell, outcome, grid.name, version),
                      origin=f"{ORIGIN_PREFIX} {grid.name} {cell.id}")
        added += n
        log(f"  {cell.id} {cell.base.name} {cell.intermediate_label} {cell.target} "
            f"seed={cell.seed}: {n} rows")

    runner = run_ray if executor == "ray" else run_local
    runner(grid, pending, context(grid, progress), write)
    return {"cells": len(grid.cells), "skipped": len(finished), "ran": len(pending),
            "rows": added}
