"""The local `evaluate` modules compute the same numbers as the direct scorers."""

from __future__ import annotations

import pytest

from xfer_analysis.errors import UnknownNameError
from xfer_analysis.metrics import (
    accuracy,
    evaluate_module_path,
    map_at_k,
    pair_f1,
    qa_scores,
    tagging_scores,
)

evaluate = pytest.importorskip("evaluate")


def _load(name: str):
    return evaluate.load(evaluate_module_path(name))


def test_accuracy_module() -> None:
    preds, refs = ["a", "b", "c"], ["a", "x", "c"]
    assert _load("xtreme_accuracy").compute(predictions=preds, references=refs) == accuracy(
        refs, preds)


def test_seqeval_module() -> None:
    refs = [["B-PER", "I-PER", "O"], ["NOUN", "NOUN", "VERB"]]
    preds = [["B-PER", "O", "O"], ["NOUN", "VERB", "VERB"]]
    got = _load("xtreme_seqeval").compute(predictions=preds, references=refs)
    assert got == pytest.approx(tagging_scores(refs, preds))


def test_qa_module_squad_and_mlqa() -> None:
    preds, refs = ["北京", "the cat"], [["北京大学"], ["a cat", "dog"]]
    module = _load("xtreme_qa")
    gold = [("0", refs[0]), ("1", refs[1])]
    answered = {"0": preds[0], "1": preds[1]}
    assert module.compute(predictions=preds, references=refs) == pytest.approx(
        qa_scores(gold, answered))
    mlqa = module.compute(predictions=preds, references=refs, language="zh")
    assert mlqa == pytest.approx(qa_scores(gold, answered, "zh"))
    assert mlqa["f1"] != qa_scores(gold, answered)["f1"]


def test_bucc_and_map_modules() -> None:
    got = _load("xtreme_bucc").compute(predictions=[["d1\te1", "d2\te9"]],
                                       references=[["d1\te1", "d2\te2"]])
    assert got == pytest.approx(pair_f1([("d1", "e1"), ("d2", "e2")], [("d1", "e1"),
                                                                        ("d2", "e9")]))
    got = _load("xtreme_map").compute(predictions=[["x", "a"], ["b"]], references=[["a"], ["b"]])
    assert got == pytest.approx(map_at_k({"q": ["a"], "r": ["b"]}, {"q": ["x", "a"], "r": ["b"]}))


def test_unknown_module_name() -> None:
    with pytest.raises(UnknownNameError):
        evaluate_module_path("accuracy")
