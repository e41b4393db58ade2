"""Budget axes for diminishing-returns questions: per-intermediate gains as points of
(number of tasks, total examples, gain) or (examples of one task, gain)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis.lookup import intermediate_descriptors
from xfer_analysis.tasks import BEST_PER_TARGET, NONE

#: Objectives that are not labelled tasks (the paper's continued multilingual MLM variant).
OBJECTIVES = tuple(t.name for t in tasks.intermediates()
                   if t.format_family == "language modelling")


def _parts(intermediate: str) -> tuple[str, ...]:
    """Names joined by `+` in a canonical intermediate label (none for the baseline/system)."""
    if intermediate in (NONE, BEST_PER_TARGET):
        return ()
    return tuple(intermediate.split("+"))


def set_members(intermediate: str) -> tuple[str, ...]:
    """Labelled tasks of a canonical intermediate set (`mnli+squad` -> (mnli, squad)); the
    multilingual MLM objective of a variant (`anli+mlm`) is not a task and is left out."""
    return tuple(p for p in _parts(intermediate) if p not in OBJECTIVES)


def variant_objectives(intermediate: str) -> tuple[str, ...]:
    """Objectives of a set that are not labelled tasks (`anli+mlm` -> (mlm,))."""
    return tuple(p for p in _parts(intermediate) if p in OBJECTIVES)


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


def _note_says_full(note: object) -> bool:
    """Whether a runner row's note (JSON with the cell config) records stage-1 size `full`."""
    try:
        cell = json.loads(str(note))
    except ValueError:
        return False
    stage1 = (cell.get("config") or {}).get("stage1") if isinstance(cell, dict) else None
    return isinstance(stage1, dict) and "size" in stage1 and stage1["size"] is None


def full_size(frame: pd.DataFrame) -> np.ndarray:
    """Mask of rows trained on the whole intermediate-task data: `intermediate_examples` is
    empty, or the row is a runner row whose cell config records size `full` (the runner writes
    the number of examples it used even at full size)."""
    examples = frame["intermediate_examples"]
    full = examples.isna().to_numpy().copy()
    if "note" in frame.columns and not full.all():
        notes = frame["note"].astype(str)
        verdict = {n: _note_says_full(n) for n in notes[~full].unique()}
        full |= notes.map(verdict).fillna(False).to_numpy(dtype=bool)
    return full
