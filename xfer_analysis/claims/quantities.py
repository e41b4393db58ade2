"""Measure a claim's quantity on one evidence set, with the analysis layer's paired gains and
bootstrap intervals; name the rows that are missing instead of guessing them."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis.frame import unique_tuple
from xfer_analysis.analysis.gains import gains_by_target, paired_gains
from xfer_analysis.analysis.lookup import score_metric
from xfer_analysis.analysis.uncertainty import run_interval
from xfer_analysis.claims.model import Claim, Measurement, Quantity

BASELINE = tasks.NONE
POOLED = "pooled"
NO_JOINT_INTERVAL = "difference of separately averaged cells: no joint interval"


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
                               f"{claim.needs.split} | {score_metric(target)}")
    return tuple(dict.fromkeys(out))


def _from_gains(gains: pd.DataFrame, missing: tuple[str, ...],
                detail: dict[str, float] | None = None) -> Measurement:
    """A measurement of the pooled mean gain with the analysis layer's bootstrap interval."""
    if gains.empty:
        return Measurement(None, None, "no paired rows", (), (), missing, detail or {})
    rows = unique_tuple(list(gains["row"]) + list(gains["baseline_row"]))
    srcs = unique_tuple(list(gains["source"]) + list(gains["baseline_source"]))
    ci = run_interval(gains.assign(intermediate=POOLED))
    if missing:
        return Measurement(None, None, "incomplete", rows, srcs, missing,
                           {**(detail or {}), "partial_value": ci.estimate})
    interval = None if math.isnan(ci.low) else (ci.low, ci.high)
    note = ci.note or f"{int(ci.level * 100)}% t interval over {ci.n_seeds} run(s) and " \
                      f"{ci.n_languages} language(s)"
    return Measurement(ci.estimate, interval, note, rows, srcs, missing, detail or {})


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


def _point(value: float, gains: pd.DataFrame, missing: tuple[str, ...],
           detail: dict[str, float]) -> Measurement:
    """A point measurement (no interval) from per-treatment means."""
    if missing or gains.empty:
        return Measurement(None, None, "incomplete", (), (), missing, detail)
    rows = unique_tuple(list(gains["row"]) + list(gains["baseline_row"]))
    srcs = unique_tuple(list(gains["source"]) + list(gains["baseline_source"]))
    return Measurement(value, None, NO_JOINT_INTERVAL, rows, srcs, (), detail)


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


def _top_set_margin(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    means, gains, missing = _per_treatment(sel, claim, (*q.intermediates, *q.others), q.targets)
    if missing:
        return _point(math.nan, gains, missing, means)
    value = min(means[i] for i in q.intermediates) - max(means[o] for o in q.others)
    return _point(value, gains, missing, means)


def _multitask_margin(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    means, gains, missing = _per_treatment(sel, claim, (*q.intermediates, q.intermediate),
                                           q.targets)
    if missing:
        return _point(math.nan, gains, missing, means)
    best = max(q.intermediates, key=lambda i: means[i])
    m = _pooled(sel, claim, [(q.intermediate, best)], q.targets)
    return Measurement(m.value, m.interval, f"paired against the best single task ({best}); "
                       + m.interval_note, m.rows_used, m.sources, m.missing, means)


def _gain_contrast(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    inside, g1, miss1 = _pooled_means(sel, claim, q.targets)
    outside, g2, miss2 = _pooled_means(sel, claim, q.other_targets)
    gains = pd.concat([g for g in (g1, g2) if not g.empty] or [pd.DataFrame()])
    detail = {"gain_on_targets": inside, "gain_on_other_targets": outside}
    return _point(inside - outside, gains, miss1 + miss2, detail)


def _pooled_means(sel: pd.DataFrame, claim: Claim, targets: Sequence[str]
                  ) -> tuple[float, pd.DataFrame, tuple[str, ...]]:
    """Mean over intermediates of their mean gain on `targets`."""
    means, gains, missing = _per_treatment(sel, claim, claim.quantity.intermediates, targets)
    value = sum(means.values()) / len(means) if means and not missing else math.nan
    return value, gains, missing


def _share_positive(sel: pd.DataFrame, claim: Claim) -> Measurement:
    q = claim.quantity
    means, gains, missing = _per_treatment(sel, claim, q.intermediates, q.targets)
    if missing:
        return _point(math.nan, gains, missing, means)
    return _point(sum(v > 0 for v in means.values()) / len(means), gains, missing, means)


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
