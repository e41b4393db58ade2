"""`xfer score`: JSON output, errors naming the file, rows added to the store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xfer_analysis.cli import main
from xfer_analysis.metrics import score_submission


@pytest.fixture(scope="module")
def mock_data(shared_dir: Path) -> Path:
    return shared_dir / "conformance" / "xtreme_mock" / "mock_test_data"


def test_json_output_equals_score_submission(mock_data: Path, capsys: pytest.CaptureFixture
                                             ) -> None:
    args = ["score", "--predictions", str(mock_data / "predictions"),
            "--labels", str(mock_data / "labels"), "--json"]
    assert main(args) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed == score_submission(mock_data / "predictions", mock_data / "labels")
    assert set(printed["overall"]) >= {"all_task", "qa"}


def test_missing_file_exits_1_naming_it(mock_data: Path, capsys: pytest.CaptureFixture) -> None:
    args = ["score", "--benchmark", "xtreme-r", "--predictions", str(mock_data / "predictions"),
            "--labels", str(mock_data / "labels")]
    assert main(args) == 1
    assert "test-" in capsys.readouterr().err


def test_store_rows(mock_data: Path, tmp_store: Path) -> None:
    from xfer_analysis.results import Store

    args = ["score", "--predictions", str(mock_data / "predictions"),
            "--labels", str(mock_data / "labels"), "--tasks", "xquad",
            "--store", str(tmp_store), "--run-id", "mock", "--base-model", "xlm-roberta-large"]
    assert main(args) == 0
    table = Store(tmp_store).table()
    want = score_submission(mock_data / "predictions", mock_data / "labels",
                            task_names=["xquad"])["detailed"]["xquad"]
    assert len(table) == 2 * len(want["f1"])
    row = table[(table.language == "de") & (table.metric == "f1")].iloc[0]
    assert row.value == pytest.approx(want["f1"]["de"])
    assert (row.split, row.setting, row.target_task) == ("test", "zero-shot", "xquad")
