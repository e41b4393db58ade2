"""Calibration of the run-level interval and tests by simulation: false-positive rate under a
null effect and coverage of the 95% interval, for a scenario of run-level, language-level and
shared stage-1 seed noise (`synthetic.simulated_gains`). Used by
benchmarks/bench_calibration.py (the recorded table) and by the tests (a small version)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from xfer_analysis.analysis.synthetic import simulated_gains
from xfer_analysis.analysis.uncertainty import (
    EXACT_PERMUTATION_MAX_UNITS,
    permutation_test,
    run_interval,
    run_test,
)


@dataclass(frozen=True)
class Scenario:
    """Noise model of one simulated cell (see `simulated_gains`)."""

    name: str
    n_targets: int
    n_languages: int
    sd_stage1: float
    sd_run: float
    sd_language: float
    sd_language_effect: float = 1.0
    tails: str = "normal"

    def draw(self, effect: float, n_seeds: int, rng: np.random.Generator) -> pd.DataFrame:
        """One simulated gains cell."""
        return simulated_gains(effect, n_seeds, n_targets=self.n_targets,
                               n_languages=self.n_languages, sd_stage1=self.sd_stage1,
                               sd_run=self.sd_run, sd_language=self.sd_language,
                               sd_language_effect=self.sd_language_effect, tails=self.tails,
                               rng=rng)


SCENARIOS = (
    Scenario("one target, run + language noise", 1, 15, 0.0, 1.0, 1.0),
    Scenario("nine targets, shared stage-1 seed", 9, 8, 1.0, 0.5, 1.0),
    Scenario("nine targets, shared stage-1 seed, t3 tails", 9, 8, 1.0, 0.5, 1.0, tails="t3"),
)


def calibrate(scenario: Scenario, n_seeds: int, *, effect: float = 0.0, reps: int = 1000,
              alpha: float = 0.05, rng_seed: int = 0,
              extra: dict[str, Callable[[pd.DataFrame], tuple[float, float, float]]]
              | None = None) -> dict[str, float]:
    """Over `reps` simulated cells with true mean gain `effect`: the share of cells where the
    run-level t-test / exact permutation over runs rejects at `alpha` (the false-positive rate
    when effect = 0), where an interval is shown, and how often the shown 95% interval covers
    `effect`. NaN where a statistic is never shown (one run). `extra` maps a label to a
    function giving (p-value, low, high) of another method, measured the same way."""
    rng = np.random.default_rng(rng_seed)
    methods = dict(extra or {})
    reject = {"t": [], "permutation": [], **{k: [] for k in methods}}
    cover = {"t": [], **{k: [] for k in methods}}
    for _ in range(reps):
        gains = scenario.draw(effect, n_seeds, rng)
        ci = run_interval(gains, level=1 - alpha)
        p = run_test(gains).p_value
        if not np.isnan(p):
            reject["t"].append(p < alpha)
            cover["t"].append(ci.low <= effect <= ci.high)
        if 2 <= n_seeds <= EXACT_PERMUTATION_MAX_UNITS:
            reject["permutation"].append(permutation_test(gains).p_value < alpha)
        for label, method in methods.items():
            mp, low, high = method(gains)
            if not np.isnan(mp):
                reject[label].append(mp < alpha)
            if not np.isnan(low):
                cover[label].append(low <= effect <= high)
    out: dict[str, float] = {"shown": len(cover["t"]) / reps}
    for label, hits in reject.items():
        out[f"reject_{label}"] = float(np.mean(hits)) if hits else float("nan")
    for label, hits in cover.items():
        out[f"coverage_{label}"] = float(np.mean(hits)) if hits else float("nan")
    return out
