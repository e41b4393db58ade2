"""Measure a claim's quantity on one evidence set with the analysis layer's paired gains and
run-level statistics (training runs are the unit; `claims.decide.RULES` states how each
quantity's interval is made); name the rows that are missing instead of guessing them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis.frame import unique_tuple
from xfer_analysis.analysis.gains import gains_by_target, paired_gains
from xfer_analysis.analysis.lookup import role_split, score_metric
from xfer_analysis.analysis.uncertainty import (
    MIN_RUNS,
    ONE_RUN,
    languages_holding,
    partial_conjunction,
    run_interval,
    run_units,
    t_bounds,
    t_p_value,
)
from xfer_analysis.claims.model import Claim, Measurement, Quantity

BASELINE = tasks.NONE
POOLED = "pooled"
LEVEL = 0.95
COUNT_ALPHA = 0.025
MAX_DECIMALS = 6


def _gains(
    sel: pd.DataFrame, treatment: str, baseline: str, targets: Sequence[str]
) -> pd.DataFrame:
    """Paired gains of `treatment` over `baseline` on the task-score rows of `targets`."""
    part = sel[sel["target_task"].astype(str).isin(list(targets))]
    names = part["intermediate"].astype(str)
    if not (names == baseline).any() or not (names == treatment).any():
        return pd.DataFrame()
    return paired_gains(part, baseline, treatments=[treatment])


def _missing(sel: pd.DataFrame, claim: Claim, pairs: Sequence[tuple[str, str]],
             targets: Sequence[str], gains: pd.DataFrame) -> tuple[str, ...]:
    """`model | intermediate | target | split | metric` of every row a (treatment, baseline)
    pair needs on `targets` and lacks, for the treatments that did not pair up."""
    have_gain = set()
    if not gains.empty:
        have_gain = set(zip(gains["intermediate"].astype(str), gains["target_task"].astype(str),
                            strict=True))
    present = set(zip(sel["intermediate"].astype(str), sel["target_task"].astype(str),
                      strict=True))
    out: list[str] = []
    for treatment, baseline in pairs:
        for target in targets:
            if (treatment, target) in have_gain:
                continue
            for name in (treatment, baseline):
                if (name, target) not in present:
                    out.append(f"{claim.needs.base_model} | {name} | {target} | "
                               f"{role_split(target, claim.needs.split)} | "
                               f"{score_metric(target)}")
    return tuple(dict.fromkeys(out))


def _provenance(gains: pd.DataFrame) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Rows and sources behind a gains frame."""
    if gains.empty:
        return (), ()
    return (unique_tuple(list(gains["row"]) + list(gains["baseline_row"])),
            unique_tuple(list(gains["source"]) + list(gains["baseline_source"])))


def _from_gains(gains: pd.DataFrame, missing: tuple[str, ...],
                detail: dict[str, float] | None = None) -> Measurement:
    """The pooled mean gain with its t interval over runs, and the partial-conjunction count
    of languages in which it holds."""
    rows, srcs = _provenance(gains)
    if gains.empty:
        return Measurement(None, None, "no paired rows", (), (), missing, detail or {})
    pooled = gains.assign(intermediate=POOLED)
    ci = run_interval(pooled, level=LEVEL)
    if missing:
        return Measurement(None, None, "incomplete", rows, srcs, missing,
                           {**(detail or {}), "partial_value": ci.estimate})
    interval = None if math.isnan(ci.low) else (ci.low, ci.high)
    note = ci.note or f"{int(LEVEL * 100)}% t interval over {ci.n_seeds} runs " \
                      f"({ci.n_languages} language(s) averaged within each run)"
    holding = languages_holding(pooled)
    across = holding.describe() if holding.n > 1 else ""
    return Measurement(ci.estimate, interval, note, rows, srcs, missing, detail or {},
                       across_languages=across)


def _pooled(sel: pd.DataFrame, claim: Claim, pairs: Sequence[tuple[str, str]],
            targets: Sequence[str]) -> Measurement:
    """Mean gain pooled over (treatment, baseline) pairs on `targets`, all pairs required."""
    frames = [_gains(sel, t, b, targets) for t, b in pairs]
    frames = [f for f in frames if not f.empty]
    gains = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    return _from_gains(gains, _missing(sel, claim, pairs, targets, gains))


