"""Turn analysis frames into chart-safe frames: provenance tuples become text, nullable
booleans become yes/no/n/a; numeric columns are passed through unchanged."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from xfer_analysis.errors import InputError


def chart_frame(frame: pd.DataFrame, needed: Iterable[str]) -> pd.DataFrame:
    """Copy of `frame` with tuple cells joined by '; ' and nullable booleans as text."""
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
        elif str(series.dtype) in ("Int64", "Float64"):
            out[col] = series.astype(float)
    return out


def symmetric_limit(values: pd.Series) -> float:
    """Largest absolute finite value (1.0 when there is none), for a domain centred on 0."""
    arr = np.abs(pd.to_numeric(values, errors="coerce").to_numpy(dtype=float))
    arr = arr[np.isfinite(arr)]
    return float(arr.max()) if arr.size and arr.max() > 0 else 1.0
