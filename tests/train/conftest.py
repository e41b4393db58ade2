"""Fixtures for the runner tests: skip without torch, a small grid file, one shared local run."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "data"

GRID = """
name: test-grid
benchmark: xtreme
split: dev
target_splits: {{tatoeba: test}}
data_dir: {data}
base_models:
  - {{name: tiny-xlm-roberta, path: tiny, retrieval_layer: 1,
     tiny: {{hidden: 32, layers: 2, heads: 2, vocab_size: 300, max_len: 128, seed: 0}}}}
intermediate_sets: [none, mnli+ccg]
sizes: [full]
targets: [xnli, panx, tatoeba]
seeds: [1]
languages: {{xnli: [en, de], panx: [en, de], tatoeba: [de]}}
mixture: {{sampling: temperature, temperature: 2.0, cap: 48}}
intermediate_training: {{lr: 1.0e-3, batch_size: 16, epochs: 1, warmup: 0.1, max_seq_length: 48}}
target_training: {{lr: 1.0e-3, batch_size: 16, epochs: 1, warmup: 0.1, max_seq_length: 48}}
eval: {{batch_size: 32, max_examples: 12}}
resources: {{num_cpus: 1, num_gpus: 0}}
retries: 1
"""


@pytest.fixture(scope="session")
def grid_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 6-cell grid (baseline + a 2-task mixture x 3 targets) on the fixtures."""
    path = tmp_path_factory.mktemp("grid") / "grid.yaml"
    path.write_text(GRID.format(data=FIXTURES), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def local_run(grid_file: Path, tmp_path_factory: pytest.TempPathFactory):
    """The grid run once, uninterrupted, with the local executor: (store, grid, counts)."""
    from xfer_analysis.results import Store
    from xfer_analysis.train import load_grid, run_grid

    base = tmp_path_factory.mktemp("local")
    grid = load_grid(grid_file, work_dir=base / "work")
    store = Store(base / "results.duckdb")
    counts = run_grid(grid, store, progress=False, log=lambda *_: None)
    return store, grid, counts
