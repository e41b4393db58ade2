"""Synthetic grids shaped like the research-question configs, with built-in effects."""

from __future__ import annotations

import math

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import synthetic_grid

TARGETS = {"xnli": ("en", "de", "sw"), "pawsx": ("en", "fr")}
SETS = ("squad", "mnli+squad", "hellaswag+mnli+squad", "ccg+hellaswag+mnli+squad",
        "anli+ccg+cosmosqa+hellaswag+mnli+squad",
        "+".join(sorted(tasks.PAPER_TASKS)))
SIZES = (1000, 2000, 4000, 8000, 16000, 32000, 64000)  # configs/rq_a_tasks_vs_size.yaml
PER_TASK_LOG = 1.5
PER_EXAMPLE_LOG = 0.8


def rq_a_grid(sets: tuple[str, ...] = SETS, sizes: tuple[int, ...] = SIZES) -> pd.DataFrame:
    """Every set at every total budget (as configs/rq_a_tasks_vs_size.yaml), with gain
    1 + PER_TASK_LOG·ln(#tasks) + PER_EXAMPLE_LOG·ln(budget/1000) on every target."""
    effects = {f"{s}@{n}": 1 + PER_TASK_LOG * math.log(len(s.split("+")))
               + PER_EXAMPLE_LOG * math.log(n / 1000) for s in sets for n in sizes}
    return capped(effects)


def capped(effects: dict[str, float]) -> pd.DataFrame:
    """`synthetic_grid` of `set@examples` labels turned into capped treatment rows."""
    df = synthetic_grid(effects, TARGETS, seeds=(1, 2))
    label = df["intermediate"].astype(str)
    df["intermediate"] = label.str.split("@").str[0]
    df["intermediate_examples"] = pd.array(
        [int(v.split("@")[1]) if "@" in v else pd.NA for v in label], dtype="Int64")
    return df
