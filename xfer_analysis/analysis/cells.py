"""Interval and significance of many one-target cells at once (the transfer matrix): the
run-level statistics of `run_interval` and `run_test` (languages averaged within each training
run, Student t over runs), vectorised over cells so a million-row table stays interactive."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from xfer_analysis.analysis.uncertainty import MIN_RUNS, ONE_RUN, ONLY_AVERAGE


def _t_stats(n: np.ndarray, mean: np.ndarray, sd: np.ndarray, level: float
             ) -> tuple[np.ndarray, np.ndarray]:
    """Half-width of the level-t interval and two-sided p-value per cell (NaN below MIN_RUNS),
    with `t_p_value`'s rule for a constant sample (0 when nonzero, 1 when zero)."""
    ok = n >= MIN_RUNS
    df = np.where(ok, n - 1, 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = sd / np.sqrt(np.where(ok, n, 1))
        half = np.where(ok, stats.t.ppf(0.5 + level / 2, df) * se, np.nan)
        t = np.abs(mean) / se
        p = np.where(se > 0, 2 * stats.t.sf(t, df), np.where(mean == 0, 1.0, 0.0))
    return half, np.where(ok, p, np.nan)


def cell_statistics(
    cells: np.ndarray,
    seeds: pd.Series,
    languages: pd.Series,
    gains: np.ndarray,
    only_average: np.ndarray,
    *,
    level: float = 0.95,
) -> pd.DataFrame:
    """Per cell 0..n-1 (the rows' `cells` codes, each cell one target and metric): gain (mean
    over languages of the seed-mean gain), the t interval over runs ci_low/ci_high (or ci_note
    saying why there is none), the t-test p_value, n_seeds and n_languages, as `run_interval`
    and `run_test` give them."""
    n_cells = len(only_average)
    frame = pd.DataFrame({"c": cells, "s": seeds.to_numpy(), "l": languages.to_numpy(),
                          "g": gains})
    mean = frame.groupby(["c", "s", "l"], sort=False)["g"].mean().reset_index()
    per_lang = mean.groupby(["c", "l"], sort=False)["g"].mean()
    estimate = per_lang.groupby(level=0).mean().reindex(range(n_cells))
    n_langs = per_lang.groupby(level=0).size().reindex(range(n_cells), fill_value=0)
    runs = mean.groupby(["c", "s"], sort=False)["g"].mean().groupby(level=0)
    n_runs = runs.size().reindex(range(n_cells), fill_value=0).to_numpy()
    run_mean = runs.mean().reindex(range(n_cells)).to_numpy()
    run_sd = runs.std(ddof=1).reindex(range(n_cells)).to_numpy()
    half, p = _t_stats(n_runs, run_mean, run_sd, level)
    centre = estimate.to_numpy()
    note = np.where(n_runs < MIN_RUNS, np.where(only_average, f"{ONLY_AVERAGE}; {ONE_RUN}",
                                                ONE_RUN), None)
    return pd.DataFrame({
        "gain": centre, "ci_low": centre - half, "ci_high": centre + half,
        "ci_note": pd.Series(note, dtype=object), "p_value": p, "n_seeds": n_runs,
        "n_languages": np.where(only_average, 0, n_langs.to_numpy()),
    })
