"""XTREME / XTREME-R scoring conformant to the official scorer, and fast retrieval kernels."""

from xfer_analysis.metrics.evaluate_modules import evaluate_module_path
from xfer_analysis.metrics.qa import (
    exact_match,
    normalize_mlqa,
    normalize_squad,
    qa_scores,
    token_f1,
)
from xfer_analysis.metrics.retrieval import (
    best_threshold,
    bucc_mine,
    embed,
    extract_pairs,
    knn,
    margin_candidates,
    normalize_rows,
    tatoeba_top1,
    to_id_pairs,
)
from xfer_analysis.metrics.scores import accuracy, average_precision_at_k, map_at_k, pair_f1
from xfer_analysis.metrics.submission import (
    overall_scores,
    score_submission,
    score_task,
    scorer_for,
)
from xfer_analysis.metrics.tagging import chunks, flatten_sentences, tagging_scores

__all__ = [
    "accuracy",
    "average_precision_at_k",
    "best_threshold",
    "bucc_mine",
    "embed",
    "evaluate_module_path",
    "extract_pairs",
    "knn",
    "margin_candidates",
    "normalize_rows",
    "tatoeba_top1",
    "to_id_pairs",
    "chunks",
    "exact_match",
    "flatten_sentences",
    "map_at_k",
    "normalize_mlqa",
    "normalize_squad",
    "overall_scores",
    "pair_f1",
    "qa_scores",
    "score_submission",
    "score_task",
    "scorer_for",
    "tagging_scores",
    "token_f1",
]
