"""The transfer-matrix heatmap spec: symmetric diverging scale, cell text, same numbers."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xfer_analysis.analysis.matrix import transfer_matrix
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.charts import heatmap


@pytest.fixture(scope="module")
def matrix():
    df = synthetic_grid({"squad": 3.0, "mnli": {"xnli": -5.0}},
                        {"xnli": ["en", "de", "fr", "ru", "sw", "ur", "ar", "bg", "el", "es"],
                         "pawsx": ["en", "de", "ja"]}, seeds=(1, 2), noise=0.3)
    return transfer_matrix(df, base_model="xlm-roberta-large", split="dev")


def _data(spec):
    (values,) = spec["datasets"].values()
    return values


def test_scale_is_diverging_symmetric_and_centred(matrix):
    spec = heatmap(matrix).to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    low, high = scale["domain"]
    assert low == -high and high == pytest.approx(matrix["gain"].abs().max())
    assert scale["domainMid"] == 0 and scale["scheme"] in {"blueorange", "purpleorange"}


def test_chart_numbers_equal_table_numbers(matrix):
    values = _data(heatmap(matrix).to_dict())
    assert len(values) == len(matrix)
    for row, cell in zip(matrix.itertuples(), values, strict=True):
        assert cell["intermediate"] == row.intermediate and cell["target_task"] == row.target_task
        assert cell["gain"] == row.gain
        assert cell["n_languages"] == row.n_languages
        assert cell["rows"] == "; ".join(row.rows)


def test_cell_text_and_significance_mark(matrix):
    spec = heatmap(matrix).to_dict()
    text = spec["layer"][1]
    assert text["mark"]["type"] == "text" and text["encoding"]["text"]["field"] == "gain"
    marks = {(c["intermediate"], c["target_task"]): c["mark"] for c in _data(spec)}
    sig = matrix.set_index(["intermediate", "target_task"])["significant"]
    for key, mark in marks.items():
        assert (mark == "*") == (sig[key] is True or bool(sig[key]) is True)
    assert marks[("mnli", "xnli")] == "*"
    tooltip_fields = {t["field"] for t in spec["layer"][0]["encoding"]["tooltip"]}
    assert {"n_seeds", "n_languages", "rows", "sources", "ci_low", "ci_high"} <= tooltip_fields


def test_absolute_values_use_a_sequential_scale_over_their_range(matrix):
    """Issue 11: the absolute view used a ±88 scale centred on 0 (scores of 40-60 all looked
    alike); absolute scores need a sequential scale over their own range."""
    spec = heatmap(matrix, value="value").to_dict()
    scale = spec["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == pytest.approx([matrix["value"].min(), matrix["value"].max()])
    assert "domainMid" not in scale and scale["scheme"] == "viridis"
    assert all(not math.isnan(c["value"]) for c in _data(spec))


def test_overlapping_cells_are_refused(matrix):
    from xfer_analysis.errors import InputError

    twice = matrix.assign(source="a")
    twice = pd.concat([twice, matrix.assign(source="b")], ignore_index=True)
    with pytest.raises(InputError, match="one source at a time"):
        heatmap(twice)
