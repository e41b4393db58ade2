"""AppTest runs of the diminishing-returns page: gain vs number of tasks, gain vs training
examples with its fit table, the matched-budget comparison and the best-of-k curve."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from dashboard_helpers import (
    SET_SIZES,
    SQUAD_SIZES,
    chart_frames,
    new_app,
    sized_grid,
    store_of,
    widget,
)

from xfer_analysis import views
from xfer_analysis.analysis.synthetic import synthetic_grid

PAGE = "views/returns.py"


@pytest.fixture
def sized_store(tmp_path, monkeypatch):
    """A store holding squad and mnli+squad trained on several data sizes."""
    monkeypatch.setenv("XFER_STORE", str(store_of(sized_grid(), tmp_path / "sized.duckdb")))


def test_returns_page_fits_gain_vs_number_of_tasks(tmp_path, monkeypatch) -> None:
    effects = {"mnli": 2.0, "squad": 3.0, "mnli+squad": 4.0, "hellaswag+mnli+squad": 4.5}
    grid = synthetic_grid(effects, {"xnli": ["en", "de"], "pawsx": ["de"]}, seeds=(1, 2),
                          splits=("dev", "test"), noise=0.1)
    monkeypatch.setenv("XFER_STORE", str(store_of(grid, tmp_path / "returns.duckdb")))
    at = new_app(PAGE, model="xlm-roberta-large", split="dev")
    assert not at.exception
    assert widget(at, "budget").value == "full"
    frames = chart_frames(at)
    points = next(f for f in frames if "n_tasks" in f.columns)
    assert sorted(points["n_tasks"]) == [1, 1, 2, 3]
    # three set sizes: too few budgets to choose a curve (issue 10), the points stand alone
    assert not any("fitted" in f.columns for f in frames)
    assert any(f"At least {views.MIN_POINTS} different budgets" in info.value for info in at.info)
    selection = next(f for f in frames if "k" in f.columns)
    assert list(selection["k"]) == [1, 2]  # best of the single tasks mnli and squad
    assert any("two or more data sizes" in info.value for info in at.info)


def test_gain_vs_training_examples_is_fitted_with_its_table(sized_store) -> None:
    at = new_app(PAGE, model="xlm-roberta-large", split="dev")
    assert not at.exception
    assert widget(at, "task").value == "squad"
    frames = chart_frames(at)
    points = max((f for f in frames if "total_examples" in f.columns
                  and set(f["intermediate"]) == {"squad"}), key=len)
    assert dict(zip(points["total_examples"], points["gain"], strict=True)) == pytest.approx(
        {float(size): gain for size, gain in SQUAD_SIZES.items()})
    fitted = [f for f in frames if "fitted" in f.columns]
    assert any(f["x"].min() == min(SQUAD_SIZES) and f["x"].max() == max(SQUAD_SIZES)
               for f in fitted)
    tables = [d.value for d in at.dataframe]
    fit_table = next(t for t in tables if "aicc" in t.columns and t["chosen"].any())
    chosen = fit_table[fit_table["chosen"]].iloc[0]
    assert chosen["model"] == "log"
    assert chosen["gain_per_doubling"] == pytest.approx(0.5, abs=1e-6)


def test_matched_budget_comparison_recovers_the_built_in_difference(sized_store) -> None:
    at = new_app(PAGE, model="xlm-roberta-large", split="dev")
    comparison = next(d.value for d in at.dataframe if "difference" in d.value.columns)
    assert list(comparison["budget"]) == sorted(float(size) for size in SET_SIZES)
    assert comparison["difference"].to_numpy() == pytest.approx([0.5] * len(SET_SIZES), abs=1e-6)
    assert {"difference_low", "difference_high", "tasks_model", "examples_model"} <= set(
        comparison.columns)


def test_budget_filter_picks_the_sets_trained_on_that_budget(sized_store) -> None:
    at = new_app(PAGE, model="xlm-roberta-large", split="dev", budget="2000")
    assert not at.exception
    budget = widget(at, "budget")
    assert budget.value == "2000"
    assert budget.options == [str(size) for size in sorted(SQUAD_SIZES)]  # no full-data sets
    points = next(f for f in chart_frames(at) if "n_tasks" in f.columns)
    assert dict(zip(points["n_tasks"], points["gain"], strict=True)) == pytest.approx(
        {1: SQUAD_SIZES[2000], 2: SET_SIZES[2000]})
    budget.set_value("64000").run()
    points = next(f for f in chart_frames(at) if "n_tasks" in f.columns)
    assert list(points["n_tasks"]) == [1]
    assert at.query_params["budget"] == "64000"


def test_the_page_shows_the_notebooks_matched_budget_table(sized_store) -> None:
    """Research question (a) has one answer: the page's matched-budget table is the frame
    `questions.tasks_vs_data` gives the notebook on the same rows (issue 11: 3.30 vs 2.15)."""
    from xfer_analysis import questions, results

    at = new_app(PAGE, model="xlm-roberta-large", split="dev")
    shown = next(d.value for d in at.dataframe if "difference" in d.value.columns)
    table = results.load(store=results.Store(os.environ["XFER_STORE"]))
    answer = questions.tasks_vs_data(table, base_model="xlm-roberta-large", split="dev")
    pd.testing.assert_frame_equal(shown.reset_index(drop=True),
                                  answer.frames["matched_budget"].reset_index(drop=True),
                                  check_dtype=False)
