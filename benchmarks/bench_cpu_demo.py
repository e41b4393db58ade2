"""Throughput of each STILTs stage of configs/cpu_demo.yaml on this machine, on the real assets
(`xfer assets fetch cpu-demo`), with the grid's own recipe, beside an fp32 baseline in the same
run; and the shipped run's wall time per cell (from the ledger's provenance).

Stages: stage-1 training (pair classification: VitaminC; multiple choice: Social IQa), stage-2
training (MultiEmo English), zero-shot evaluation (MultiEmo test, inference) and retrieval
embedding (the intermediate encoder, mean-pooled last layer).

  python benchmarks/bench_cpu_demo.py --examples 96
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import pandas as pd
import torch

from xfer_analysis.assets.fetch import cached
from xfer_analysis.train import data as D
from xfer_analysis.train import load_grid, sources
from xfer_analysis.train.evaluation import embeddings
from xfer_analysis.train.loop import autocast, predict_logits, train
from xfer_analysis.train.mixture import total_steps
from xfer_analysis.train.stages import _build_model, _features, _label_space, _settings

ROOT = Path(__file__).resolve().parents[1]


def _stage(model_dir, kind_source, block, n, precision):
    """Examples/s of one training stage on the first `n` examples of a source."""
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(model_dir)
    examples = D.load_examples(kind_source, assets.data_dir)[:n]
    labels = _label_space(kind_source.kind, examples)
    feats = _features(kind_source.kind, examples, tok, block, labels, 0, True)
    model = _build_model(str(model_dir), {"t": (kind_source.kind, len(labels))}, 0,
                         block["pooling"])
    settings = _settings(block)
    plan = ["t"] * total_steps({"t": len(feats)}, settings.batch_size, settings.epochs)
    stats = train(model, {"t": feats}, plan, settings, seed=0, pad_id=tok.pad_token_id,
                  precision=precision, progress=False)
    return stats.examples_per_second, model, tok, feats, labels


def _inference(model, tok, feats, precision):
    start = time.perf_counter()
    predict_logits(model, "t", feats, 64, tok.pad_token_id, "cpu", precision)
    return len(feats) / (time.perf_counter() - start)


def _retrieval(model, tok, sentences, precision, layer):
    start = time.perf_counter()
    with autocast("cpu", precision):
        embeddings(model.encoder, tok, sentences, layer, 64, 128)
    return len(sentences) / (time.perf_counter() - start)


def measure(n: int, precision: str, grid) -> dict[str, float]:
    """Examples (or sentences) per second of each stage."""
    model_dir = assets.model_dir
    block = grid.cells[0].settings["intermediate_training"]
    out = {}
    out["stage1 pair (vitaminc) ex/s"], *_ = _stage(
        model_dir, sources.intermediate_source("vitaminc"), block, n, precision)
    out["stage1 multiple choice (social_iqa) ex/s"], *_ = _stage(
        model_dir, sources.intermediate_source("social_iqa"), block, n, precision)
    target = grid.cells[0].target_training
    out["stage2 (multiemo en) ex/s"], model, tok, _, labels = _stage(
        model_dir, sources.target_train_source("multiemo"), target, n, precision)
    test = D.load_examples(sources.target_eval_source("multiemo", "ja", "test"),
                           assets.data_dir)[: 4 * n]
    feats = _features("classification", test, tok, target, labels, 0, False)
    out["eval inference (multiemo ja) sent/s"] = _inference(model, tok, feats, precision)
    out["retrieval embedding sent/s"] = _retrieval(
        model, tok, [ex["a"] for ex in test], precision, grid.cells[0].base.retrieval_layer)
    return out


def wall_per_cell(ledger: Path) -> pd.DataFrame:
    """Wall seconds per shipped cell (stage 2 + evaluation; a shared stage 1 is not included)."""
    rows = pd.read_csv(ledger, usecols=["run_id", "target_task", "note"]).drop_duplicates("run_id")
    rows["wall_seconds"] = [json.loads(n)["wall_seconds"] for n in rows["note"]]
    return rows.groupby("target_task")["wall_seconds"].agg(["count", "mean", "sum"])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=96)
    args = parser.parse_args()
    assets = cached("cpu-demo")
    if assets is None:
        raise SystemExit("fetch the assets first: xfer assets fetch cpu-demo")
    grid = load_grid(ROOT / "configs" / "cpu_demo.yaml")
    torch.set_num_threads(grid.threads or torch.get_num_threads())
    table = pd.DataFrame({f"{grid.precision} (grid recipe)": measure(args.examples,
                                                                     grid.precision, grid),
                          "fp32 (baseline)": measure(args.examples, "fp32", grid)})
    table["speed-up"] = table.iloc[:, 0] / table.iloc[:, 1]
    print(table.round(2).to_markdown())
    if grid.ledger is not None and grid.ledger.exists():
        print()
        print(wall_per_cell(grid.ledger).round(1).to_markdown())
