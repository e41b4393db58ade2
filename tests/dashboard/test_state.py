"""Dashboard state without Streamlit (dashboard/state.py): URL params, keys, upload checks,
chart data; the shared filter views; the `xfer dashboard` command line."""

from __future__ import annotations

import argparse
import time

import altair as alt
import pandas as pd
import pytest
import state

from xfer_analysis import views
from xfer_analysis.cli import build_parser, dashboard_cmd
from xfer_analysis.errors import InputError


def test_choice_round_trips_through_the_url_including_numbers() -> None:
    options = [100, 1000, 10000]
    params = {"n": state.encode(1000)}
    assert state.parse_choice(params, "n", options) == 1000
    assert state.parse_choice({"n": "bogus"}, "n", options, default=10000) == 10000
    assert state.parse_choice({}, "n", options) == 100
    assert state.parse_choice({"n": ["100", "10000"]}, "n", options) == 10000
    assert state.parse_choice({}, "n", []) is None


def test_multi_round_trips_and_drops_unknown_values() -> None:
    options = ["xnli", "pawsx", "tydiqa"]
    params = {"t": state.encode(["tydiqa", "xnli"])}
    assert state.parse_multi(params, "t", options) == ["tydiqa", "xnli"]
    assert state.parse_multi({"t": "xnli,nope"}, "t", options) == ["xnli"]
    assert state.parse_multi({"t": ""}, "t", options, default=["xnli"]) == []
    assert state.parse_multi({}, "t", options, default=["pawsx"]) == ["pawsx"]


def test_flag_round_trip() -> None:
    assert state.parse_flag({"g": state.encode(True)}, "g") is True
    assert state.parse_flag({"g": state.encode(False)}, "g", default=True) is False
    assert state.parse_flag({"g": "maybe"}, "g", default=True) is True


def test_path_fingerprint_changes_when_the_store_is_written(tmp_path) -> None:
    store = tmp_path / "store"
    store.mkdir()
    (store / "part.parquet").write_bytes(b"one")
    before = state.path_fingerprint(store)
    assert before == state.path_fingerprint(store)
    time.sleep(0.01)
    (store / "part.parquet").write_bytes(b"one two")
    assert state.path_fingerprint(store) != before
    assert state.path_fingerprint(tmp_path / "absent") != before


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [("r.csv", None, "csv"), ("r.PARQUET", None, "parquet"), ("r.pq", None, "parquet"),
     ("r.json", None, "json"), ("r.jsonl", None, "jsonl"), ("grid.csv", None, "csv"),
     ("val_metrics.json", "jiant", "jiant"), ("all_results.json", "hf", "hf")],
)
def test_upload_format(name: str, kind: str | None, expected: str) -> None:
    assert state.upload_format(name, kind) == expected


@pytest.mark.parametrize(("name", "kind", "reason"), [
    ("model.pkl", None, "unsupported file type '.pkl'; use one of .csv, .json, .jsonl, "
                        ".parquet, .pq"),
    ("x.py", None, "unsupported file type '.py'"), ("noext", None, "'(none)'"),
    ("metrics.csv", "jiant", "a jiant results file must be a .json file"),
    ("all_results.jsonl", "hf", "a hf results file must be a .json file"),
])
def test_upload_format_refuses_non_data_files(name: str, kind: str | None, reason: str) -> None:
    with pytest.raises(InputError, match=name) as error:
        state.upload_format(name, kind)
    assert reason in str(error.value)


def test_upload_kinds_and_suffixes_come_from_the_format_registry() -> None:
    """The upload widget offers what it offered when the dashboard listed the formats itself;
    now `results.FORMATS` says it (a new format is offered without a dashboard change)."""
    assert state.upload_kinds() == {
        "results table (CSV / Parquet / JSON)": None,
        "jiant val_metrics.json": "jiant",
        "Hugging Face Trainer all_results.json / eval_results.json": "hf",
    }
    assert state.upload_formats() == {".csv": "csv", ".parquet": "parquet", ".pq": "parquet",
                                      ".json": "json", ".jsonl": "jsonl"}
    assert state.upload_suffixes() == ["csv", "json", "jsonl", "parquet", "pq"]


def test_size_limit_names_the_file() -> None:
    state.check_size("ok.csv", 1024, limit_mb=1)
    with pytest.raises(InputError, match="big.csv.*limit is 1 MB"):
        state.check_size("big.csv", 2 * 1024 * 1024, limit_mb=1)


def test_filter_rows_and_column_values() -> None:
    frame = pd.DataFrame({"t": ["xnli", "pawsx", "xnli"], "seed": [1, 2, 1], "v": [1.0, 2.0, 3.0]})
    assert views.filter_rows(frame, {"t": ["xnli"], "seed": []})["v"].tolist() == [1.0, 3.0]
    assert views.filter_rows(frame, {"seed": ["2"]})["v"].tolist() == [2.0]
    assert views.column_values(frame, ["t", "seed", "absent"]) == {
        "t": ["pawsx", "xnli"], "seed": ["1", "2"]}


def test_column_values_of_task_rows_leave_aggregates_out() -> None:
    frame = pd.DataFrame({"target_task": ["xnli", "xtreme", "xtreme:qa"],
                          "metric": ["accuracy", "score", "score"],
                          "language": ["de", "avg", "avg"]})
    assert views.column_values(frame, ["target_task", "metric", "language"],
                                   tasks_only=True) == {
        "target_task": ["xnli"], "metric": ["accuracy"], "language": ["de"]}
    assert "score" in views.column_values(frame, ["metric"])["metric"]


def test_chart_data_is_the_data_the_spec_embeds() -> None:
    frame = pd.DataFrame({"x": ["a", "b"], "y": [1.5, 2.5]})
    chart = alt.Chart(frame).mark_bar().encode(x="x:N", y="y:Q")
    (exported,) = state.chart_data(chart.to_dict()).values()
    pd.testing.assert_frame_equal(exported, frame)
    inline = {"data": {"values": [{"x": "a", "y": 1}]}}
    assert state.chart_data(inline)["1"].to_dict("records") == [{"x": "a", "y": 1}]


def _args(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(["dashboard", *argv])


def test_cli_binds_localhost_headless_by_default(tmp_path) -> None:
    args = _args()
    app = tmp_path / "app.py"
    command = dashboard_cmd.streamlit_command(args, app)
    assert command[1:5] == ["-m", "streamlit", "run", str(app)]
    options = dict(zip(command[5::2], command[6::2], strict=True))
    assert options["--server.address"] == "127.0.0.1"
    assert options["--server.port"] == "8501"
    assert options["--server.headless"] == "true"
    assert options["--browser.gatherUsageStats"] == "false"
    assert options["--server.maxUploadSize"] == str(dashboard_cmd.MAX_UPLOAD_MB)


def test_cli_port_host_and_store(tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("XFER_STORE", raising=False)
    args = _args("--port", "8765", "--host", "0.0.0.0", "--store", str(tmp_path))
    options = dict(zip(*[iter(dashboard_cmd.streamlit_command(args, tmp_path)[5:])] * 2,
                       strict=True))
    assert (options["--server.port"], options["--server.address"]) == ("8765", "0.0.0.0")
    assert dashboard_cmd.environment(args)["XFER_STORE"] == str(tmp_path.resolve())
    assert "XFER_STORE" not in dashboard_cmd.environment(_args())


def test_cli_finds_the_app_in_the_checkout(repo_root, monkeypatch) -> None:
    monkeypatch.delenv("XFER_DASHBOARD_APP", raising=False)
    assert dashboard_cmd.app_path() == repo_root / "dashboard" / "app.py"
