"""Turn analysis frames into chart-safe frames and build the axes every chart shares:
provenance tuples become text, nullable booleans yes/no/n/a, whole-number columns stay
integers; axes say how their numbers are printed (never Vega's default float text)."""

from __future__ import annotations

from collections.abc import Iterable

import altair as alt
import numpy as np
import pandas as pd

from xfer_analysis.errors import InputError

VALUE_FORMAT = ".1f"
"""Printed precision of scores and gains (points on the 0-100 scale)."""
COUNT_FORMAT = "d"
"""Printed form of whole-number axes (k, number of tasks, size order)."""


def chart_frame(frame: pd.DataFrame, needed: Iterable[str]) -> pd.DataFrame:
    """Copy of `frame` with tuple cells joined by '; ', nullable booleans as text, and nullable
    numbers as plain numbers (integers where every value is whole)."""
    for col in needed:
        if col not in frame.columns:
            raise InputError(f"chart needs column {col!r}", field=col)
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if series.dtype == object and series.map(lambda v: isinstance(v, tuple)).any():
            out[col] = series.map(lambda v: "; ".join(map(str, v)) if isinstance(v, tuple) else v)
        elif str(series.dtype) == "boolean" or series.dtype == bool:
            out[col] = series.astype(object).map(
                lambda v: "n/a" if v is pd.NA or v is None else ("yes" if v else "no")
            )
        elif str(series.dtype) == "Int64":
            out[col] = series.astype("int64") if series.notna().all() else series.astype(float)
        elif str(series.dtype) == "Float64":
            out[col] = series.astype(float)
    return out


def is_whole(values: pd.Series) -> bool:
    """Whether every finite value of a numeric column is a whole number (a count axis)."""
    arr = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    arr = arr[np.isfinite(arr)]
    return bool(arr.size) and bool(np.all(arr == np.round(arr)))


def axis(values: pd.Series, *, log: bool = False) -> alt.Axis:
    """An axis printing whole numbers as integers (one tick per step) and other numbers with
    `VALUE_FORMAT`; a log axis prints counts with thousands separators."""
    if log:
        return alt.Axis(format=",~r")
    if is_whole(values):
        return alt.Axis(format=COUNT_FORMAT, tickMinStep=1)
    return alt.Axis(format=VALUE_FORMAT)


def symmetric_limit(values: pd.Series) -> float:
    """Largest absolute finite value (1.0 when there is none), for a domain centred on 0."""
    arr = np.abs(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))
    arr = arr[np.isfinite(arr)]
    return float(arr.max()) if arr.size and arr.max() > 0 else 1.0
