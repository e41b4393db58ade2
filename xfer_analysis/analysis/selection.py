"""Best-of-k selection curve: the expected gain of choosing, per target, the best of k
intermediate tasks on one split and scoring it on another, over all k-subsets (exact)."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from math import comb

import numpy as np
import pandas as pd

from xfer_analysis.analysis.frame import key_text, languages_or_average, require_columns
from xfer_analysis.analysis.gains import check_one_source, task_rows, treatment_label
from xfer_analysis.analysis.uncertainty import ONLY_AVERAGE
from xfer_analysis.errors import InputError

SELECTION_COLUMNS = ("k", "gain", "ci_low", "ci_high", "ci_note", "n_targets", "eval_splits")
MIN_BOOTSTRAP_RUNS = 5
FEW_RUNS = (f"fewer than {MIN_BOOTSTRAP_RUNS} training runs (seeds) per target: no bootstrap "
            "interval (runs are the unit resampled; languages are repeated measures of a run)")


def _rank_weights(n: int) -> np.ndarray:
    """W[k-1, r] = probability that the arm ranked r (0 = best) is the best of a random
    k-subset of n arms: C(n-1-r, k-1) / C(n, k)."""
    return np.array([[comb(n - 1 - r, k - 1) / comb(n, k) for r in range(n)]
                     for k in range(1, n + 1)])


def best_of_k_curve(select: np.ndarray, evaluate: np.ndarray) -> np.ndarray:
    """Expected `evaluate` score of the arm with the best `select` score in a uniformly random
    k-subset, for k = 1..n (order statistics, exact); tied `select` scores share their mean
    `evaluate` score, which is what random tie-breaking gives in expectation."""
    sel = np.asarray(select, dtype=float)
    ev = np.asarray(evaluate, dtype=float)
    if sel.ndim != 1 or len(sel) == 0 or ev.shape != sel.shape:
        raise InputError("select and evaluate must be equal-length non-empty vectors",
                         field="select")
    order = np.argsort(-sel, kind="stable")
    sel_sorted, ev_sorted = sel[order], ev[order].copy()
    values, counts = np.unique(sel_sorted, return_counts=True)
    for value in values[counts > 1]:
        tied = sel_sorted == value
        ev_sorted[tied] = ev_sorted[tied].mean()
    return _rank_weights(len(sel)) @ ev_sorted


def _cube(part: pd.DataFrame, arms: list[str]) -> tuple[np.ndarray, bool]:
    """Gains of one target/split as an arm × seed × language array, and whether only `avg`."""
    used, only_average = languages_or_average(part)
    used = used.assign(_seed=key_text(used["seed"]))
    seeds = sorted(used["_seed"].unique())
    languages = sorted(used["language"].astype(str).unique())
    cube = np.full((len(arms), len(seeds), len(languages)), np.nan)
    table = used.groupby(["label", "_seed", "language"])["gain"].mean()
    for (arm, seed, lang), gain in table.items():
        cube[arms.index(arm), seeds.index(seed), languages.index(lang)] = gain
    return cube, only_average


def _arm_means(cube: np.ndarray, seed_idx: np.ndarray | None):
    """Language mean of the seed-mean gain per arm, optionally on resampled seeds."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        sub = cube if seed_idx is None else cube[:, seed_idx]
        return np.nanmean(np.nanmean(sub, axis=1), axis=1)


