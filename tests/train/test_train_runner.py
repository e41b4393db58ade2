"""End-to-end runner tests: a grid through all stages into the store, skip on re-run, SIGKILL
resume with identical rows, the Ray executor on a local cluster, and `xfer run --dry-run`."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from xfer_analysis import results, tasks

pytestmark = pytest.mark.train
REPO = Path(__file__).resolve().parents[2]
SORT = ["run_id", "target_task", "language", "metric"]


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    return df.sort_values(SORT).reset_index(drop=True)


def _without_code_version(df: pd.DataFrame) -> pd.DataFrame:
    """Rows with the note's code_version, wall time and machine dropped: other commits may land
    between two runs, and a resume may run on another machine; these are provenance, not
    results."""
    notes = [json.loads(n) for n in df["note"]]
    for n in notes:
        n.pop("code_version")
        n.pop("wall_seconds")
        n.pop("machine")
    return df.assign(note=[json.dumps(n, sort_keys=True) for n in notes])


def test_grid_runs_every_cell_into_the_store(local_run):
    store, grid, counts = local_run
    table = store.table()
    assert counts | {"failures": []} == {"cells": 6, "skipped": 0, "ran": 6, "rows": len(table),
                                        "failed": 0, "failures": [], "unavailable": 0}
    assert set(table["run_id"]) == {c.id for c in grid.cells}
    expected = sum(len(c.settings["languages"][c.target]) * len(tasks.target(c.target).metrics)
                   for c in grid.cells)
    assert len(table) == expected
    assert table["value"].between(0, 100).all()
    assert set(table["intermediate"]) == {"none", "ccg+mnli"}
    assert set(table["setting"]) == {"zero-shot"}
    mixed = table[table["intermediate"] == "ccg+mnli"]
    assert (mixed["intermediate_examples"] == 256).all()  # 192 MNLI + 64 CCG fixture examples
    assert table.loc[table["intermediate"] == "none", "intermediate_examples"].isna().all()


def test_rows_carry_the_full_cell_config(local_run):
    store, grid, _ = local_run
    cell = next(c for c in grid.cells if c.intermediate)
    note = json.loads(store.table(run_id=cell.id)["note"].iat[0])
    assert note["cell"] == cell.id and note["config"] == cell.config()
    assert note["config"]["stage1"]["intermediate"] == ["ccg", "mnli"]
    assert note["code_version"].startswith("0.1.0")


def test_second_run_does_nothing(local_run):
    from xfer_analysis.train import run_grid

    store, grid, _ = local_run
    before = store.table()
    counts = run_grid(grid, store, progress=False, log=lambda *_: None)
    assert counts["ran"] == 0 and counts["skipped"] == 6 and counts["rows"] == 0
    pd.testing.assert_frame_equal(store.table(), before)


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(REPO)}


def _xfer(args: list[str]) -> list[str]:
    code = "import sys; from xfer_analysis.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def test_sigkill_mid_run_then_resume_gives_identical_rows(local_run, grid_file, tmp_path):
    store_ref, _, _ = local_run
    store_path, work = tmp_path / "r.duckdb", tmp_path / "work"
    args = ["run", str(grid_file), "--store", str(store_path), "--work-dir", str(work),
            "--no-progress"]
    env = _env()
    proc = subprocess.Popen(_xfer(args), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    store = results.Store(store_path)
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if store_path.exists() and store.table()["run_id"].nunique() >= 1:
            break
        time.sleep(0.2)
    assert proc.poll() is None, "the run finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = store.table()["run_id"].nunique()
    assert 1 <= partial < 6
    done = subprocess.run(_xfer(args), cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"skipped {partial}" in done.stdout
    resumed, reference = _sorted(store.table()), _sorted(store_ref.table())
    pd.testing.assert_frame_equal(_without_code_version(resumed),
                                  _without_code_version(reference))


def test_dry_run_lists_cells_and_state(local_run, grid_file):
    store, grid, _ = local_run
    out = subprocess.run(_xfer(["run", str(grid_file), "--store", str(store.path),
                                "--dry-run"]), cwd=REPO, capture_output=True, text=True,
                         timeout=120, env=_env())
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()[1:-1]  # between the header and the summary
    assert {ln.split("\t")[0] for ln in lines} == {c.id for c in grid.cells}
    assert all(ln.split("\t")[1] == "done" for ln in lines)
    assert out.stdout.splitlines()[-1] == ("# 6 cells: 6 done, 0 pending "
                                           "(device cpu, precision fp32)")


def test_ray_executor_on_a_local_cluster(grid_file, tmp_path, monkeypatch):
    ray = pytest.importorskip("ray")
    from xfer_analysis.train import load_grid, run_grid

    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    temp = Path("/tmp") / f"ray{os.getpid()}"
    ray.init(num_cpus=2, include_dashboard=False, _temp_dir=str(temp), log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": _env()["PYTHONPATH"]}})
    try:
        grid = load_grid(grid_file, work_dir=tmp_path / "work")
        store = results.Store(tmp_path / "ray.duckdb")
        counts = run_grid(grid, store, executor="ray", progress=False, log=lambda *_: None)
    finally:
        ray.shutdown()
    table = store.table()
    assert counts["ran"] == 6 and counts["rows"] == len(table) > 0
    assert set(table["run_id"]) == {c.id for c in grid.cells}
    assert table["value"].between(0, 100).all()
