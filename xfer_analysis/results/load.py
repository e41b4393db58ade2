"""`load`: the one call analyses start from — files, a store and the shipped published data."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa

from xfer_analysis.results._arrow import from_frame, sort_by_key, to_frame
from xfer_analysis.results.published import published, with_model_params
from xfer_analysis.results.reading import read
from xfer_analysis.results.runs import shipped_runs
from xfer_analysis.results.schema import empty_table
from xfer_analysis.results.store import Store
from xfer_analysis.results.validation import drop_duplicate_keys


def load(
    paths: Iterable[str | Path] = (),
    store: Store | str | Path | None = None,
    include_published: bool = True,
    include_runs: bool | None = None,
) -> pd.DataFrame:
    """Published rows (optional) + shipped runs (`data/runs/`; by default exactly when the
    published rows are included) + a store's rows (if given) + result files, sorted by key.

    Each part is validated once (files when read, store rows when added, published rows when
    loaded), so here they are only combined: rows that agree exactly are kept once; rows that
    share a key but differ raise InputError. An empty `model_params` is filled from the shipped
    parameter-count table where it lists the base model (`model_params()`), so every count
    stays traceable to a source.
    """
    parts = [from_frame(published())] if include_published else []
    if include_published if include_runs is None else include_runs:
        parts.append(from_frame(shipped_runs()))
    if store is not None:
        st = store if isinstance(store, Store) else Store(store)
        parts.append(st.arrow_table())
    parts.extend(from_frame(read(p)) for p in paths)
    parts = [p for p in parts if p.num_rows]
    if not parts:
        return empty_table()
    combined = pa.concat_tables(parts)
    ordered, repeats = sort_by_key(combined)
    if repeats:
        kept = drop_duplicate_keys(to_frame(combined), origin="combined results")
        ordered, _ = sort_by_key(from_frame(kept))
    return with_model_params(to_frame(ordered))
