"""Line- and set-based XTREME scorers: accuracy, BUCC pair F1 and mean average precision @k."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from xfer_analysis.errors import ScoringError


def accuracy(labels: Sequence[str], predictions: Sequence[str]) -> dict[str, float]:
    """Share (0-100) of stripped lines equal to their label; line counts must match."""
    if len(labels) != len(predictions):
        raise ScoringError(
            f"{len(predictions)} predictions for {len(labels)} labels: line counts must match"
        )
    if not labels:
        raise ScoringError("no examples to score")
    correct = sum(p.strip() == g.strip() for p, g in zip(predictions, labels, strict=True))
    return {"accuracy": 100.0 * correct / len(predictions)}


def pair_f1(
    gold: Iterable[tuple[str, ...]], predicted: Iterable[tuple[str, ...]]
) -> dict[str, float]:
    """BUCC precision, recall and F1 (0-100) over the sets of (source id, target id) pairs."""
    gold_set, pred_set = set(gold), set(predicted)
    correct = len(gold_set & pred_set)
    if correct == 0:
        return {"f1": 0.0, "precision": 0.0, "recall": 0.0}
    precision = correct / len(pred_set)
    recall = correct / len(gold_set)
    f1 = 2 * precision * recall / (precision + recall)
    return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}


def average_precision_at_k(relevant: Iterable[str], ranked: Sequence[str], k: int = 20) -> float:
    """AP@k (0-1): precision at each first hit in the top k, over min(#relevant, k)."""
    targets = set(relevant)
    if not targets:
        raise ScoringError("a query has no relevant item; AP@k is undefined")
    seen: set[str] = set()
    hits = 0
    score = 0.0
    for rank, item in enumerate(ranked[:k], start=1):
        if item in targets and item not in seen:
            hits += 1
            score += hits / rank
        seen.add(item)
    return score / min(len(targets), k)


def map_at_k(
    relevant: Mapping[str, Iterable[str]], ranked: Mapping[str, Sequence[str]], k: int = 20
) -> dict[str, float]:
    """Mean AP@k (0-100) over every gold query (Mewsli-X, LAReQA); a missing query scores 0."""
    if not relevant:
        raise ScoringError("no queries to score")
    total = sum(average_precision_at_k(rel, ranked.get(q, ()), k) for q, rel in relevant.items())
    return {f"map@{k}": 100.0 * total / len(relevant)}
