"""Interval and significance of many one-target cells at once (the transfer matrix): the
statistics of `bootstrap_ci` and `permutation_test`, with the same random draws, vectorised over
cells so a million-row table stays interactive."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from xfer_analysis.analysis.uncertainty import (
    EXACT_PERMUTATION_MAX_UNITS,
    ONLY_AVERAGE,
    SINGLE_OBSERVATION,
)

CHUNK_ELEMENTS = 2_000_000
STAT_TOLERANCE = 1e-12


def _quiet() -> warnings.catch_warnings:
    """Silence numpy's all-NaN-slice warnings (NaN is the intended answer there)."""
    return warnings.catch_warnings(action="ignore", category=RuntimeWarning)


def _dense_rank(values: np.ndarray, cells: np.ndarray) -> np.ndarray:
    """Position of each row's value among the distinct values of its cell (0-based)."""
    ranks = pd.Series(values).groupby(cells).rank(method="dense")
    return ranks.to_numpy(dtype=np.int64) - 1


def _counts(draws: np.ndarray, size: int) -> np.ndarray:
    """How often each index 0..size-1 was drawn in each bootstrap replicate (row)."""
    rows = np.repeat(np.arange(draws.shape[0]), draws.shape[1])
    flat = np.bincount(rows * size + draws.ravel(), minlength=draws.shape[0] * size)
    return flat.reshape(draws.shape[0], size).astype(float)


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """num / den with NaN where nothing was counted (the nanmean of an all-NaN slice)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _replicates(grids: np.ndarray, n_boot: int, rng_seed: int) -> np.ndarray:
    """Bootstrap replicates (cells × n_boot) of each grid's language mean of seed means:
    seeds, then languages, resampled with replacement; the draws of a fresh generator per cell,
    as `bootstrap_ci` makes them (grids of one shape share them)."""
    n_cells, n_seeds, n_langs = grids.shape
    rng = np.random.default_rng(rng_seed)
    seed_counts = _counts(rng.integers(0, n_seeds, size=(n_boot, n_seeds)), n_seeds)
    lang_counts = _counts(rng.integers(0, n_langs, size=(n_boot, n_langs)), n_langs)
    out = np.empty((n_cells, n_boot))
    step = max(1, CHUNK_ELEMENTS // (n_boot * n_langs))
    for start in range(0, n_cells, step):
        part = grids[start:start + step]
        valid = ~np.isnan(part)
        flat = np.where(valid, part, 0.0).transpose(1, 0, 2).reshape(n_seeds, -1)
        shape = (n_boot, len(part), n_langs)
        per_lang = _ratio((seed_counts @ flat).reshape(shape),
                          (seed_counts @ valid.transpose(1, 0, 2).reshape(n_seeds, -1)
                           .astype(float)).reshape(shape))
        ok = ~np.isnan(per_lang)
        num = np.where(ok, per_lang, 0.0) @ lang_counts[:, :, None]
        den = ok.astype(float) @ lang_counts[:, :, None]
        out[start:start + step] = _ratio(num[..., 0], den[..., 0]).T
    return out


def _sign_flip_p(units: np.ndarray, n_permutations: int, rng_seed: int) -> np.ndarray:
    """Two-sided sign-flip p-values of the mean of each row of `units` (cells × n units):
    exact up to 16 units, else Monte Carlo with `permutation_test`'s draws."""
    n = units.shape[1]
    weighted = units / n
    observed = np.abs(weighted.sum(axis=1))
    if n <= EXACT_PERMUTATION_MAX_UNITS:
        bits = (np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)) & 1
        signs = 1.0 - 2.0 * bits
        stat = np.abs(signs @ weighted.T)
        return np.mean(stat >= observed - STAT_TOLERANCE, axis=0)
    rng = np.random.default_rng(rng_seed)
    signs = rng.choice((1.0, -1.0), size=(n_permutations, n))
    stat = np.abs(signs @ weighted.T)
    return (1 + np.sum(stat >= observed - STAT_TOLERANCE, axis=0)) / (1 + n_permutations)


def cell_statistics(
    cells: np.ndarray,
    seeds: pd.Series,
    languages: pd.Series,
    gains: np.ndarray,
    only_average: np.ndarray,
    *,
    level: float = 0.95,
    n_boot: int = 2000,
    n_permutations: int = 10000,
    rng_seed: int = 0,
) -> pd.DataFrame:
    """Per cell 0..n-1 (the rows' `cells` codes, each cell one target and metric): gain (mean
    over languages of the seed-mean gain), bootstrap ci_low/ci_high/ci_note, permutation
    p_value, n_seeds and n_languages, as `bootstrap_ci` and `permutation_test` give them."""
    n_cells = len(only_average)
    seed_code, _ = pd.factorize(seeds.to_numpy(), sort=True)
    lang_code, _ = pd.factorize(languages.to_numpy(), sort=True)
    s_pos, l_pos = _dense_rank(seed_code, cells), _dense_rank(lang_code, cells)
    mean = pd.Series(gains).groupby([cells, s_pos, l_pos]).mean()
    c_idx, s_idx, l_idx = (mean.index.get_level_values(i).to_numpy() for i in range(3))
    n_s = np.zeros(n_cells, dtype=np.int64)
    n_l = np.zeros(n_cells, dtype=np.int64)
    np.maximum.at(n_s, c_idx, s_idx + 1)
    np.maximum.at(n_l, c_idx, l_idx + 1)
    out = pd.DataFrame({"gain": np.nan, "ci_low": np.nan, "ci_high": np.nan,
                        "ci_note": pd.Series([None] * n_cells, dtype=object),
                        "p_value": np.nan, "n_seeds": n_s,
                        "n_languages": np.where(only_average, 0, n_l)})
    alpha = (1 - level) / 2
    units: dict[int, list[tuple[int, np.ndarray]]] = {}
    for shape in sorted(set(zip(n_s.tolist(), n_l.tolist(), strict=True))):
        members = np.flatnonzero((n_s == shape[0]) & (n_l == shape[1]))
        slot = np.full(n_cells, -1)
        slot[members] = np.arange(len(members))
        grids = np.full((len(members), *shape), np.nan)
        rows = slot[c_idx] >= 0
        grids[slot[c_idx[rows]], s_idx[rows], l_idx[rows]] = mean.to_numpy()[rows]
        with _quiet():
            per_lang = np.nanmean(grids, axis=1)
            out.loc[members, "gain"] = np.nanmean(per_lang, axis=1)
        boot = members[~only_average[members]] if shape != (1, 1) else members[:0]
        if len(boot):
            reps = _replicates(grids[~only_average[members]], n_boot, rng_seed)
            with _quiet():
                bounds = np.nanquantile(reps, [alpha, 1 - alpha], axis=1)
            out.loc[boot, "ci_low"], out.loc[boot, "ci_high"] = bounds[0], bounds[1]
        out.loc[members[only_average[members]], "ci_note"] = ONLY_AVERAGE
        if shape == (1, 1):
            out.loc[members[~only_average[members]], "ci_note"] = SINGLE_OBSERVATION
        for i, cell in enumerate(members):
            if only_average[cell]:
                continue
            unit = per_lang[i] if shape[1] > 1 else grids[i, :, 0]
            unit = unit[~np.isnan(unit)]
            if len(unit) >= 2:
                units.setdefault(len(unit), []).append((int(cell), unit))
    for group in units.values():
        p = _sign_flip_p(np.stack([u for _, u in group]), n_permutations, rng_seed)
        out.loc[[c for c, _ in group], "p_value"] = p
    return out
