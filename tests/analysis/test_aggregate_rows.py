"""Tables mixing task rows with aggregate rows (`xtreme`, `xtreme:qa`, … metric `score`,
language `avg`): analyses that need task rows skip the aggregates instead of crashing."""

from __future__ import annotations

import pandas as pd
import pytest

from xfer_analysis.analysis import (
    gains_by_intermediate,
    paired_gains,
    score_rows,
    selection_curve,
    task_rows,
    with_task_scores,
)
from xfer_analysis.analysis.synthetic import synthetic_grid

TARGETS = {"xnli": ["en", "de"], "xquad": ["en", "de"]}
AGGREGATES = ("xtreme", "xtreme:qa", "xtreme:avg_category_excl_retrieval")


def _with_aggregates() -> tuple[pd.DataFrame, pd.DataFrame]:
    """A dev+test grid, and the same grid plus one aggregate row per system and aggregate."""
    df = synthetic_grid({"squad": 2.0, "mnli": 1.0}, TARGETS, splits=("dev", "test"),
                        metrics={"xquad": ["exact_match", "f1"]})
    systems = df.drop_duplicates(["intermediate", "split"])
    extra = [systems.assign(target_task=name, language="avg", metric="score", value=70.0 + i)
             for i, name in enumerate(AGGREGATES)]
    return df, pd.concat([df, *extra], ignore_index=True)


def test_score_rows_and_task_rows_skip_aggregates():
    df, mixed = _with_aggregates()
    assert set(task_rows(mixed)["target_task"]) == set(TARGETS)
    scored = score_rows(with_task_scores(mixed))
    assert set(scored["target_task"]) == set(TARGETS)
    assert set(scored["metric"]) == {"accuracy", "em_f1_mean"}
    assert score_rows(mixed, "score").empty


def test_average_improvement_and_selection_ignore_aggregates():
    df, mixed = _with_aggregates()
    clean = gains_by_intermediate(paired_gains(score_rows(with_task_scores(df))))
    got = gains_by_intermediate(paired_gains(with_task_scores(mixed)))
    pd.testing.assert_frame_equal(got, clean)
    assert got.set_index(["intermediate", "split"])["gain"][("squad", "dev")] == \
        pytest.approx(2.0)
    gains = paired_gains(score_rows(with_task_scores(mixed)))
    with_agg = pd.concat([gains, paired_gains(mixed[mixed["metric"] == "score"])])
    pd.testing.assert_frame_equal(selection_curve(with_agg, n_boot=20),
                                  selection_curve(gains, n_boot=20))
