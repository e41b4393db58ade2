"""AppTest runs of every dashboard page: no exceptions, filters change what is shown, the
heatmap draws the expected cells, and a broken upload shows an error without breaking the app."""

from __future__ import annotations

import pytest
from dashboard_helpers import EFFECTS, TARGETS, chart_frames, grid_csv, new_app, widget

from xfer_analysis import claims, views

PAGES = ["views/overview.py", "views/heatmap.py", "views/per_language.py", "views/returns.py",
         "views/scaling.py", "views/claims.py", "views/data.py"]


@pytest.mark.parametrize("page", PAGES)
def test_every_page_runs_on_the_published_data(published_only, page: str) -> None:
    at = new_app(page)
    assert not at.exception, at.exception
    assert at.title, f"{page} shows no title"


@pytest.mark.parametrize("split", ["dev", "test"])
def test_heatmap_without_a_grid_says_what_is_missing(published_only, split: str) -> None:
    at = new_app("views/heatmap.py", split=split)
    assert not at.exception
    text = " ".join(info.value for info in at.info)
    assert "Missing data" in text
    assert "phang2020_dev_grid.csv" in text
    assert "xfer run configs/phang2020.yaml" in text


def test_heatmap_draws_the_cells_of_a_loaded_grid(grid_store) -> None:
    at = new_app("views/heatmap.py", model="xlm-roberta-large", split="dev")
    assert not at.exception
    (cells,) = [f for f in chart_frames(at) if {"intermediate", "target_task"} <= set(f.columns)]
    got = {(r.intermediate, r.target_task): r.gain for r in cells.itertuples()}
    expected = {("mnli", "xnli"): 2.0, ("mnli", "pawsx"): 2.0,
                ("squad", "xnli"): EFFECTS["squad"]["xnli"],
                ("squad", "pawsx"): EFFECTS["squad"]["pawsx"]}
    assert set(got) == set(expected)
    for cell, gain in expected.items():
        assert got[cell] == pytest.approx(gain, abs=0.1), cell
    assert {"ci_low", "ci_high", "n_seeds", "n_languages", "rows", "significant"} <= set(
        cells.columns)
    assert set(cells["n_seeds"]) == {3}
    assert not at.info, "a loaded grid must not be reported missing"
    labels = {button.label for button in at.get("download_button")}
    assert {"PNG", "SVG", "data CSV"} <= labels


def test_heatmap_filters_change_the_chart_and_the_url(grid_store) -> None:
    at = new_app("views/heatmap.py", model="xlm-roberta-large", split="dev")
    (before,) = [f for f in chart_frames(at) if "n_languages" in f.columns]
    assert set(before["n_languages"]) == {len(TARGETS["xnli"]), len(TARGETS["pawsx"])}

    language = widget(at, "lang")
    language.set_value("de").run()
    assert not at.exception
    (after,) = [f for f in chart_frames(at) if "n_languages" in f.columns]
    assert set(after["n_languages"]) == {1}
    assert not after["gain"].equals(before["gain"])
    assert at.query_params["lang"] == "de"

    show = widget(at, "show")
    show.set_value("absolute score").run()
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert '"field": "value"' in spec or '"field":"value"' in spec


def test_url_query_params_restore_the_view(grid_store) -> None:
    at = new_app("views/heatmap.py", model="xlm-roberta-large", split="dev", lang="fr")
    assert widget(at, "lang").value == "fr"
    (cells,) = [f for f in chart_frames(at) if "n_languages" in f.columns]
    assert set(cells["n_languages"]) == {1}


def test_broken_upload_shows_an_error_and_the_app_keeps_working(published_only) -> None:
    at = new_app("views/data.py")
    rows_before = at.sidebar.caption[0].value
    at.file_uploader[0].set_value(("broken.csv", b"not,a,results\ntable,,\n", "text/csv")).run()
    assert not at.exception
    assert any("broken\\.csv" in error.value for error in at.error)  # Markdown-escaped
    assert at.sidebar.caption[0].value == rows_before
    at.switch_page("views/heatmap.py").run()
    assert not at.exception


def test_only_data_files_can_be_uploaded(published_only) -> None:
    at = new_app("views/data.py")
    allowed = set(at.file_uploader[0].allowed_type)
    assert allowed == {".csv", ".json", ".jsonl", ".parquet", ".pq"}
    at.file_uploader[0].set_value(("model.pkl", b"\x80\x04K\x01.", "application/octet-stream"))
    at.run()
    assert "Invalid file extension" in at.exception[0].value


def test_valid_upload_feeds_the_heatmap_and_writes_nothing(published_only, tmp_path) -> None:
    at = new_app("views/data.py")
    at.file_uploader[0].set_value(("grid.csv", grid_csv(), "text/csv")).run()
    assert not at.exception
    assert any("grid\\.csv" in s.value for s in at.success)  # Markdown-escaped
    assert "1 upload" in at.sidebar.caption[0].value
    at.query_params.update(model="xlm-roberta-large", split="dev")
    at.switch_page("views/heatmap.py").run()
    cells = [f for f in chart_frames(at) if "intermediate" in f.columns]
    assert cells and {"mnli", "squad"} <= set(cells[0]["intermediate"])
    assert not list(tmp_path.iterdir())


