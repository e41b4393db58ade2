"""`load`: the one call analyses start from — files, a store and the shipped published data."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from xfer_analysis.results.published import published, with_model_params
from xfer_analysis.results.reading import read
from xfer_analysis.results.schema import empty_table, key_codes
from xfer_analysis.results.store import Store
from xfer_analysis.results.validation import drop_duplicate_keys


def load(
    paths: Iterable[str | Path] = (),
    store: Store | str | Path | None = None,
    include_published: bool = True,
) -> pd.DataFrame:
    """Published rows (optional) + a store's rows (if given) + result files, in one table.

    Each part is validated once (files when read, store rows when added, published rows when
    loaded), so they are only combined here: rows that agree exactly are kept once; rows that
    share a key but differ raise InputError.
    An empty `model_params` is filled from the shipped parameter-count table where it lists the
    base model (`model_params()`), so every count stays traceable to a source.
    """
    parts = [published()] if include_published else []
    if store is not None:
        st = store if isinstance(store, Store) else Store(store)
        parts.append(st.table(ordered=False))
    parts.extend(read(p) for p in paths)
    parts = [p for p in parts if len(p)]
    if not parts:
        return empty_table()
    combined = pd.concat(parts, ignore_index=True)
    codes = key_codes(combined)
    if len(np.unique(codes)) < len(codes):
        combined = drop_duplicate_keys(combined, origin="combined results")
        codes = key_codes(combined)
    ordered = combined.take(np.argsort(codes, kind="stable")).reset_index(drop=True)
    return with_model_params(ordered)
