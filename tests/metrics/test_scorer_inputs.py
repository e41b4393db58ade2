"""`xfer score` on hostile inputs: a ScoringError naming the file (exit 1), never a traceback;
lines split like the official XTREME reader (`open(file)` iteration: \\n, \\r\\n, \\r only)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xfer_analysis.cli import main
from xfer_analysis.errors import ScoringError
from xfer_analysis.metrics import readers
from xfer_analysis.metrics.submission import score_task

DEEP = "[" * 100_000 + "]" * 100_000
HUGE = "9" * 5000


def _files(root: Path, task: str, lang: str, gold: str, pred: str, ext: str) -> tuple[Path, Path]:
    for side, text in (("labels", gold), ("predictions", pred)):
        path = root / side / task / f"test-{lang}.{ext}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "predictions", root / "labels"


def _squad(answer: object, qid: object = "q1") -> str:
    return json.dumps({"data": [{"paragraphs": [{"qas": [
        {"id": qid, "answers": [{"text": answer}]}]}]}]})


CASES = {
    "deep gold JSON": ("xquad", "de", DEEP, '{"q1": "a"}', "json"),
    "deep predictions JSON": ("xquad", "de", _squad("a"), '{"q1": ' + DEEP + "}", "json"),
    "huge integer in predictions": ("xquad", "de", _squad("a"), '{"q1": ' + HUGE + "}", "json"),
    "huge integer in gold": ("xquad", "de", '{"data": ' + HUGE + "}", '{"q1": "a"}', "json"),
    "answer text is a number": ("xquad", "de", _squad(5), '{"q1": "a"}', "json"),
    "question id is a list": ("xquad", "de", _squad("a", qid=[1]), '{"q1": "a"}', "json"),
    "Mewsli-X lists of lists": ("mewslix", "de", '{"q1": [["a"]]}', '{"q1": [["a"], "b"]}',
                                "json"),
    "Mewsli-X gold id is an object": ("mewslix", "de", '{"q1": [{"a": 1}]}', '{"q1": ["a"]}',
                                      "json"),
    "deep JSONL line": ("mewslix", "de", '{"q1": ["a"]}\n', '{"q1": ' + DEEP + "}\n", "jsonl"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_scorer_input_is_a_scoring_error(tmp_path: Path, case: str, capsys) -> None:
    task, lang, gold, pred, ext = CASES[case]
    preds, labels = _files(tmp_path, task, lang, gold, pred, ext)
    with pytest.raises(ScoringError) as info:
        score_task(preds, labels, task, benchmark="xtreme-r", languages=[lang])
    assert info.value.path and f"test-{lang}" in info.value.path
    code = main(["score", "--benchmark", "xtreme-r", "--predictions", str(preds),
                 "--labels", str(labels), "--tasks", task])
    assert code == 1
    assert "error:" in capsys.readouterr().err


@pytest.mark.parametrize(("text", "lines"), [
    ("a\nb\n", ["a", "b"]), ("a\r\nb", ["a", "b"]), ("a\rb\r", ["a", "b"]),
    ("a\x0cb\nc", ["a\x0cb", "c"]), ("a\u2028b\u2029c\x85d\x1ce\n", ["a\u2028b\u2029c\x85d\x1ce"]),
    ("a\n\nb\n", ["a", "", "b"]), ("", []), (" x \n", ["x"]),
])
def test_lines_split_like_the_official_reader(tmp_path: Path, text: str, lines: list[str]
                                              ) -> None:
    path = tmp_path / "test-de.tsv"
    path.write_bytes(text.encode("utf-8"))
    with path.open() as handle:  # the official evaluate.py: `[l.strip() for l in f]`
        official = [line.strip() for line in handle]
    assert readers.read_lines(path) == official == lines


def test_accuracy_counts_a_form_feed_line_once(tmp_path: Path) -> None:
    preds, labels = _files(tmp_path, "xnli", "de", "entailment\nneutral\x0cx\n",
                           "entailment\nneutral\x0cx\n", "tsv")
    detail = score_task(preds, labels, "xnli", languages=["de"])
    assert detail["accuracy"]["de"] == 100.0
