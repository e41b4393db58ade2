"""The paper's directional claims asked of another base model's grid (e.g. the shipped CPU run):
direction and size on that model only. The paper's numbers stay expectations for XLM-R Large;
here every claim is "> 0" (or "best"), measured with run-level intervals and decided by the
same stated rules (`claims.decide`).

Analogues (the grid's own tasks stand in for the paper's):
1. a single English intermediate task improves the classification target(s);
2. multi-task training on all the grid's single intermediate tasks at once beats the best of
   them;
3. intermediate training improves the retrieval target(s) (the paper: BUCC, Tatoeba).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import transfer_matrix
from xfer_analysis.claims.decide import decide
from xfer_analysis.claims.model import Expectation

ABOVE_ZERO = Expectation("above", 0.0)


@dataclass(frozen=True)
class Analogue:
    """One paper claim restated for any grid: id, text, which sets, which target category."""

    id: str
    text: str
    paper: str
    sets: str  # "single", "multi-vs-best-single" or "all"
    category: str


ANALOGUES = (
    Analogue("1", "A single English intermediate task improves the classification target",
             "Phang et al. 2020: SQuAD, MNLI and HellaSwag give the largest average gains",
             "single", "classification"),
    Analogue("2", "Multi-task training on all the grid's single tasks beats the best of them",
             "Phang et al. 2020: multi-task on all nine gives small additional improvements",
             "multi-vs-best-single", "classification"),
    Analogue("3", "Intermediate training improves the retrieval target",
             "Phang et al. 2020: large gains on BUCC and Tatoeba", "all", "retrieval"),
)
COLUMNS = ("claim", "text", "paper", "intermediate", "target_task", "baseline", "gain", "ci_low",
           "ci_high", "n_seeds", "status", "reason")


def _members(label: str) -> list[str]:
    return label.split(" (")[0].split("+")


def _decided(analogue: Analogue, rows: pd.DataFrame, baseline: str) -> list[dict]:
    out = []
    for r in rows.itertuples():
        interval = None if np.isnan(r.ci_low) else (float(r.ci_low), float(r.ci_high))
        status, reason = decide(ABOVE_ZERO, float(r.gain), interval)
        out.append({"claim": analogue.id, "text": analogue.text, "paper": analogue.paper,
                    "intermediate": r.intermediate, "target_task": r.target_task,
                    "baseline": baseline, "gain": float(r.gain), "ci_low": r.ci_low,
                    "ci_high": r.ci_high, "n_seeds": r.n_seeds, "status": status,
                    "reason": reason})
    return out


def claims_on_model(frame: pd.DataFrame, *, base_model: str, split: str,
                    source: str) -> pd.DataFrame:
    """One row per (analogue claim, intermediate set, target) of one model's grid from one
    source: the gain (over no intermediate training, or over the best single task for claim 2)
    with its run-level interval and the decided status."""
    matrix = transfer_matrix(frame, base_model=base_model, split=split, source=source)
    if matrix.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    category = matrix["target_task"].map(lambda t: tasks.target(t).category)
    n_members = matrix["intermediate"].map(lambda s: len(_members(s)))
    all_tasks = set().union(*map(set, matrix.loc[n_members == 1, "intermediate"].map(_members)))
    out: list[dict] = []
    for analogue in ANALOGUES:
        rows = matrix[category == analogue.category]
        if analogue.sets == "single":
            out += _decided(analogue, rows[n_members[rows.index] == 1], tasks.NONE)
        elif analogue.sets == "all":
            out += _decided(analogue, rows, tasks.NONE)
        else:
            out += _multi_vs_best(analogue, frame, rows, all_tasks, base_model, split, source)
    return pd.DataFrame(out, columns=list(COLUMNS))


def _multi_vs_best(analogue: Analogue, frame: pd.DataFrame, rows: pd.DataFrame,
                   all_tasks: set[str], base_model: str, split: str, source: str) -> list[dict]:
    """Claim 2: the all-task set against the single task with the largest gain, per target,
    as a paired run-level difference (same seeds) at the same stage-1 budget."""
    out = []
    multi = rows[rows["intermediate"].map(lambda s: set(_members(s)) == all_tasks)]
    single = rows[rows["intermediate"].map(lambda s: len(_members(s)) == 1)]
    for m in multi.itertuples():
        same = single[(single["target_task"] == m.target_task)
                      & (single["intermediate"].str.split(" ").str[1:].str.join(" ")
                         == " ".join(m.intermediate.split(" ")[1:]))]
        if same.empty:
            continue
        best = same.loc[same["gain"].idxmax(), "intermediate"].split(" (")[0]
        label = _members(m.intermediate)
        pair = frame[frame["intermediate"].astype(str).isin(["+".join(sorted(label)), best])
                     & (frame["target_task"].astype(str) == m.target_task)]
        diff = transfer_matrix(pair, base_model=base_model, split=split, source=source,
                               baseline=best)
        diff = diff[diff["intermediate"].map(lambda s: set(_members(s)) == all_tasks)]
        out += _decided(analogue, diff, best)
    return out
