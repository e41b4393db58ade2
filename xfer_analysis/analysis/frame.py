"""Column names of the results table the analyses rely on, and small frame helpers."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from xfer_analysis.errors import InputError

KEY_COLUMNS: tuple[str, ...] = (
    "run_id",
    "source",
    "base_model",
    "intermediate",
    "intermediate_examples",
    "intermediate_data",
    "setting",
    "target_task",
    "language",
    "split",
    "metric",
    "seed",
)
REQUIRED_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, "value")
NA_KEY = "<NA>"
AVERAGE_LANGUAGE = "avg"


def require_columns(df: pd.DataFrame, columns: Iterable[str], origin: str) -> None:
    """Raise InputError naming the first column an analysis needs that the frame lacks."""
    for col in columns:
        if col not in df.columns:
            raise InputError(f"{origin} needs column {col!r}", field=col)


def key_text(series: pd.Series) -> pd.Series:
    """Text form of a key column with NA spelled out, so NA pairs with NA in merges/groupbys."""
    return series.astype(object).where(series.notna(), NA_KEY).astype(str)


def row_ids(df: pd.DataFrame) -> pd.Series:
    """Stable id of each results row: run, target, language, split, metric."""
    parts = [key_text(df[c]) for c in ("run_id", "target_task", "language", "split", "metric")]
    out = parts[0]
    for part in parts[1:]:
        out = out + ":" + part
    return out


def unique_tuple(values: Iterable[object]) -> tuple[str, ...]:
    """Sorted tuple of distinct non-missing values as text (for row/source provenance cells)."""
    flat: set[str] = set()
    for v in values:
        if isinstance(v, tuple):
            flat.update(str(x) for x in v)
        elif not pd.isna(v):
            flat.add(str(v))
    return tuple(sorted(flat))
