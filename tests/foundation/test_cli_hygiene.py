"""CLI hygiene (issue 11): a closed pipe ends quietly, a missing extra is one line naming what
to install, runs can be listed, deleted and replaced, and the claims error names the command
line way out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from xfer_analysis import results
from xfer_analysis.cli import SIGPIPE_EXIT, main
from xfer_analysis.errors import InputError

ROOT = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


@pytest.mark.parametrize("command", ["published", "claims", "results --published"])
def test_a_closed_pipe_ends_quietly(command: str, tmp_path: Path) -> None:
    """`xfer published | head` printed a BrokenPipeError traceback. The reader here (`true`)
    exits before the first write, so the pipe is always closed when xfer writes."""
    store = f" --store {tmp_path / 's.duckdb'}" if command.startswith("results") else ""
    script = (f"{sys.executable} -m xfer_analysis {command}{store} | true; "
              "echo \"status=${PIPESTATUS[0]}\" >&2")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=ENV,
                          cwd=tmp_path, timeout=300)
    assert "Traceback" not in done.stderr and "BrokenPipe" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines() == [f"status={SIGPIPE_EXIT}"]


def test_a_missing_train_extra_is_one_line_naming_the_install(tmp_path: Path) -> None:
    """`xfer run` without torch said only "No module named 'torch'"."""
    code = ("import sys; sys.modules['torch'] = None; sys.modules['transformers'] = None; "
            "from xfer_analysis.cli import main; "
            f"sys.exit(main(['run', {str(ROOT / 'configs' / 'smoke.yaml')!r}, '--dry-run', "
            f"'--store', {str(tmp_path / 's.duckdb')!r}]))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=ENV, timeout=300)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "pip install 'xfer-analysis[train]'" in lines[0]
    assert "Traceback" not in done.stderr


def _rows(run_id: str, value: float = 80.0) -> pd.DataFrame:
    return pd.DataFrame({"run_id": [run_id, run_id], "base_model": "xlm-roberta-large",
                         "intermediate": "none", "target_task": "xnli",
                         "language": ["de", "fr"], "split": "dev", "metric": "accuracy",
                         "value": [value, value + 1], "source": "my-runs"})


def test_runs_lists_and_delete_removes(tmp_path: Path, capsys) -> None:
    store = tmp_path / "s.duckdb"
    results.Store(store).add(pd.concat([_rows("a"), _rows("b", 70.0)]), origin="test")
    assert main(["runs", "--store", str(store), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(r["run_id"], r["rows"], r["sources"]) for r in listed] == [
        ("a", 2, "my-runs"), ("b", 2, "my-runs")]
    assert main(["delete", "a", "--store", str(store)]) == 0
    assert "deleted 2 rows" in capsys.readouterr().out
    assert set(results.Store(store).table()["run_id"]) == {"b"}
    assert main(["delete", "nope", "--store", str(store)]) == 1
    assert "nope" in capsys.readouterr().err
    assert len(results.Store(store)) == 2
    results.Store(store).add(_rows("a"), origin="test")
    assert set(results.Store(store).table()["run_id"]) == {"a", "b"}


def test_import_replace_corrects_a_run(tmp_path: Path, capsys) -> None:
    store, first, fixed = tmp_path / "s.duckdb", tmp_path / "r.csv", tmp_path / "r2.csv"
    _rows("run-1").to_csv(first, index=False)
    _rows("run-1", 81.0).drop(index=1).to_csv(fixed, index=False)
    assert main(["import", str(first), "--store", str(store)]) == 0
    assert main(["import", str(fixed), "--store", str(store)]) == 1
    assert "conflicts with the store" in capsys.readouterr().err
    assert main(["import", str(fixed), "--store", str(store), "--replace"]) == 0
    table = results.Store(store).table()
    assert table[["language", "value"]].values.tolist() == [["de", 81.0]]


def test_claims_error_names_the_command_line_way_out(tmp_path, monkeypatch, capsys) -> None:
    """The claims error advised only the Python API (`by=('source',)`)."""
    from xfer_analysis import claims

    def refuse(_table):
        raise InputError("2 gain rows share a key; filter the table to one source",
                         field="source")

    monkeypatch.setattr(claims, "check_all", refuse)
    store = tmp_path / "s.duckdb"
    assert main(["claims", "--store", str(store)]) == 1
    err = capsys.readouterr().err
    assert f"xfer runs --store {store}" in err and f"xfer delete RUN --store {store}" in err


def test_run_finds_a_shipped_grid_from_any_folder(tmp_path, monkeypatch) -> None:
    from xfer_analysis.cli.run_cmd import config_path
    from xfer_analysis.resources import shipped

    monkeypatch.chdir(tmp_path)
    assert config_path("configs/smoke.yaml") == shipped("configs") / "smoke.yaml"
    (tmp_path / "configs").mkdir()
    (tmp_path / "configs" / "smoke.yaml").write_text("mine")
    assert config_path("configs/smoke.yaml") == Path("configs/smoke.yaml")
    assert config_path("elsewhere/grid.yaml") == Path("elsewhere/grid.yaml")


def test_load_reads_the_shipped_csvs_once(monkeypatch) -> None:
    """One load() read the shipped CSVs six times (sources.csv three times)."""
    import importlib

    shipped = importlib.import_module("xfer_analysis.results.published")
    reads = []
    real_read = pd.read_csv
    monkeypatch.setattr(pd, "read_csv", lambda path, *a, **k: reads.append(Path(path))
                        or real_read(path, *a, **k))
    monkeypatch.setattr(shipped, "_READ", {})
    results.load()
    results.load()
    folder = shipped.published_dir()
    assert sorted(p.name for p in reads if p.parent == folder) == [
        "model_params.csv", "published.csv", "sources.csv"]


def test_an_unknown_executor_is_refused_before_any_cell_runs(tmp_path, capsys) -> None:
    """Executors are one registry (`train.executors.EXECUTORS`): the CLI takes any name in it."""
    pytest.importorskip("torch")
    code = main(["run", str(ROOT / "configs" / "smoke.yaml"), "--executor", "slurm",
                 "--store", str(tmp_path / "s.duckdb"), "--no-progress"])
    assert code == 1
    err = capsys.readouterr().err
    assert "slurm" in err and "local" in err and "ray" in err
    assert not (tmp_path / "s.duckdb").exists() or len(results.Store(tmp_path / "s.duckdb")) == 0
