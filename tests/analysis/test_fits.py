"""Diminishing-returns fits: known curves are recovered and the AICc choice is sensible."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis import tasks as registry
from xfer_analysis.analysis.budgets import example_points, task_count_points
from xfer_analysis.analysis.fits import aicc, compare_at_budget, fit_curves
from xfer_analysis.errors import InputError

X = np.arange(1, 13, dtype=float)
NOISE = np.random.default_rng(0).normal(0, 0.02, len(X))


def test_log_curve_recovered():
    fits = fit_curves(X, 2 + 3 * np.log(X) + NOISE, n_boot=100)
    row = fits.table.set_index("model").loc["log"]
    assert fits.chosen == "log"
    assert row["gain_per_doubling"] == pytest.approx(3 * np.log(2), abs=0.05)
    assert np.isnan(row["asymptote"]) and np.isnan(row["x90"])
    assert row["gain_per_doubling_low"] <= row["gain_per_doubling"] <= row["gain_per_doubling_high"]


def test_saturating_curve_gives_asymptote_and_x90():
    fits = fit_curves(X, 10 - 8 * np.exp(-0.5 * X) + NOISE, n_boot=100)
    row = fits.table.set_index("model").loc["saturating"]
    assert fits.chosen == "saturating"
    assert row["asymptote"] == pytest.approx(10, abs=0.1)
    assert row["x90"] == pytest.approx(np.log(8 / 1.0) / 0.5, abs=0.15)
    assert row["marginal_gain"] == pytest.approx(8 * (np.exp(-6) - np.exp(-6.5)), abs=0.02)


def test_hinge_curve_plateau():
    fits = fit_curves(X, 1 + 2 * np.minimum(X, 4) + NOISE, n_boot=50)
    row = fits.table.set_index("model").loc["hinge"]
    assert fits.chosen == "hinge"
    assert row["asymptote"] == pytest.approx(9, abs=0.1)
    assert row["x90"] == pytest.approx((0.9 * 9 - 1) / 2, abs=0.1)
    assert row["marginal_gain"] == pytest.approx(0, abs=0.05)


def test_aicc_penalises_parameters_and_needs_enough_points():
    assert aicc(1.0, 10, 3) > aicc(1.0, 10, 2)
    assert aicc(1.0, 3, 2) == np.inf


def test_bad_budgets_rejected():
    with pytest.raises(InputError, match="positive"):
        fit_curves([0, 1, 2], [0, 1, 2])
    with pytest.raises(InputError, match="two distinct"):
        fit_curves([2, 2, 2], [0, 1, 2])


def test_band_contains_fit_and_budget_comparison():
    ex_x = np.array([1e3, 3e3, 1e4, 3e4, 1e5, 3e5])
    ex = fit_curves(ex_x, 1 + np.log(ex_x) + NOISE[:6], models=("log",), n_boot=100)
    tk_x = np.array([5e4, 1e5, 2e5, 4e5, 8e5])
    tk = fit_curves(tk_x, 2 + np.log(tk_x) + NOISE[:5], models=("log",), n_boot=100)
    low, high = ex.predict_interval([1e4])
    assert low[0] <= ex.predict([1e4])[0] <= high[0]
    cmp = compare_at_budget(tk, ex)
    assert list(cmp["budget"]) == [5e4, 1e5, 2e5]  # no extrapolation beyond 3e5
    assert cmp["difference"].to_numpy() == pytest.approx(1.0, abs=0.1)
    assert (cmp["difference_low"] <= cmp["difference"]).all()


def test_points_from_per_intermediate_gains():
    per = pd.DataFrame({
        "intermediate": ["none", "mnli", "mnli+squad", "squad", "squad", "hellaswag"],
        "intermediate_examples": pd.array([pd.NA, pd.NA, pd.NA, 1000, pd.NA, pd.NA],
                                          dtype="Int64"),
        "gain": [0.0, 1.0, 2.0, 0.5, 1.5, 1.2],
    })
    tasks = task_count_points(per)
    assert list(tasks["n_tasks"]) == [1, 2, 1, 1, 1]
    sizes = {n: registry.intermediate(n).train_examples for n in ("mnli", "squad", "hellaswag")}
    assert tasks["total_examples"].iloc[1] == sizes["mnli"] + sizes["squad"]
    if sizes["hellaswag"] is None:  # a size without a source stays unknown
        assert np.isnan(tasks["total_examples"].iloc[4])
    ex = example_points(per, "squad")
    assert list(ex["examples"]) == [1000.0, float(sizes["squad"])]
