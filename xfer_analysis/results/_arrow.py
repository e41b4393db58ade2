"""Results tables as Arrow: the store hands rows over as Arrow, sorted and converted once here."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from xfer_analysis.results.schema import COLUMNS, KEY_COLUMNS, key_codes

SCHEMA = pa.schema([
    (c, pa.float64() if c in ("value", "model_params")
     else pa.int64() if c in ("seed", "intermediate_examples") else pa.string())
    for c in COLUMNS
])
_PANDAS_TYPES = {pa.int64(): pd.Int64Dtype()}


def from_frame(df: pd.DataFrame) -> pa.Table:
    """A checked results frame as an Arrow table with the store's schema."""
    return pa.Table.from_pandas(df[list(COLUMNS)], preserve_index=False).cast(SCHEMA)


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow results table as pandas: Arrow-backed text, float64 numbers, Int64 integers."""
    return table.to_pandas(types_mapper=_PANDAS_TYPES.get)


def sort_by_key(table: pa.Table) -> tuple[pa.Table, bool]:
    """`table` sorted by KEY_COLUMNS (stable, missing last) and whether any key repeats."""
    codes = key_codes(to_frame(table.select(list(KEY_COLUMNS))))
    order = np.argsort(codes, kind="stable")
    ranked = codes[order]
    return table.take(pa.array(order)), bool((ranked[1:] == ranked[:-1]).any())
