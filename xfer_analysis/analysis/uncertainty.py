"""Uncertainty of paired gains with the training run (seed) as the unit of replication.

Languages, targets and examples are repeated measures of one run: a run's gain on a cell is
first averaged over its languages (then over the cell's targets), and intervals and tests are
made over those run-level numbers (Student t, exact under normal run-to-run variation; the
calibration is measured in benchmarks/bench_calibration.py). One run gives no run-level interval
and the reason says so. Per-example predictions give a paired bootstrap interval and McNemar
test labelled as evaluation noise only. Partial-conjunction tests (Dror et al. 2017) count in
how many of N languages a gain holds with family-wise error control. Holm and BH corrections.
"""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from xfer_analysis.analysis.frame import AVERAGE_LANGUAGE, key_text
from xfer_analysis.errors import InputError

ONLY_AVERAGE = "source publishes only an average"
ONE_RUN = ("one training run (seed): its languages are repeated measures of that run, so "
           "there is no run-level interval")
RUN_T = "t over training runs"
EVALUATION_NOISE = ("evaluation noise only: test examples resampled with the training run "
                    "held fixed (run-to-run variation not included)")
MIN_RUNS = 2
EXACT_PERMUTATION_MAX_UNITS = 16


@dataclass(frozen=True)
class Interval:
    """A point estimate with its interval over training runs, or NaN bounds and the reason."""

    estimate: float
    low: float
    high: float
    level: float
    n_seeds: int
    n_languages: int
    note: str | None = None
    method: str = RUN_T


@dataclass(frozen=True)
class Significance:
    """A two-sided p-value with the number of paired units (runs) it rests on."""

    p_value: float
    n_units: int
    method: str
    note: str | None = None


@dataclass(frozen=True)
class RunUnits:
    """One gain per training run (seed) that covers every target of a cell."""

    values: np.ndarray
    seeds: tuple[str, ...]
    n_languages: int
    only_average: bool


@dataclass(frozen=True)
class _TargetGrid:
    """Gains of one target as a seed × language matrix (NaN where a pair is missing)."""

    target: str
    grid: np.ndarray
    seeds: tuple[str, ...]
    languages: tuple[str, ...]
    only_average: bool


def _grids(gains: pd.DataFrame) -> list[_TargetGrid]:
    """Split a gains frame (one treatment cell) into one seed × language grid per target
    (the mean of the gains of each seed and language; NaN where a pair is missing)."""
    if gains.empty:
        raise InputError("no paired gains to summarise", field="gain")
    targets = key_text(gains["target_task"]).to_numpy()
    seeds = key_text(gains["seed"]).to_numpy()
    languages = gains["language"].astype(str).to_numpy()
    metrics = gains["metric"].astype(str).to_numpy()
    values = gains["gain"].to_numpy(dtype=float)
    out = []
    for target in sorted(set(targets)):
        rows = targets == target
        if len(set(metrics[rows])) > 1:
            raise InputError(
                f"target {target!r} has several metrics {sorted(set(metrics[rows]))}; "
                "select one metric before averaging",
                field="metric",
            )
        only_average = bool(np.all(languages[rows] == AVERAGE_LANGUAGE))
        if not only_average:
            rows &= languages != AVERAGE_LANGUAGE
        s_code, s_names = pd.factorize(seeds[rows], sort=True)
        l_code, l_names = pd.factorize(languages[rows], sort=True)
        total = np.zeros((len(s_names), len(l_names)))
        count = np.zeros_like(total)
        np.add.at(total, (s_code, l_code), values[rows])
        np.add.at(count, (s_code, l_code), 1.0)
        with np.errstate(invalid="ignore"):
            grid = np.where(count > 0, total / np.where(count > 0, count, 1.0), np.nan)
        out.append(_TargetGrid(str(target), grid, tuple(map(str, s_names)),
                               tuple(map(str, l_names)), only_average))
    return out


def _quiet() -> warnings.catch_warnings:
    """Silence numpy's all-NaN-slice warnings (NaN is the intended answer there)."""
    return warnings.catch_warnings(action="ignore", category=RuntimeWarning)


