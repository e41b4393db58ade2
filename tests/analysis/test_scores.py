"""QA task scores and benchmark scores computed on the tidy table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis import tasks as registry
from xfer_analysis.analysis.gains import paired_gains
from xfer_analysis.analysis.scores import aggregate_scores, with_task_scores
from xfer_analysis.analysis.synthetic import synthetic_grid


def _benchmark_grid(drop=None):
    members = registry.aggregate("xtreme").tasks
    targets = {t: ["en", "de"] for t in members if t != drop}
    metrics = {t: (["exact_match", "f1"] if registry.target(t).score_metric == "em_f1_mean"
                   else [registry.target(t).score_metric]) for t in targets}
    return synthetic_grid({"squad": 2.0}, targets, metrics=metrics, seeds=(1, 2)), members


def test_qa_task_score_is_mean_of_em_and_f1():
    df = synthetic_grid({}, {"xquad": ["en"]}, metrics={"xquad": ["exact_match", "f1"]})
    out = with_task_scores(df)
    score = out[out["metric"] == "em_f1_mean"]["value"].item()
    assert score == pytest.approx(df["value"].mean())
    assert len(with_task_scores(out)) == len(out)  # never added twice


def test_xtreme_score_and_its_gain():
    df, members = _benchmark_grid()
    scores = aggregate_scores(df, "xtreme")
    assert set(scores["intermediate"]) == {"none", "squad"}
    assert all(m == () for m in scores["missing"])
    base = scores.set_index("intermediate").loc["none", "value"]
    scored = with_task_scores(df)
    expected = np.mean([
        scored[(scored.target_task == t) & (scored.intermediate == "none")
               & (scored.metric == registry.target(t).score_metric)]["value"].mean()
        for t in members])
    assert base == pytest.approx(expected)
    gains = paired_gains(scores.assign(confidence="read directly"))
    assert gains["gain"].item() == pytest.approx(2.0)


def test_incomplete_benchmark_names_missing_task():
    df, members = _benchmark_grid(drop="tatoeba")
    scores = aggregate_scores(df, "xtreme")
    assert scores["value"].isna().all()
    assert all(m == ("tatoeba",) for m in scores["missing"])
    assert "tatoeba" in members


def test_category_mean_of_categories():
    df, _ = _benchmark_grid()
    name = "xtreme:avg_category_excl_retrieval"
    value = aggregate_scores(df, name).set_index("intermediate").loc["squad", "value"]
    cats = {}
    scored = with_task_scores(df[df.intermediate == "squad"])
    for t in registry.aggregate(name).tasks:
        metric = registry.target(t).score_metric
        rows = scored[(scored.target_task == t) & (scored.metric == metric)]
        cats.setdefault(registry.target(t).category, []).append(rows["value"].mean())
    assert value == pytest.approx(np.mean([np.mean(v) for v in cats.values()]))
    assert isinstance(value, float) and not pd.isna(value)


def test_benchmark_scores_never_blend_sources():
    """Finding 1: XLM-R Large's XTREME score averaged five disagreeing sources and X-STILTs'
    classification score counted one README twice; every source now gives its own score."""
    df, _ = _benchmark_grid()
    other = df.assign(source="another", value=df["value"] + 10.0,
                      run_id=df["run_id"] + ":another")
    twice = df.assign(source="copy", run_id=df["run_id"] + ":copy")
    scores = aggregate_scores(pd.concat([df, other, twice], ignore_index=True), "xtreme")
    squad = scores[scores["intermediate"] == "squad"].set_index("source")["value"]
    assert set(squad.index) == {"synthetic", "another", "copy"}
    assert squad["another"] == pytest.approx(squad["synthetic"] + 10.0)
    assert squad["copy"] == pytest.approx(squad["synthetic"])


def test_shipped_aggregates_come_from_one_source_each():
    from xfer_analysis import results

    published = results.load([], include_published=True)
    for name in ("xtreme", "xtreme:classification"):
        scores = aggregate_scores(published, name)
        assert not scores["source"].str.contains(";").any()
        keys = ["source", "base_model", "intermediate", "setting", "split"]
        assert scores.groupby(keys).size().max() == 1
