"""`load`: the one call analyses start from — files, a store and the shipped published data."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from xfer_analysis.results.published import published, with_model_params
from xfer_analysis.results.reading import read
from xfer_analysis.results.schema import COLUMNS, KEY_COLUMNS, empty_table, validate
from xfer_analysis.results.store import Store


def load(
    paths: Iterable[str | Path] = (),
    store: Store | str | Path | None = None,
    include_published: bool = True,
) -> pd.DataFrame:
    """Published rows (optional) + a store's rows (if given) + result files, validated together.

    Rows that agree exactly are kept once; rows that share a key but differ raise InputError.
    An empty `model_params` is filled from the shipped parameter-count table where it lists the
    base model (`model_params()`), so every count stays traceable to a source.
    """
    parts = [published()] if include_published else []
    if store is not None:
        st = store if isinstance(store, Store) else Store(store)
        parts.append(st.table())
    parts.extend(read(p) for p in paths)
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_table()
    combined = pd.concat([p[list(COLUMNS)] for p in parts], ignore_index=True)
    out = with_model_params(validate(combined, origin="combined results"))
    return out.sort_values(list(KEY_COLUMNS), kind="stable").reset_index(drop=True)
