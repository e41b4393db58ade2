"""Retrieval kernels against exhaustive references: k-NN, Tatoeba top-1, BUCC mining, thresholds."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xfer_analysis.metrics.reference import reference_topk
from xfer_analysis.metrics.retrieval import (
    best_threshold,
    bucc_mine,
    extract_pairs,
    knn,
    margin_candidates,
    normalize_rows,
    tatoeba_top1,
    to_id_pairs,
)


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 60), st.integers(1, 60), st.integers(1, 6), st.integers(0, 2**31 - 1),
       st.sampled_from([64, 512, 1 << 20]))
def test_knn_both_directions_match_exhaustive(n: int, m: int, k: int, seed: int,
                                              block_bytes: int) -> None:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 8)).astype(np.float32)
    y = rng.standard_normal((m, 8)).astype(np.float32)
    fv, fi, bv, bi = knn(x, y, k, both_directions=True, block_bytes=block_bytes)
    rfv, rfi = reference_topk(x, y, min(k, m))
    rbv, rbi = reference_topk(y, x, min(k, n))
    np.testing.assert_array_equal(fi, rfi)
    np.testing.assert_array_equal(bi, rbi)
    np.testing.assert_allclose(fv, rfv, atol=1e-5)
    np.testing.assert_allclose(bv, rbv, atol=1e-5)


def test_tatoeba_top1_is_cosine_argmax() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((50, 16))
    y = rng.standard_normal((70, 16)) * rng.uniform(0.1, 10, (70, 1))  # norms must not matter
    want = np.argmax(normalize_rows(x) @ normalize_rows(y).T, axis=1)
    np.testing.assert_array_equal(tatoeba_top1(x, y, block_bytes=256), want)


def test_margin_scores_match_the_formula() -> None:
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((40, 12)), rng.standard_normal((30, 12))
    sims = normalize_rows(x) @ normalize_rows(y).T
    fwd_mean = np.sort(sims, axis=1)[:, -4:].mean(axis=1)
    bwd_mean = np.sort(sims, axis=0)[-4:, :].mean(axis=0)
    margin = sims / ((fwd_mean[:, None] + bwd_mean[None, :]) / 2)
    # Candidates are each side's 4 nearest neighbours; the best is the max margin among them.
    top_fwd = np.argsort(-sims, axis=1)[:, :4]
    want_fwd = top_fwd[np.arange(40), np.argmax(np.take_along_axis(margin, top_fwd, 1), 1)]
    got = margin_candidates(x, y, k=4, block_bytes=512)
    np.testing.assert_array_equal(got["fwd_best"], want_fwd)
    np.testing.assert_allclose(got["fwd_score"], margin[np.arange(40), want_fwd], rtol=1e-5)
    top_bwd = np.argsort(-sims.T, axis=1)[:, :4]
    want_bwd = top_bwd[np.arange(30), np.argmax(np.take_along_axis(margin.T, top_bwd, 1), 1)]
    np.testing.assert_array_equal(got["bwd_best"], want_bwd)


def test_bucc_mining_recovers_a_noisy_permutation() -> None:
    rng = np.random.default_rng(3)
    n = 300
    x = rng.standard_normal((n, 32))
    perm = rng.permutation(n)
    y = x[perm] + 0.1 * rng.standard_normal((n, 32))
    for mode in ("max", "intersect"):
        mined = bucc_mine(x, y, k=4, retrieval=mode)
        pairs = {(s, t) for s, t, _ in mined}
        assert pairs == {(int(perm[t]), t) for t in range(n)}
        srcs = [s for s, _, _ in mined]
        assert len(srcs) == len(set(srcs))  # one-to-one
        assert [sc for *_, sc in mined] == sorted((sc for *_, sc in mined), reverse=True)


def test_best_threshold_midpoint_and_last_candidate() -> None:
    assert best_threshold([0.9, 0.8, 0.7], [True, False, False], 1) == pytest.approx(0.85)
    # Best F1 at the last candidate: no next score, keep every candidate.
    assert best_threshold([0.9, 0.8, 0.7], [True, True, True], 3) == 0.7
    assert best_threshold([0.7, 0.9], [False, False], 2) == 0.0


def test_threshold_extracts_the_best_f1_set() -> None:
    cands = to_id_pairs([(0, 1, 0.9), (1, 0, 0.8), (2, 2, 0.5)], ["d0", "d1", "d2"],
                        ["e0", "e1", "e2"])
    gold = {("d0", "e1"), ("d1", "e0")}
    th = best_threshold(list(cands.values()), [p in gold for p in cands], len(gold))
    assert extract_pairs(cands, th) == gold