def _point(grid: np.ndarray) -> float:
    """Mean over languages of the seed-mean gain per language."""
    with _quiet():
        return float(np.nanmean(np.nanmean(grid, axis=0)))


def _run_units(grids: list[_TargetGrid]) -> RunUnits:
    """Per seed present in every target: the mean over targets of that run's language mean."""
    common = sorted(set.intersection(*(set(g.seeds) for g in grids)))
    per_target = []
    with _quiet():
        for g in grids:
            pos = [g.seeds.index(s) for s in common]
            per_target.append(np.nanmean(g.grid[pos], axis=1) if pos else np.zeros(0))
    values = np.mean(per_target, axis=0) if common else np.zeros(0)
    keep = ~np.isnan(values)
    return RunUnits(values[keep], tuple(np.asarray(common)[keep]),
                    sum(0 if g.only_average else len(g.languages) for g in grids),
                    any(g.only_average for g in grids))


def run_units(gains: pd.DataFrame) -> RunUnits:
    """The cell's gain per training run (seed): languages averaged within the run, then the
    cell's targets (equal weights); only seeds that every target has are runs of the cell."""
    return _run_units(_grids(gains))


def t_bounds(values: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """Student-t interval of the mean of run-level values (NaN bounds below MIN_RUNS)."""
    n = len(values)
    if n < MIN_RUNS:
        return float("nan"), float("nan")
    mean = float(np.mean(values))
    half = float(stats.t.ppf(0.5 + level / 2, n - 1) * np.std(values, ddof=1) / np.sqrt(n))
    return mean - half, mean + half


def t_p_value(values: np.ndarray, alternative: str = "two-sided") -> float:
    """One-sample t-test p-value of mean = 0 over run-level values (NaN below MIN_RUNS; a
    constant nonzero sample is decisive, a constant zero sample gives 1)."""
    n = len(values)
    if n < MIN_RUNS:
        return float("nan")
    mean, sd = float(np.mean(values)), float(np.std(values, ddof=1))
    if sd == 0.0:
        if mean == 0.0:
            return 1.0
        wins = mean > 0 if alternative == "greater" else mean < 0 if alternative == "less" \
            else True
        return 0.0 if wins else 1.0
    t = mean / (sd / np.sqrt(n))
    if alternative == "greater":
        return float(stats.t.sf(t, n - 1))
    if alternative == "less":
        return float(stats.t.cdf(t, n - 1))
    return float(2 * stats.t.sf(abs(t), n - 1))


def run_interval(gains: pd.DataFrame, *, level: float = 0.95) -> Interval:
    """The cell's mean gain (mean over targets of the language mean of seed means) with a
    Student-t interval over training runs; NaN bounds and the reason with fewer than 2 runs."""
    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level}", field="level")
    grids = _grids(gains)
    estimate = float(np.mean([_point(g.grid) for g in grids]))
    units = _run_units(grids)
    n_seeds = max(len(g.seeds) for g in grids)
    if len(units.values) < MIN_RUNS:
        note = ONE_RUN if n_seeds < MIN_RUNS else (
            f"{len(units.values)} run(s) cover every target: no run-level interval")
        if units.only_average and n_seeds < MIN_RUNS:
            note = f"{ONLY_AVERAGE}; {ONE_RUN}"
        return Interval(estimate, np.nan, np.nan, level, n_seeds, units.n_languages, note)
    low, high = t_bounds(units.values, level)
    shift = estimate - float(np.mean(units.values))
    return Interval(estimate, low + shift, high + shift, level, len(units.values),
                    units.n_languages)


def run_test(gains: pd.DataFrame) -> Significance:
    """Two-sided one-sample t-test of mean gain = 0 over training runs (NaN with one run)."""
    units = run_units(gains)
    p = t_p_value(units.values)
    return Significance(p, len(units.values), "t-test over runs",
                        ONE_RUN if np.isnan(p) else None)


