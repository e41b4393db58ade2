"""The overview page's table: benchmark and category scores of every loaded system."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import aggregate_scores

SYSTEM = ["source", "base_model", "intermediate", "intermediate_examples", "intermediate_data",
          "setting", "split"]


def benchmark_scores(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """One row per system (and source), one column per aggregate score
    (`analysis.aggregate_scores`); systems with no computable aggregate are left out, and
    `missing` lists the member tasks a system lacks for the first aggregate in `names`."""
    parts = [part for name in names if not (part := aggregate_scores(frame, name)).empty]
    if not parts or all(part["value"].isna().all() for part in parts):
        return pd.DataFrame()
    long = pd.concat(parts, ignore_index=True)
    keys = long[SYSTEM].astype("string").fillna("-")
    long = long.assign(_system=keys.agg(" | ".join, axis=1))
    wide = long.pivot_table(index="_system", columns="target_task", values="value",
                            aggfunc="first")
    wide = wide.dropna(how="all")
    first = long.drop_duplicates("_system").set_index("_system")
    benchmark = long[long["target_task"] == names[0]].set_index("_system")
    out = first.loc[wide.index, SYSTEM].copy()
    for name in names:
        if name in wide.columns:
            out[tasks.aggregate(name).display] = wide[name]
    out["missing for the benchmark score"] = benchmark["missing"].reindex(wide.index).map(
        lambda m: ", ".join(m) if isinstance(m, tuple) else "")
    out["sources"] = long.groupby("_system")["source"].agg(
        lambda s: "; ".join(sorted(set("; ".join(s).split("; "))))).reindex(wide.index)
    return out.reset_index(drop=True)


def published_aggregates(frame: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """The loaded benchmark-level rows (published aggregates) of the aggregates in `names`."""
    rows = frame[frame["target_task"].astype(str).isin(list(names))]
    return rows[["base_model", "intermediate", "setting", "split", "target_task", "metric",
                 "value", "source", "confidence", "note"]]
