"""Diversity of intermediate-task sets from the registry's descriptors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis import tasks as registry
from xfer_analysis.analysis.diversity import diversity, diversity_table
from xfer_analysis.errors import InputError


def _same_family_pair():
    by_family = {}
    for t in registry.intermediates():
        by_family.setdefault(t.format_family, []).append(t.name)
    return next(v[:2] for v in by_family.values() if len(v) >= 2)


def test_homogeneous_set_less_diverse_than_mixed_set():
    same = _same_family_pair()
    families = {}
    for t in registry.intermediates():
        families.setdefault(t.format_family, t.name)
    mixed = list(families.values())[:2]
    d_same, d_mixed = diversity(same), diversity(mixed)
    assert d_same["n_format_family"] == 1 and d_same["format_family_entropy"] == 0.0
    assert d_mixed["n_format_family"] == 2 and d_mixed["format_family_entropy"] == pytest.approx(1)
    assert d_same["descriptor_distance"] < d_mixed["descriptor_distance"]


def test_canonical_set_string_and_single_task():
    assert diversity("mnli+squad")["tasks"] == ("mnli", "squad")
    one = diversity(["squad"])
    assert one["n_tasks"] == 1 and one["descriptor_distance"] == 0.0
    with pytest.raises(InputError):
        diversity([])


def test_encoder_spread_from_any_callable():
    def encoder(texts):
        return np.eye(len(texts))  # orthogonal vectors: distance 1 for every pair

    assert diversity(["mnli", "squad", "qqp"], encoder)["embedding_spread"] == pytest.approx(1)
    with pytest.raises(InputError, match="one vector per text"):
        diversity(["mnli", "squad"], lambda texts: np.ones((1, 3)))


def test_diversity_table_keeps_gain_and_skips_baseline():
    per = pd.DataFrame({"intermediate": ["none", "mnli+squad", "squad"], "gain": [0, 2.0, 1.0]})
    table = diversity_table(per)
    assert list(table["intermediate"]) == ["mnli+squad", "squad"]
    assert list(table["gain"]) == [2.0, 1.0]
