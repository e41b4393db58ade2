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


def evaluation_noise(frame: pd.DataFrame, predictions: pd.DataFrame, *, source: str,
                     target: str, baseline: str = "none") -> pd.DataFrame:
    """Per intermediate set, stage-1 budget and seed: the paired example-level interval of its
    accuracy gain over the baseline cell of the same seed (same test items), from per-example
    predictions. Labelled evaluation noise only: the training run is held fixed, so these
    intervals are narrower than the run-level ones and never decide a claim."""
    from xfer_analysis.analysis import example_interval

    cells = run_cells(frame, source)
    cells = cells[cells["target_task"] == target]
    base = cells[cells["intermediate"] == baseline].set_index("seed")["run_id"]
    correct = {run: (p.sort_values(["language", "example"])["gold"]
                     == p.sort_values(["language", "example"])["prediction"]).to_numpy(int)
               for run, p in predictions.groupby("run_id")}
    rows = []
    for cell in cells[cells["intermediate"] != baseline].itertuples():
        if cell.seed not in base.index or cell.run_id not in correct:
            continue
        other = base[cell.seed]
        if other not in correct:
            continue
        iv = example_interval(correct[cell.run_id], correct[other])
        rows.append({"intermediate": cell.intermediate,
                     "intermediate_examples": cell.intermediate_examples, "seed": cell.seed,
                     "gain": iv.estimate, "low": iv.low, "high": iv.high,
                     "p_value": iv.p_value, "n_examples": iv.n_examples, "note": iv.note})
    return pd.DataFrame(rows)