def permutation_test(gains: pd.DataFrame) -> Significance:
    """Exact paired sign-flip test over training runs (all 2^n sign patterns, n <= 16 runs).
    With n runs the smallest p-value is 2/2^n: it cannot reach 0.05 below 6 runs."""
    values = run_units(gains).values
    n = len(values)
    if n < MIN_RUNS:
        return Significance(np.nan, n, "permutation over runs", ONE_RUN)
    if n > EXACT_PERMUTATION_MAX_UNITS:
        raise InputError(f"exact permutation over {n} runs is too large (at most "
                         f"{EXACT_PERMUTATION_MAX_UNITS}); use run_test", field="seed")
    signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))
    stat = np.abs(signs @ values) / n
    p = float(np.mean(stat >= abs(float(np.mean(values))) - 1e-12))
    return Significance(p, n, "permutation over runs (exact)")


def sign_test(gains: pd.DataFrame) -> Significance:
    """Two-sided exact binomial sign test over training runs (ties dropped)."""
    values = run_units(gains).values
    nonzero = values[values != 0]
    if len(values) < MIN_RUNS:
        return Significance(np.nan, len(values), "sign over runs", ONE_RUN)
    if len(nonzero) == 0:
        return Significance(np.nan, 0, "sign over runs", "every run has zero gain")
    p = float(stats.binomtest(int(np.sum(nonzero > 0)), len(nonzero), 0.5).pvalue)
    return Significance(p, len(nonzero), "sign over runs")


@dataclass(frozen=True)
class ExampleInterval:
    """Paired example-level interval of a score difference (points) for one trained model pair:
    evaluation noise only, never a statement about run-to-run variation."""

    estimate: float
    low: float
    high: float
    level: float
    n_examples: int
    p_value: float
    method: str
    note: str = EVALUATION_NOISE


def _example_scores(values: object, name: str) -> np.ndarray:
    """Per-example scores as floats in [0, 1]; InputError naming the argument otherwise."""
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or len(arr) == 0:
        raise InputError(f"{name} must be a non-empty 1-d array of per-example scores",
                         field=name)
    if not np.all(np.isfinite(arr)) or arr.min() < 0 or arr.max() > 1:
        raise InputError(f"{name} must hold per-example scores in [0, 1] (correctness 0/1)",
                         field=name)
    return arr


