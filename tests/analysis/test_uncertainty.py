"""Bootstrap intervals, paired tests and multiple-comparison corrections."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from xfer_analysis.analysis.gains import paired_gains
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.analysis.uncertainty import (
    ONLY_AVERAGE,
    benjamini_hochberg,
    bootstrap_ci,
    holm,
    permutation_test,
    sign_test,
)


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


def test_average_only_gives_no_interval_and_says_why():
    gains = _cell(2.0, ["avg"])
    ci = bootstrap_ci(gains)
    assert ci.estimate == pytest.approx(gains["gain"].item())
    assert np.isnan(ci.low) and np.isnan(ci.high) and ci.note == ONLY_AVERAGE
    assert np.isnan(permutation_test(gains).p_value)
    assert sign_test(gains).note == ONLY_AVERAGE


def test_bootstrap_is_reproducible_and_seed_sensitive():
    gains = _cell(1.0, ["en", "de", "fr", "sw", "ur"], seeds=(1, 2, 3))
    a, b = bootstrap_ci(gains, rng_seed=3), bootstrap_ci(gains, rng_seed=3)
    assert (a.low, a.high) == (b.low, b.high)
    assert a.n_seeds == 3 and a.n_languages == 5
    c = bootstrap_ci(gains, rng_seed=4)
    assert (a.low, a.high) != (c.low, c.high)


def test_interval_narrows_with_less_noise():
    wide = bootstrap_ci(_cell(1.0, list("abcdefgh"), noise=3.0))
    narrow = bootstrap_ci(_cell(1.0, list("abcdefgh"), noise=0.3))
    assert narrow.high - narrow.low < wide.high - wide.low


def test_exact_permutation_and_sign_test_on_all_positive_units():
    gains = _cell(5.0, ["en", "de", "fr", "sw", "ur"], noise=0.1)
    assert permutation_test(gains).p_value == pytest.approx(2 / 2**5)
    assert sign_test(gains).p_value == pytest.approx(stats.binomtest(5, 5).pvalue)


def test_monte_carlo_permutation_for_many_units():
    gains = _cell(0.0, [f"l{i}" for i in range(20)], noise=1.0)
    res = permutation_test(gains, n_permutations=2000)
    assert res.method == "permutation (Monte Carlo)" and res.n_units == 20
    assert 0.0 < res.p_value <= 1.0


def test_single_language_uses_seeds_as_units():
    gains = _cell(3.0, ["en"], seeds=(1, 2, 3, 4), noise=0.1)
    res = permutation_test(gains)
    assert res.n_units == 4 and res.p_value == pytest.approx(2 / 16)


def test_multi_target_cell_is_stratified_by_target():
    a = _cell(1.0, ["en", "de"], target="xnli", rng_seed=1)
    b = _cell(3.0, ["en", "de", "fr"], target="pawsx", rng_seed=2)
    ci = bootstrap_ci(pd.concat([a, b]))
    expected = np.mean([a["gain"].mean(), b["gain"].mean()])
    assert ci.estimate == pytest.approx(expected)
    assert ci.n_languages == 5


@settings(max_examples=30, deadline=None)
@given(
    st.lists(st.floats(-30, 30, allow_nan=False), min_size=2, max_size=12),
    st.integers(1, 3),
    st.integers(0, 100),
)
def test_interval_contains_point_estimate(effects, n_seeds, rng_seed):
    frames = []
    for i, eff in enumerate(effects):
        frames.append(_cell(eff, [f"l{i}"], seeds=tuple(range(n_seeds)), noise=2.0,
                            rng_seed=rng_seed + i))
    gains = pd.concat(frames, ignore_index=True)
    ci = bootstrap_ci(gains, n_boot=300, rng_seed=rng_seed)
    assert ci.low - 1e-9 <= ci.estimate <= ci.high + 1e-9
