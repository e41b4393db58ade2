"""Diminishing returns (research question a) as the dashboard shows it: the same answer the
notebook prints (`questions.tasks_vs_data`), plus the per-budget and per-task fits the page's
selectors pick from that answer's points."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.questions import Answer, tasks_vs_data
from xfer_analysis.questions.budget import FULL, fit_points
from xfer_analysis.views.filters import budget_labels


@dataclass(frozen=True)
class Fit:
    """Measured points, the chosen fit's curve with its band, and the fit table (both empty
    with fewer than `MIN_POINTS` distinct budgets)."""

    points: pd.DataFrame
    curve: pd.DataFrame
    table: pd.DataFrame


@dataclass(frozen=True)
class Returns:
    """Question (a) on one model, split and source: the answer (matched budget, best-of-k),
    every treatment's point, the stage-1 budgets and the single tasks with several sizes."""

    answer: Answer
    points: pd.DataFrame
    budgets: list[str]
    example_tasks: list[str]


def returns(frame: pd.DataFrame, *, base_model: str, split: str, source: str | None = None,
            benchmark: str = tasks.XTREME) -> Returns:
    """`questions.tasks_vs_data` of one base model, split and treatment source."""
    answer = tasks_vs_data(frame, benchmark=benchmark, base_model=base_model, split=split,
                           source=source)
    points = answer.frames["points"]
    if points.empty:
        return Returns(answer, points, [], [])
    budgets = budget_labels(None if cap == FULL else int(cap) for cap in points["cap"])
    single = points[(points["n_tasks"] == 1) & np.isfinite(points["total_examples"])]
    sizes = single.groupby("intermediate")["total_examples"].nunique()
    return Returns(answer, points, budgets, sorted(sizes[sizes >= 2].index))


def _fit(points: pd.DataFrame, x: str) -> Fit:
    """`Fit` of gain on column `x` of `points`."""
    fit = fit_points(points[x], points["gain"]) if len(points) else None
    if fit is None:
        return Fit(points, pd.DataFrame(), pd.DataFrame())
    return Fit(points, fit.curve_frame(), fit.table)


def task_count_fit(view: Returns, budget: str) -> Fit:
    """Gain vs number of intermediate tasks of the sets trained on `budget` stage-1 examples."""
    if view.points.empty:
        return Fit(view.points, pd.DataFrame(), pd.DataFrame())
    points = view.points[view.points["cap"] == budget].sort_values(["n_tasks", "intermediate"])
    return _fit(points.reset_index(drop=True), "n_tasks")


def example_fit(view: Returns, intermediate: str) -> Fit:
    """Gain vs stage-1 training examples of one intermediate task."""
    points = view.points[(view.points["intermediate"] == intermediate)
                         & np.isfinite(view.points["total_examples"])]
    points = points.sort_values("total_examples").reset_index(drop=True)
    return _fit(points, "total_examples")