def selection_curve(
    gains: pd.DataFrame,
    *,
    select_split: str = "dev",
    eval_split: str = "test",
    n_boot: int = 500,
    level: float = 0.95,
    rng_seed: int = 0,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Expected best-of-k gain for k = 1..n (n = arms common to all targets), averaged over
    targets, from a `paired_gains` frame of one model and one metric per target (aggregate
    targets left out). Each target selects on `select_split` and is scored on `eval_split` when
    every arm has it, else on `select_split`. Interval: bootstrap over training runs (seeds),
    per target and split, shown with at least MIN_BOOTSTRAP_RUNS runs. An arm's gains on a
    target never mix source pairings (InputError): filter to one source, or pass
    `by=("source",)` for one curve per source (groups without `select_split` rows are left out),
    the `by` columns first."""
    gains = task_rows(gains)
    if not by:
        return _curve(gains, select_split, eval_split, n_boot, level, rng_seed)
    require_columns(gains, by, "selection_curve")
    frames = []
    for key, part in gains.groupby([key_text(gains[c]) for c in by], sort=True):
        if (part["split"].astype(str) == select_split).any():
            curve = _curve(part, select_split, eval_split, n_boot, level, rng_seed)
            frames.append(curve.assign(**dict(zip(by, key, strict=True))))
    columns = [*by, *SELECTION_COLUMNS]
    return pd.concat(frames, ignore_index=True)[columns] if frames else pd.DataFrame(
        columns=columns)


def _curve(gains: pd.DataFrame, select_split: str, eval_split: str, n_boot: int, level: float,
           rng_seed: int) -> pd.DataFrame:
    """`selection_curve` of one group of gains."""
    gains = gains.assign(label=treatment_label(gains))
    selected = gains[gains["split"].astype(str) == select_split]
    if selected.empty:
        raise InputError(f"no gains on split {select_split!r}", field="split")
    per_target = {}
    for target, part in selected.groupby(key_text(selected["target_task"]), sort=True):
        if part["metric"].nunique() > 1:
            raise InputError(f"target {target!r} has several metrics; select one", field="metric")
        per_target[target] = sorted(part["label"].unique())
    arms = sorted(set.intersection(*(set(a) for a in per_target.values())))
    if not arms:
        raise InputError("no intermediate task is present for every target", field="intermediate")
    used = gains[gains["label"].isin(arms)
                 & gains["split"].astype(str).isin([select_split, eval_split])]
    check_one_source(used, ["target_task", "label", "split"], "selection_curve")
    rng = np.random.default_rng(rng_seed)
    targets, splits, points, reps, note = [], [], [], [], None
    for target in per_target:
        rows = gains[(key_text(gains["target_task"]) == target) & gains["label"].isin(arms)]
        sel_cube, sel_avg = _cube(rows[rows["split"].astype(str) == select_split], arms)
        ev_rows = rows[rows["split"].astype(str) == eval_split]
        use_eval = eval_split != select_split and set(ev_rows["label"]) >= set(arms)
        ev_cube, ev_avg = _cube(ev_rows, arms) if use_eval else (sel_cube, sel_avg)
        if sel_avg or ev_avg:
            note = ONLY_AVERAGE
        elif min(sel_cube.shape[1], ev_cube.shape[1]) < MIN_BOOTSTRAP_RUNS:
            note = note or FEW_RUNS
        sel_point, ev_point = _arm_means(sel_cube, None), _arm_means(ev_cube, None)
        points.append(best_of_k_curve(sel_point, ev_point))
        reps.append(_replicates(sel_cube, ev_cube if use_eval else None, n_boot, rng))
        targets.append(target)
        splits.append(eval_split if use_eval else select_split)
    curve = np.mean(points, axis=0)
    alpha = (1 - level) / 2
    boot = np.mean(reps, axis=0)
    rows_out = []
    for i, value in enumerate(curve):
        low, high = (np.nan, np.nan) if note else np.nanquantile(boot[:, i], [alpha, 1 - alpha])
        rows_out.append({"k": i + 1, "gain": float(value), "ci_low": float(low),
                         "ci_high": float(high), "ci_note": note, "n_targets": len(targets),
                         "eval_splits": tuple(sorted(set(splits)))})
    return pd.DataFrame(rows_out, columns=list(SELECTION_COLUMNS))


def _replicates(sel: np.ndarray, ev: np.ndarray | None, n_boot: int,
                rng: np.random.Generator) -> np.ndarray:
    """Bootstrap replicates (n_boot × k) of one target's best-of-k curve: training runs
    (seeds) resampled, each run's languages kept together."""
    n_arms = sel.shape[0]
    out = np.empty((n_boot, n_arms))
    for b in range(n_boot):
        sel_b = _arm_means(sel, rng.integers(0, sel.shape[1], sel.shape[1]))
        ev_b = sel_b if ev is None else _arm_means(ev, rng.integers(0, ev.shape[1], ev.shape[1]))
        out[b] = best_of_k_curve(sel_b, ev_b)
    return out
