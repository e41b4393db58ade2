"""Finding 2 of issue 10: the runner's own rows decide the dev claims. A grid shaped like
configs/phang2020.yaml (every XTREME target, baseline, nine single tasks, multi-task, two
seeds) goes through the runner's row writer (`cell_rows`) into a store, then `xfer claims
--store`: no dev claim the grid can decide says "insufficient data"."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from xfer_analysis import claims, tasks
from xfer_analysis.cli import main
from xfer_analysis.results import Store

pytest.importorskip("torch")
from xfer_analysis.train.grid import load_grid  # noqa: E402
from xfer_analysis.train.runner import cell_rows  # noqa: E402

EFFECTS = {"squad": 8.2, "mnli": 7.5, "hellaswag": 7.0, tasks.MULTITASK_ALL: 8.7}
VARIANT_CLAIMS = {"6-mlm", "6-translated"}  # need runs phang2020.yaml does not make


def _outcome(cell, rng) -> dict:
    """A finished cell as `stages.run_cell` returns it: per-language scores, the number of
    stage-1 examples used (a count even at full size) and the parameter count."""
    gain = 0.0 if cell.intermediate_label == tasks.NONE else EFFECTS.get(
        cell.intermediate_label, 2.0)
    run = rng.normal(0, 0.3)
    scores = {lang: {m: 50.0 + gain + run + rng.normal(0, 0.5)
                     for m in tasks.target(cell.target).metrics}
              for lang in cell.settings["languages"][cell.target]}
    used = 0 if cell.intermediate_label == tasks.NONE else 392702
    return {"scores": scores, "intermediate_examples": used, "model_params": 5.6e8}


def test_runner_rows_shaped_like_phang2020_decide_every_dev_claim(repo_root, tmp_path, capsys):
    raw = yaml.safe_load((repo_root / "configs" / "phang2020.yaml").read_text())
    raw["seeds"] = [1, 2, 3]
    path = tmp_path / "phang2020.yaml"
    path.write_text(yaml.safe_dump(raw))
    grid = load_grid(path)
    assert {c.target for c in grid.cells} == {t.name for t in tasks.targets("xtreme")}
    assert {c.split for c in grid.cells} == {"dev", "test"}  # XQuAD, TyDiQA, Tatoeba: test
    rng = np.random.default_rng(0)
    rows = pd.concat([cell_rows(cell, _outcome(cell, rng), grid.name, "test")
                      for cell in grid.cells], ignore_index=True)
    Store(tmp_path / "store.duckdb").add(rows, origin=grid.name)
    assert main(["claims", "--store", str(tmp_path / "store.duckdb"), "--no-published",
                 "--json"]) == 0
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    dev = {c.id for c in claims.CLAIMS if c.needs.split == "dev"}
    for cid in dev - VARIANT_CLAIMS:
        assert records[cid]["status"] != claims.INSUFFICIENT, (cid, records[cid]["reason"])
        assert records[cid]["per_source"][0]["interval"] is not None, cid
    for cid in VARIANT_CLAIMS:
        assert records[cid]["status"] == claims.INSUFFICIENT
        assert records[cid]["missing"] and records[cid]["decided_by"]
    assert records["1-squad"]["per_source"][0]["value"] == pytest.approx(8.2, abs=0.3)
    assert records["4-tydiqa"]["status"] == claims.SUPPORTED
