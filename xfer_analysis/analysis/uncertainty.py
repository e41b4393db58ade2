"""Uncertainty of paired gains: hierarchical bootstrap intervals (seeds, then languages,
stratified by target), paired sign-flip permutation and sign tests, Holm and BH corrections."""

from __future__ import annotations

import itertools
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from xfer_analysis.analysis.frame import key_text, languages_or_average
from xfer_analysis.errors import InputError

ONLY_AVERAGE = "source publishes only an average"
SINGLE_OBSERVATION = "a single paired observation (one language, one seed)"
EXACT_PERMUTATION_MAX_UNITS = 16


@dataclass(frozen=True)
class Interval:
    """A point estimate with its bootstrap interval, or NaN bounds and the reason why."""

    estimate: float
    low: float
    high: float
    level: float
    n_seeds: int
    n_languages: int
    note: str | None = None


@dataclass(frozen=True)
class Significance:
    """A two-sided p-value with the number of paired units it rests on."""

    p_value: float
    n_units: int
    method: str
    note: str | None = None


@dataclass(frozen=True)
class _TargetGrid:
    """Gains of one target as a seed × language matrix (NaN where a pair is missing)."""

    target: str
    grid: np.ndarray
    only_average: bool


def _grids(gains: pd.DataFrame) -> list[_TargetGrid]:
    """Split a gains frame (one treatment cell) into one seed × language grid per target."""
    if gains.empty:
        raise InputError("no paired gains to summarise", field="gain")
    out = []
    for target, part in gains.groupby(key_text(gains["target_task"]), sort=True):
        if part["metric"].nunique() > 1:
            raise InputError(
                f"target {target!r} has several metrics {sorted(part['metric'].unique())}; "
                "select one metric before averaging",
                field="metric",
            )
        used, only_average = languages_or_average(part)
        table = used.assign(_seed=key_text(used["seed"])).pivot_table(
            index="_seed", columns="language", values="gain", aggfunc="mean", dropna=False
        )
        out.append(_TargetGrid(str(target), table.to_numpy(dtype=float), only_average))
    return out


def _point(grid: np.ndarray) -> float:
    """Mean over languages of the seed-mean gain per language."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(np.nanmean(np.nanmean(grid, axis=0)))


def _replicates(grid: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates of `_point`: resample seeds, then languages, with replacement."""
    n_seeds, n_langs = grid.shape
    seed_idx = rng.integers(0, n_seeds, size=(n_boot, n_seeds))
    lang_idx = rng.integers(0, n_langs, size=(n_boot, n_langs))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        per_lang = np.nanmean(grid[seed_idx], axis=1)
        return np.nanmean(np.take_along_axis(per_lang, lang_idx, axis=1), axis=1)


def bootstrap_ci(
    gains: pd.DataFrame, *, level: float = 0.95, n_boot: int = 2000, rng_seed: int = 0
) -> Interval:
    """Percentile bootstrap interval of a cell's mean gain (mean over targets of the
    language-averaged gain): seeds resampled, then languages, independently per target."""
    if not 0 < level < 1:
        raise InputError(f"level must be in (0, 1), got {level}", field="level")
    grids = _grids(gains)
    estimate = float(np.mean([_point(g.grid) for g in grids]))
    n_seeds = max(g.grid.shape[0] for g in grids)
    n_langs = sum(0 if g.only_average else g.grid.shape[1] for g in grids)
    if any(g.only_average for g in grids):
        return Interval(estimate, np.nan, np.nan, level, n_seeds, n_langs, ONLY_AVERAGE)
    if all(g.grid.shape == (1, 1) for g in grids):
        return Interval(estimate, np.nan, np.nan, level, n_seeds, n_langs, SINGLE_OBSERVATION)
    rng = np.random.default_rng(rng_seed)
    reps = np.mean([_replicates(g.grid, n_boot, rng) for g in grids], axis=0)
    alpha = (1 - level) / 2
    low, high = np.nanquantile(reps, [alpha, 1 - alpha])
    return Interval(estimate, float(low), float(high), level, n_seeds, n_langs)


def _units(gains: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, str | None]:
    """Paired units (gain, weight) whose weighted sum is the cell's mean gain: languages
    (seed-averaged) where there are several, else seeds; targets weigh equally."""
    grids = _grids(gains)
    if any(g.only_average for g in grids):
        return np.array([]), np.array([]), ONLY_AVERAGE
    values, weights = [], []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for g in grids:
            unit = np.nanmean(g.grid, axis=0) if g.grid.shape[1] > 1 else g.grid[:, 0]
            unit = unit[~np.isnan(unit)]
            values.append(unit)
            weights.append(np.full(len(unit), 1.0 / (len(unit) * len(grids))))
    return np.concatenate(values), np.concatenate(weights), None


def permutation_test(
    gains: pd.DataFrame, *, n_permutations: int = 10000, rng_seed: int = 0
) -> Significance:
    """Paired sign-flip permutation test of mean gain = 0 (exact up to 16 units, else Monte
    Carlo with a fixed seed), two-sided."""
    values, weights, note = _units(gains)
    if note is not None or len(values) < 2:
        return Significance(np.nan, len(values), "permutation", note or SINGLE_OBSERVATION)
    observed = abs(float(np.dot(values, weights)))
    n = len(values)
    if n <= EXACT_PERMUTATION_MAX_UNITS:
        signs = np.array(list(itertools.product((1.0, -1.0), repeat=n)))
        stat = np.abs(signs @ (values * weights))
        p = float(np.mean(stat >= observed - 1e-12))
        return Significance(p, n, "permutation (exact)")
    rng = np.random.default_rng(rng_seed)
    signs = rng.choice((1.0, -1.0), size=(n_permutations, n))
    stat = np.abs(signs @ (values * weights))
    p = float((1 + np.sum(stat >= observed - 1e-12)) / (1 + n_permutations))
    return Significance(p, n, "permutation (Monte Carlo)")


def sign_test(gains: pd.DataFrame) -> Significance:
    """Two-sided exact binomial sign test on the paired units (ties dropped)."""
    values, _, note = _units(gains)
    if note is not None:
        return Significance(np.nan, 0, "sign", note)
    nonzero = values[values != 0]
    if len(nonzero) == 0:
        return Significance(np.nan, 0, "sign", "every paired unit has zero gain")
    p = float(stats.binomtest(int(np.sum(nonzero > 0)), len(nonzero), 0.5).pvalue)
    return Significance(p, len(nonzero), "sign")


def holm(p_values: np.ndarray | list[float]) -> np.ndarray:
    """Holm step-down adjusted p-values (family-wise error); NaN stays NaN and is not counted."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 0.0
    for rank, idx in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[idx]))
        out[idx] = running
    return out


def benjamini_hochberg(p_values: np.ndarray | list[float]) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (false discovery rate); NaN stays NaN."""
    p = np.asarray(p_values, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = np.flatnonzero(~np.isnan(p))
    m = len(ok)
    order = ok[np.argsort(p[ok], kind="stable")]
    running = 1.0
    for rank in range(m - 1, -1, -1):
        idx = order[rank]
        running = min(running, m * p[idx] / (rank + 1))
        out[idx] = running
    return out


CORRECTIONS = {"holm": holm, "bh": benjamini_hochberg}
