"""The scaling page's tables: `analysis.scaling` of one target and the trend of one measure."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from xfer_analysis import analysis

MEASURES = {"task score": "score", "worst-language score": "worst_score",
            "spread across languages": "language_spread", "gap to English": "english_gap",
            "gain over the baseline": "gain", "gain over zero-shot (setting)": "setting_gain"}
"""What the page can plot (label -> `analysis.scaling` column)."""


@dataclass(frozen=True)
class Scaling:
    """Rows of one target and split, and the measures (labels) those rows have values for."""

    table: pd.DataFrame
    measures: list[str]


def scaling_view(frame: pd.DataFrame, *, target_task: str, split: str) -> Scaling:
    """`analysis.scaling` of one target and split and the measures it can plot."""
    table = analysis.scaling(frame, target_task=target_task, split=split)
    measures = [label for label, column in MEASURES.items()
                if column in table.columns and table[column].notna().any()]
    return Scaling(table, measures)


def scaling_trend(view: Scaling, measure: str) -> pd.DataFrame:
    """`analysis.scaling_trend` of one measure (a `MEASURES` label) per family."""
    return analysis.scaling_trend(view.table, y=MEASURES[measure])
