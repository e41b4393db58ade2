"""Stage 3: predictions of a trained model on one language, scored by `xfer_analysis.metrics`.

Decoding lives here (argmax labels, first-sub-word tags, best QA span); scoring never does:
every number comes from the conformant scorers (accuracy, seqeval-0.0.12 chunk F1, SQuAD /
MLQA EM-F1, Tatoeba top-1, BUCC margin mining + pair F1).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from xfer_analysis import metrics
from xfer_analysis.metrics import retrieval


def decode_classification(logits: Sequence[torch.Tensor], labels: Sequence[str]) -> list[str]:
    """Arg-max class names."""
    return [labels[int(row.argmax())] for row in logits]


def decode_tagging(feats: list[dict], logits: Sequence[torch.Tensor], examples: list[dict],
                   labels: Sequence[str], fallback: str) -> list[list[str]]:
    """Word-level tags from first sub-words; a word with no sub-word gets `fallback`."""
    out = [[fallback] * len(ex["tokens"]) for ex in examples]
    for feat, row in zip(feats, logits, strict=True):
        best = row.argmax(-1).tolist()
        for pos, word in feat["first"]:
            out[feat["example"]][word] = labels[best[pos]]
    return out


def decode_spans(feats: list[dict], logits: Sequence[torch.Tensor], examples: list[dict],
                 max_answer_tokens: int = 30, n_best: int = 20) -> dict[str, str]:
    """Best-scoring answer span per question over all its windows (start <= end, in context)."""
    best: dict[int, tuple[float, str]] = {}
    for feat, row in zip(feats, logits, strict=True):
        start_logits, end_logits = row[:, 0], row[:, 1]
        offsets = feat["offsets"]
        starts = start_logits.topk(min(n_best, len(offsets))).indices.tolist()
        ends = end_logits.topk(min(n_best, len(offsets))).indices.tolist()
        context = examples[feat["example"]]["context"]
        for s in starts:
            for e in ends:
                if offsets[s] is None or offsets[e] is None:
                    continue
                if e < s or e - s + 1 > max_answer_tokens:
                    continue
                score = float(start_logits[s] + end_logits[e])
                if feat["example"] not in best or score > best[feat["example"]][0]:
                    best[feat["example"]] = (score, context[offsets[s][0] : offsets[e][1]])
    return {ex["id"]: best.get(i, (0.0, ""))[1] for i, ex in enumerate(examples)}


def score_classification(examples: list[dict], predictions: list[str]) -> dict[str, float]:
    """Accuracy (0-100)."""
    return metrics.accuracy([ex["label"] for ex in examples], predictions)


def score_tagging(examples: list[dict], predictions: list[list[str]]) -> dict[str, float]:
    """Chunk F1 / precision / recall (0-100), seqeval 0.0.12 semantics."""
    return metrics.tagging_scores([ex["tags"] for ex in examples], predictions)


def score_qa(examples: list[dict], predictions: dict[str, str],
             mlqa_language: str | None) -> dict[str, float]:
    """EM and F1 (0-100); MLQA rules when `mlqa_language` is given, SQuAD v1.1 rules otherwise."""
    gold = [(ex["id"], ex["answers"]["text"]) for ex in examples]
    return metrics.qa_scores(gold, predictions, mlqa_language)


def embeddings(model, tok, sentences: list[str], layer: int, batch_size: int,
               max_len: int) -> np.ndarray:
    """Pooled sentence embeddings of one hidden layer (the retrieval representation)."""
    return retrieval.embed(model, tok, sentences, layer=layer, batch_size=batch_size,
                           max_length=max_len)


def score_top1(src: np.ndarray, trg: np.ndarray) -> tuple[dict[str, float], np.ndarray]:
    """Top-1 accuracy of cosine nearest-neighbour search (row i of source matches row i of
    target, Tatoeba-style) and the nearest target of each source row."""
    nearest = retrieval.tatoeba_top1(src, trg)
    gold = [str(i) for i in range(len(src))]
    return metrics.accuracy(gold, [str(int(j)) for j in nearest]), nearest


def score_bucc(model, tok, bucc: dict, layer: int, batch_size: int,
               max_len: int) -> dict[str, float]:
    """Real BUCC mining (`data.load_bucc`: sentences with distractors and gold pairs): margin-
    mined candidate pairs, threshold optimised on this split's gold pairs, pair F1 (0-100)."""
    src = embeddings(model, tok, bucc["source"], layer, batch_size, max_len)
    trg = embeddings(model, tok, bucc["target"], layer, batch_size, max_len)
    gold = set(bucc["gold"])
    candidates = retrieval.to_id_pairs(retrieval.bucc_mine(src, trg), bucc["source_ids"],
                                       bucc["target_ids"])
    pairs = list(candidates)
    threshold = retrieval.best_threshold([candidates[p] for p in pairs],
                                         [p in gold for p in pairs], len(gold))
    return metrics.pair_f1(gold, retrieval.extract_pairs(candidates, threshold))
