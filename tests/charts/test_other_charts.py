"""Curve, per-language bar and scaling chart specs carry the table's numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis.analysis.fits import fit_curves
from xfer_analysis.analysis.gains import gains_by_language, paired_gains
from xfer_analysis.analysis.robustness import scaling
from xfer_analysis.analysis.selection import selection_curve
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.charts import curve, language_bars, scaling_chart
from xfer_analysis.errors import InputError


def _datasets(spec):
    return list(spec["datasets"].values())


def test_selection_curve_chart_has_band_and_same_numbers():
    df = synthetic_grid({"a": 3.0, "b": 1.0, "c": 0.0}, {"xnli": ["en", "de", "fr", "sw"]},
                        seeds=(1, 2, 3, 4, 5), noise=0.5)  # enough runs for an interval
    sel = selection_curve(paired_gains(df), n_boot=50)
    spec = curve(sel).to_dict()
    marks = [layer["mark"]["type"] for layer in spec["layer"]]
    assert marks == ["area", "line"]
    (values,) = _datasets(spec)
    assert [v["gain"] for v in values] == list(sel["gain"])
    assert [v["ci_low"] for v in values] == list(sel["ci_low"])


def test_fitted_line_drawn_dashed_over_points():
    x = np.array([1e3, 3e3, 1e4, 3e4, 1e5, 3e5])
    y = 1 + np.log(x) + np.array([0.01, -0.02, 0.0, 0.02, -0.01, 0.0])
    fits = fit_curves(x, y, models=("log",), n_boot=50)
    points = pd.DataFrame({"examples": x, "gain": y})
    spec = curve(points, x="examples", low=None, high=None, fitted=fits.curve_frame(20),
                 log_x=True).to_dict()
    types = [layer["mark"]["type"] for layer in spec["layer"]]
    assert types == ["line", "area", "line"]
    assert spec["layer"][2]["mark"]["strokeDash"] == [6, 4]
    assert spec["layer"][0]["encoding"]["x"]["scale"]["type"] == "log"
    fitted_values = [v for d in _datasets(spec) for v in d if "fitted" in v]
    assert [v["fitted"] for v in fitted_values] == list(fits.curve_frame(20)["fitted"])


def test_language_bars_grouped_by_registry_metadata():
    df = synthetic_grid({"squad": 2.0}, {"xnli": ["en", "de", "sw", "hi", "zz"]}, seeds=(1, 2),
                        noise=0.5)
    per_lang = gains_by_language(paired_gains(df))
    spec = language_bars(per_lang, color_by="script").to_dict()
    layer = spec["layer"][0]
    assert layer["encoding"]["color"]["field"] == "script"
    (values,) = _datasets(spec)
    got = {v["language"]: v for v in values}
    for row in per_lang.itertuples():
        assert got[row.language]["gain"] == row.gain
    assert got["zz"]["script"] == "unknown"
    order = layer["encoding"]["x"]["sort"]
    scripts = [got[code]["script"] for code in order]
    assert scripts == sorted(scripts)
    with pytest.raises(InputError):
        language_bars(per_lang, color_by="colour")


def test_scaling_chart_falls_back_to_size_order_and_says_so():
    frames = []
    for model in ("mt5-small", "mt5-base", "mt5-large"):
        frames.append(synthetic_grid({}, {"xnli": ["avg"]}, base_model=model,
                                     splits=("test",)))
    table = scaling(pd.concat(frames), target_task="xnli")
    spec = scaling_chart(table).to_dict()
    assert spec["encoding"]["x"]["field"] == "size_order"
    assert "unknown" in spec["encoding"]["x"]["title"]
    (values,) = _datasets(spec)
    assert sorted(v["score"] for v in values) == sorted(table["score"])
    table["log10_params"] = [8.5, 8.8, 9.1]
    assert scaling_chart(table).to_dict()["encoding"]["x"]["field"] == "log10_params"
