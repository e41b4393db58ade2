"""Runs shipped with the product: `data/runs/<grid>/results.csv` (a runner ledger) and their
sources in `data/runs/sources.csv` (kind `run`). Loaded by default beside the published data,
always under their own source id, so they are never blended with a paper's numbers."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results.ledger import read_ledger
from xfer_analysis.results.published import SOURCE_COLUMNS, data_dir
from xfer_analysis.results.schema import empty_table

RUN_SOURCE_COLUMNS = (*SOURCE_COLUMNS, "kind")


def runs_dir() -> Path:
    """`data/runs/`."""
    return data_dir() / "runs"


def run_sources() -> pd.DataFrame:
    """Sources of the shipped runs: id, citation, location, confidence, note, kind (`run`)."""
    path = runs_dir() / "sources.csv"
    if not path.exists():
        return pd.DataFrame(columns=list(RUN_SOURCE_COLUMNS))
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise InputError(f"cannot read the run sources: {exc}", path=str(path)) from None
    if tuple(df.columns) != RUN_SOURCE_COLUMNS:
        raise InputError(f"expected columns {', '.join(RUN_SOURCE_COLUMNS)}", path=str(path),
                         line=1)
    return df


def shipped_runs() -> pd.DataFrame:
    """Every shipped run's rows, validated; each row's source must be listed in sources.csv."""
    folder = runs_dir()
    parts = [read_ledger(p) for p in sorted(folder.glob("*/results.csv"))]
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_table()
    df = pd.concat(parts, ignore_index=True)
    unknown = sorted(set(df["source"]) - set(run_sources()["id"]))
    if unknown:
        raise InputError(f"run source id(s) missing from sources.csv: {', '.join(unknown)}",
                         path=str(folder / "sources.csv"), field="id")
    return df


PREDICTION_COLUMNS = ("language", "example", "gold", "prediction", "run_id")


def shipped_predictions(grid: str) -> pd.DataFrame:
    """Per-example predictions of a shipped run (`data/runs/<grid>/predictions/*.parquet`):
    language, example (index in that language's evaluation set, the same item in every cell),
    gold, prediction, run_id. Empty when the run shipped none."""
    folder = runs_dir() / grid / "predictions"
    parts = []
    for path in sorted(folder.glob("*.parquet")):
        try:
            part = pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            raise InputError(f"cannot read predictions: {exc}", path=str(path)) from None
        if tuple(part.columns) != PREDICTION_COLUMNS:
            raise InputError(f"expected columns {', '.join(PREDICTION_COLUMNS)}", path=str(path))
        if set(part["run_id"]) != {path.stem}:
            raise InputError("run_id differs from the file name", path=str(path), field="run_id")
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=list(PREDICTION_COLUMNS))
    return pd.concat(parts, ignore_index=True)
