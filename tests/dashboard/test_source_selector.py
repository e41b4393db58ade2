"""Sources are never averaged: where the selected rows mix sources, the heatmap and the
returns page show one source (a URL-bound selector, first source by default) and say which."""

from __future__ import annotations

import pandas as pd
import pytest
from dashboard_helpers import chart_frames, grid_frame, open_link, store_of, widget

from xfer_analysis import results
from xfer_analysis.analysis.matrix import transfer_matrix
from xfer_analysis.analysis.synthetic import SYNTHETIC_SOURCE

LINK = {"model": "xlm-roberta-large", "split": "test"}


def _source_box(at):
    return widget(at, "source")


def _cells(at) -> pd.DataFrame:
    (cells,) = [f for f in chart_frames(at) if {"intermediate", "target_task"} <= set(f.columns)]
    return cells.set_index(["intermediate", "target_task"]).sort_index()


def _assert_only(cells: pd.DataFrame, chosen: str, others: list[str]) -> None:
    for sources in cells["sources"]:
        assert chosen in sources
        assert not any(other in sources.split("; ") for other in others), sources


def test_heatmap_shows_one_source_and_says_which(published_only) -> None:
    at = open_link("views/heatmap.py", **LINK)
    assert not at.exception
    box = _source_box(at)
    assert len(box.options) > 1 and box.options == sorted(box.options)
    first = box.value
    assert first == box.options[0]
    assert any(f"Showing source **{first}**" in c.value.replace("\\", "") for c in at.caption)
    before = _cells(at)
    _assert_only(before, first, [o for o in box.options if o != first])
    published = results.load(include_published=True)
    expected = transfer_matrix(published, base_model="xlm-roberta-large", split="test",
                               source=first).set_index(["intermediate", "target_task"])
    assert before["gain"].to_numpy() == pytest.approx(expected.sort_index()["gain"].to_numpy())

    other = next(o for o in box.options if o.startswith("rembert"))
    box.set_value(other).run()
    assert not at.exception
    assert at.query_params["source"] == other
    after = _cells(at)
    _assert_only(after, other, [o for o in box.options if o != other])
    common = before.index.intersection(after.index)
    assert len(common) and not (before.loc[common, "gain"] == after.loc[common, "gain"]).all()


def test_returns_page_shows_one_source(tmp_path, monkeypatch) -> None:
    one = grid_frame()
    other = one.assign(source="second-run", run_id=one["run_id"].str.replace(
        SYNTHETIC_SOURCE, "second-run", regex=False))
    treated = other["intermediate"] != "none"
    other.loc[treated, "value"] += 1.0
    store = store_of(pd.concat([one, other], ignore_index=True), tmp_path / "two.duckdb")
    monkeypatch.setenv("XFER_STORE", str(store))
    at = open_link("views/returns.py", model="xlm-roberta-large", split="dev")
    assert not at.exception
    box = _source_box(at)
    first = box.value
    assert first == sorted(box.options)[0] == "second-run"
    assert any(f"Showing source **{first}**" in c.value.replace("\\", "") for c in at.caption)
    (before,) = [f for f in chart_frames(at) if "k" in f.columns]
    box.set_value(SYNTHETIC_SOURCE).run()
    assert not at.exception
    shown = f"Showing source **{SYNTHETIC_SOURCE}**"
    assert any(shown in c.value.replace("\\", "") for c in at.caption)
    (after,) = [f for f in chart_frames(at) if "k" in f.columns]
    assert list(after["k"]) == list(before["k"])
    assert after["gain"].to_numpy() == pytest.approx(before["gain"].to_numpy() - 1.0)
