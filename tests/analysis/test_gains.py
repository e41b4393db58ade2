"""Paired gains and their per-language / per-target / per-intermediate averages."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xfer_analysis.analysis.gains import (
    gains_by_intermediate,
    gains_by_language,
    gains_by_target,
    paired_gains,
    treatment_label,
)
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.errors import InputError

TARGETS = {"xnli": ["en", "de", "fr", "sw"], "pawsx": ["en", "de", "ja"], "panx": ["en", "hi"]}
METRICS = {"panx": ["f1"]}


def _grid(effects, **kw):
    return synthetic_grid(effects, TARGETS, metrics=METRICS, **kw)


def test_known_effects_recovered_exactly():
    df = _grid({"squad": 3.0, "mnli": {"xnli": 2.0, "pawsx": -1.0}}, seeds=(1, 2, 3), rng_seed=7)
    per_target = gains_by_target(paired_gains(df))
    got = per_target.set_index(["intermediate", "target_task"])["gain"]
    assert got[("squad", "xnli")] == pytest.approx(3.0, abs=1e-9)
    assert got[("squad", "panx")] == pytest.approx(3.0, abs=1e-9)
    assert got[("mnli", "xnli")] == pytest.approx(2.0, abs=1e-9)
    assert got[("mnli", "panx")] == pytest.approx(0.0, abs=1e-9)


def test_per_intermediate_average_over_targets_on_given_metric():
    df = synthetic_grid({"squad": {"xnli": 3.0, "pawsx": 1.0}}, {"xnli": ["en", "de"],
                        "pawsx": ["en"]})
    out = gains_by_intermediate(paired_gains(df), metric="accuracy")
    assert out["gain"].item() == pytest.approx(2.0)
    assert out["n_targets"].item() == 2
    assert out["targets"].item() == ("pawsx", "xnli")


def test_pairing_keeps_provenance_and_checks_baseline():
    df = _grid({"squad": 1.0})
    gains = paired_gains(df)
    assert len(gains) == len(df) // 2
    assert (gains["baseline_run_id"].str.contains(":none:")).all()
    assert (gains["gain"] == gains["value"] - gains["baseline_value"]).all()
    with pytest.raises(InputError, match="no baseline rows"):
        paired_gains(df, baseline="hellaswag")
    with pytest.raises(InputError, match="column 'seed'"):
        paired_gains(df.drop(columns="seed"))


def test_seed_mismatch_does_not_pair():
    df = _grid({"squad": 1.0}, seeds=(1,))
    df.loc[df["intermediate"] == "squad", "seed"] = 2
    assert paired_gains(df).empty


def test_missing_seed_pairs_with_missing_seed():
    df = _grid({"squad": 1.5})
    df["seed"] = pd.array([pd.NA] * len(df), dtype="Int64")
    assert paired_gains(df)["gain"].to_numpy() == pytest.approx(1.5)


def test_same_source_preferred_and_conflicts_refused():
    one = _grid({"squad": 1.0})
    two = one.copy()
    two["source"] = "other"
    two.loc[two["intermediate"] == "squad", "value"] += 1.0
    both = pd.concat([one, two], ignore_index=True)
    gains = paired_gains(both)
    assert len(gains) == len(one)  # each treatment row pairs with its own source's baseline
    assert (gains["source"] == gains["baseline_source"]).all()
    with pytest.raises(InputError, match="share a key"):
        gains_by_target(gains)
    split = gains_by_target(gains, by=("source",)).set_index(["source", "target_task"])["gain"]
    assert split[("synthetic", "xnli")] == pytest.approx(1.0)
    assert split[("other", "xnli")] == pytest.approx(2.0)


def test_superseded_rows_dropped_by_default():
    df = _grid({"squad": 1.0})
    extra = df[df["intermediate"] == "squad"].assign(confidence="superseded", value=0.0)
    both = pd.concat([df, extra], ignore_index=True)
    assert len(paired_gains(both)) == len(df) // 2
    assert len(paired_gains(both, include_superseded=True)) == len(df)


def test_average_only_rows_used_only_when_no_languages():
    df = synthetic_grid({"squad": 2.0}, {"xnli": ["avg"], "pawsx": ["en", "de"]})
    avg = df[df["target_task"] == "pawsx"].groupby("intermediate", as_index=False).first()
    avg = avg.assign(language="avg", value=avg["value"] + 100)  # must be ignored
    per_target = gains_by_target(paired_gains(pd.concat([df, avg], ignore_index=True)))
    row = per_target.set_index("target_task")
    assert bool(row.loc["xnli", "only_average"]) and row.loc["xnli", "n_languages"] == 0
    assert not bool(row.loc["pawsx", "only_average"]) and row.loc["pawsx", "n_languages"] == 2
    assert row.loc["pawsx", "gain"] == pytest.approx(2.0)


def test_setting_factor_pairs_settings():
    zs = _grid({}, setting="zero-shot")
    tt = _grid({}, setting="translate-train", rng_seed=0)
    tt["value"] += 4.0
    gains = paired_gains(pd.concat([zs, tt]), baseline="zero-shot", factor="setting")
    assert gains["gain"].to_numpy() == pytest.approx(4.0)
    assert set(gains["setting"]) == {"translate-train"}


def test_treatment_label_marks_caps_and_translation():
    frame = pd.DataFrame({"intermediate": ["squad", "squad", "mnli"],
                          "intermediate_examples": pd.array([pd.NA, 1000, pd.NA], dtype="Int64"),
                          "intermediate_data": ["english", "english", "translated"]})
    assert list(treatment_label(frame)) == ["squad", "squad (n=1000)", "mnli [translated]"]


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.floats(-10, 10), st.floats(-10, 10))
def test_gains_antisymmetric_when_baseline_and_treatment_swap(rng_seed, a, b):
    df = _grid({"squad": a, "mnli": b}, seeds=(1, 2), noise=1.0, rng_seed=rng_seed)
    pair = df[df["intermediate"].isin(["none", "squad"])]
    forward = paired_gains(pair, baseline="none")
    backward = paired_gains(pair, baseline="squad")
    keys = ["target_task", "language", "split", "metric", "seed"]
    merged = forward.merge(backward, on=keys, suffixes=("_f", "_b"))
    assert len(merged) == len(forward) == len(backward)
    np.testing.assert_allclose(merged["gain_f"], -merged["gain_b"], atol=1e-12)
    per_f = gains_by_target(forward).set_index("target_task")["gain"]
    per_b = gains_by_target(backward).set_index("target_task")["gain"]
    np.testing.assert_allclose(per_f.sort_index(), -per_b.sort_index(), atol=1e-9)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.randoms(use_true_random=False))
def test_aggregates_invariant_to_row_order(rng_seed, rnd):
    df = _grid({"squad": 1.0, "mnli": -0.5}, seeds=(1, 2), noise=2.0, rng_seed=rng_seed)
    order = list(range(len(df)))
    rnd.shuffle(order)
    shuffled = df.iloc[order]
    for agg in (gains_by_language, gains_by_target):
        a = agg(paired_gains(df))
        b = agg(paired_gains(shuffled))
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)
    a = gains_by_intermediate(paired_gains(df), metric="accuracy")
    b = gains_by_intermediate(paired_gains(shuffled), metric="accuracy")
    pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12, atol=1e-12)


@settings(max_examples=20, deadline=None)
@given(st.floats(-20, 20, allow_nan=False), st.integers(0, 1000))
def test_built_in_effect_recovered_by_per_task_gains(effect, rng_seed):
    df = _grid({"squad": effect, "mnli": 0.0}, seeds=(1, 2), rng_seed=rng_seed)
    out = gains_by_intermediate(paired_gains(df), metric="accuracy").set_index("intermediate")
    assert out.loc["squad", "gain"] == pytest.approx(effect, abs=1e-9)
    assert out.loc["mnli", "gain"] == pytest.approx(0.0, abs=1e-9)


def test_baseline_from_same_document_preferred_by_source_prefix():
    df = _grid({"squad": 1.0})
    treat = df[df["intermediate"] == "squad"].assign(source="paper-t16-stilts")
    near = df[df["intermediate"] == "none"].assign(source="paper-t16-xlmr")
    far = near.assign(source="other-readme", value=near["value"] - 5.0)
    gains = paired_gains(pd.concat([treat, near, far], ignore_index=True))
    assert set(gains["baseline_source"]) == {"paper-t16-xlmr"}
    assert gains["gain"].to_numpy() == pytest.approx(1.0)
