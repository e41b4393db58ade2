"""The transfer matrix: intermediate × target gain table with interval and significance,
the data behind the heatmap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from xfer_analysis.analysis.frame import key_text, unique_tuple
from xfer_analysis.analysis.gains import paired_gains, score_rows, treatment_label
from xfer_analysis.analysis.scores import with_task_scores
from xfer_analysis.analysis.uncertainty import CORRECTIONS, bootstrap_ci, permutation_test
from xfer_analysis.errors import InputError

MATRIX_COLUMNS = (
    "intermediate", "target_task", "metric", "gain", "value", "baseline_value", "ci_low",
    "ci_high", "ci_note", "p_value", "p_adjusted", "significant", "n_seeds", "n_languages",
    "n_pairs", "rows", "sources",
)


def transfer_matrix(
    df: pd.DataFrame,
    *,
    base_model: str,
    split: str,
    metric: str | None = None,
    language: str | None = None,
    baseline: str = "none",
    setting: str = "zero-shot",
    correction: str = "holm",
    alpha: float = 0.05,
    n_boot: int = 2000,
    rng_seed: int = 0,
) -> pd.DataFrame:
    """Gain of every intermediate (label adds `n=` / `[translated]` when not the default) on
    every target: language-averaged (or one `language`), on each target's task-score metric
    unless `metric` is given, with bootstrap interval, permutation p-value and the
    `correction` (holm or bh) over all cells. `value`/`baseline_value` are absolute scores."""
    if correction not in CORRECTIONS:
        raise InputError(f"correction must be one of {sorted(CORRECTIONS)}", field="correction")
    sel = df[
        (df["base_model"].astype(str) == base_model)
        & (df["split"].astype(str) == split)
        & (df["setting"].astype(str) == setting)
    ]
    if language is not None:
        sel = sel[sel["language"].astype(str) == language]
    if metric is None:
        sel = score_rows(with_task_scores(sel))
    else:
        sel = sel[sel["metric"].astype(str) == metric]
    if sel.empty:
        return pd.DataFrame(columns=list(MATRIX_COLUMNS))
    gains = paired_gains(sel, baseline)
    if gains.empty:
        return pd.DataFrame(columns=list(MATRIX_COLUMNS))
    gains = gains.assign(label=treatment_label(gains))
    rows = []
    for (label, target, met), cell in gains.groupby(
        [gains["label"], key_text(gains["target_task"]), key_text(gains["metric"])], sort=True
    ):
        ci = bootstrap_ci(cell, n_boot=n_boot, rng_seed=rng_seed)
        test = permutation_test(cell, rng_seed=rng_seed)
        langs = cell[cell["language"].astype(str) != "avg"]
        used = cell if langs.empty else langs
        rows.append(
            {
                "intermediate": label,
                "target_task": target,
                "metric": met,
                "gain": ci.estimate,
                "value": float(used.groupby("language")["value"].mean().mean()),
                "baseline_value": float(used.groupby("language")["baseline_value"].mean().mean()),
                "ci_low": ci.low,
                "ci_high": ci.high,
                "ci_note": ci.note,
                "p_value": test.p_value,
                "n_seeds": ci.n_seeds,
                "n_languages": ci.n_languages,
                "n_pairs": int(len(used)),
                "rows": unique_tuple(list(used["row"]) + list(used["baseline_row"])),
                "sources": unique_tuple(list(used["source"]) + list(used["baseline_source"])),
            }
        )
    out = pd.DataFrame(rows)
    out["p_adjusted"] = CORRECTIONS[correction](out["p_value"].to_numpy(dtype=float))
    sig = pd.array(out["p_adjusted"] < alpha, dtype="boolean")
    sig[np.isnan(out["p_adjusted"].to_numpy(dtype=float))] = pd.NA
    out["significant"] = sig
    return out[list(MATRIX_COLUMNS)]
