"""Resilience: SIGKILL inside a stage resumes from the in-stage checkpoint with identical rows,
corrupt checkpoints are rebuilt, stale temp folders go, a failing cell does not stop the grid,
unknown executors are refused."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from xfer_analysis import results
from xfer_analysis.errors import InputError, UnknownNameError

pytestmark = pytest.mark.train
REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "data"

GRID = """
name: resilience
split: dev
data_dir: {data}
base_models:
  - {{name: tiny-xlm-roberta, path: tiny, retrieval_layer: 1,
     tiny: {{hidden: 32, layers: 2, heads: 2, vocab_size: 300, max_len: 128, seed: 0}}}}
intermediate_sets: [none]
targets: [xnli]
seeds: [1]
languages: {{xnli: [en, de]}}
intermediate_training: {{lr: 1.0e-3, batch_size: 4, epochs: 1, max_seq_length: 32}}
target_training: {{lr: 1.0e-3, batch_size: 4, epochs: 3, warmup: 0.1, max_seq_length: 32,
                   grad_accum: 2}}
eval: {{batch_size: 32, max_examples: 12}}
{extra}
"""


def _grid(tmp_path: Path, name: str, extra: str = "") -> Path:
    path = tmp_path / f"{name}.yaml"
    path.write_text(GRID.format(data=FIXTURES, extra=extra))
    return path


def _xfer(args: list[str]) -> list[str]:
    code = "import sys; from xfer_analysis.cli import main; sys.exit(main(sys.argv[1:]))"
    return [sys.executable, "-c", code, *args]


def _rows(store_path: Path) -> pd.DataFrame:
    df = results.Store(store_path).table().sort_values(["language", "metric"])
    notes = [json.loads(n) for n in df["note"]]
    for n in notes:
        n.pop("code_version")
        n.pop("wall_seconds")
    return df.assign(note=[json.dumps(n, sort_keys=True) for n in notes]).reset_index(drop=True)


@pytest.mark.slow
@pytest.mark.parametrize("precision", ["", "fp16: true"])  # fp16: the loss scaler resumes too
def test_sigkill_inside_a_stage_resumes_from_the_in_stage_checkpoint(tmp_path, precision):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # reference: the same cell without checkpoints (checkpoint_every is not part of its id)
    ref = ["run", str(_grid(tmp_path, "ref", precision)), "--store", str(tmp_path / "ref.duckdb"),
           "--work-dir", str(tmp_path / "ref"), "--no-progress"]
    assert subprocess.run(_xfer(ref), cwd=REPO, env=env, capture_output=True,
                          timeout=600).returncode == 0
    grid = _grid(tmp_path, "ck", f"checkpoint_every: 3\n{precision}")
    work, store = tmp_path / "work", tmp_path / "ck.duckdb"
    args = ["run", str(grid), "--store", str(store), "--work-dir", str(work), "--no-progress"]
    proc = subprocess.Popen(_xfer(args), cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.time() + 300
    while time.time() < deadline and proc.poll() is None:
        if list((work / "inflight").glob("*/manifest.json")):
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the stage finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not store.exists() or results.Store(store).table().empty
    done = subprocess.run(_xfer(args), cwd=REPO, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "resuming at batch" in done.stdout
    pd.testing.assert_frame_equal(_rows(store), _rows(tmp_path / "ref.duckdb"))
    assert np.isfinite(_rows(store)["value"]).all()
    assert not list((work / "inflight").iterdir())  # cleared once the cell finished


def test_a_truncated_in_stage_checkpoint_is_discarded(tmp_path):
    import torch

    from xfer_analysis.train.loop import InStage

    said = []
    ck = InStage(tmp_path / "ck", 1, said.append)
    ck.save({"position": 3, "w": torch.arange(1000)})
    assert ck.load()["position"] == 3
    state = tmp_path / "ck" / InStage.STATE
    state.write_bytes(state.read_bytes()[:100])
    assert ck.load() is None and "unusable" in said[0]
    assert not (tmp_path / "ck").exists()


def test_a_truncated_encoder_checkpoint_is_rebuilt_and_temp_folders_cleaned(tmp_path):
    from xfer_analysis.train import load_grid
    from xfer_analysis.train.runner import context
    from xfer_analysis.train.stages import stage1

    grid_text = GRID.format(data=FIXTURES, extra="").replace("[none]", "[sst2]").replace(
        "intermediate_training: {lr: 1.0e-3, batch_size: 4, epochs: 1",
        "intermediate_training: {lr: 1.0e-3, batch_size: 16, epochs: 1")
    (tmp_path / "g.yaml").write_text(grid_text)
    grid = load_grid(tmp_path / "g.yaml", work_dir=tmp_path / "work")
    said: list[str] = []
    ctx = context(grid, progress=False, log=said.append)
    cell = grid.cells[0]
    path, _ = stage1(cell, ctx)
    weights = Path(path) / "model.safetensors"
    good = weights.read_bytes()
    weights.write_bytes(good[: len(good) // 2])  # a disk-full or killed copy
    stale = Path(path).parent / f".{Path(path).name}.leftover"
    stale.mkdir()
    again, _ = stage1(cell, ctx)
    assert again == path and any("corrupt" in s for s in said)
    assert weights.read_bytes() == good  # rebuilt bit-identical
    assert not stale.exists()


def test_a_failing_cell_is_recorded_and_the_grid_goes_on(tmp_path, monkeypatch, capsys):
    from xfer_analysis.cli import main
    from xfer_analysis.train import load_grid, run_grid, stages

    text = GRID.format(data=FIXTURES, extra="").replace("targets: [xnli]",
                                                        "targets: [pawsx, xnli]").replace(
        "languages: {xnli: [en, de]}", "languages: {xnli: [en], pawsx: [en]}")
    path = tmp_path / "g.yaml"
    path.write_text(text)
    real = stages._target_scores

    def flaky(cell, encoder_path, ctx):
        if cell.target == "pawsx":
            raise RuntimeError("CUDA out of memory (simulated)")
        return real(cell, encoder_path, ctx)

    monkeypatch.setattr(stages, "_target_scores", flaky)
    grid = load_grid(path, work_dir=tmp_path / "work")
    store = results.Store(tmp_path / "s.duckdb")
    counts = run_grid(grid, store, progress=False, log=lambda *_: None)
    assert counts["failed"] == 1 and "CUDA out of memory" in counts["failures"][0]
    assert set(store.table()["target_task"]) == {"xnli"}
    failed = next(c for c in grid.cells if c.target == "pawsx")
    record = json.loads((tmp_path / "work" / "failures" / f"{failed.id}.json").read_text())
    assert record["error"].startswith("RuntimeError") and record["config"] == failed.config()
    code = main(["run", str(path), "--store", str(tmp_path / "s.duckdb"), "--work-dir",
                 str(tmp_path / "work"), "--no-progress"])
    out = capsys.readouterr().out
    assert code == 1 and "1 cell(s) FAILED" in out and failed.id in out


def test_unknown_executor_is_refused(tmp_path):
    from xfer_analysis.train import load_grid, run_grid

    grid = load_grid(_grid(tmp_path, "g"), work_dir=tmp_path / "work")
    with pytest.raises(UnknownNameError, match="slurm"):
        run_grid(grid, results.Store(tmp_path / "s.duckdb"), executor="slurm")


def test_translated_intermediate_data_is_read_from_its_folder_and_recorded(tmp_path):
    import datasets

    from xfer_analysis.train import load_grid, run_grid

    src = FIXTURES / "nyu-mll" / "glue" / "sst2" / "train-00000-of-00001.parquet"
    english = datasets.load_dataset("parquet", data_files=str(src), split="train")
    folder = tmp_path / "translated" / "nyu-mll" / "glue" / "sst2"
    folder.mkdir(parents=True)
    english.select(range(10)).map(lambda r: {"sentence": "übersetzt " + r["sentence"]}) \
        .to_parquet(folder / "train-00000-of-00001.parquet")
    text = GRID.format(data=FIXTURES, extra="target_examples: 32\nsizes: [100]").replace(
        "[none]", "[sst2]").replace("languages: {xnli: [en, de]}", "languages: {xnli: [en]}")
    plain = tmp_path / "plain.yaml"
    plain.write_text(text)
    path = tmp_path / "t.yaml"
    path.write_text(text + "\nintermediate_data: translated\ntranslated_dir: translated\n")
    grid = load_grid(path, work_dir=tmp_path / "work")
    assert {c.id for c in grid.cells}.isdisjoint(c.id for c in load_grid(plain).cells)
    store = results.Store(tmp_path / "s.duckdb")
    assert run_grid(grid, store, progress=False, log=lambda *_: None)["failed"] == 0
    rows = store.table()
    assert set(rows["intermediate_data"]) == {"translated"}
    assert set(rows["intermediate_examples"]) == {10}  # the translated copy, not the 64 English
    bad = tmp_path / "bad.yaml"
    bad.write_text(text + "\nintermediate_data: translated\n")
    with pytest.raises(InputError, match="needs translated_dir"):
        load_grid(bad)
