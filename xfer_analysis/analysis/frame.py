"""Small frame helpers of the analyses; the table contract (`KEY_COLUMNS`) is
`results.schema`'s, imported here, never copied."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results.schema import KEY_COLUMNS
from xfer_analysis.tasks import AVG as AVERAGE_LANGUAGE

REQUIRED_COLUMNS: tuple[str, ...] = (*KEY_COLUMNS, "value")
NA_KEY = "<NA>"


SUPERSEDED = "superseded"
"""Confidence of a republished number that a newer source replaces (left out of analyses)."""


def current_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows not marked `superseded` (every analysis starts from these)."""
    if "confidence" not in df.columns:
        return df
    return df[(df["confidence"].astype(str) != SUPERSEDED).to_numpy()]


def languages_or_average(part: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """The per-language rows of one cell where it has any, else its `avg` rows (a source that
    publishes only an average), and whether only the average was there."""
    langs = part[(part["language"].astype(str) != AVERAGE_LANGUAGE).to_numpy()]
    return (part, True) if langs.empty else (langs, False)


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
