"""Retrieval kernels: sentence embeddings, blockwise k-NN, Tatoeba top-1 and BUCC mining.

Similarities are computed block by block with one float32 BLAS matmul per block, so no N x M
matrix is ever held: memory is O((N + M) * (d + k)) plus one block of ``block_rows x M``.
One pass over the blocks gives both directions of the k-NN (rows and columns), which is what
margin-based mining needs, so BUCC costs one matmul of N x M x d instead of two.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from xfer_analysis.errors import InputError

DEFAULT_LAYER = 14
DEFAULT_BLOCK_BYTES = 64 * 2**20


def embed(
    model: Any,
    tokenizer: Any,
    sentences: Sequence[str],
    layer: int = DEFAULT_LAYER,
    batch_size: int = 32,
    max_length: int = 512,
) -> np.ndarray:
    """Masked mean of hidden_states[layer] (0 = embeddings) over all tokens incl. special ones.

    Rows come back in input order; batches are formed over sentences sorted by length."""
    import torch  # noqa: PLC0415 - torch is only needed here and lives in the [train] extra

    model.eval()
    device = next(model.parameters()).device
    pooled: list[np.ndarray] = []
    order = sorted(range(len(sentences)), key=lambda i: len(sentences[i]))
    for start in range(0, len(order), batch_size):
        batch = [sentences[i] for i in order[start:start + batch_size]]
        enc = tokenizer(batch, padding=True, truncation=True, max_length=max_length,
                        return_tensors="pt").to(device)
        with torch.no_grad():
            hidden = model(**enc, output_hidden_states=True).hidden_states
        if not -len(hidden) <= layer < len(hidden):
            raise InputError(f"layer {layer} out of range: the model has {len(hidden)} hidden "
                             "states (0 = embeddings)", field="layer")
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden[layer].dtype)
        summed = (hidden[layer] * mask).sum(dim=1)
        pooled.append((summed / mask.sum(dim=1).clamp(min=1)).float().cpu().numpy())
    if not pooled:
        return np.zeros((0, 0), np.float32)
    stacked = np.concatenate(pooled)
    out = np.empty_like(stacked)
    out[order] = stacked
    return out


def normalize_rows(x: np.ndarray) -> np.ndarray:
    """Rows scaled to unit L2 norm as C-contiguous float32 (zero rows stay zero)."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.ndim != 2:
        raise InputError(f"expected a 2-d embedding matrix, got shape {x.shape}")
    norms = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(norms > 0, norms, 1)