def test_data_page_filters_the_table(grid_store) -> None:
    at = new_app("views/data.py")
    total = len(at.dataframe[-1].value)
    target = widget(at, "f.target_task")
    target.set_value(["pawsx"]).run()
    shown = at.dataframe[-1].value
    assert 0 < len(shown) < total
    assert set(shown["target_task"]) == {"pawsx"}
    assert at.query_params["f.target_task"] == "pawsx"


def test_claims_page_lists_every_claim_with_a_computed_verdict(published_only) -> None:
    at = new_app("views/claims.py")
    assert not at.exception
    summary = at.dataframe[0].value
    assert set(summary["claim"]) == {c.id for c in claims.CLAIMS}
    verdicts = {v.claim.id: v.status for v in claims.check_all(_published())}
    for row in summary.itertuples():
        assert row.status == verdicts[row.claim]


def _published():
    from xfer_analysis import results

    return results.load(include_published=True)


def test_per_language_shows_sorted_bars_grouped_by_family(grid_store) -> None:
    at = new_app("views/per_language.py", model="xlm-roberta-large", split="dev",
                 target="xnli", inter="squad")
    assert not at.exception
    (bars,) = [f for f in chart_frames(at) if "language" in f.columns]
    assert set(bars["language"]) == set(TARGETS["xnli"])
    assert bars["gain"].to_numpy() == pytest.approx([EFFECTS["squad"]["xnli"]] * 4, abs=0.2)
    group = widget(at, "group")
    group.set_value("script").run()
    assert not at.exception
    assert at.query_params["group"] == "script"


def test_scaling_measure_switch_changes_the_chart(published_only) -> None:
    at = new_app("views/scaling.py", target="xnli", split="test")
    assert not at.exception
    before = at.get("vega_lite_chart")[0].proto.spec
    measure = widget(at, "y")
    other = next(option for option in measure.options if option != measure.value)
    measure.set_value(other).run()
    assert not at.exception
    assert at.get("vega_lite_chart")[0].proto.spec != before


def test_scaling_measure_box_agrees_with_the_chart_after_a_target_change(published_only
                                                                        ) -> None:
    """Issue 11: a keyed selectbox keeps its identity (and the browser its selection) when
    only its options change, so after a target change the Measure box could show a measure
    the chart did not draw; the widget is now keyed on its options too. (AppTest does not show
    the browser's stale selection; `test_browser.py` checks the box against the drawn chart.)"""
    import json

    at = new_app("views/scaling.py", target="pawsx", split="test", y="gap to English")
    measure = widget(at, "y")
    pawsx_key = measure.key
    widget(at, "target").set_value("xnli").run()
    measure = widget(at, "y")
    assert measure.key != pawsx_key
    assert measure.value in measure.options
    drawn = json.loads(at.get("vega_lite_chart")[0].proto.spec)["encoding"]["y"]["field"]
    assert views.MEASURES[measure.value] == drawn
    assert at.query_params["y"] == measure.value


def test_claims_decided_by_several_sources_show_each_measured_value(published_only) -> None:
    """Issue 11: a claim decided by two sources showed "measured None"; each evidence set's
    value is listed with its sources, and statuses are plain words (no glyphs that render as
    boxes in a browser without an emoji font)."""
    at = new_app("views/claims.py")
    summary = at.dataframe[0].value.set_index("claim")
    several = [v for v in claims.check_all(_published())
               if sum(sv.measurement.value is not None for sv in v.per_source) > 1]
    assert several, "the published data no longer has a claim decided by several sources"
    for verdict in several:
        measured = str(summary.loc[verdict.claim.id, "measured"])
        assert "None" not in measured
        for sv in verdict.per_source:
            if sv.measurement.value is not None:
                assert f"{sv.measurement.value:.2f}" in measured
                assert ", ".join(sv.sources) in measured
    labels = [e.label for e in at.expander] + list(summary["status"])
    assert all(label.isascii() for label in labels)


def test_a_new_page_file_is_a_page_without_touching_the_app(published_only, tmp_path) -> None:
    """Adding a dashboard page needs only its file in dashboard/views/ (and a view function
    in xfer_analysis.views when it computes something new)."""
    import shutil

    from dashboard_helpers import APP
    from streamlit.testing.v1 import AppTest

    copy = tmp_path / "dashboard"
    shutil.copytree(APP.parent, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "views" / "zz_new.py").write_text(
        '"""New page: a page added as one file."""\n\nimport streamlit as st\n\n'
        'st.title("A new page")\n', encoding="utf-8")
    at = AppTest.from_file(str(copy / "app.py"), default_timeout=120)
    at.run()
    assert not at.exception
    at.switch_page("views/zz_new.py").run()
    assert not at.exception and at.title[0].value == "A new page"
