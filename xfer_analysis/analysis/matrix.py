"""The transfer matrix: intermediate × target gain table with interval and significance,
the data behind the heatmap (vectorised over cells: a million-row table stays interactive)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from xfer_analysis.analysis.cells import cell_statistics
from xfer_analysis.analysis.frame import AVERAGE_LANGUAGE, key_text
from xfer_analysis.analysis.gains import (
    check_one_source,
    paired_gains,
    score_rows,
    task_rows,
    treatment_label,
)
from xfer_analysis.analysis.scores import with_task_scores
from xfer_analysis.analysis.uncertainty import CORRECTIONS
from xfer_analysis.errors import InputError

MATRIX_COLUMNS = (
    "intermediate", "target_task", "metric", "gain", "value", "baseline_value", "ci_low",
    "ci_high", "ci_note", "p_value", "p_adjusted", "significant", "n_seeds", "n_languages",
    "n_pairs", "rows", "sources",
)


def _select(df: pd.DataFrame, base_model: str, split: str, setting: str,
            language: str | None, metric: str | None) -> pd.DataFrame:
    """Task rows of one model, split and setting (and language), on the wanted metric."""
    mask = ((df["base_model"].astype(str) == base_model).to_numpy()
            & (df["split"].astype(str) == split).to_numpy()
            & (df["setting"].astype(str) == setting).to_numpy())
    if language is not None:
        mask &= (df["language"].astype(str) == language).to_numpy()
    sel = task_rows(df[mask])
    if metric is None:
        return score_rows(with_task_scores(sel))
    return sel[sel["metric"].astype(str) == metric]


def _tuples(cells: np.ndarray, values: pd.Series, n_cells: int) -> list[tuple[str, ...]]:
    """Per cell, the sorted distinct non-missing values as text (provenance cells)."""
    codes, uniques = pd.factorize(values.astype(str), sort=True)
    keep = codes >= 0
    pairs = np.unique(cells[keep].astype(np.int64) * max(len(uniques), 1) + codes[keep])
    owner, value = np.divmod(pairs, max(len(uniques), 1))
    bounds = np.searchsorted(owner, np.arange(n_cells + 1))
    text = np.asarray(uniques, dtype=object)
    return [tuple(text[value[bounds[i]:bounds[i + 1]]]) for i in range(n_cells)]


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
    source: str | None = None,
    by: Sequence[str] = (),
) -> pd.DataFrame:
    """Gain of every intermediate (label adds `n=` / `[translated]` when not the default) on
    every target task (aggregate targets left out): language-averaged (or one `language`), on
    each target's task-score metric unless `metric` is given, with a t interval over training
    runs (languages averaged within a run), the run-level t-test p-value and the `correction`
    (holm or bh) over all cells. `value` / `baseline_value` are absolute scores.
    A cell never mixes source pairings: keep one treatment `source`, or split cells with
    `by=("source",)` (columns after `metric`); else InputError."""
    if correction not in CORRECTIONS:
        raise InputError(f"correction must be one of {sorted(CORRECTIONS)}", field="correction")
    columns = ["intermediate", "target_task", "metric", *by, *MATRIX_COLUMNS[3:]]
    sel = _select(df, base_model, split, setting, language, metric)
    if sel.empty:
        return pd.DataFrame(columns=columns)
    gains = paired_gains(sel, baseline)
    if source is not None:
        gains = gains[gains["source"].astype(str) == source]
    if gains.empty:
        return pd.DataFrame(columns=columns)
    for col in by:
        if col not in gains.columns:
            raise InputError(f"transfer_matrix cannot split cells by {col!r}", field="by")
    keys = pd.DataFrame({"intermediate": treatment_label(gains).to_numpy(),
                         "target_task": key_text(gains["target_task"]).to_numpy(),
                         "metric": key_text(gains["metric"]).to_numpy(),
                         **{c: key_text(gains[c]).to_numpy() for c in by}})
    check_one_source(gains.assign(_label=keys["intermediate"].to_numpy()),
                     ["_label", "target_task", "metric", *by], "transfer_matrix")
    grouped = keys.groupby(list(keys.columns), sort=True)
    cells = grouped.ngroup().to_numpy()
    out = grouped.size().reset_index().drop(columns=0)
    n_cells = len(out)
    is_lang = (gains["language"].astype(str) != AVERAGE_LANGUAGE).to_numpy()
    has_lang = np.zeros(n_cells, dtype=bool)
    has_lang[cells[is_lang]] = True
    used = is_lang | ~has_lang[cells]
    u = gains[used]
    ucells = cells[used]
    stats = cell_statistics(ucells, key_text(u["seed"]), u["language"].astype(str),
                            u["gain"].to_numpy(dtype=float), ~has_lang)
    lang_means = u[["value", "baseline_value"]].groupby(
        [ucells, u["language"].astype(str).to_numpy()]).mean()
    absolute = lang_means.groupby(level=0).mean()
    out = pd.concat([out, stats], axis=1)
    out["ci_note"] = pd.Series(out["ci_note"].tolist())  # dtype inferred as for any frame
    out["value"] = absolute["value"].to_numpy()
    out["baseline_value"] = absolute["baseline_value"].to_numpy()
    out["n_pairs"] = np.bincount(ucells, minlength=n_cells)
    both = np.concatenate([ucells, ucells])
    out["rows"] = _tuples(both, pd.concat([u["row"], u["baseline_row"]]), n_cells)
    out["sources"] = _tuples(both, pd.concat([u["source"], u["baseline_source"]]), n_cells)
    out["p_adjusted"] = CORRECTIONS[correction](out["p_value"].to_numpy(dtype=float))
    sig = pd.array(out["p_adjusted"] < alpha, dtype="boolean")
    sig[np.isnan(out["p_adjusted"].to_numpy(dtype=float))] = pd.NA
    out["significant"] = sig
    return out[columns]
