"""Research question b: gain of semantically diverse intermediate-task sets vs task-homogeneous
sets of the same size and budget (descriptor diversity from `analysis.diversity`)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from xfer_analysis import tasks
from xfer_analysis.analysis import diversity_table
from xfer_analysis.questions.answer import Answer
from xfer_analysis.questions.gains import model_gains, per_intermediate, stilts_model

CONFIG = "configs/rq_b_diversity.yaml"
DIVERSE = "diverse"
HOMOGENEOUS = "homogeneous"
MIXED = "mixed"


def _kind(n_tasks: int, n_families: int) -> str:
    """`diverse` (every task its own format family), `homogeneous` (one family) or `mixed`."""
    if n_families == 1:
        return HOMOGENEOUS
    return DIVERSE if n_families == n_tasks else MIXED


def set_diversity(per_set: pd.DataFrame) -> pd.DataFrame:
    """Multi-task sets with their gain, diversity measures, kind and budget."""
    multi = per_set[per_set["intermediate"].astype(str).str.contains("+", regex=False)]
    if multi.empty:
        return pd.DataFrame()
    table = diversity_table(multi.reset_index(drop=True))
    table["kind"] = [_kind(n, f) for n, f in zip(table["n_tasks"], table["n_format_family"],
                                                  strict=True)]
    table["intermediate_examples"] = multi["intermediate_examples"].to_numpy()
    table["source"] = multi["source"].astype(str).to_numpy()
    table["n_targets"] = multi["n_targets"].to_numpy()
    return table


def kind_comparison(table: pd.DataFrame) -> pd.DataFrame:
    """Mean gain of diverse and homogeneous sets per (set size, budget) where both kinds exist,
    and their difference."""
    rows = []
    budget = table["intermediate_examples"].astype("Float64").fillna(-1)
    for (n, b), part in table.groupby([table["n_tasks"], budget], sort=True):
        means = part.groupby("kind")["gain"].mean()
        counts = part.groupby("kind").size()
        if DIVERSE in means and HOMOGENEOUS in means:
            rows.append({"n_tasks": int(n), "intermediate_examples": None if b < 0 else int(b),
                         "diverse_gain": float(means[DIVERSE]),
                         "homogeneous_gain": float(means[HOMOGENEOUS]),
                         "difference": float(means[DIVERSE] - means[HOMOGENEOUS]),
                         "n_diverse": int(counts[DIVERSE]),
                         "n_homogeneous": int(counts[HOMOGENEOUS])})
    return pd.DataFrame(rows, columns=["n_tasks", "intermediate_examples", "diverse_gain",
                                       "homogeneous_gain", "difference", "n_diverse",
                                       "n_homogeneous"])


def diversity_vs_gain(df: pd.DataFrame, *, benchmark: str = tasks.XTREME,
                      base_model: str | None = None, split: str = "dev") -> Answer:
    """Question b on the loaded rows: diversity of every loaded multi-task set beside its gain,
    diverse vs homogeneous sets at equal size and budget, and the rank correlation of the
    descriptor distance with the gain."""
    model = base_model or stilts_model(df, benchmark)
    gains = model_gains(df, model, benchmark) if model else pd.DataFrame()
    table = set_diversity(per_intermediate(gains, split)) if len(gains) else pd.DataFrame()
    compared = kind_comparison(table) if len(table) else kind_comparison(
        pd.DataFrame(columns=["n_tasks", "intermediate_examples", "kind", "gain"]))
    found, missing = [], []
    notes = [f"{benchmark}, base model {model or 'none with intermediate-task rows'}"]
    if len(table):
        kinds = table["kind"].value_counts()
        found.append(f"{len(table)} multi-task sets loaded: " + ", ".join(
            f"{kinds[k]} {k}" for k in sorted(kinds.index)))
        if table["descriptor_distance"].nunique() > 1 and len(table) >= 3:
            rho, p = stats.spearmanr(table["descriptor_distance"], table["gain"])
            found.append(f"Spearman rank correlation of descriptor distance with gain: "
                         f"{rho:.2f} (p = {p:.3f}, {len(table)} sets)")
    if compared.empty:
        missing.append("diverse and homogeneous multi-task sets of the same size and budget")
    else:
        found.append("diverse minus homogeneous gain: " + "; ".join(
            f"{r.n_tasks} tasks at {_budget(r.intermediate_examples)}: {r.difference:.2f} "
            f"({r.n_diverse} vs {r.n_homogeneous} sets)" for r in compared.itertuples()))
    frames = {"sets": table, "comparison": compared}
    return Answer("b", frames, tuple(found), tuple(missing), (CONFIG,), tuple(notes))


def _budget(value: object) -> str:
    """Budget text: examples, or `full data`."""
    return "full data" if value is None or (isinstance(value, float) and np.isnan(value)) \
        else f"{int(value)} examples"