def _per_treatment(sel: pd.DataFrame, claim: Claim, names: Sequence[str],
                   targets: Sequence[str]) -> tuple[dict[str, float], pd.DataFrame,
                                                    tuple[str, ...]]:
    """Mean gain over `targets` of each treatment in `names` (complete ones only)."""
    frames = [_gains(sel, n, BASELINE, targets) for n in names]
    gains = pd.concat([f for f in frames if not f.empty] or [pd.DataFrame()], ignore_index=True)
    missing = _missing(sel, claim, [(n, BASELINE) for n in names], targets, gains)
    means: dict[str, float] = {}
    if not gains.empty:
        per_target = gains_by_target(gains)
        for name, part in per_target.groupby(per_target["intermediate"].astype(str)):
            if part["target_task"].nunique() == len(targets):
                means[name] = float(part["gain"].mean())
    return means, gains, missing


def _runs(gains: pd.DataFrame, name: str, targets: Sequence[str] | None = None) -> pd.Series:
    """Run-level gains (index: seed) of treatment `name`, on `targets` where given."""
    part = gains[gains["intermediate"].astype(str) == name]
    if targets is not None:
        part = part[part["target_task"].astype(str).isin(list(targets))]
    units = run_units(part)
    return pd.Series(units.values, index=list(units.seeds), dtype=float)


def _measured(value: float, gains: pd.DataFrame, detail: dict[str, float],
              interval: tuple[float, float] | None, note: str) -> Measurement:
    """A complete measurement of a derived quantity (interval None: point estimate only)."""
    rows, srcs = _provenance(gains)
    return Measurement(value, interval, note, rows, srcs, (), detail)


def _incomplete(gains: pd.DataFrame, missing: tuple[str, ...], detail: dict[str, float]
                ) -> Measurement:
    rows, srcs = _provenance(gains)
    return Measurement(None, None, "incomplete", rows, srcs, missing, detail)


