"""The task registry: language lists match the official scorer's data, aliases resolve, unknown
names fail with suggestions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xfer_analysis import tasks
from xfer_analysis.errors import UnknownNameError
from xfer_analysis.tasks._names import name_key

XTREME_TASKS = ["xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba"]


def _mock_langs(shared_dir: Path, task: str) -> set[str]:
    folder = shared_dir / "conformance" / "xtreme_mock" / "mock_test_data" / "labels" / task
    return {p.name.split(".")[0].removeprefix("test-") for p in folder.iterdir()}


def test_xtreme_has_the_nine_tasks_and_xtreme_r_ten():
    assert [t.name for t in tasks.targets("xtreme")] == [
        "xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa", "bucc2018", "tatoeba"
    ]
    assert len(tasks.targets("XTREME-R")) == 10
    assert {"pawsx", "bucc2018"}.isdisjoint(t.name for t in tasks.targets("xtreme-r"))


@pytest.mark.parametrize("task", XTREME_TASKS)
def test_xtreme_languages_match_expected_json_and_mock_files(shared_dir, task):
    expected = json.loads((shared_dir / "conformance/xtreme_mock/expected.json").read_text())
    langs = tasks.target(task).languages_for("xtreme")
    assert len(set(langs)) == len(langs)
    if task in expected["languages"]:
        assert list(langs) == expected["languages"][task]
    assert set(langs) == _mock_langs(shared_dir, task)


def test_mewslix_languages_match_mock_files(shared_dir):
    assert set(tasks.target("mewslix").languages_for("xtreme-r")) == _mock_langs(
        shared_dir, "mewslix"
    )


def test_every_listed_language_is_in_the_language_registry():
    known = {lang.code for lang in tasks.languages()}
    for task in tasks.targets():
        for bench in task.benchmarks:
            assert set(task.languages_for(bench)) <= known, task.name
        assert set(task.language_source) == set(task.benchmarks), task.name


def test_task_not_in_benchmark_is_an_error():
    with pytest.raises(UnknownNameError, match="xtreme"):
        tasks.target("pawsx").languages_for("xtreme-r")


def test_categories_and_score_metrics():
    assert tasks.benchmark("xtreme").categories == {
        "classification": ("xnli", "pawsx"),
        "structured_prediction": ("udpos", "panx"),
        "qa": ("xquad", "mlqa", "tydiqa"),
        "retrieval": ("bucc2018", "tatoeba"),
    }
    assert tasks.benchmark("xtreme-r").categories["retrieval"] == ("tatoeba", "mewslix", "lareqa")
    for t in tasks.targets():
        assert t.score_metric == "em_f1_mean" or t.score_metric in t.metrics
        assert all(tasks.metric(m) == m for m in t.metrics)
    assert tasks.target("bucc2018").train_source is None
    assert tasks.target("tatoeba").train_source is None


def test_aggregates_cover_published_rows():
    assert tasks.aggregate("xtreme:avg_task_excl_retrieval").tasks == (
        "xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa"
    )
    assert tasks.aggregate("XTREME").tasks == tuple(XTREME_TASKS)
    assert tasks.target_task_name("xtreme:qa") == "xtreme:qa"
    assert tasks.target_task_name("NER") == "panx"
    assert tasks.is_aggregate("XTREME-R") and not tasks.is_aggregate("xnli")


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("PAN-X", "panx"), ("panx", "panx"), ("WikiANN", "panx"), ("NER", "panx"),
     ("WikiAnn NER", "panx"), ("POS", "udpos"), ("udpos", "udpos"), ("TyDiQA-GoldP", "tydiqa"),
     ("tydiqa", "tydiqa"), ("BUCC", "bucc2018"), ("PAWS-X", "pawsx"), ("Mewsli-X", "mewslix")],
)
def test_target_aliases(alias, canonical):
    assert tasks.target(alias).name == canonical


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [("XLM-R Large", "xlm-roberta-large"), ("mT5-XXL", "mt5-xxl"), ("mBERT", "mbert"),
     ("mT5-Small", "mt5-small"), ("FILTER + Self-Teaching", "filter-self-teaching"),
     ("InfoXLM", "infoxlm"), ("MMTE", "mmte"), ("XLM", "xlm"),
     ("xlm-roberta-base", "xlm-roberta-base")],
)
def test_base_model_aliases(alias, canonical):
    assert tasks.base_model(alias).name == canonical


def test_metric_aliases():
    assert [tasks.metric(m) for m in ("acc", "EM", "F1", "EM/F1 mean", "mAP@20")] == [
        "accuracy", "exact_match", "f1", "em_f1_mean", "map@20"
    ]


def test_canonical_intermediate():
    assert tasks.canonical_intermediate("SQuAD, mnli") == "mnli+squad"
    assert tasks.canonical_intermediate("mnli+SQuAD v1.1+mnli") == "mnli+squad"
    assert tasks.canonical_intermediate(None) == "none"
    assert tasks.canonical_intermediate("baseline") == "none"
    assert tasks.canonical_intermediate(
        "best-per-target (X-STILTs XTREME test submission)"
    ) == "best-per-target"
    assert tasks.canonical_intermediate("multi-task").split("+") == sorted(tasks.PAPER_TASKS)
    with pytest.raises(UnknownNameError, match="squad"):
        tasks.canonical_intermediate("mnli, squadd")


def test_intermediate_registry():
    assert len(tasks.PAPER_TASKS) == 9
    assert tasks.INTERMEDIATE_LIST_STATUS == "to verify against the paper"
    for t in tasks.intermediates():
        assert t.format_family in tasks.FORMAT_FAMILIES
    # paper tasks: sizes only where phang2020_claims.md section 5 gives them
    paper = [t for t in tasks.intermediates() if t.name in tasks.PAPER_TASKS]
    assert {t.name for t in paper if t.train_examples is not None} == {"mnli", "squad", "sst2",
                                                                       "qqp"}
    assert tasks.intermediate("mlm").format_family == "language modelling"


def test_train_sizes_appear_in_their_source(shared_dir):
    claims = (shared_dir / "published" / "phang2020_claims.md").read_text().replace(",", "")
    assets = (shared_dir / "real_assets" / "README.md").read_text().replace(",", "")
    for t in tasks.intermediates():
        if t.train_examples is not None:
            assert str(t.train_examples) in (claims if t.name in tasks.PAPER_TASKS else assets)


def test_every_paper_task_and_xtreme_target_carries_its_data_record():
    for name in tasks.PAPER_TASKS:
        spec = tasks.intermediate(name).data
        assert spec is not None and spec.split_for("train") is not None, name
    for t in tasks.targets("xtreme"):
        assert t.eval_data is not None, t.name
        assert (t.train_data is None) == (t.category == "retrieval"), t.name
        for lang in t.languages_for("xtreme"):
            split = "test" if t.name in ("xquad", "tydiqa", "tatoeba") else "dev"
            ok = t.split_for(split, lang) is not None
            assert ok == (not (t.name == "udpos" and lang in ("kk", "th", "tl", "yo"))), (t, lang)
    assert tasks.target("xquad").split_for("dev", "de") is None
    assert tasks.target("xquad").split_for("test", "de") == "validation"
    assert tasks.target("xnli").split_for("train") == "train"  # MNLI
    assert tasks.target("udpos").eval_data.config_for("de") == "udpos.German"
    assert tasks.target("tatoeba").eval_data.config_for("fa") == "tatoeba.pes"
    assert tasks.target("tydiqa").eval_data.where_for("fi") == ("id", "startswith", "finnish-")
    assert tasks.intermediate("anli").data.hub_splits("train") == (
        "train_r1", "train_r2", "train_r3")


def test_languages():
    de = tasks.language("German")
    assert (de.code, de.family, de.script) == ("de", "Indo-European", "Latin")
    assert de.resource_level == "high"
    assert tasks.language("yo").resource_level in {"mid", "low"}
    assert tasks.language("my").resource_level == "low"
    assert {lang.resource_level for lang in tasks.languages()} == {"high", "mid", "low"}
    assert tasks.language_code("AVG") == "avg"


@pytest.mark.parametrize(
    ("lookup", "bad", "near"),
    [(tasks.target, "xnly", "xnli"), (tasks.target, "PANX-NER", "panx"),
     (tasks.base_model, "mt5-xxxl", "mt5-xxl"),
     (tasks.base_model, "XLM-R Largee", "xlm-roberta-large"),
     (tasks.intermediate, "hellaswg", "hellaswag"), (tasks.language, "germn", "de"),
     (tasks.metric, "acuracy", "accuracy"), (tasks.aggregate, "xtreme:qaa", "xtreme:qa")],
)
def test_unknown_names_suggest_nearest(lookup, bad, near):
    with pytest.raises(UnknownNameError) as info:
        lookup(bad)
    assert near in info.value.suggestions
    assert bad in str(info.value) and near in str(info.value)


def test_unknown_name_always_suggests_something():
    with pytest.raises(UnknownNameError) as info:
        tasks.target("zzzzqqq")
    assert info.value.suggestions


def _respell(draw_case: list[bool], seps: list[str], name: str) -> str:
    out = []
    for i, ch in enumerate(name):
        ch = ch.upper() if draw_case[i % len(draw_case)] else ch.lower()
        out.append(ch + seps[i % len(seps)])
    return "".join(out)


ALL_NAMES = (
    [(a, tasks.target(a).name) for a in ("PAN-X", "WikiANN", "POS", "TyDiQA-GoldP", "xnli")]
    + [(m.display, m.name) for m in tasks.base_models()]
    + [(t.display, t.name) for t in tasks.intermediates()]
)


@given(
    pair=st.sampled_from(ALL_NAMES),
    case=st.lists(st.booleans(), min_size=1, max_size=8),
    seps=st.lists(st.sampled_from(["", "", "-", "_", " ", "."]), min_size=1, max_size=8),
)
def test_aliases_ignore_case_and_punctuation(pair, case, seps):
    alias, canonical = pair
    spelled = _respell(case, seps, alias)
    for lookup in (tasks.target, tasks.base_model, tasks.intermediate):
        try:
            got = lookup(spelled).name
        except UnknownNameError:
            continue
        assert got == canonical
        return
    pytest.fail(f"{spelled!r} did not resolve")


@given(st.text(max_size=12))
def test_resolution_either_succeeds_or_raises_unknown_name(text):
    lookups = (tasks.target, tasks.base_model, tasks.intermediate, tasks.language, tasks.metric)
    for lookup in lookups:
        try:
            lookup(text)
        except UnknownNameError as exc:
            assert exc.name == text and exc.kind
        else:
            assert name_key(text)


def test_tiny_test_model_is_registered():
    tiny = tasks.base_model("tiny-xlm-roberta")
    assert (tiny.family, tiny.display, tiny.params) == ("xlm-r", "tiny XLM-R (test)", None)
    assert "xfer_analysis.train.tiny" in tiny.source


def test_registry_lookup_of_an_unlisted_base_model_stays_strict():
    with pytest.raises(UnknownNameError, match="did you mean"):
        tasks.base_model_name("my-lab/xlmr-continued")
