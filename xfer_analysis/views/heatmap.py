"""The heatmap page's table: the transfer matrix of one model, split, setting and source."""

from __future__ import annotations

import pandas as pd

from xfer_analysis.analysis import transfer_matrix

TASK_SCORE = "task score"
"""Metric choice meaning: each target's official score (QA: mean of EM and F1)."""
AVERAGE = "average over languages"
"""Language choice meaning: every language of a target, averaged."""


def heatmap_matrix(frame: pd.DataFrame, *, base_model: str, split: str,
                   setting: str = "zero-shot", metric: str = TASK_SCORE,
                   language: str = AVERAGE, correction: str = "holm",
                   source: str | None = None) -> pd.DataFrame:
    """`analysis.transfer_matrix` with the page's choices (`TASK_SCORE`, `AVERAGE` = none)."""
    return transfer_matrix(frame, base_model=base_model, split=split, setting=setting,
                           metric=None if metric == TASK_SCORE else metric,
                           language=None if language == AVERAGE else language,
                           correction=correction, source=source)
