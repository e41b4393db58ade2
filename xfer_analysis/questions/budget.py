"""Research question a: gain vs number of intermediate tasks and vs training examples of one
task, at a matched budget, plus the best-of-k selection curve of single tasks."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import (
    CurveFits,
    compare_at_budget,
    fit_curves,
    selection_curve,
    task_count_points,
)
from xfer_analysis.analysis.budgets import variant_objectives
from xfer_analysis.analysis.fits import MIN_BUDGETS, MODELS
from xfer_analysis.errors import InputError
from xfer_analysis.questions.answer import Answer
from xfer_analysis.questions.gains import model_gains, per_intermediate, stilts_model

CONFIGS = {tasks.XTREME: "configs/rq_a_tasks_vs_size.yaml",
           tasks.XTREME_R: "configs/rq_a_tasks_vs_size_xtremer.yaml",
           tasks.CPU_DEMO: "configs/cpu_demo.yaml"}
SELECTION_CONFIG = "configs/phang2020.yaml"
MIN_POINTS = MIN_BUDGETS
FULL = "full"


def _cap(value: object) -> str:
    """Label of a stage-1 example cap (`full` when uncapped)."""
    return FULL if pd.isna(value) else str(int(value))


def budget_points(per_set: pd.DataFrame) -> pd.DataFrame:
    """`task_count_points` of the treatments plus their cap label, targets and source."""
    points = task_count_points(per_set)
    points["cap"] = [_cap(v) for v in per_set["intermediate_examples"]]
    points["n_targets"] = per_set["n_targets"].to_numpy()
    points["source"] = per_set["source"].astype(str).to_numpy()
    return points


def _fit_text(name: str, fits: CurveFits, unit: str) -> str:
    """Chosen model and its gain per doubling (with interval) at the largest budget."""
    row = fits.table[fits.table["chosen"]].iloc[0]
    return (f"{name}: {fits.chosen} fit chosen by AICc among {', '.join(MODELS)}, "
            f"{row['gain_per_doubling']:.2f} points "
            f"per doubling of {unit} at {fits.x.max():g} [{row['gain_per_doubling_low']:.2f}, "
            f"{row['gain_per_doubling_high']:.2f}], {len(fits.x)} points")


def _task_axis(points: pd.DataFrame) -> pd.DataFrame:
    """Points of the cap group with the most distinct set sizes (ties: the largest cap)."""
    groups = {cap: part for cap, part in points.groupby("cap")}
    rank = {cap: (part["n_tasks"].nunique(), np.inf if cap == FULL else float(cap))
            for cap, part in groups.items()}
    return groups[max(rank, key=rank.get)] if groups else points


def _example_axis(points: pd.DataFrame) -> pd.DataFrame:
    """Points of the single task with the most distinct example counts (ties by name)."""
    single = points[(points["n_tasks"] == 1) & np.isfinite(points["total_examples"])]
    if single.empty:
        return single
    counts = single.groupby("intermediate")["total_examples"].nunique()
    best = sorted(counts.index, key=lambda n: (-counts[n], n))[0]
    return single[single["intermediate"] == best]


def _budget_axis(points: pd.DataFrame) -> pd.DataFrame:
    """Multi-task points on the total-examples axis: the set seen at the most budgets (ties:
    the most tasks), or, when no set has several budgets, every uncapped set."""
    multi = points[(points["n_tasks"] > 1) & np.isfinite(points["total_examples"])]
    if multi.empty:
        return multi
    counts = multi.groupby("intermediate").agg(n=("total_examples", "nunique"),
                                               k=("n_tasks", "first"))
    best = sorted(counts.index, key=lambda s: (-counts.at[s, "n"], -counts.at[s, "k"], s))[0]
    if counts.at[best, "n"] >= MIN_POINTS:
        return multi[multi["intermediate"] == best]
    return multi[multi["cap"] == FULL]


def fit_points(x: pd.Series, y: pd.Series, n_boot: int = 200) -> CurveFits | None:
    """`fit_curves` when there are at least MIN_POINTS distinct finite budgets (every model's
    AICc finite), else None: too few budgets to choose a shape."""
    finite = x.notna() & y.notna()
    x, y = x[finite], y[finite]
    if x.nunique() < MIN_POINTS:
        return None
    return fit_curves(x.to_numpy(float), y.to_numpy(float), n_boot=n_boot, rng_seed=0)


def _selection(gains: pd.DataFrame, n_boot: int) -> tuple[pd.DataFrame, str]:
    """Best-of-k curve over uncapped single tasks (dev selects, test scores where present)."""
    single = gains[~gains["intermediate"].astype(str).str.contains("+", regex=False)
                   & gains["intermediate_examples"].isna()] if len(gains) else gains
    arms = single["intermediate"].nunique() if len(single) else 0
    need = (f"best-of-k selection curve needs dev rows of at least 2 single intermediate tasks "
            f"at full data ({SELECTION_CONFIG}); loaded: {arms}")
    if arms < 2:
        return pd.DataFrame(), need
    try:
        curve = selection_curve(single, n_boot=n_boot, rng_seed=0)
    except InputError as exc:
        return pd.DataFrame(), f"{need} ({exc})"
    last = curve.iloc[-1]
    return curve, (f"best-of-k selection curve over {arms} single tasks and "
                   f"{int(last['n_targets'])} targets: best of {int(last['k'])} gives "
                   f"{last['gain']:.2f}, a random one {curve.iloc[0]['gain']:.2f}")


def tasks_vs_data(df: pd.DataFrame, *, benchmark: str = tasks.XTREME,
                  base_model: str | None = None, split: str = "dev",
                  source: str | None = None, n_boot: int = 200) -> Answer:
    """Question a on the loaded rows: fits of gain vs number of tasks and vs examples of one
    task, their comparison at matched total examples, and the best-of-k selection curve
    (of the treatment rows of `source` only, where given)."""
    configs = (CONFIGS[benchmark],)
    model = base_model or stilts_model(df, benchmark)
    gains = model_gains(df, model, benchmark) if model else pd.DataFrame()
    if source is not None and len(gains):
        gains = gains[gains["source"].astype(str) == source].reset_index(drop=True)
    notes = [f"{benchmark}, base model {model or 'none with intermediate-task rows'}"]
    if len(gains):
        variant = gains["intermediate"].astype(str).map(lambda s: bool(variant_objectives(s)))
        if variant.any():
            names = sorted(set(gains.loc[variant, "intermediate"].astype(str)))
            notes.append(f"left out {len(names)} MLM variant(s) ({', '.join(names[:3])}"
                         f"{' ...' if len(names) > 3 else ''}): the MLM objective is not an "
                         "intermediate task")
            gains = gains[~variant].reset_index(drop=True)
    frames: dict[str, pd.DataFrame] = {}
    found: list[str] = []
    missing: list[str] = []
    points = pd.DataFrame()
    if len(gains):
        per_set = per_intermediate(gains, split)
        frames["per_intermediate"] = per_set
        points = budget_points(per_set) if len(per_set) else points
    frames["points"] = points
    axes = {"tasks": (_task_axis, "n_tasks", "intermediate tasks",
                      f"intermediate sets of at least {MIN_POINTS} sizes at one budget"),
            "examples": (_example_axis, "total_examples", "examples",
                         f"one intermediate task at at least {MIN_POINTS} example counts"),
            "budget": (_budget_axis, "total_examples", "total examples",
                       f"a multi-task set at at least {MIN_POINTS} total-example budgets")}
    fits: dict[str, CurveFits] = {}
    for name, (select, x, unit, need) in axes.items():
        axis = select(points) if len(points) else points
        fit = fit_points(axis[x], axis["gain"], n_boot) if len(axis) else None
        frames[f"{name}_points"] = axis
        if fit is None:
            have = axis[x].nunique() if len(axis) else 0
            missing.append(f"gain vs {unit}: needs more budgets ({have} distinct, "
                           f"{MIN_POINTS} needed so that every curve's AICc is finite): {need}")
            continue
        fits[name] = fit
        frames[f"{name}_fit"] = fit.table
        frames[f"{name}_curve"] = fit.curve_frame()
        found.append(_fit_text(f"gain vs {unit} ({_axis_text(axis)})", fit, unit))
    matched = (compare_at_budget(fits["budget"], fits["examples"])
               if {"budget", "examples"} <= set(fits) else pd.DataFrame())
    frames["matched_budget"] = matched
    if len(matched):
        found.append("matched budget: " + "; ".join(
            f"{r.budget:g} examples: tasks {r.gain_tasks:.2f} vs one task {r.gain_examples:.2f}"
            f" (difference [{r.difference_low:.2f}, {r.difference_high:.2f}])"
            for r in matched.itertuples()))
    else:
        missing.append("matched budget: multi-task and single-task fits over overlapping "
                       "total-example budgets")
    frames["selection"], selection_note = _selection(gains, n_boot)
    notes.append(selection_note)
    return Answer("a", frames, tuple(found), tuple(missing), configs, tuple(notes))


def _axis_text(axis: pd.DataFrame) -> str:
    """Short description of an axis's points: sets and caps used."""
    sets = sorted(set(axis["intermediate"].astype(str)))
    caps = sorted(set(axis["cap"].astype(str)),
                  key=lambda c: (c == FULL, 0 if c == FULL else int(c)))
    shown = ", ".join(sets[:3]) + (f" and {len(sets) - 3} more" if len(sets) > 3 else "")
    return f"{shown}; cap {', '.join(caps)}"