def _block_rows(n_cols: int, block_bytes: int) -> int:
    """Rows per block so that one float32 block of n_cols columns fits in block_bytes."""
    return max(1, block_bytes // (4 * max(n_cols, 1)))


def _sorted_desc(vals: np.ndarray, idx: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """vals/idx reordered by descending vals along axis (ties: lower index first)."""
    order = np.lexsort((idx, -vals), axis=axis)
    return np.take_along_axis(vals, order, axis), np.take_along_axis(idx, order, axis)




def _probe_size(n: int, k: int) -> int:
    """Probe length balancing the probe's selection cost against the candidates it lets in."""
    return int(min(n, max(4 * k, np.sqrt(16 * k * n))))


def _group_topk(
    groups: np.ndarray, vals: np.ndarray, idx: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Best k (value desc, index asc) of each group: (group, rank, value, index) of the kept."""
    order = np.lexsort((idx, -vals, groups))
    groups, vals, idx = groups[order], vals[order], idx[order]
    starts = np.flatnonzero(np.r_[True, groups[1:] != groups[:-1]])
    rank = np.arange(len(groups)) - np.repeat(starts, np.diff(np.r_[starts, len(groups)]))
    keep = rank < k
    return groups[keep], rank[keep], vals[keep], idx[keep]


def _kth_largest(sims: np.ndarray, k: int) -> np.ndarray:
    """k-th largest value of every row of a small contiguous probe."""
    return np.partition(sims, sims.shape[1] - k, axis=1)[:, sims.shape[1] - k]


def _row_topk(sims: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Top-k values and column indices of every row, sorted (value desc, index asc).

    A threshold from the first columns bounds each row's k-th best from below, so only the
    few entries reaching it are sorted: one comparison pass instead of a full selection.
    """
    n_rows, n_cols = sims.shape
    if k >= n_cols:
        idx = np.broadcast_to(np.arange(n_cols), sims.shape)
        return _sorted_desc(sims, idx, axis=1)
    probe = _probe_size(n_cols, k)
    threshold = _kth_largest(np.ascontiguousarray(sims[:, :probe]), k)
    rows, cols = np.nonzero(sims >= threshold[:, None])
    rows, rank, vals, cols = _group_topk(rows, sims[rows, cols], cols, k)
    out_vals = np.empty((n_rows, k), np.float32)
    out_idx = np.empty((n_rows, k), np.int64)
    out_vals[rows, rank], out_idx[rows, rank] = vals, cols
    return out_vals, out_idx


class _ColumnTopK:
    """Running top-k over rows for every column, fed block by block.

    Each block costs one vectorised comparison against every column's current k-th best plus
    a small merge of the few entries that beat it (the first block is bounded by a probe of
    its first rows, like rows in _row_topk).
    """

    def __init__(self, n_cols: int, k: int) -> None:
        self.k = k
        self.vals = np.full((n_cols, k), -np.inf, np.float32)
        self.idx = np.full((n_cols, k), -1, np.int64)
        self.kth: np.ndarray | None = None

    def update(self, sims: np.ndarray, row_offset: int) -> None:
        """Merge one block (rows row_offset.. of the full matrix) into the running top-k."""
        k = self.k
        if self.kth is None:
            if sims.shape[0] < k:
                mask = np.ones(sims.shape, bool)
            else:
                probe = _probe_size(sims.shape[0], k)
                mask = sims >= _kth_largest(np.ascontiguousarray(sims[:probe].T), k)
        else:
            mask = sims > self.kth
        rows, cols = np.nonzero(mask)
        if len(rows) == 0:
            return
        touched = np.unique(cols)
        groups = np.concatenate((np.repeat(touched, k), cols))
        vals = np.concatenate((self.vals[touched].ravel(), sims[rows, cols]))
        idx = np.concatenate((self.idx[touched].ravel(), rows + row_offset))
        cols, rank, vals, idx = _group_topk(groups, vals, idx, k)
        self.vals[cols, rank], self.idx[cols, rank] = vals, idx
        if sims.shape[0] + row_offset >= k:
            self.kth = self.vals[:, k - 1].copy()

    def result(self) -> tuple[np.ndarray, np.ndarray]:
        """(values, row indices), one row per column, sorted by descending value."""
        return self.vals, self.idx


def knn(
    queries: np.ndarray,
    keys: np.ndarray,
    k: int,
    both_directions: bool = False,
    block_bytes: int = DEFAULT_BLOCK_BYTES,
) -> tuple[np.ndarray, ...]:
    """Exact top-k inner products of queries among keys (and of keys among queries), blockwise.

    Returns (sims, idx) sorted by descending similarity, or (sims, idx, back_sims, back_idx)
    with ``both_directions``; both come from one pass of float32 matmuls.
    """
    q = np.ascontiguousarray(queries, dtype=np.float32)
    kmat = np.ascontiguousarray(keys, dtype=np.float32)
    if q.ndim != 2 or kmat.ndim != 2 or q.shape[1] != kmat.shape[1]:
        raise InputError(f"incompatible embedding shapes {q.shape} and {kmat.shape}")
    n, m = q.shape[0], kmat.shape[0]
    k_fwd, k_bwd = min(k, m), min(k, n)
    fwd_vals = np.empty((n, k_fwd), np.float32)
    fwd_idx = np.empty((n, k_fwd), np.int64)
    columns = _ColumnTopK(m, k_bwd) if both_directions else None
    step = _block_rows(m, block_bytes)
    keys_t = kmat.T
    for start in range(0, n, step):
        sims = q[start:start + step] @ keys_t
        fwd_vals[start:start + step], fwd_idx[start:start + step] = _row_topk(sims, k_fwd)
        if columns is not None:
            columns.update(sims, start)
    if columns is None:
        return fwd_vals, fwd_idx
    return (fwd_vals, fwd_idx, *columns.result())


def tatoeba_top1(source: np.ndarray, target: np.ndarray,
                 block_bytes: int = DEFAULT_BLOCK_BYTES) -> np.ndarray:
    """Index of the cosine-nearest target sentence for every source sentence."""
    _, idx = knn(normalize_rows(source), normalize_rows(target), 1, block_bytes=block_bytes)
    return idx[:, 0]


def margin_candidates(
    source: np.ndarray, target: np.ndarray, k: int = 4, block_bytes: int = DEFAULT_BLOCK_BYTES
) -> dict[str, np.ndarray]:
    """Ratio-margin scores of every source's and target's k cosine neighbours (LASER style).

    score(x, y) = cos(x, y) / ((mean cos of x's k NN + mean cos of y's k NN) / 2).
    Returns best forward target, best backward source and their scores.
    """
    x, y = normalize_rows(source), normalize_rows(target)
    fwd_sims, fwd_idx, bwd_sims, bwd_idx = knn(x, y, k, both_directions=True,
                                               block_bytes=block_bytes)
    fwd_mean, bwd_mean = fwd_sims.mean(axis=1), bwd_sims.mean(axis=1)
    fwd_scores = fwd_sims / ((fwd_mean[:, None] + bwd_mean[fwd_idx]) / 2)
    bwd_scores = bwd_sims / ((bwd_mean[:, None] + fwd_mean[bwd_idx]) / 2)
    fwd_arg, bwd_arg = fwd_scores.argmax(axis=1), bwd_scores.argmax(axis=1)
    rows_x, rows_y = np.arange(len(x)), np.arange(len(y))
    return {
        "fwd_best": fwd_idx[rows_x, fwd_arg],
        "fwd_score": fwd_scores[rows_x, fwd_arg],
        "bwd_best": bwd_idx[rows_y, bwd_arg],
        "bwd_score": bwd_scores[rows_y, bwd_arg],
    }


def bucc_mine(
    source: np.ndarray,
    target: np.ndarray,
    k: int = 4,
    retrieval: str = "max",
    block_bytes: int = DEFAULT_BLOCK_BYTES,
) -> list[tuple[int, int, float]]:
    """Candidate pairs (source index, target index, margin score), best first.

    ``max``: forward and backward best pairs pooled and taken greedily one-to-one by score
    (LASER/XTREME default); ``intersect``: pairs that are each other's best.
    """
    cand = margin_candidates(source, target, k, block_bytes)
    fwd_best, bwd_best = cand["fwd_best"], cand["bwd_best"]
    n, m = len(fwd_best), len(bwd_best)
    if retrieval == "intersect":
        src = np.flatnonzero(bwd_best[fwd_best] == np.arange(n))
        pairs = [(int(i), int(fwd_best[i]), float(cand["fwd_score"][i])) for i in src]
        return sorted(pairs, key=lambda p: -p[2])
    if retrieval != "max":
        raise InputError(f"unknown retrieval mode {retrieval!r}; use 'max' or 'intersect'",
                         field="retrieval")
    src = np.concatenate((np.arange(n), bwd_best))
    trg = np.concatenate((fwd_best, np.arange(m)))
    scores = np.concatenate((cand["fwd_score"], cand["bwd_score"]))
    seen_src: set[int] = set()
    seen_trg: set[int] = set()
    mined = []
    for i in np.argsort(-scores, kind="stable").tolist():
        s, t = int(src[i]), int(trg[i])
        if s not in seen_src and t not in seen_trg:
            seen_src.add(s)
            seen_trg.add(t)
            mined.append((s, t, float(scores[i])))
    return mined


def best_threshold(scores: Sequence[float], is_gold: Sequence[bool], n_gold: int) -> float:
    """Score threshold maximising pair F1 (keep score >= threshold), XTREME's bucc_optimize.

    The threshold is the midpoint between the best-F1 candidate's score and the next one's;
    when the best is the last candidate, its own score (so every candidate is kept).
    0.0 when no candidate is gold, as the official code leaves it.
    """
    s = np.asarray(scores, dtype=np.float64)
    gold = np.asarray(is_gold, dtype=bool)
    if s.shape != gold.shape:
        raise InputError(f"{len(s)} scores but {len(gold)} gold flags")
    if n_gold <= 0:
        raise InputError("n_gold must be positive", field="n_gold")
    order = np.argsort(-s, kind="stable")
    s, gold = s[order], gold[order]
    correct = np.cumsum(gold)
    if len(s) == 0 or correct[-1] == 0:
        return 0.0
    extracted = np.arange(1, len(s) + 1)
    precision, recall = correct / extracted, correct / n_gold
    with np.errstate(invalid="ignore", divide="ignore"):
        f1 = np.where(correct > 0, 2 * precision * recall / (precision + recall), 0.0)
    best = int(np.argmax(f1))
    if best == len(s) - 1:
        return float(s[best])
    return float((s[best] + s[best + 1]) / 2)


def extract_pairs(candidates: Mapping[tuple[str, str], float],
                  threshold: float) -> set[tuple[str, str]]:
    """Candidate pairs whose score is at least the threshold."""
    return {pair for pair, score in candidates.items() if score >= threshold}


def to_id_pairs(mined: Iterable[tuple[int, int, float]], source_ids: Sequence[str],
                target_ids: Sequence[str]) -> dict[tuple[str, str], float]:
    """Mined index pairs as {(source id, target id): score} for thresholding and pair F1."""
    return {(source_ids[s], target_ids[t]): score for s, t, score in mined}
