"""The one large synthetic results table every benchmark here times its layer on.

`analysis.synthetic_grid`: baseline + every intermediate task (effect +1.0), every XTREME target
with all its metrics and languages, dev and test, five base models, seeds filled up until the
table holds at least the requested number of rows.
"""

from __future__ import annotations

import math

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis.synthetic import synthetic_grid

MODELS = ("xlm-roberta-large", "xlm-roberta-base", "mt5-small", "mt5-base", "mt5-large")


def large_table(rows: int) -> pd.DataFrame:
    """At least `rows` synthetic result rows (deterministic: one RNG seed per base model)."""
    targets = {t.name: list(t.languages_for("xtreme")) for t in tasks.targets("xtreme")}
    metrics = {t.name: list(t.metrics) for t in tasks.targets("xtreme")}
    effects = {i.name: 1.0 for i in tasks.intermediates()}
    per_seed = sum(len(targets[t]) * len(metrics[t]) for t in targets) * (len(effects) + 1) * 2
    seeds = range(1, math.ceil(rows / (per_seed * len(MODELS))) + 1)
    return pd.concat(
        [synthetic_grid(effects, targets, metrics=metrics, seeds=seeds, base_model=model,
                        splits=("dev", "test"), noise=0.5, rng_seed=number)
         for number, model in enumerate(MODELS)],
        ignore_index=True,
    )
