"""Filter options and row selections every dashboard page and the CLI share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from xfer_analysis import analysis, tasks
from xfer_analysis.questions.budget import FULL


def column_values(frame: pd.DataFrame, columns: Sequence[str], *, tasks_only: bool = False
                  ) -> dict[str, list[str]]:
    """The distinct non-missing values of each column, as sorted strings (filter options);
    with `tasks_only`, of single-task rows only (benchmark/category aggregates left out,
    as `analysis.task_rows` does), without copying the table."""
    mask = None
    if tasks_only and "target_task" in frame.columns:
        names = frame["target_task"].astype(str)
        aggregates = [name for name in names.unique() if tasks.is_aggregate(name)]
        mask = ~names.isin(aggregates).to_numpy() if aggregates else None
    out = {}
    for column in columns:
        if column in frame.columns:
            values = frame[column] if mask is None else frame[column][mask]
            out[column] = sorted({str(value) for value in values.dropna().unique()})
    return out


def filter_rows(frame: pd.DataFrame, filters: Mapping[str, Iterable[Any]]) -> pd.DataFrame:
    """Rows whose column values are among the chosen ones; an empty choice keeps every row."""
    mask = pd.Series(True, index=frame.index)
    for column, chosen in filters.items():
        values = list(chosen)
        if values:
            mask &= frame[column].astype(str).isin([str(value) for value in values])
    return frame[mask]


def model_rows(frame: pd.DataFrame, base_model: str, setting: str | None = "zero-shot",
               split: str | None = None) -> pd.DataFrame:
    """Rows of one base model (and setting and split, where given)."""
    mask = (frame["base_model"].astype(str) == base_model).to_numpy()
    if setting is not None:
        mask = mask & (frame["setting"].astype(str) == setting).to_numpy()
    if split is not None:
        mask = mask & (frame["split"].astype(str) == split).to_numpy()
    return frame[mask]


def treatment_sources(frame: pd.DataFrame, *, base_model: str, setting: str = "zero-shot",
                      split: str | None = None) -> list[str]:
    """The treatment sources among one model's rows (`analysis.source_options`): a view shows
    one of them at a time, because a cell never combines gains of two sources."""
    rows = model_rows(frame[["base_model", "setting", "split", "source", "intermediate",
                             "target_task"]], base_model, setting, split)
    return analysis.source_options(analysis.task_rows(rows))


def budget_label(value: object) -> str:
    """The label of a stage-1 budget (`intermediate_examples`): `FULL` when uncapped."""
    return FULL if pd.isna(value) else str(int(value))


def budget_labels(values: Iterable[object]) -> list[str]:
    """Distinct budget labels, `FULL` first, then capped budgets in increasing order."""
    labels = {budget_label(value) for value in values}
    return ([FULL] if FULL in labels else []) + sorted(labels - {FULL}, key=int)
