"""Canonical metric names: one spelling per metric for scorers, importers and published tables."""

from __future__ import annotations

from xfer_analysis.tasks._names import build_index, resolve

#: canonical name -> aliases seen in XTREME's scorer, jiant, HF evaluate and the published tables.
METRICS: dict[str, tuple[str, ...]] = {
    "accuracy": ("acc", "avg_accuracy", "eval_accuracy"),
    "f1": ("F1", "f1_score", "avg_f1", "eval_f1", "F-score"),
    "precision": ("prec", "avg_precision"),
    "recall": ("rec", "avg_recall"),
    "exact_match": ("EM", "exact", "avg_exact_match", "eval_exact_match"),
    "map@20": ("mAP@20", "map_at_20", "avg_map@20", "mean average precision at 20"),
    # QA task score of the XTREME scorer ("avg_metric" for QA): (mean EM + mean F1) / 2.
    "em_f1_mean": ("EM/F1 mean", "em_f1", "f1_em_mean", "mean(EM,F1)"),
    # Score of an aggregate (a benchmark or category average) whose inputs mix metrics.
    "score": ("avg_metric", "aggregate score"),
}

_INDEX = build_index("metric", METRICS)


def metric(name: str) -> str:
    """Canonical metric name (`acc` -> `accuracy`, `EM` -> `exact_match`, `F1` -> `f1`)."""
    return resolve("metric", name, _INDEX)


def metrics() -> list[str]:
    """All canonical metric names."""
    return list(METRICS)
