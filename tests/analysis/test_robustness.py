"""Scaling and robustness against model size."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis.analysis.robustness import PARAMS_UNKNOWN, scaling, scaling_trend
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.analysis.uncertainty import ONLY_AVERAGE

LANGS = {"xnli": ["en", "de", "sw"]}


def _sized(model, params, effect, shift):
    df = synthetic_grid({"squad": effect}, LANGS, base_model=model, splits=("test",),
                        seeds=(1, 2), rng_seed=1)
    df["value"] += shift
    df["model_params"] = params
    return df


def test_robustness_figures_and_gain_per_size():
    df = pd.concat([_sized("mt5-small", 3e8, 4.0, 0.0), _sized("mt5-xxl", 1.3e10, 1.0, 10.0)])
    t = scaling(df, target_task="xnli").set_index(["base_model", "intermediate"])
    small = t.loc[("mt5-small", "none")]
    raw = df[(df.base_model == "mt5-small") & (df.intermediate == "none")]
    per_lang = raw.groupby("language")["value"].mean()
    assert small["score"] == pytest.approx(per_lang.mean())
    assert small["worst_score"] == pytest.approx(per_lang.min())
    assert small["worst_language"] == per_lang.idxmin()
    assert small["language_spread"] == pytest.approx(per_lang.max() - per_lang.min())
    assert small["english_gap"] == pytest.approx(per_lang["en"] - per_lang[["de", "sw"]].mean())
    assert small["log10_params"] == pytest.approx(np.log10(3e8)) and small["family"] == "mt5"
    assert t.loc[("mt5-small", "squad"), "gain"] == pytest.approx(4.0)
    assert t.loc[("mt5-xxl", "squad"), "gain"] == pytest.approx(1.0)
    trend = scaling_trend(t.reset_index(), y="gain").set_index("intermediate")
    slope = (1.0 - 4.0) / (np.log10(1.3e10) - np.log10(3e8))
    assert trend.loc["squad", "slope"] == pytest.approx(slope)


def test_unknown_params_and_average_only_are_said():
    df = synthetic_grid({}, {"xnli": ["avg"]}, base_model="mt5-base", splits=("test",))
    row = scaling(df, target_task="xnli").iloc[0]
    assert np.isnan(row["log10_params"]) and np.isnan(row["worst_score"])
    assert ONLY_AVERAGE in row["note"] and PARAMS_UNKNOWN in row["note"]
    trend = scaling_trend(scaling(df, target_task="xnli"))
    assert np.isnan(trend["slope"].iloc[0]) and trend["note"].iloc[0] == PARAMS_UNKNOWN


def test_setting_gain_against_zero_shot():
    zs = synthetic_grid({}, LANGS, base_model="mt5-small", splits=("test",))
    tt = zs.assign(setting="translate-train", value=zs["value"] + 2.5)
    t = scaling(pd.concat([zs, tt]), target_task="xnli").set_index("setting")
    assert t.loc["translate-train", "setting_gain"] == pytest.approx(2.5)
    by_order = scaling_trend(t.reset_index(), x="size_order")
    assert (by_order["n_sizes"] == 1).all()