def example_interval(treatment: object, baseline: object, *, level: float = 0.95,
                     n_boot: int = 2000, rng_seed: int = 0) -> ExampleInterval:
    """Paired bootstrap interval (percentile, examples resampled) of the score difference
    treatment − baseline in points (100 × mean per-example difference), from two aligned arrays
    of per-example scores (0/1 correctness, or per-example F1 in [0, 1]). For 0/1 scores the
    p-value is McNemar's exact test on the discordant pairs; otherwise a paired sign-flip
    Monte Carlo test. Labelled evaluation noise only: one trained model pair, examples
    resampled."""
    t = _example_scores(treatment, "treatment")
    b = _example_scores(baseline, "baseline")
    if len(t) != len(b):
        raise InputError(f"treatment has {len(t)} examples, baseline {len(b)}: the arrays must "
                         "be aligned example by example", field="baseline")
    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level}", field="level")
    diff = 100.0 * (t - b)
    n = len(diff)
    rng = np.random.default_rng(rng_seed)
    reps = np.empty(n_boot)
    step = max(1, 2_000_000 // n)
    for start in range(0, n_boot, step):
        stop = min(n_boot, start + step)
        reps[start:stop] = diff[rng.integers(0, n, size=(stop - start, n))].mean(axis=1)
    alpha = (1 - level) / 2
    low, high = np.quantile(reps, [alpha, 1 - alpha])
    if np.all(np.isin(t, (0.0, 1.0))) and np.all(np.isin(b, (0.0, 1.0))):
        wins, losses = int(np.sum((t == 1) & (b == 0))), int(np.sum((t == 0) & (b == 1)))
        p = 1.0 if wins + losses == 0 else float(
            stats.binomtest(wins, wins + losses, 0.5).pvalue)
        method = "paired bootstrap over examples; McNemar exact test"
    else:
        signs = rng.choice((1.0, -1.0), size=(min(n_boot, 10000), n))
        stat = np.abs(signs @ diff) / n
        p = float((1 + np.sum(stat >= abs(diff.mean()) - 1e-12)) / (1 + len(signs)))
        method = "paired bootstrap over examples; sign-flip Monte Carlo test"
    return ExampleInterval(float(diff.mean()), float(low), float(high), level, n, p, method)


@dataclass(frozen=True)
class PartialConjunction:
    """In how many of N units (languages) an effect holds, with family-wise error control:
    `holds_in` is the largest u whose partial-conjunction null "fewer than u hold" is rejected
    at `alpha`; `p_values[u-1]` is the (monotone, Bonferroni-combined) p-value for u."""

    n: int
    holds_in: int
    p_values: tuple[float, ...]
    alpha: float
    units: tuple[str, ...]
    unit_p_values: tuple[float, ...]
    note: str | None = None

    def describe(self) -> str:
        """`holds in at least u of N languages (partial conjunction, FWER 0.05)`."""
        text = (f"holds in at least {self.holds_in} of {self.n} languages (partial "
                f"conjunction, family-wise error {self.alpha:g})")
        return f"{text}; {self.note}" if self.note else text


def partial_conjunction(p_values: np.ndarray | list[float], alpha: float = 0.05
                        ) -> tuple[int, np.ndarray]:
    """Benjamini–Heller partial-conjunction p-values with the Bonferroni combination,
    p^{u/N} = (N − u + 1) p_(u), made monotone in u, and the number u of nulls rejected
    sequentially at `alpha` (Dror et al. 2017; valid under any dependence between units).
    NaN unit p-values count as 1."""
    p = np.sort(np.nan_to_num(np.asarray(p_values, dtype=float), nan=1.0))
    n = len(p)
    combined = np.minimum(1.0, (n - np.arange(n)) * p)
    monotone = np.maximum.accumulate(combined) if n else combined
    return int(np.sum(monotone <= alpha)), monotone


def languages_holding(gains: pd.DataFrame, *, alpha: float = 0.05,
                      direction: str = "greater") -> PartialConjunction:
    """For a gains cell: per language (per target and language), a one-sided t-test over
    training runs that the gain is > 0 (`direction="less"`: < 0), combined by partial
    conjunction into "holds in at least u of N languages". One run gives no per-language test
    (u = 0 and the note says so)."""
    if direction not in ("greater", "less"):
        raise InputError(f"direction must be 'greater' or 'less', not {direction!r}",
                         field="direction")
    units, p_units = [], []
    for g in _grids(gains):
        if g.only_average:
            continue
        for j, lang in enumerate(g.languages):
            column = g.grid[:, j]
            units.append(f"{g.target}/{lang}")
            p_units.append(t_p_value(column[~np.isnan(column)], direction))
    holds, combined = partial_conjunction(p_units, alpha)
    note = None
    if not units:
        note = ONLY_AVERAGE
    elif all(np.isnan(p_units)):
        note = ONE_RUN.replace("interval", "test per language")
    return PartialConjunction(len(units), holds, tuple(map(float, combined)), alpha,
                              tuple(units), tuple(map(float, p_units)), note)


def _ranked(p_values: np.ndarray | list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(p, an all-NaN output of its shape, the positions of the non-NaN p in ascending order)."""
    p = np.asarray(p_values, dtype=float)
    ok = np.flatnonzero(~np.isnan(p))
    return p, np.full(p.shape, np.nan), ok[np.argsort(p[ok], kind="stable")]


def holm(p_values: np.ndarray | list[float]) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error); NaN stays NaN and is not counted."""
    p, out, order = _ranked(p_values)
    m = len(order)
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        out[idx] = running
    return out


def benjamini_hochberg(p_values: np.ndarray | list[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate); NaN stays NaN."""
    p, out, order = _ranked(p_values)
    m = len(order)
    running = 1.0
    for rank in range(m - 1, -1, -1):
        idx = order[rank]
        running = min(running, m * p[idx] / (rank + 1))
        out[idx] = running
    return out


CORRECTIONS = {"holm": holm, "bh": benjamini_hochberg}
