"""Research questions c-e: robustness and intermediate-task benefit against model size, and
English intermediate training vs translate-train by mT5 size (`analysis.scaling`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis import scaling, scaling_trend, score_rows, with_task_scores
from xfer_analysis.questions.answer import Answer, names, single_targets
from xfer_analysis.questions.core import setting_gaps
from xfer_analysis.questions.gains import model_gains, per_intermediate

C_CONFIG = "configs/rq_c_model_size.yaml"
D_CONFIG = "configs/rq_d_large_models.yaml"
E_CONFIG = "configs/rq_e_intermediate_vs_translate_train.yaml"
ROBUSTNESS = ("score", "worst_score", "language_spread", "gain", "seed_sd")


def scaling_table(df: pd.DataFrame, targets: tuple[str, ...], split: str) -> pd.DataFrame:
    """`analysis.scaling` rows of every target in `targets` that has rows on `split`."""
    part = single_targets(df)
    frames = [scaling(part, target_task=t, split=split) for t in targets
              if ((part["target_task"].astype(str) == t)
                  & (part["split"].astype(str) == split)).any()]
    frames = [f for f in frames if len(f)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def trends(table: pd.DataFrame, measures: tuple[str, ...]) -> pd.DataFrame:
    """`scaling_trend` per target of each measure that has values at two or more sizes."""
    rows = []
    for target, part in table.groupby("target_task", sort=True):
        for y in measures:
            if y in part.columns and part[y].notna().sum() >= 2:
                trend = scaling_trend(part, y=y).dropna(subset=["slope"])
                rows.append(trend.assign(target_task=target))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def _sized(table: pd.DataFrame, column: str, target: str) -> bool:
    """Whether some family has `column` values at two or more sizes on `target`."""
    part = table[(table["target_task"] == target) & table[column].notna()]
    return bool(len(part)) and bool((part.groupby("family")["base_model"].nunique() >= 2).any())


def _trend_lines(trend: pd.DataFrame, measure: str) -> list[str]:
    """One line per fitted trend of `measure`: slope per decade of parameters."""
    part = trend[trend["y"] == measure] if len(trend) else trend
    return [f"{r.target_task} {measure} vs size, {r.family} {r.setting} {r.intermediate} "
            f"({r.source}): {r.slope:+.2f} per decade of parameters over {r.n_sizes} sizes"
            for r in part.itertuples()]


def model_size_robustness(df: pd.DataFrame, *, targets: tuple[str, ...] = ("xnli", "mlqa"),
                          split: str = "test") -> Answer:
    """Question c on the loaded rows: score, worst-language score, spread across languages and
    seeds, and intermediate-task gain against model size for each target."""
    table = scaling_table(df, targets, split)
    trend = trends(table, ROBUSTNESS) if len(table) else pd.DataFrame()
    found = _trend_lines(trend, "score")
    missing = []
    for target in targets:
        has = {c: len(table) > 0 and _sized(table, c, target)
               for c in ("score", "worst_score", "gain")}
        if not has["score"]:
            missing.append(f"{target} scores of two or more sizes of one model family")
        if not has["worst_score"]:
            missing.append(f"per-language {target} scores of two or more sizes (worst-language "
                           f"score and spread; loaded {target} rows are averages only)")
        else:
            found += _trend_lines(trend[trend["target_task"] == target], "worst_score")
        if not has["gain"]:
            missing.append(f"{target} intermediate-task rows (with their baseline) at two or "
                           f"more sizes")
        seeds = table[table["target_task"] == target]["n_seeds"] if len(table) else []
        if not len(seeds) or int(np.max(seeds)) < 2:
            missing.append(f"{target} runs with several seeds (spread across seeds)")
    return Answer("c", {"scaling": table, "trends": trend}, tuple(found), tuple(missing),
                  (C_CONFIG,), (f"split {split}; sources are never averaged together",))


def benefit_by_size(df: pd.DataFrame, *, split: str = "test") -> Answer:
    """Question d on the loaded rows: intermediate-task gain over the same model without it,
    per model size and target, and its trend with size where a family has two or more sizes."""
    part = single_targets(df)
    treated = part[~part["intermediate"].astype(str).isin([tasks.NONE])]
    targets = tuple(sorted(set(treated["target_task"].astype(str))))
    table = scaling_table(df, targets, split)
    gains = table[table["gain"].notna() & (table["intermediate"] != tasks.NONE)] \
        if len(table) else table
    trend = trends(gains, ("gain",)) if len(gains) else pd.DataFrame()
    found, missing = [], []
    if len(gains):
        for (model, source), rows in gains.groupby(["base_model", "source"], sort=True):
            found.append(f"{model} {names(rows['intermediate'])} ({source}): mean gain "
                         f"{rows['gain'].mean():.2f} over {len(rows)} targets")
        found += _trend_lines(trend, "gain")
    if not len(trend):
        missing.append("intermediate-task rows with their baseline for two or more sizes of "
                       "one model family" + _without(table, gains))
    return Answer("d", {"gains": gains, "trends": trend}, tuple(found), tuple(missing),
                  (D_CONFIG, C_CONFIG), (f"split {split}; sources are never averaged together",))


def _without(table: pd.DataFrame, gains: pd.DataFrame) -> str:
    """Models of families loaded at two or more sizes that have no intermediate-task gain."""
    if table.empty:
        return ""
    sizes = table.groupby("family")["base_model"].nunique()
    sized = table[table["family"].isin(sizes[sizes >= 2].index)]
    without = sorted(set(sized["base_model"]) - set(gains["base_model"]))
    return f" (loaded with no intermediate-task rows: {', '.join(without)})" if without else ""


def translate_train_vs_intermediate(df: pd.DataFrame, *, family: str = "mt5",
                                    target: str = "xnli") -> Answer:
    """Question e on the loaded rows: translate-train minus zero-shot per model size (paired
    within a source) beside the gain of English intermediate training (paired within its own
    source) for the same models on `target`."""
    gaps = setting_gaps(df, family)
    gaps_t = gaps[gaps["target_task"] == target] if len(gaps) else gaps
    models = [m.name for m in tasks.base_models() if m.family == family]
    rows = []
    for model in models:
        gains = model_gains(df, model, tasks.XTREME_R)
        gains = gains[gains["target_task"].astype(str) == target] if len(gains) else gains
        for r in per_intermediate(gains).itertuples() if len(gains) else ():
            for g in gaps_t[gaps_t["base_model"] == model].itertuples():
                rows.append({"base_model": model, "intermediate": r.intermediate,
                             "intermediate_gain": r.gain, "intermediate_source": r.source,
                             "intermediate_split": ", ".join(r.splits),
                             "translate_train_gain": g.gain, "translate_train_source": g.source,
                             "difference": r.gain - g.gain})
    compared = pd.DataFrame(rows)
    found = [f"{target} translate-train minus zero-shot, {g.base_model} ({g.source}): "
             f"{g.gain:+.2f}" for g in gaps_t.itertuples()]
    missing = []
    if not len(gaps_t):
        missing.append(f"{family} {target} translate-train and zero-shot rows of one source")
    if compared.empty:
        missing.append(f"English intermediate-task rows (with their baseline) for {family} "
                       f"models on {target}")
    else:
        found += [f"{r.base_model} {r.intermediate} ({r.intermediate_source}, "
                  f"{r.intermediate_split}) minus translate-train ({r.translate_train_source}): "
                  f"{r.difference:+.2f}" for r in compared.itertuples()]
    notes = ("intermediate-training and translate-train gains come from different runs and "
             "sources; each is paired with its own zero-shot baseline",)
    return Answer("e", {"gaps": gaps, "comparison": compared}, tuple(found), tuple(missing),
                  (E_CONFIG,), notes)


def language_scores(df: pd.DataFrame, target: str, split: str = "test") -> pd.DataFrame:
    """Per-language task scores of every zero-shot system on `target` (no `avg` rows), largest
    known model first: the rows behind worst-language score and spread (empty when a source
    gives only averages)."""
    part = single_targets(df)
    part = part[(part["target_task"].astype(str) == target)
                & (part["split"].astype(str) == split)
                & (part["language"].astype(str) != tasks.AVG)]
    if part.empty:
        return pd.DataFrame(columns=["base_model", "intermediate", "setting", "source",
                                     "language", "score", "params"])
    part = score_rows(with_task_scores(part))
    keys = ["base_model", "intermediate", "setting", "source", "language"]
    out = part.groupby([part[k].astype(str) for k in keys])["value"].mean().rename("score")
    out = out.reset_index()
    params = part.groupby(part["base_model"].astype(str))["model_params"].max()
    out["params"] = out["base_model"].map(params)
    return out.sort_values(["params", "base_model", "source", "language"],
                           ascending=[False, True, True, True], na_position="last",
                           ignore_index=True)
