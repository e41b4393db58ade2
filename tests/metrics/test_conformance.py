"""Every number in shared/conformance/xtreme_mock/expected.json, reproduced to 1e-6."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from xfer_analysis import tasks
from xfer_analysis.metrics import score_submission

TOL = 1e-6


@pytest.fixture(scope="module")
def mock(shared_dir: Path) -> Path:
    return shared_dir / "conformance" / "xtreme_mock"


@pytest.fixture(scope="module")
def expected(mock: Path) -> dict:
    return json.loads((mock / "expected.json").read_text())


@pytest.fixture(scope="module")
def xtreme_result(mock: Path) -> dict:
    data = mock / "mock_test_data"
    return score_submission(data / "predictions", data / "labels", "xtreme")


def _cases(section: str) -> list[tuple[str, str]]:
    """(task, metric) of every number in one section: a number added there is a test here."""
    shared = Path(os.environ.get("XFER_SHARED", Path(__file__).resolve().parents[3] / "shared"))
    path = shared / "conformance" / "xtreme_mock" / "expected.json"
    if not path.is_file():
        return []
    content = json.loads(path.read_text())
    return [(t, m) for t, metrics in content[section].items() for m in metrics]


@pytest.mark.parametrize(("task", "metric"), _cases("xtreme"))
def test_xtreme_number(xtreme_result: dict, expected: dict, task: str, metric: str) -> None:
    got = xtreme_result["detailed"][task][metric]
    assert got == pytest.approx(expected["xtreme"][task][metric], abs=TOL)


@pytest.mark.parametrize(("task", "metric"), _cases("xtreme_r"))
def test_xtreme_r_number(mock: Path, expected: dict, task: str, metric: str) -> None:
    data = mock / "mock_test_data"
    result = score_submission(data / "predictions", data / "labels", "xtreme-r",
                              task_names=[task])
    assert result["detailed"][task][metric] == pytest.approx(expected["xtreme_r"][task][metric],
                                                             abs=TOL)


def test_language_lists_match_the_scorer(expected: dict, mock: Path) -> None:
    for task, langs in expected["languages"].items():
        assert list(tasks.target(task).languages_for("xtreme")) == langs
    labels = mock / "mock_test_data" / "labels"
    for task in ("panx", "tatoeba"):
        names = sorted(p.name.split("-", 1)[1].split(".")[0] for p in (labels / task).iterdir())
        assert sorted(tasks.target(task).languages_for("xtreme")) == names


def test_overall_scores_are_means_of_task_scores(xtreme_result: dict) -> None:
    detailed = xtreme_result["detailed"]
    bench = tasks.benchmark("xtreme")
    task_scores = {}
    for name in bench.tasks:
        d = detailed[name]
        # QA task score = (mean EM + mean F1) / 2, recomputed from the per-language numbers.
        if "exact_match" in d:
            em = sum(d["exact_match"].values()) / len(d["exact_match"])
            f1 = sum(d["f1"].values()) / len(d["f1"])
            task_scores[name] = (em + f1) / 2
        else:
            metric = tasks.target(name).score_metric
            task_scores[name] = sum(d[metric].values()) / len(d[metric])
        assert d["avg_metric"] == pytest.approx(task_scores[name], abs=TOL)
    overall = xtreme_result["overall"]
    assert overall["all_task"] == pytest.approx(sum(task_scores.values()) / 9, abs=TOL)
    for category, members in bench.categories.items():
        want = sum(task_scores[m] for m in members) / len(members)
        assert overall[OFFICIAL_KEYS.get(category, category)] == pytest.approx(want, abs=TOL)


OFFICIAL_KEYS = {"structured_prediction": "tagging"}
"""The official scorer's JSON keys (xtreme/evaluate.py GROUP2TASK) where they differ from our
category names."""


def test_overall_keys_are_the_official_scorers(xtreme_result) -> None:
    """Issue 11: `xfer score --json` named the tagging category `structured_prediction`."""
    assert set(xtreme_result["overall"]) == {"all_task", "classification", "tagging", "qa",
                                             "retrieval"}


def test_overall_needs_every_task(mock: Path) -> None:
    data = mock / "mock_test_data"
    result = score_submission(data / "predictions", data / "labels", "xtreme",
                              task_names=["xquad", "mlqa", "tydiqa", "xnli"])
    assert set(result["overall"]) == {"qa"}
