"""Run-level intervals and tests, example-level intervals, partial conjunction, and
multiple-comparison corrections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from xfer_analysis.analysis.calibration import SCENARIOS, calibrate
from xfer_analysis.analysis.gains import paired_gains
from xfer_analysis.analysis.synthetic import simulated_gains, synthetic_grid
from xfer_analysis.analysis.uncertainty import (
    EVALUATION_NOISE,
    ONE_RUN,
    ONLY_AVERAGE,
    benjamini_hochberg,
    example_interval,
    holm,
    languages_holding,
    partial_conjunction,
    permutation_test,
    run_interval,
    run_test,
    run_units,
    sign_test,
)
from xfer_analysis.errors import InputError


def _cell(effect, languages, seeds=(1,), noise=1.0, rng_seed=0, target="xnli"):
    df = synthetic_grid({"squad": effect}, {target: languages}, seeds=seeds, noise=noise,
                        rng_seed=rng_seed)
    return paired_gains(df)


def test_holm_matches_hand_computation():
    np.testing.assert_allclose(holm([0.01, 0.04, 0.03, 0.005]), [0.03, 0.06, 0.06, 0.02])


def test_bh_matches_scipy_and_keeps_nan():
    p = np.array([0.01, 0.04, np.nan, 0.03, 0.005, 0.2])
    got = benjamini_hochberg(p)
    ok = ~np.isnan(p)
    np.testing.assert_allclose(got[ok], stats.false_discovery_control(p[ok], method="bh"))
    assert np.isnan(got[2])
    assert np.isnan(holm(p)[2])


def test_average_only_with_one_run_gives_no_interval_and_says_why():
    gains = _cell(2.0, ["avg"])
    ci = run_interval(gains)
    assert ci.estimate == pytest.approx(gains["gain"].item())
    assert np.isnan(ci.low) and np.isnan(ci.high)
    assert ONLY_AVERAGE in ci.note and ONE_RUN in ci.note
    assert np.isnan(run_test(gains).p_value) and np.isnan(permutation_test(gains).p_value)
    assert sign_test(gains).note == ONE_RUN


def test_one_seed_many_languages_has_no_run_level_interval_or_test():
    """Finding 3: languages of one run are not independent replicates (the sign-flip over 15
    languages of one seed used to give a p-value, 50-73% false positives under the null)."""
    gains = _cell(0.3, [f"l{i}" for i in range(15)], seeds=(7,), noise=1.0)
    ci = run_interval(gains)
    assert np.isnan(ci.low) and ci.note == ONE_RUN
    for test in (run_test, permutation_test, sign_test):
        res = test(gains)
        assert np.isnan(res.p_value) and res.note == ONE_RUN


def test_average_rows_with_several_seeds_do_get_a_run_interval():
    gains = _cell(2.0, ["avg"], seeds=(1, 2, 3), noise=0.5)
    ci = run_interval(gains)
    assert ci.note is None and ci.low < ci.estimate < ci.high and ci.n_seeds == 3


def test_run_interval_is_the_t_interval_of_run_means():
    gains = _cell(1.0, ["en", "de", "fr", "sw", "ur"], seeds=(1, 2, 3), noise=1.0)
    units = run_units(gains)
    per_run = gains.groupby("seed")["gain"].mean().to_numpy()
    np.testing.assert_allclose(units.values, per_run)
    want = stats.t.interval(0.95, 2, loc=per_run.mean(), scale=stats.sem(per_run))
    ci = run_interval(gains)
    assert (ci.low, ci.high) == pytest.approx(want)
    assert ci.n_seeds == 3 and ci.n_languages == 5
    assert run_test(gains).p_value == pytest.approx(stats.ttest_1samp(per_run, 0).pvalue)


def test_interval_narrows_with_less_noise():
    wide = run_interval(_cell(1.0, list("abcdefgh"), seeds=(1, 2, 3), noise=3.0))
    narrow = run_interval(_cell(1.0, list("abcdefgh"), seeds=(1, 2, 3), noise=0.3))
    assert narrow.high - narrow.low < wide.high - wide.low


def test_exact_permutation_and_sign_test_over_runs():
    gains = _cell(5.0, ["en", "de"], seeds=(1, 2, 3, 4, 5), noise=0.1)
    assert permutation_test(gains).p_value == pytest.approx(2 / 2**5)
    assert permutation_test(gains).n_units == 5
    assert sign_test(gains).p_value == pytest.approx(stats.binomtest(5, 5).pvalue)


def test_multi_target_runs_need_every_target_and_weigh_targets_equally():
    a = _cell(1.0, ["en", "de"], seeds=(1, 2, 3), target="xnli", rng_seed=1)
    b = _cell(3.0, ["en", "de", "fr"], seeds=(1, 2), target="pawsx", rng_seed=2)
    gains = pd.concat([a, b])
    units = run_units(gains)
    assert units.seeds == ("1", "2")
    want = [np.mean([a[a["seed"] == s]["gain"].mean(), b[b["seed"] == s]["gain"].mean()])
            for s in (1, 2)]
    np.testing.assert_allclose(units.values, want)
    ci = run_interval(gains)
    assert ci.estimate == pytest.approx(np.mean([a["gain"].mean(), b["gain"].mean()]))
    assert ci.n_languages == 5


@pytest.mark.parametrize("n_seeds", [3, 5])
def test_calibration_small(n_seeds):
    """A small version of benchmarks/bench_calibration.py: false-positive rate near 0.05 and
    95% coverage, with the stage-1 seed effect shared by every target (finding 3)."""
    scenario = SCENARIOS[1]
    null = calibrate(scenario, n_seeds, reps=300, rng_seed=n_seeds)
    assert 0.02 <= null["reject_t"] <= 0.09
    assert null["coverage_t"] >= 0.91
    assert null["reject_permutation"] <= 0.09
    real = calibrate(scenario, n_seeds, effect=1.5, reps=300, rng_seed=100 + n_seeds)
    assert real["coverage_t"] >= 0.91


def test_one_seed_is_never_shown_in_calibration():
    res = calibrate(SCENARIOS[1], 1, reps=20)
    assert res["shown"] == 0 and np.isnan(res["reject_t"]) and np.isnan(res["coverage_t"])


def test_simulated_gains_have_the_stated_mean_and_shared_stage1_effect():
    rng = np.random.default_rng(0)
    g = simulated_gains(2.0, 400, n_targets=3, n_languages=4, sd_stage1=1.0, sd_run=0.0,
                        sd_language=0.0, rng=rng)
    assert g["gain"].mean() == pytest.approx(2.0, abs=0.15)
    per_run = g.groupby("seed")["gain"].agg(["min", "max"])
    np.testing.assert_allclose(per_run["min"], per_run["max"])  # shared by all targets


def test_example_interval_is_labelled_evaluation_noise_and_uses_mcnemar():
    rng = np.random.default_rng(1)
    base = rng.integers(0, 2, 2000)
    treat = np.where(rng.random(2000) < 0.1, 1, base)
    res = example_interval(treat, base, n_boot=500)
    wins, losses = int(((treat == 1) & (base == 0)).sum()), int(((treat == 0) & (base == 1)).sum())
    assert res.note == EVALUATION_NOISE and "McNemar" in res.method
    assert res.estimate == pytest.approx(100 * (treat.mean() - base.mean()))
    assert res.p_value == pytest.approx(stats.binomtest(wins, wins + losses).pvalue)
    assert res.low < res.estimate < res.high and res.low > 0


def test_example_interval_refuses_misaligned_or_unscaled_arrays():
    with pytest.raises(InputError, match="aligned"):
        example_interval([1, 0, 1], [1, 0])
    with pytest.raises(InputError, match=r"\[0, 1\]"):
        example_interval([1, 0, 2], [1, 0, 1])


def test_partial_conjunction_matches_bonferroni_combination():
    holds, combined = partial_conjunction([0.001, 0.02, 0.04, 0.5], alpha=0.05)
    np.testing.assert_allclose(combined, [0.004, 0.06, 0.08, 0.5])
    assert holds == 1
    holds, _ = partial_conjunction([0.001, 0.002, 0.003, np.nan], alpha=0.05)
    assert holds == 3


def test_languages_holding_counts_languages_with_a_real_gain():
    """Finding 4 of what to build: "holds in at least u of N languages", beside the average."""
    effects = {"en": 4.0, "de": 4.0, "fr": 4.0, "sw": 0.0, "ur": -4.0}
    frames = [_cell(e, [lang], seeds=tuple(range(6)), noise=0.5, rng_seed=i)
              for i, (lang, e) in enumerate(effects.items())]
    res = languages_holding(pd.concat(frames, ignore_index=True))
    assert res.n == 5 and res.holds_in == 3
    assert "at least 3 of 5 languages" in res.describe()
    one = languages_holding(_cell(4.0, ["en", "de"], seeds=(1,)))
    assert one.holds_in == 0 and "one training run" in one.note


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-30, 30, allow_nan=False), min_size=2, max_size=12),
    st.integers(2, 4),
    st.integers(0, 100),
)
def test_interval_contains_point_estimate(effects, n_seeds, rng_seed):
    frames = []
    for i, eff in enumerate(effects):
        frames.append(_cell(eff, [f"l{i}"], seeds=tuple(range(n_seeds)), noise=2.0,
                            rng_seed=rng_seed + i))
    gains = pd.concat(frames, ignore_index=True)
    ci = run_interval(gains)
    assert ci.low - 1e-9 <= ci.estimate <= ci.high + 1e-9