def _mean_gain(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    return _pooled(sel, claim, [(q.intermediate, BASELINE)], q.targets)


def _target_gain(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    return _pooled(sel, claim, [(i, BASELINE) for i in q.intermediates], q.targets)


def _benchmark_gain(sel: pd.DataFrame, claim: Claim) -> Measurement:
    """Gain on a benchmark score = mean of the task-score gains; a partial mean is reported
    (as detail, never as the value) when some member tasks are missing."""
    q = claim.quantity
    gains = _gains(sel, q.intermediate, BASELINE, q.targets)
    missing = _missing(sel, claim, [(q.intermediate, BASELINE)], q.targets, gains)
    m = _from_gains(gains, missing)
    if missing and not gains.empty:
        m.detail["partial_tasks"] = float(gains["target_task"].nunique())
    return m


def _set_margin(sel: pd.DataFrame, claim: Claim, top: Sequence[str], others: Sequence[str]
                ) -> Measurement:
    """Worst mean gain of `top` minus the best of `others`, with the intersection-union
    interval over the pairwise run-level differences (lower bounds at 95%, upper bounds
    Bonferroni-adjusted over the pairs)."""
    q = claim.quantity
    means, gains, missing = _per_treatment(sel, claim, (*top, *others), q.targets)
    if missing:
        return _incomplete(gains, missing, means)
    value = min(means[t] for t in top) - max(means[o] for o in others)
    pairs = [(t, o) for t in top for o in others]
    runs = {n: _runs(gains, n) for n in (*top, *others)}
    lows, highs = [], []
    for t, o in pairs:
        diff = (runs[t] - runs[o]).dropna().to_numpy()
        if len(diff) < MIN_RUNS:
            return _measured(value, gains, means, None, ONE_RUN)
        shift = means[t] - means[o] - float(diff.mean())
        lows.append(t_bounds(diff, LEVEL)[0] + shift)
        highs.append(t_bounds(diff, 1 - (1 - LEVEL) / len(pairs))[1] + shift)
    note = (f"intersection-union over {len(pairs)} paired differences, "
            f"{len(diff)} runs each; upper bound Bonferroni-adjusted")
    return _measured(value, gains, means, (min(lows), min(highs)), note)


def _top_set_margin(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    return _set_margin(sel, claim, q.intermediates, q.others)


def _multitask_margin(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    return _set_margin(sel, claim, (q.intermediate,), q.intermediates)


def _gain_contrast(sel: pd.DataFrame, claim: Claim) -> Measurement:
    """Mean gain on `targets` minus on `other_targets`, averaged over the intermediates, with
    a t interval over runs of the per-run contrast."""
    q = claim.quantity
    means_in, g1, miss1 = _per_treatment(sel, claim, q.intermediates, q.targets)
    means_out, g2, miss2 = _per_treatment(sel, claim, q.intermediates, q.other_targets)
    gains = pd.concat([g for g in (g1, g2) if not g.empty] or [pd.DataFrame()])
    if miss1 or miss2:
        return _incomplete(gains, miss1 + miss2, {})
    inside = sum(means_in.values()) / len(means_in)
    outside = sum(means_out.values()) / len(means_out)
    detail = {"gain_on_targets": inside, "gain_on_other_targets": outside}
    per_run = pd.concat([_runs(g1, n) - _runs(g2, n) for n in q.intermediates], axis=1)
    diff = per_run.dropna().mean(axis=1).to_numpy()
    if len(diff) < MIN_RUNS:
        return _measured(inside - outside, gains, detail, None, ONE_RUN)
    low, high = t_bounds(diff, LEVEL)
    shift = inside - outside - float(diff.mean())
    return _measured(inside - outside, gains, detail, (low + shift, high + shift),
                     f"{int(LEVEL * 100)}% t interval over {len(diff)} runs of the contrast")


def _share_positive(sel: pd.DataFrame, claim: Claim) -> Measurement:
    """Share of intermediates with a positive mean gain; its interval counts, by partial
    conjunction over one-sided run-level t-tests, the tasks whose gain is surely positive
    (lower bound) and surely negative (upper bound = 1 - that share)."""
    q = claim.quantity
    means, gains, missing = _per_treatment(sel, claim, q.intermediates, q.targets)
    if missing:
        return _incomplete(gains, missing, means)
    n = len(q.intermediates)
    value = sum(means[i] > 0 for i in q.intermediates) / n
    runs = [_runs(gains, i).to_numpy() for i in q.intermediates]
    if min(len(r) for r in runs) < MIN_RUNS:
        return _measured(value, gains, means, None, ONE_RUN)
    positive, _ = partial_conjunction([t_p_value(r, "greater") for r in runs], COUNT_ALPHA)
    negative, _ = partial_conjunction([t_p_value(r, "less") for r in runs], COUNT_ALPHA)
    note = (f"partial conjunction over {n} tasks: gain > 0 in at least {positive}, < 0 in at "
            f"least {negative} (family-wise error {COUNT_ALPHA:g} each)")
    return _measured(value, gains, means, (positive / n, 1 - negative / n), note)


def variant_label(name: str, variant: str) -> str:
    """Intermediate label of the variant of task `name` (`mlm+squad`, `squad[translated]`)."""
    if variant == "translated":
        return f"{name}[translated]"
    return tasks.canonical_intermediate(f"{name}+{variant}")


def _variant_difference(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    pairs = [(variant_label(i, q.variant), i) for i in q.intermediates]
    return _pooled(sel, claim, pairs, q.targets)


MEASURES: dict[str, Callable[[pd.DataFrame, Claim], Measurement]] = {
    "mean_gain": _mean_gain,
    "target_gain": _target_gain,
    "system_gain": _mean_gain,
    "benchmark_gain": _benchmark_gain,
    "top_set_margin": _top_set_margin,
    "multitask_margin": _multitask_margin,
    "gain_contrast": _gain_contrast,
    "share_positive": _share_positive,
    "variant_difference": _variant_difference,
}


def measure(sel: pd.DataFrame, claim: Claim) -> Measurement:
    """The claim's quantity on the selected rows of one evidence set."""
    return MEASURES[claim.quantity.kind](sel, claim)


def treatments(q: Quantity) -> tuple[str, ...]:
    """Intermediate labels whose rows are treatment rows for `q` (for splitting by source)."""
    if q.kind == "variant_difference":
        return tuple(variant_label(i, q.variant) for i in q.intermediates)
    names = (q.intermediate,) if q.intermediate else ()
    return (*names, *q.intermediates, *q.others)


def printed_precision(rows: pd.DataFrame) -> float:
    """How far a gain between numbers typed from a table can be from the exact one: two
    half-units (10^-d) of the table's printed decimals d (the most any typed value needs), over
    rows without a seed (typed numbers; runs of a seed carry full precision); 0 when every row
    has a seed."""
    typed = rows[rows["seed"].isna().to_numpy()]
    if typed.empty:
        return 0.0
    values = typed["value"].to_numpy(dtype=float)
    needed = np.full(len(values), MAX_DECIMALS)
    for decimals in range(MAX_DECIMALS - 1, -1, -1):
        scaled = values * 10.0**decimals
        needed = np.where(np.abs(scaled - np.round(scaled)) < 1e-6, decimals, needed)
    return float(10.0 ** -int(needed.max()))
