"""Zero-shot intermediate-task gains of one base model per target and per intermediate set,
the input of the budget and diversity questions (a, b)."""

from __future__ import annotations

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import gains_by_target, paired_gains, score_rows, with_task_scores
from xfer_analysis.analysis.frame import key_text
from xfer_analysis.questions.answer import single_targets, stilts_rows

TREATMENT = ["intermediate", "intermediate_examples", "intermediate_data", "source"]


def stilts_model(df: pd.DataFrame, benchmark: str) -> str | None:
    """The base model with the most zero-shot intermediate-task rows on `benchmark` targets
    (ties by name); None when no such row is loaded."""
    part = single_targets(df, benchmark)
    part = part[stilts_rows(part) & (part["setting"].astype(str) == "zero-shot")]
    if part.empty:
        return None
    counts = part.groupby(part["base_model"].astype(str)).size()
    return str(sorted(counts.index, key=lambda m: (-counts[m], m))[0])


def model_gains(df: pd.DataFrame, base_model: str, benchmark: str) -> pd.DataFrame:
    """Paired zero-shot gains over `none` of every English intermediate treatment of one model
    on the task-score metric of each `benchmark` target (empty when nothing pairs)."""
    part = single_targets(df, benchmark)
    part = part[(part["base_model"].astype(str) == base_model)
                & (part["setting"].astype(str) == "zero-shot")]
    part = score_rows(with_task_scores(part)) if len(part) else part
    names = part["intermediate"].astype(str)
    if part.empty or not (names == tasks.NONE).any() or not stilts_rows(part).any():
        return pd.DataFrame()
    gains = paired_gains(part, tasks.NONE)
    keep = stilts_rows(gains) & (gains["intermediate_data"].astype(str) == "english")
    return gains[keep].reset_index(drop=True)


def per_intermediate(gains: pd.DataFrame, split: str = "dev") -> pd.DataFrame:
    """Per treatment and source: the mean over targets of the language-averaged gain, each
    target on `split` where it has rows there, else on its only other split (XQuAD and TyDiQA
    have no dev set); only targets every treatment has, so means are comparable."""
    per_target = gains_by_target(gains, by=("source",))
    chosen = []
    for _, part in per_target.groupby("target_task", sort=True):
        splits = set(part["split"].astype(str))
        use = split if split in splits else sorted(splits)[0]
        chosen.append(part[part["split"].astype(str) == use])
    per_target = pd.concat(chosen, ignore_index=True)
    keys = [key_text(per_target[c]) for c in TREATMENT]
    n_treatments = len(set(zip(*keys, strict=True)))
    covered = per_target.groupby("target_task")["gain"].size()
    common = sorted(t for t in covered.index if covered[t] == n_treatments)
    per_target = per_target[per_target["target_task"].isin(common)]
    rows = []
    for _, part in per_target.groupby([key_text(per_target[c]) for c in TREATMENT], sort=True):
        first = part.iloc[0]
        rows.append({**{c: first[c] for c in TREATMENT}, "gain": float(part["gain"].mean()),
                     "n_targets": int(len(part)),
                     "targets": tuple(sorted(part["target_task"].astype(str))),
                     "splits": tuple(sorted(set(part["split"].astype(str))))})
    return pd.DataFrame(rows, columns=[*TREATMENT, "gain", "n_targets", "targets", "splits"])
