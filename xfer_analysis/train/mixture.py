"""Multi-task sampling for intermediate training: which task each training step draws from.

Sampling rules (as in multi-task STILTs practice, e.g. jiant's task samplers):
- ``proportional``: p(t) proportional to min(n_t, cap);
- ``temperature``: p(t) proportional to min(n_t, cap) ** (1 / T);
- ``uniform``: every task equally often.
The examples cap (``cap``) bounds how much a huge task can dominate; None means no cap.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator

from xfer_analysis.errors import InputError

SAMPLINGS = ("proportional", "temperature", "uniform")


def task_probabilities(
    sizes: dict[str, int], sampling: str = "proportional", temperature: float = 1.0,
    cap: int | None = None,
) -> dict[str, float]:
    """Sampling probability of each task (sums to 1; order follows `sizes`)."""
    if sampling not in SAMPLINGS:
        raise InputError(f"unknown sampling {sampling!r}; use one of {SAMPLINGS}",
                         field="mixture.sampling")
    if sampling == "temperature" and temperature <= 0:
        raise InputError("temperature must be > 0", field="mixture.temperature")
    capped = {t: min(n, cap) if cap else n for t, n in sizes.items()}
    if sampling == "uniform":
        weights = {t: 1.0 for t in capped}
    elif sampling == "temperature":
        weights = {t: n ** (1.0 / temperature) for t, n in capped.items()}
    else:
        weights = {t: float(n) for t, n in capped.items()}
    total = sum(weights.values())
    return {t: w / total for t, w in weights.items()}


def total_steps(sizes: dict[str, int], batch_size: int, epochs: float,
                cap: int | None = None) -> int:
    """Steps of one stage: `epochs` passes over every (capped) task, in batches."""
    per_epoch = sum(math.ceil((min(n, cap) if cap else n) / batch_size) for n in sizes.values())
    return max(1, round(per_epoch * epochs))


def schedule(probabilities: dict[str, float], steps: int, seed: int) -> list[str]:
    """The task drawn at each step (seeded, so a re-run draws the same sequence)."""
    names = list(probabilities)
    return random.Random(seed).choices(names, weights=[probabilities[t] for t in names], k=steps)


def batches(n_items: int, batch_size: int, seed: int) -> Iterator[list[int]]:
    """Endless batches of indices: a fresh seeded shuffle on every pass over the data."""
    rng = random.Random(seed)
    while True:
        order = list(range(n_items))
        rng.shuffle(order)
        for i in range(0, n_items, batch_size):
            yield order[i : i + batch_size]
