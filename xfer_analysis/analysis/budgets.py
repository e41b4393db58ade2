"""Budget axes for diminishing-returns questions: per-intermediate gains as points of
(number of tasks, total examples, gain) or (examples of one task, gain)."""

from __future__ import annotations

import pandas as pd

from xfer_analysis.analysis.lookup import intermediate_descriptors
from xfer_analysis.tasks import BEST_PER_TARGET, NONE


def set_members(intermediate: str) -> tuple[str, ...]:
    """Task names of a canonical intermediate set (`mnli+squad` -> (mnli, squad))."""
    if intermediate in (NONE, BEST_PER_TARGET):
        return ()
    return tuple(intermediate.split("+"))


def total_examples(intermediate: str, capped: object = pd.NA) -> float:
    """Stage-1 examples of a set: the row's `intermediate_examples` when given, else the sum
    of the registry's train sizes (NaN when any member's size has no source)."""
    if not pd.isna(capped):
        return float(capped)
    sizes = [intermediate_descriptors(n)["train_examples"] for n in set_members(intermediate)]
    if not sizes or any(s is None for s in sizes):
        return float("nan")
    return float(sum(sizes))


def task_count_points(per_intermediate: pd.DataFrame) -> pd.DataFrame:
    """From `gains_by_intermediate`: one point per treatment with n_tasks, total_examples, gain."""
    frame = per_intermediate[~per_intermediate["intermediate"].isin([NONE, BEST_PER_TARGET])]
    examples = frame.get("intermediate_examples", pd.Series(pd.NA, index=frame.index))
    return pd.DataFrame({
        "intermediate": frame["intermediate"].astype(str),
        "n_tasks": frame["intermediate"].astype(str).map(lambda s: len(set_members(s))),
        "total_examples": [total_examples(i, e) for i, e in zip(frame["intermediate"], examples,
                                                                strict=True)],
        "gain": frame["gain"].astype(float),
    }).reset_index(drop=True)


def example_points(per_intermediate: pd.DataFrame, intermediate: str) -> pd.DataFrame:
    """Points (examples, gain) of one intermediate task trained on different data sizes."""
    frame = per_intermediate[per_intermediate["intermediate"].astype(str) == intermediate]
    return pd.DataFrame({
        "examples": [total_examples(intermediate, e) for e in frame["intermediate_examples"]],
        "gain": frame["gain"].astype(float),
    }).reset_index(drop=True)
