"""Diversity of a set of intermediate tasks: format families covered and the dispersion of
the registry's descriptors (format, label space, domain); optionally an embedding spread."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from xfer_analysis.analysis.budgets import set_members
from xfer_analysis.analysis.lookup import intermediate_descriptors
from xfer_analysis.errors import InputError

DESCRIPTORS = ("format_family", "label_space", "domain")
Encoder = Callable[[list[str]], np.ndarray]


def _normalised_entropy(values: Sequence[str]) -> float:
    """Shannon entropy of the value counts divided by log(n) (0 = all equal, 1 = all distinct)."""
    n = len(values)
    if n < 2:
        return 0.0
    p = np.array(list(Counter(values).values()), dtype=float) / n
    return float(-(p * np.log(p)).sum() / np.log(n))


def _embedding_spread(texts: list[str], encoder: Encoder) -> float:
    """Mean pairwise cosine distance of the encoder's vectors for the task descriptions."""
    vectors = np.asarray(encoder(texts), dtype=float)
    if vectors.ndim != 2 or len(vectors) != len(texts):
        raise InputError("encoder must return one vector per text", field="encoder")
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    pairs = list(itertools.combinations(range(len(texts)), 2))
    return float(np.mean([1 - unit[i] @ unit[j] for i, j in pairs])) if pairs else 0.0


def diversity(tasks: Sequence[str] | str, encoder: Encoder | None = None) -> dict[str, object]:
    """Descriptor diversity of a task set (names, or a canonical set `mnli+squad`): counts of
    distinct format families / label spaces / domains, their normalised entropies, the mean
    pairwise share of differing descriptors, and `embedding_spread` when an encoder (any
    callable texts -> vectors, e.g. a sentence encoder from the [train] extra) is given."""
    names = list(set_members(tasks)) if isinstance(tasks, str) else list(tasks)
    if not names:
        raise InputError("a task set needs at least one intermediate task", field="tasks")
    desc = [intermediate_descriptors(n) for n in names]
    out: dict[str, object] = {"tasks": tuple(d["name"] for d in desc), "n_tasks": len(desc)}
    for field in DESCRIPTORS:
        values = [str(d[field]) for d in desc]
        out[f"n_{field}"] = len(set(values))
        out[f"{field}_entropy"] = _normalised_entropy(values)
    out["format_families"] = tuple(sorted({str(d["format_family"]) for d in desc}))
    pairs = list(itertools.combinations(desc, 2))
    out["descriptor_distance"] = float(np.mean([
        np.mean([a[f] != b[f] for f in DESCRIPTORS]) for a, b in pairs])) if pairs else 0.0
    if encoder is not None:
        texts = [f"{d['display']}: {d['format_family']}; {d['domain']}; {d['label_space']}"
                 for d in desc]
        out["embedding_spread"] = _embedding_spread(texts, encoder)
    return out


def diversity_table(per_intermediate: pd.DataFrame, encoder: Encoder | None = None) -> pd.DataFrame:
    """`gains_by_intermediate` rows of multi-task sets with their diversity measures beside
    the gain (for "diverse vs homogeneous sets" comparisons)."""
    rows = []
    for _, row in per_intermediate.iterrows():
        if not set_members(str(row["intermediate"])):
            continue
        rows.append({"intermediate": row["intermediate"], "gain": row["gain"],
                     **diversity(str(row["intermediate"]), encoder)})
    return pd.DataFrame(rows)
