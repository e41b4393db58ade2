"""What a run of this package's runner did, read back from its rows: one line per intermediate
set and stage-1 budget (seeds, languages, targets, wall time), and the provenance the rows
carry (code versions, asset hashes, machine, label). Nothing here reads a config file."""

from __future__ import annotations

import json

import pandas as pd

from xfer_analysis.errors import InputError


def _provenance(note: str) -> dict:
    try:
        out = json.loads(note)
    except (TypeError, ValueError):
        return {}
    return out if isinstance(out, dict) else {}


def run_cells(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """One row per cell (run id) of a run source, with its provenance fields."""
    rows = frame[frame["source"].astype(str) == source]
    if rows.empty:
        raise InputError(f"no rows of source {source!r} are loaded", field="source")
    cells = rows.drop_duplicates("run_id")
    prov = [_provenance(n) for n in cells["note"]]
    return pd.DataFrame({
        "run_id": cells["run_id"].astype(str).to_numpy(),
        "intermediate": cells["intermediate"].astype(str).to_numpy(),
        "intermediate_examples": cells["intermediate_examples"].to_numpy(),
        "target_task": cells["target_task"].astype(str).to_numpy(),
        "seed": cells["seed"].to_numpy(),
        "wall_seconds": [p.get("wall_seconds") for p in prov],
        "code_version": [p.get("code_version") for p in prov],
        "label": [p.get("label") for p in prov],
        "assets": [json.dumps(p.get("assets"), sort_keys=True) if p.get("assets") else None
                   for p in prov],
        "machine": [json.dumps(p.get("machine"), sort_keys=True) if p.get("machine") else None
                    for p in prov],
    })


def run_summary(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    """Per intermediate set and stage-1 budget: targets, seeds, languages, cells, wall seconds
    (stage 2 + evaluation per cell; a shared stage 1 is not counted)."""
    rows = frame[frame["source"].astype(str) == source]
    cells = run_cells(frame, source)
    languages = (rows.groupby(["intermediate", "intermediate_examples"], dropna=False)["language"]
                 .nunique().rename("languages"))
    keys = ["intermediate", "intermediate_examples"]
    table = cells.groupby(keys, dropna=False).agg(
        targets=("target_task", "nunique"), seeds=("seed", "nunique"),
        cells=("run_id", "nunique"), wall_seconds=("wall_seconds", "sum"))
    return table.join(languages).reset_index()
