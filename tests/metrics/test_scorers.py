"""Edge cases of the per-task scorers named in DESIGN.md 'Metric conformance'."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xfer_analysis.errors import ScoringError
from xfer_analysis.metrics import (
    accuracy,
    average_precision_at_k,
    chunks,
    exact_match,
    map_at_k,
    normalize_mlqa,
    normalize_squad,
    pair_f1,
    qa_scores,
    score_submission,
    score_task,
    tagging_scores,
    token_f1,
)
from xfer_analysis.metrics.reference import reference_chunks, reference_tagging_scores


def test_empty_vs_empty_answer_is_em_1_f1_0() -> None:
    assert exact_match("", "", normalize_squad) == 1.0
    assert token_f1("", "", normalize_squad) == 0.0
    # "The" normalises to nothing as well.
    assert exact_match("The", "a", normalize_squad) == 1.0
    assert token_f1("The", "a", normalize_squad) == 0.0


def test_missing_question_scores_zero_and_extra_ids_are_ignored() -> None:
    gold = [("q1", ["Paris"]), ("q2", ["two words"])]
    scores = qa_scores(gold, {"q1": "paris", "extra": "anything"})
    assert scores == {"exact_match": 50.0, "f1": 50.0}


def test_max_over_gold_answers() -> None:
    gold = [("q1", ["a cat sat", "the dog"])]
    scores = qa_scores(gold, {"q1": "dog"})
    assert scores["exact_match"] == 100.0


def test_squad_removes_only_ascii_punctuation() -> None:
    assert normalize_squad("¿Qué, pasa?") == "¿qué pasa"
    assert normalize_mlqa("¿Qué, pasa?", "es") == "qué pasa"


def test_arabic_article_removed_everywhere() -> None:
    assert normalize_mlqa("الكتاب", "ar") == "كتاب"
    # MLQA's pattern removes every occurrence of the letters, inside words too.
    assert normalize_mlqa("قالوا", "ar") == "ق وا"
    assert normalize_squad("الكتاب") == "الكتاب"


def test_chinese_is_split_into_characters() -> None:
    assert normalize_mlqa("北京大学 abc def", "zh") == "北 京 大 学 abc def"
    assert token_f1("北京", "北京大学", lambda s: normalize_mlqa(s, "zh")) == pytest.approx(2 / 3)
    # SQuAD rules keep the string as one token.
    assert token_f1("北京", "北京大学", normalize_squad) == 0.0


@pytest.mark.parametrize(
    ("language", "text", "want"),
    [
        ("en", "The Beatles", "beatles"),
        ("es", "los perros y el gato", "perros y gato"),
        ("de", "Der Hund und das Haus", "hund und haus"),
        ("vi", "cái bàn của tôi", "bàn tôi"),
        ("hi", "एक किताब", "एक किताब"),
    ],
)
def test_mlqa_articles_per_language(language: str, text: str, want: str) -> None:
    assert normalize_mlqa(text, language) == want


def test_mlqa_unknown_language_is_an_error() -> None:
    with pytest.raises(ScoringError, match="xx"):
        normalize_mlqa("text", "xx")


def test_chunk_boundaries() -> None:
    assert chunks(["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC"]) == [
        ("PER", 0, 1), ("LOC", 3, 4), ("LOC", 5, 5)]
    # conlleval reading of UD tags: first char is the tag, so NOUN NOUN is one chunk.
    assert chunks(["NOUN", "NOUN", "VERB", "PUNCT", "PRON"]) == [
        ("NOUN", 0, 1), ("VERB", 2, 2), ("PUNCT", 3, 3), ("PRON", 4, 4)]
    assert chunks(["B-ORG-X", "I-X"]) == [("X", 0, 1)]


def test_sentences_are_separated_by_an_o() -> None:
    joined = tagging_scores([["B-PER"], ["I-PER"]], [["B-PER", ]] + [["I-PER"]])
    assert joined["f1"] == 100.0
    # Without the separator B-PER I-PER would be one chunk; with it they are two.
    one = tagging_scores([["B-PER", "I-PER"]], [["B-PER"] + ["I-PER"]])
    two = tagging_scores([["B-PER"], ["I-PER"]], [["B-PER", "I-PER"]])
    assert one["f1"] == 100.0 and two["f1"] == 0.0


def test_accuracy_line_count_mismatch() -> None:
    with pytest.raises(ScoringError, match="line counts"):
        accuracy(["a", "b"], ["a"])


def test_bucc_pair_f1() -> None:
    gold = [("de-1", "en-1"), ("de-2", "en-2")]
    assert pair_f1(gold, [("de-1", "en-1"), ("de-3", "en-9")]) == {
        "f1": 50.0, "precision": 50.0, "recall": 50.0}
    assert pair_f1(gold, [])["f1"] == 0.0


def test_average_precision_counts_duplicates_once() -> None:
    assert average_precision_at_k({"a"}, ["b", "a", "a"], k=20) == 0.5
    assert average_precision_at_k({"a", "b"}, ["a", "x", "b"], k=20) == pytest.approx(
        (1 + 2 / 3) / 2)
    assert average_precision_at_k({"a"}, ["x"] * 20 + ["a"], k=20) == 0.0
    assert map_at_k({"q": ["a"], "r": ["b"]}, {"q": ["a"]})["map@20"] == 50.0


def _write(folder: Path, task: str, lang: str, text: str, ext: str = "tsv") -> None:
    (folder / task).mkdir(parents=True, exist_ok=True)
    (folder / task / f"test-{lang}.{ext}").write_text(text, encoding="utf-8")


def test_score_task_line_count_mismatch_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path / "labels", "pawsx", "de", "1\n0\n")
    _write(tmp_path / "preds", "pawsx", "de", "1\n")
    with pytest.raises(ScoringError, match=r"preds/pawsx/test-de\.tsv"):
        score_task(tmp_path / "preds", tmp_path / "labels", "pawsx", languages=["de"])


def test_tagging_sentence_length_mismatch(tmp_path: Path) -> None:
    _write(tmp_path / "labels", "panx", "de", "B-PER\nO\n\nO\n")
    _write(tmp_path / "preds", "panx", "de", "B-PER\n\nO\n")
    with pytest.raises(ScoringError, match="sentence 1"):
        score_task(tmp_path / "preds", tmp_path / "labels", "panx", languages=["de"])


def test_missing_language_file_is_named(tmp_path: Path) -> None:
    _write(tmp_path / "labels", "pawsx", "de", "1\n")
    _write(tmp_path / "preds", "pawsx", "de", "1\n")
    with pytest.raises(ScoringError, match=r"test-en\.tsv.*missing"):
        score_submission(tmp_path / "preds", tmp_path / "labels", "xtreme")


def test_predictions_without_labels_folder(tmp_path: Path) -> None:
    _write(tmp_path / "preds", "xnli", "de", "x\n")
    (tmp_path / "labels").mkdir()
    with pytest.raises(ScoringError, match="no labels folder"):
        score_submission(tmp_path / "preds", tmp_path / "labels", "xtreme")


def test_bad_json_is_a_scoring_error(tmp_path: Path) -> None:
    _write(tmp_path / "labels", "xquad", "en", '{"data": []}', "json")
    _write(tmp_path / "preds", "xquad", "en", "{not json", "json")
    with pytest.raises(ScoringError, match="invalid JSON"):
        score_task(tmp_path / "preds", tmp_path / "labels", "xquad", languages=["en"])


_LABELS = st.sampled_from(["O", "B-PER", "I-PER", "E-PER", "S-LOC", "I-LOC", "B-ORG", ".",
                           "NOUN", "VERB", "PUNCT", "PROPN", "SYM", "B-X-Y", "I-Y"])
_SENTENCES = st.lists(st.lists(_LABELS, max_size=12), max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LABELS, max_size=40))
def test_chunks_match_the_per_token_state_machine(labels: list[str]) -> None:
    assert set(chunks(labels)) == reference_chunks(labels)


@settings(max_examples=100, deadline=None)
@given(_SENTENCES, _SENTENCES)
def test_tagging_scores_match_reference(gold: list[list[str]], pred: list[list[str]]) -> None:
    got, want = tagging_scores(gold, pred), reference_tagging_scores(gold, pred)
    for key in want:
        assert got[key] == pytest.approx(want[key], abs=1e-9)
        assert 0.0 <= got[key] <= 100.0


_WORDS = st.lists(st.sampled_from(["a", "the", "cat", "dog", "Cat", "sat,", "on", "mat"]),
                  max_size=6).map(" ".join)


@settings(max_examples=200, deadline=None)
@given(_WORDS, _WORDS)
def test_token_f1_is_symmetric_and_bounded(a: str, b: str) -> None:
    f = token_f1(a, b, normalize_squad)
    assert f == pytest.approx(token_f1(b, a, normalize_squad))
    assert 0.0 <= f <= 1.0
    assert f >= exact_match(a, b, normalize_squad) or normalize_squad(a) == ""
