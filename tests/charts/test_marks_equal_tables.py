"""Every chart builder draws exactly the table shown beside it: one mark per table row, the
encoded numbers equal the table's, nothing stacked or aggregated on the way (checked on the
compiled Vega, the dataflow the browser runs), including with several sources loaded; axes
print whole numbers as integers."""

from __future__ import annotations

import pandas as pd
import pytest
import vl_convert

from xfer_analysis import analysis, charts, results, views
from xfer_analysis.analysis.synthetic import synthetic_grid

ADDING = {"stack", "aggregate", "joinaggregate", "window", "density", "bin"}
"""Vega transforms that would make a mark's value differ from a table row."""


def _layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def _data(spec: dict, layer: dict) -> pd.DataFrame:
    name = (layer.get("data") or spec.get("data") or {}).get("name")
    return pd.DataFrame(spec["datasets"][name])


def _mark(layer: dict) -> str:
    mark = layer["mark"]
    return mark["type"] if isinstance(mark, dict) else mark


def _transforms(spec: dict) -> set[str]:
    vega = vl_convert.vegalite_to_vega(spec)
    return {t["type"] for d in vega.get("data", []) for t in d.get("transform", [])}


def _assert_drawn(spec: dict, mark: str, table: pd.DataFrame, keys: list[str], value: str,
                  encoded: str = "y") -> None:
    """The `mark` layer has one row per table row (on `keys`), its encoded `value` equals the
    table's, and the compiled dataflow adds nothing up."""
    (layer,) = [layer for layer in _layers(spec) if _mark(layer) == mark]
    assert layer["encoding"][encoded]["field"] == value
    assert "aggregate" not in layer["encoding"][encoded]
    drawn = _data(spec, layer)
    assert not drawn.duplicated(keys).any(), "two marks at one position"
    want = table.set_index(keys)[value].astype(float).sort_index()
    got = drawn.set_index(keys)[value].astype(float).sort_index()
    pd.testing.assert_series_equal(got, want, check_names=False)
    assert not (_transforms(spec) & ADDING), _transforms(spec)


def _quantitative_axes(spec: dict) -> list[dict]:
    return [enc for layer in _layers(spec) for channel, enc in layer.get("encoding", {}).items()
            if channel in ("x", "y") and enc.get("type") == "quantitative"]


def _two_sources() -> pd.DataFrame:
    """A grid from two runs of different sources with different gains on the same keys."""
    one = synthetic_grid({"mnli": 1.2, "squad": 0.8}, {"xnli": ["de", "fr", "hi"]},
                         seeds=(1, 2), rng_seed=4)
    two = one.assign(source="second-run", run_id=one["run_id"] + "@2")
    two.loc[two["intermediate"] == "mnli", "value"] += 1.0
    return pd.concat([one, two], ignore_index=True)


def test_per_language_bars_of_several_sources_are_side_by_side_never_stacked() -> None:
    """Issue 11: the default XNLI bar read 3.2 where the table said 1.2 / 1.2 / 0.8."""
    table = views.per_language_gains(_two_sources(), base_model="xlm-roberta-large",
                                     split="dev", target="xnli", intermediate="mnli")
    assert table["source"].nunique() == 2
    spec = charts.language_bars(table).to_dict()
    _assert_drawn(spec, "bar", table, ["language", "source"], "gain")
    (bars,) = [layer for layer in _layers(spec) if _mark(layer) == "bar"]
    assert bars["encoding"]["xOffset"]["field"] == "source"


def test_one_source_bars_equal_the_table() -> None:
    table = views.per_language_gains(_two_sources(), base_model="xlm-roberta-large",
                                     split="dev", target="xnli", intermediate="squad",
                                     source="second-run")
    spec = charts.language_bars(table, color_by="script").to_dict()
    _assert_drawn(spec, "bar", table, ["language"], "gain")


