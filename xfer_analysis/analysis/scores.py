"""Task scores and benchmark scores on the tidy results table: QA task score = (EM + F1)/2,
benchmark/category score = unweighted mean of task (or category) scores."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xfer_analysis.analysis.frame import (
    AVERAGE_LANGUAGE,
    KEY_COLUMNS,
    current_rows,
    key_codes,
    key_text,
    languages_or_average,
    require_columns,
)
from xfer_analysis.analysis.lookup import (
    QA_SCORE_METRIC,
    aggregate_definition,
    category,
    is_aggregate,
    score_metric,
)

EM, F1, AGGREGATE_METRIC = "exact_match", "f1", "score"


def with_task_scores(df: pd.DataFrame) -> pd.DataFrame:
    """The table plus one derived `em_f1_mean` row for each QA row pair (same run, target,
    language, split, seed) that has both EM and F1 and no task-score row yet."""
    require_columns(df, (*KEY_COLUMNS, "value"), "with_task_scores")
    names = df["target_task"].astype(str)
    qa = {t for t in names.unique() if not is_aggregate(t) and score_metric(t) == QA_SCORE_METRIC}
    part = df[names.isin(qa)]
    if part.empty:
        return df
    others = [c for c in KEY_COLUMNS if c != "metric"]
    key = key_codes(part, others)
    metric = part["metric"].astype(str).to_numpy()
    have = np.isin(key, key[metric == QA_SCORE_METRIC])
    em_pos = np.flatnonzero((metric == EM) & ~have)
    f1_pos = np.flatnonzero((metric == F1) & ~have)
    first = pd.DataFrame({"_key": key[em_pos], "_em": em_pos}).drop_duplicates("_key")
    pairs = first.merge(
        pd.DataFrame({"_key": key[f1_pos], "_f1": f1_pos}).drop_duplicates("_key"), on="_key")
    if pairs.empty:
        return df
    derived = part.iloc[pairs["_em"].to_numpy()].reset_index(drop=True)
    derived["metric"] = QA_SCORE_METRIC
    em_values = derived["value"].astype(float).to_numpy()
    f1_values = part["value"].astype(float).to_numpy()[pairs["_f1"].to_numpy()]
    derived["value"] = (em_values + f1_values) / 2
    if "note" in derived.columns:
        derived["note"] = "derived: (exact_match + f1) / 2 of this run's rows"
    return pd.concat([df, derived[df.columns]], ignore_index=True)


def aggregate_scores(df: pd.DataFrame, name: str = "xtreme") -> pd.DataFrame:
    """Benchmark or category score rows (`target_task` = name, language `avg`, metric `score`)
    for every system (model, intermediate, setting, split) of each source that has all member
    task scores; seeds are averaged per task first. Sources are never blended: each source's
    rows make their own score (missing tasks listed in `missing`, value NaN); superseded rows
    are left out."""
    members, how = aggregate_definition(name)
    scored = with_task_scores(current_rows(df))
    names = scored["target_task"].astype(str)
    scored = scored[names.isin(members)]
    scored = scored[scored["metric"].astype(str) == scored["target_task"].astype(str).map(
        {t: score_metric(t) for t in members})]
    system = ["source", "base_model", "intermediate", "intermediate_examples",
              "intermediate_data", "setting", "split"]
    rows = []
    for key, part in scored.groupby([key_text(scored[c]) for c in system], sort=True):
        task_scores = {}
        for task, tpart in part.groupby("target_task"):
            used, _ = languages_or_average(tpart)
            task_scores[task] = float(used.groupby("language")["value"].mean().mean())
        missing = tuple(t for t in members if t not in task_scores)
        if missing:
            value = float("nan")
        elif how == "mean_categories":
            cats: dict[str, list[float]] = {}
            for task, v in task_scores.items():
                cats.setdefault(category(task), []).append(v)
            value = float(pd.Series([sum(v) / len(v) for v in cats.values()]).mean())
        else:
            value = float(pd.Series(task_scores).mean())
        first = part.iloc[0]
        rows.append({
            "run_id": "derived:" + name + ":" + ":".join(key),
            **{c: first[c] for c in system},
            "target_task": name, "language": AVERAGE_LANGUAGE, "metric": AGGREGATE_METRIC,
            "value": value, "seed": pd.NA, "missing": missing,
        })
    return pd.DataFrame(rows, columns=["run_id", *system, "target_task", "language", "metric",
                                       "value", "seed", "missing"])
