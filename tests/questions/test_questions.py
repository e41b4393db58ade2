"""Research-question analyses: known effects recovered on synthetic grids, honest status on the
published data alone, and every named runner config present in the repository."""

from __future__ import annotations

import math

import pytest

from xfer_analysis import claims, questions, results
from xfer_analysis.analysis import synthetic_grid
from xfer_analysis.claims.catalogue import GRID_CONFIG

from .grids import PER_EXAMPLE_LOG, PER_TASK_LOG, SETS, SIZES, TARGETS, rq_a_grid


@pytest.fixture(scope="module")
def published():
    """The shipped published rows only (the shipped runs have tests of their own)."""
    return results.load(include_runs=False)


def test_every_named_config_exists(repo_root):
    named = {c.needs.config for c in claims.CLAIMS} | {GRID_CONFIG}
    for q in questions.QUESTIONS.values():
        named |= set(q.configs)
    assert named
    for path in named:
        assert (repo_root / path).is_file(), path


def test_question_a_recovers_log_shapes_and_budget_gap():
    answer = questions.tasks_vs_data(rq_a_grid(), n_boot=20)
    assert answer.status == questions.ANSWERED
    tasks_fit = answer.frames["tasks_fit"].set_index("model")
    assert tasks_fit["chosen"]["log"]
    assert tasks_fit.at["log", "gain_per_doubling"] == pytest.approx(PER_TASK_LOG * math.log(2))
    examples_fit = answer.frames["examples_fit"].set_index("model")
    assert examples_fit["chosen"]["log"]
    assert examples_fit.at["log", "gain_per_doubling"] == pytest.approx(
        PER_EXAMPLE_LOG * math.log(2))
    matched = answer.frames["matched_budget"]
    assert len(matched) == len(SIZES)
    nine = len(SETS[-1].split("+"))
    assert matched["difference"].to_numpy() == pytest.approx(PER_TASK_LOG * math.log(nine))


def test_question_a_partial_without_example_ladder():
    grid = rq_a_grid(sizes=(32000,))
    answer = questions.tasks_vs_data(grid, n_boot=10)
    assert answer.kind == questions.PARTIAL
    assert any("gain vs intermediate tasks" in f for f in answer.found)
    assert any("gain vs examples: needs more budgets (1 distinct, 6 needed" in m
               for m in answer.missing)
    assert "configs/rq_a_tasks_vs_size.yaml" in answer.status


def test_question_a_selection_curve_from_single_tasks():
    effects = {"squad": 3.0, "mnli": 2.0, "hellaswag": 1.0}
    grid = synthetic_grid(effects, TARGETS, splits=("dev", "test"))
    curve = questions.tasks_vs_data(grid, n_boot=10).frames["selection"]
    assert curve["k"].tolist() == [1, 2, 3]
    assert curve["gain"].tolist() == pytest.approx([2.0, 2 / 3 * 3.0 + 1 / 3 * 2.0, 3.0])


def test_question_b_diverse_vs_homogeneous():
    effects = {"hellaswag+mnli+squad": 3.0, "ccg+qqp+squad": 2.0, "anli+mnli+qqp": 1.0,
               "commonsenseqa+cosmosqa+hellaswag": 0.0}
    answer = questions.diversity_vs_gain(synthetic_grid(effects, TARGETS))
    assert answer.status == questions.ANSWERED
    row = answer.frames["comparison"].iloc[0]
    assert row["difference"] == pytest.approx(2.5 - 0.5)
    kinds = dict(zip(answer.frames["sets"]["intermediate"], answer.frames["sets"]["kind"],
                     strict=True))
    assert kinds["anli+mnli+qqp"] == "homogeneous" and kinds["ccg+qqp+squad"] == "diverse"


def test_published_only_reports_missing_rows(published):
    a = questions.tasks_vs_data(published)
    assert a.status.startswith("needs runs: configs/rq_a_tasks_vs_size.yaml, missing rows:")
    b = questions.diversity_vs_gain(published)
    assert b.kind == questions.NEEDS_RUNS and "configs/rq_b_diversity.yaml" in b.status
    c = questions.model_size_robustness(published)
    assert c.kind == questions.PARTIAL
    assert any("per-language xnli" in m for m in c.missing)
    assert any("mt5" in f and "xnli score" in f for f in c.found)
    d = questions.benefit_by_size(published)
    assert d.kind == questions.PARTIAL
    assert set(d.frames["gains"]["base_model"]) == {"xlm-roberta-large"}
    assert "mt5-xxl" in d.status
    e = questions.translate_train_vs_intermediate(published)
    assert e.kind == questions.PARTIAL and len(e.frames["gaps"])
    assert "configs/rq_e_intermediate_vs_translate_train.yaml" in e.status


def test_results_paths_from_environment(tmp_path):
    from xfer_analysis.questions.loading import results_paths

    env = {"XFER_RESULTS": f"{tmp_path / 'a.csv'}{__import__('os').pathsep}"}
    assert results_paths(env) == [str(tmp_path / "a.csv")]
    assert results_paths({}) == []


def test_question_c_answered_with_per_language_sizes_and_seeds():
    import pandas as pd

    frames = []
    for model, params in (("mt5-small", 3e8), ("mt5-base", 5.8e8)):
        g = synthetic_grid({"mnli": 2.0}, {"xnli": ("en", "de"), "mlqa": ("en", "es")},
                           metrics={"mlqa": ("exact_match", "f1")}, seeds=(1, 2),
                           splits=("test",), base_model=model)
        g["run_id"] = model + ":" + g["run_id"]
        frames.append(g.assign(model_params=params))
    answer = questions.model_size_robustness(pd.concat(frames, ignore_index=True))
    assert answer.status == questions.ANSWERED, answer.status
    table = answer.frames["scaling"]
    assert table.loc[table["intermediate"] == "mnli", "gain"].to_numpy() == pytest.approx(2.0)
    assert table["worst_score"].notna().all()


def test_the_shipped_cpu_run_joins_question_d_as_its_own_model():
    d = questions.benefit_by_size(results.load())
    models = set(d.frames["gains"]["base_model"])
    assert {"xlm-roberta-large", "multilingual-e5-small-q4-dequant"} <= models
    gains = d.frames["gains"]
    e5 = gains[gains["base_model"] == "multilingual-e5-small-q4-dequant"]
    assert set(e5["source"]) == {"xfer-run:cpu_demo"}
