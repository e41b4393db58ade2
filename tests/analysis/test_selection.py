"""Best-of-k selection curve: closed form equals enumeration over all k-subsets."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xfer_analysis.analysis.gains import paired_gains
from xfer_analysis.analysis.selection import FEW_RUNS, best_of_k_curve, selection_curve
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.analysis.uncertainty import ONLY_AVERAGE


def _enumerate(select, evaluate, k):
    """Mean over all k-subsets of the evaluate score of the best-on-select arm (ties: mean)."""
    total = []
    for subset in itertools.combinations(range(len(select)), k):
        best = max(select[i] for i in subset)
        winners = [evaluate[i] for i in subset if select[i] == best]
        total.append(sum(winners) / len(winners))
    return sum(total) / len(total)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.tuples(st.integers(-5, 5), st.floats(-20, 20)), min_size=1, max_size=8))
def test_closed_form_equals_enumeration(pairs):
    select = [float(s) for s, _ in pairs]  # small integers: ties are common
    evaluate = [e for _, e in pairs]
    curve = best_of_k_curve(np.array(select), np.array(evaluate))
    for k in range(1, len(pairs) + 1):
        assert curve[k - 1] == pytest.approx(_enumerate(select, evaluate, k), abs=1e-9)


def test_curve_ends_at_best_and_starts_at_mean():
    select = np.array([1.0, 3.0, 2.0])
    evaluate = np.array([10.0, 30.0, 20.0])
    curve = best_of_k_curve(select, evaluate)
    assert curve[0] == pytest.approx(20.0) and curve[-1] == pytest.approx(30.0)


TARGETS = {"xnli": ["en", "de", "fr", "sw"], "pawsx": ["en", "de", "ja"]}


def test_selection_on_dev_evaluated_on_test():
    # dev says squad is best everywhere, but on test squad is worse than mnli
    dev = synthetic_grid({"squad": 3.0, "mnli": 1.0, "qqp": 0.0}, TARGETS, splits=("dev",))
    test = synthetic_grid({"squad": 0.5, "mnli": 2.0, "qqp": -1.0}, TARGETS, splits=("test",))
    gains = paired_gains(pd.concat([dev, test], ignore_index=True))
    curve = selection_curve(gains, n_boot=50)
    assert list(curve["k"]) == [1, 2, 3]
    assert curve["gain"].iloc[0] == pytest.approx(np.mean([0.5, 2.0, -1.0]))
    assert curve["gain"].iloc[-1] == pytest.approx(0.5)
    assert curve["eval_splits"].iloc[0] == ("test",)
    # one training run: its languages are not replicates, so no interval
    assert curve["ci_note"].iloc[0] == FEW_RUNS and curve["ci_low"].isna().all()


def test_selection_interval_resamples_runs():
    seeds = tuple(range(1, 6))
    dev = synthetic_grid({"squad": 3.0, "mnli": 1.0}, TARGETS, splits=("dev",), seeds=seeds,
                         noise=0.5, rng_seed=1)
    test = synthetic_grid({"squad": 0.5, "mnli": 2.0}, TARGETS, splits=("test",), seeds=seeds,
                          noise=0.5, rng_seed=2)
    curve = selection_curve(paired_gains(pd.concat([dev, test], ignore_index=True)), n_boot=50)
    assert curve["ci_note"].isna().all()
    assert (curve["ci_low"] <= curve["gain"] + 1e-9).all()
    assert (curve["gain"] <= curve["ci_high"] + 1e-9).all()


def test_dev_only_selection_is_monotone():
    dev = synthetic_grid({"a": 3.0, "b": 1.0, "c": 0.0, "d": 2.0}, TARGETS, seeds=(1, 2),
                         noise=0.5, rng_seed=3)
    curve = selection_curve(paired_gains(dev), n_boot=100)
    assert curve["eval_splits"].iloc[0] == ("dev",)
    assert np.all(np.diff(curve["gain"]) >= -1e-12)


def test_average_only_selection_has_no_interval():
    dev = synthetic_grid({"a": 3.0, "b": 1.0}, {"xnli": ["avg"]})
    curve = selection_curve(paired_gains(dev), n_boot=20)
    assert curve["ci_note"].iloc[0] == ONLY_AVERAGE and curve["ci_low"].isna().all()
