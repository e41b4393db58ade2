"""Per-claim-group and per-research-question views on a results table, as small frames and
rounded, deterministic text (what the notebooks print and nbval compares)."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from xfer_analysis import claims, tasks
from xfer_analysis.analysis import paired_gains, score_rows, with_task_scores
from xfer_analysis.analysis.frame import current_rows

SYSTEM = tasks.BEST_PER_TARGET


def claim_verdicts(df: pd.DataFrame, groups: Sequence[int]) -> list[claims.Verdict]:
    """Verdicts of every claim in the given claim groups (1-7 of DESIGN.md)."""
    return [claims.check(c, df) for c in claims.CLAIMS if c.group in groups]


def verdict_text(verdicts: Sequence[claims.Verdict]) -> str:
    """One block per claim: id, status, per-source values (2 decimals), missing rows, run."""
    lines = []
    for v in verdicts:
        lines.append(f"[{v.claim.id}] {v.status.upper()}: {v.claim.text}")
        lines.append(f"    source: {v.claim.source}; expected {v.claim.expectation.describe()}")
        for sv in v.per_source:
            m = sv.measurement
            if m.value is None:
                continue
            ci = "" if m.interval is None else f" [{m.interval[0]:.2f}, {m.interval[1]:.2f}]"
            if m.interval is None and m.precision > 0:
                ci = f" ± {m.precision:.2g} (printed precision)"
            lines.append(f"    {sv.status}: {m.value:.2f}{ci} ({m.interval_note}) from "
                         f"{', '.join(sv.sources)}")
            if m.across_languages:
                lines.append(f"    across languages: {m.across_languages}")
        for caveat in v.caveats:
            lines.append(f"    caveat: {caveat}")
        if v.status == claims.INSUFFICIENT and v.missing:
            lines.append(f"    missing {len(v.missing)} row group(s), e.g. {v.missing[0]}")
            lines.append(f"    would be decided by {v.decided_by}")
    return "\n".join(lines)


def _scored(df: pd.DataFrame) -> pd.DataFrame:
    """Task-score rows of single targets (QA EM/F1 combined), superseded rows dropped."""
    part = df[~df["target_task"].astype(str).map(tasks.is_aggregate)]
    part = current_rows(part)
    return score_rows(with_task_scores(part)) if len(part) else part


def system_gains(df: pd.DataFrame, split: str = "test") -> pd.DataFrame:
    """Task-score gain of the best-per-target system over XLM-R Large, per target and source;
    each source paired with its own (or closest) baseline, never averaged across sources."""
    part = _scored(df[(df["base_model"].astype(str) == "xlm-roberta-large")
                      & (df["split"].astype(str) == split)
                      & (df["setting"].astype(str) == "zero-shot")])
    cols = ["source", "target_task", "metric", "value", "baseline_value", "gain"]
    names = part["intermediate"].astype(str) if len(part) else pd.Series(dtype=str)
    if not ((names == SYSTEM).any() and (names == tasks.NONE).any()):
        return pd.DataFrame(columns=cols)
    gains = paired_gains(part, tasks.NONE, treatments=[SYSTEM])
    out = gains[cols].drop_duplicates(["source", "target_task"])
    return out.sort_values(["target_task", "source"]).reset_index(drop=True)


def setting_gaps(df: pd.DataFrame, family: str = "mt5", treatment: str = "translate-train",
                 baseline: str = "zero-shot") -> pd.DataFrame:
    """Score of `treatment` minus `baseline` setting per model of `family`, target and source;
    pairs are made within one source only (sources measured different runs)."""
    models = [m.name for m in tasks.base_models() if m.family == family]
    part = _scored(df[df["base_model"].astype(str).isin(models)
                      & df["setting"].astype(str).isin([treatment, baseline])])
    cols = ["source", "base_model", "target_task", "value", "baseline_value", "gain"]
    frames = []
    for _, rows in part.groupby(part["source"].astype(str)):
        if rows["setting"].nunique() == 2:
            frames.append(paired_gains(rows, baseline, factor="setting",
                                       treatments=[treatment])[cols])
    if not frames:
        return pd.DataFrame(columns=cols)
    out = pd.concat(frames, ignore_index=True)
    out["size_rank"] = out["base_model"].map({m: i for i, m in enumerate(models)})
    out = out.sort_values(["source", "target_task", "size_rank"]).drop(columns="size_rank")
    return out.reset_index(drop=True)
