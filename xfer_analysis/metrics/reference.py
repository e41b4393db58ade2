"""Straightforward loop implementations used to cross-check the fast kernels (tests, benchmarks).

They follow the official scorer's code path literally (seqeval 0.0.12 per-token state machine;
exhaustive similarity matrix for k-NN) and are slow on purpose: clarity over speed.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _end_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    """seqeval 0.0.12 end_of_chunk rule."""
    return (
        prev_tag in ("E", "S")
        or (prev_tag in ("B", "I") and tag in ("B", "S", "O"))
        or (prev_tag not in ("O", ".") and prev_type != type_)
    )


def _start_of_chunk(prev_tag: str, tag: str, prev_type: str, type_: str) -> bool:
    """seqeval 0.0.12 start_of_chunk rule."""
    return (
        tag in ("B", "S")
        or (prev_tag in ("E", "S", "O") and tag in ("E", "I"))
        or (tag not in ("O", ".") and prev_type != type_)
    )


def reference_chunks(labels: Sequence[str]) -> set[tuple[str, int, int]]:
    """Chunks of a flat label sequence by the per-token seqeval 0.0.12 state machine."""
    prev_tag, prev_type, begin = "O", "", 0
    found = set()
    for i, label in enumerate([*labels, "O"]):
        tag, type_ = label[0], label.split("-")[-1]
        if _end_of_chunk(prev_tag, tag, prev_type, type_):
            found.add((prev_type, begin, i - 1))
        if _start_of_chunk(prev_tag, tag, prev_type, type_):
            begin = i
        prev_tag, prev_type = tag, type_
    return found


def reference_tagging_scores(
    labels: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Chunk precision/recall/F1 (0-100) with sentences joined by 'O', computed loop by loop."""
    gold = reference_chunks([tag for sent in labels for tag in [*sent, "O"]])
    pred = reference_chunks([tag for sent in predictions for tag in [*sent, "O"]])
    correct = len(gold & pred)
    p = correct / len(pred) if pred else 0.0
    r = correct / len(gold) if gold else 0.0
    f = 2 * p * r / (p + r) if p + r > 0 else 0.0
    return {"f1": f * 100, "precision": p * 100, "recall": r * 100}


def reference_topk(queries: np.ndarray, keys: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k inner products by a full similarity matrix and a full sort (N x M memory)."""
    sims = queries @ keys.T
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(sims, order, axis=1), order
