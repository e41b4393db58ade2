"""The per-language page's table: one intermediate's gain on one target, per language."""

from __future__ import annotations

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import gains_by_language, paired_gains, score_rows, with_task_scores
from xfer_analysis.analysis.lookup import language_info, score_metric
from xfer_analysis.questions.budget import FULL
from xfer_analysis.views.filters import budget_label, budget_labels

LANGUAGE_GROUPS = ("family", "script", "resource_level")


def _chosen(frame: pd.DataFrame, base_model: str, split: str, target: str,
            intermediate: str) -> pd.DataFrame:
    """Rows of one model, split and target, of the baseline and one intermediate."""
    return frame[(frame["base_model"].astype(str) == base_model)
                   & (frame["split"].astype(str) == split)
                   & (frame["target_task"].astype(str) == target)
                   & frame["intermediate"].astype(str).isin([tasks.NONE, intermediate])]


def language_budgets(frame: pd.DataFrame, *, base_model: str, split: str, target: str,
                     intermediate: str) -> list[str]:
    """The stage-1 budgets (`budget_labels`) `intermediate` was trained on for this target."""
    rows = _chosen(frame, base_model, split, target, intermediate)
    rows = rows[rows["intermediate"].astype(str) == intermediate]
    return budget_labels(rows["intermediate_examples"])


def per_language_gains(frame: pd.DataFrame, *, base_model: str, split: str, target: str,
                       intermediate: str, source: str | None = None,
                       budget: str | None = None) -> pd.DataFrame:
    """Seed-averaged gain per language of one intermediate on one target (task-score metric),
    each row of one source (the treatment rows of `source` only, where given) and of one
    stage-1 budget (`budget`; default: the largest, `FULL` first), with each language's
    family, script and resource level; largest gain first."""
    chosen = _chosen(frame, base_model, split, target, intermediate)
    chosen = score_rows(with_task_scores(chosen), score_metric(target))
    gains = paired_gains(chosen, treatments=[intermediate])
    if source is not None and len(gains):
        gains = gains[gains["source"].astype(str) == source]
    if gains.empty:
        return pd.DataFrame()
    labels = gains["intermediate_examples"].map(budget_label)
    budgets = budget_labels(gains["intermediate_examples"])
    chosen_budget = budget if budget in budgets else (FULL if FULL in budgets else budgets[-1])
    gains = gains[(labels == chosen_budget).to_numpy()]
    table = gains_by_language(gains, by=("source",))
    info = [language_info(code) for code in table["language"].astype(str)]
    table = table.assign(**{group: [getattr(i, group) or "unknown" for i in info]
                            for group in LANGUAGE_GROUPS})
    return table.sort_values(["gain", "language"], ascending=[False, True], ignore_index=True)
