"""The transfer matrix: gains, intervals, significance and provenance per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis.analysis.matrix import MATRIX_COLUMNS, transfer_matrix
from xfer_analysis.analysis.synthetic import synthetic_grid

TARGETS = {
    "xnli": ["en", "de", "fr", "ru", "sw", "ur", "ar", "bg", "el", "es"],
    "xquad": ["en", "de", "ru", "zh"],
}


def _grid(**kw):
    return synthetic_grid(
        {"squad": 3.0, "mnli": {"xnli": 0.0, "xquad": -1.0}},
        TARGETS,
        metrics={"xquad": ["exact_match", "f1"]},
        seeds=(1, 2),
        **kw,
    )


def _matrix(df, **kw):
    return transfer_matrix(df, base_model="xlm-roberta-large", split="dev", n_boot=300, **kw)


def test_matrix_recovers_effects_on_task_score_metric():
    m = _matrix(_grid())
    assert list(m.columns) == list(MATRIX_COLUMNS)
    cell = m.set_index(["intermediate", "target_task"])
    assert cell.loc[("squad", "xnli"), "gain"] == pytest.approx(3.0)
    assert cell.loc[("squad", "xquad"), "metric"] == "em_f1_mean"
    assert cell.loc[("squad", "xquad"), "gain"] == pytest.approx(3.0)
    assert cell.loc[("mnli", "xquad"), "gain"] == pytest.approx(-1.0)
    assert cell.loc[("squad", "xnli"), "n_languages"] == 10
    assert cell.loc[("squad", "xnli"), "n_seeds"] == 2
    # built-in constant effects: zero-width intervals that contain the estimate
    assert cell.loc[("squad", "xnli"), "ci_low"] == pytest.approx(3.0)
    assert len(cell.loc[("squad", "xnli"), "rows"]) == 2 * 2 * 10


def test_matrix_one_metric_and_one_language():
    m = _matrix(_grid(noise=0.5), metric="f1", language="de")
    assert set(m["target_task"]) == {"xquad"} and set(m["metric"]) == {"f1"}
    assert (m["n_languages"] == 1).all()


def test_significance_after_correction():
    m = _matrix(_grid(noise=0.3), correction="bh")
    sig = m.set_index(["intermediate", "target_task"])["significant"]
    assert bool(sig[("squad", "xnli")])
    assert not bool(sig[("mnli", "xnli")])
    assert (m["p_adjusted"] >= m["p_value"] - 1e-12).all()


def test_average_only_cells_have_no_interval_or_test():
    df = synthetic_grid({"squad": 2.0}, {"xnli": ["avg"]})
    m = _matrix(df)
    assert np.isnan(m["ci_low"].item()) and m["ci_note"].item().startswith("source publishes")
    assert m["significant"].isna().all()


def test_empty_selection_gives_empty_matrix():
    m = transfer_matrix(_grid(), base_model="mt5-small", split="dev")
    assert m.empty and list(m.columns) == list(MATRIX_COLUMNS)


def test_matrix_invariant_to_row_order():
    df = _grid(noise=1.0)
    a = _matrix(df)
    b = _matrix(df.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(a, b)
