"""Column names of the results table the analyses rely on, and small frame helpers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
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


def _slow_key_text(series: pd.Series) -> pd.Series:
    """`key_text` value by value (used on the distinct values only)."""
    return series.astype(object).where(series.notna(), NA_KEY).astype(str)


def key_text(series: pd.Series) -> pd.Series:
    """Text form of a key column with NA spelled out, so NA pairs with NA in merges/groupbys.
    Converts each distinct value once, so it stays fast on million-row columns."""
    codes, uniques = pd.factorize(series, use_na_sentinel=False)
    text = _slow_key_text(pd.Series(uniques, dtype=series.dtype)).to_numpy(dtype=object)
    return pd.Series(text[codes], index=series.index, dtype=str)


def key_codes(frame: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    """One integer per row naming its combination of `columns`, equal exactly where the
    `key_text` forms are equal (NA equal to NA); the fast way to merge or group on a key."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for col in columns:
        part, uniques = pd.factorize(key_text(frame[col]))
        codes, _ = pd.factorize(codes * max(len(uniques), 1) + part)
        codes = codes.astype(np.int64)
    return codes


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