def test_heatmap_cells_equal_the_matrix_of_each_source() -> None:
    grid = _two_sources()
    for source in analysis.source_options(grid):
        matrix = views.heatmap_matrix(grid, base_model="xlm-roberta-large", split="dev",
                                      source=source)
        for value in ("gain", "value"):
            spec = charts.heatmap(matrix, value=value).to_dict()
            _assert_drawn(spec, "rect", matrix, ["intermediate", "target_task"], value,
                          encoded="color")


def test_heatmap_of_published_test_rows_equals_its_table() -> None:
    table = results.load()
    source = views.treatment_sources(table, base_model="xlm-roberta-large", split="test")[0]
    matrix = views.heatmap_matrix(table, base_model="xlm-roberta-large", split="test",
                                  source=source)
    spec = charts.heatmap(matrix).to_dict()
    _assert_drawn(spec, "rect", matrix, ["intermediate", "target_task"], "gain",
                  encoded="color")


def test_points_sharing_an_x_are_not_joined_by_a_line() -> None:
    """Issue 11: on the returns page a line joined two single tasks at n_tasks = 1."""
    points = pd.DataFrame({"intermediate": ["mnli", "squad", "mnli+squad"],
                           "n_tasks": [1, 1, 2], "gain": [1.0, 3.0, 4.0]})
    spec = charts.curve(points, x="n_tasks", low=None, high=None).to_dict()
    assert [_mark(layer) for layer in _layers(spec)] == ["point"]
    _assert_drawn(spec, "point", points, ["intermediate"], "gain")
    single = points.drop(index=1)
    spec = charts.curve(single, x="n_tasks", low=None, high=None).to_dict()
    _assert_drawn(spec, "line", single, ["n_tasks"], "gain")


def test_selection_curve_points_equal_its_table() -> None:
    grid = synthetic_grid({"a": 3.0, "b": 1.0, "c": 0.0}, {"xnli": ["en", "de"]}, seeds=(1, 2),
                          noise=0.5)
    table = analysis.selection_curve(analysis.paired_gains(grid), n_boot=50)
    spec = charts.curve(table).to_dict()
    _assert_drawn(spec, "line", table, ["k"], "gain")


def test_scaling_plots_parameters_when_one_family_lacks_counts() -> None:
    """Issue 11: one family without counts made the whole chart fall back to size order."""
    frames = [synthetic_grid({}, {"xnli": ["de", "fr"]}, base_model=model, splits=("test",))
              for model in ("mt5-small", "mt5-base", "my-own-model")]
    table = analysis.scaling(results.with_model_params(pd.concat(frames)),
                             target_task="xnli")
    assert table["log10_params"].notna().sum() == 2
    spec = charts.scaling_chart(table).to_dict()
    assert spec["encoding"]["x"]["field"] == "log10_params"
    drawn = table[table["log10_params"].notna()]
    _assert_drawn(spec, "line", drawn, ["base_model", "source", "setting"], "score")
    assert "my-own-model" in " ".join(spec["title"]["subtitle"])


@pytest.mark.parametrize("whole", ["k", "n_tasks", "size_order"])
def test_whole_number_axes_print_integers(whole: str) -> None:
    """Issue 11: axis ticks read "1.000000"."""
    frame = pd.DataFrame({whole: pd.array([1, 2, 3], dtype="Int64"), "gain": [0.5, 1.25, 2.0]})
    spec = charts.curve(frame, x=whole, low=None, high=None).to_dict()
    x, y = _quantitative_axes(spec)
    assert x["axis"]["format"] == "d" and x["axis"]["tickMinStep"] == 1
    assert y["axis"]["format"] == ".1f"
    assert pd.DataFrame(next(iter(spec["datasets"].values())))[whole].tolist() == [1, 2, 3]


def test_every_chart_names_its_axis_formats() -> None:
    grid = _two_sources()
    table = views.per_language_gains(grid, base_model="xlm-roberta-large", split="dev",
                                     target="xnli", intermediate="mnli")
    specs = [charts.language_bars(table).to_dict(),
             charts.curve(pd.DataFrame({"k": [1, 2], "gain": [1.0, 2.0]}), low=None,
                          high=None).to_dict()]
    for spec in specs:
        for encoding in _quantitative_axes(spec):
            assert encoding["axis"]["format"], encoding
