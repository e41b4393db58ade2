"""Paired gains of a treatment (an intermediate task, or a setting) over a baseline, and their
averages per language, per target and per intermediate task."""

from __future__ import annotations

import os
from collections.abc import Sequence

import pandas as pd

from xfer_analysis.analysis.frame import (
    AVERAGE_LANGUAGE,
    KEY_COLUMNS,
    REQUIRED_COLUMNS,
    key_text,
    require_columns,
    row_ids,
    unique_tuple,
)
from xfer_analysis.analysis.lookup import score_metric
from xfer_analysis.errors import InputError

FACTORS: dict[str, tuple[str, ...]] = {
    "intermediate": ("intermediate", "intermediate_examples", "intermediate_data"),
    "setting": ("setting",),
}
PROVENANCE = ("run_id", "source")


def pair_keys(factor: str = "intermediate") -> list[str]:
    """Columns a treatment row and its baseline row must share (same model, target, language,
    split, metric, seed, and every other key column that is not the compared factor)."""
    if factor not in FACTORS:
        raise InputError(f"factor must be one of {sorted(FACTORS)}, not {factor!r}", field="factor")
    return [c for c in KEY_COLUMNS if c not in FACTORS[factor] and c not in PROVENANCE]


def paired_gains(
    df: pd.DataFrame,
    baseline: str = "none",
    *,
    factor: str = "intermediate",
    treatments: Sequence[str] | None = None,
    include_superseded: bool = False,
) -> pd.DataFrame:
    """One row per (treatment row, matching baseline row): the gain `value - baseline_value`.

    Rows pair on `pair_keys(factor)`; when several baseline rows match, those whose source id
    shares the longest prefix with the treatment's are kept (its own source first, then the
    same document: `rembert-t16-xlmr` for `rembert-t16-stilts`); any ambiguity left stays
    visible as extra rows
    (aggregates then refuse to average them silently). Rows marked `superseded` are dropped.
    """
    require_columns(df, REQUIRED_COLUMNS, "paired_gains")
    keys = pair_keys(factor)
    ident = list(FACTORS[factor])
    head = ident[0]
    work = df
    if not include_superseded and "confidence" in df.columns:
        work = df[df["confidence"].astype(str) != "superseded"]
    work = work.assign(row=row_ids(work))
    for col in keys:
        work[f"_k_{col}"] = key_text(work[col])
    is_base = work[head].astype(str) == baseline
    base = work[is_base]
    treat = work[~is_base]
    if treatments is not None:
        treat = treat[treat[head].astype(str).isin(list(treatments))]
    if base.empty:
        raise InputError(f"no baseline rows with {head} == {baseline!r}", field=head)
    kcols = [f"_k_{c}" for c in keys]
    base_part = base[[*kcols, "value", "run_id", "source", "row"]].rename(
        columns={
            "value": "baseline_value",
            "run_id": "baseline_run_id",
            "source": "baseline_source",
            "row": "baseline_row",
        }
    )
    treat = treat.assign(_t=range(len(treat)))
    merged = treat.merge(base_part, on=kcols, how="inner")
    affinity = pd.Series(
        [len(os.path.commonprefix([a, b])) for a, b in
         zip(merged["source"].astype(str), merged["baseline_source"].astype(str), strict=True)],
        index=merged.index,
    )
    merged = merged[affinity == affinity.groupby(merged["_t"]).transform("max")]
    extra = [c for c in ("model_params",) if c in merged.columns]
    out = merged[ident + keys].copy()
    out.insert(len(ident), "baseline", baseline)
    out["value"] = merged["value"].astype(float)
    out["baseline_value"] = merged["baseline_value"].astype(float)
    out["gain"] = out["value"] - out["baseline_value"]
    for col in (
        "run_id", "baseline_run_id", "source", "baseline_source", "row", "baseline_row", *extra
    ):
        out[col] = merged[col]
    return out.reset_index(drop=True)


def _group_columns(gains: pd.DataFrame, drop: Sequence[str], by: Sequence[str]) -> list[str]:
    """Key columns present in a gains frame, minus those averaged over, plus `by`."""
    cols = [c for c in (*FACTORS["intermediate"], "baseline", *KEY_COLUMNS) if c in gains.columns]
    cols = list(dict.fromkeys(cols))
    kept = [c for c in cols if c not in (*PROVENANCE, *drop)]
    return kept + [c for c in by if c not in kept]


def _check_unique(gains: pd.DataFrame, cols: list[str], origin: str) -> None:
    """Refuse to average rows that give the same key twice (e.g. two sources that disagree)."""
    keyed = pd.DataFrame({c: key_text(gains[c]) for c in cols})
    dup = keyed.duplicated(keep=False)
    if dup.any():
        first = gains[dup].iloc[0]
        srcs = unique_tuple(gains.loc[dup, "source"]) + unique_tuple(
            gains.loc[dup, "baseline_source"]
        )
        raise InputError(
            f"{origin}: {int(dup.sum())} gain rows share a key (e.g. {first['target_task']}/"
            f"{first['language']}/{first['metric']}) from sources {sorted(set(srcs))}; filter the "
            "table to one source or pass by=('source',) instead of averaging them silently",
            field="source",
        )


def _provenance(frame: pd.DataFrame) -> dict[str, object]:
    """Rows and sources behind one aggregate cell."""
    return {
        "rows": unique_tuple(list(frame["row"]) + list(frame["baseline_row"])),
        "sources": unique_tuple(list(frame["source"]) + list(frame["baseline_source"])),
    }


def gains_by_language(gains: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Gain per (treatment, model, target, language, split, metric), averaged over seeds."""
    require_columns(gains, ("gain", "row", "baseline_row", "baseline_source"), "gains_by_language")
    cols = _group_columns(gains, ("seed",), by)
    _check_unique(gains, [*cols, "seed"], "gains_by_language")
    rows = []
    for key, part in gains.groupby(cols, dropna=False, sort=True):
        rows.append(
            {
                **dict(zip(cols, key, strict=True)),
                "gain": float(part["gain"].mean()),
                "value": float(part["value"].mean()),
                "baseline_value": float(part["baseline_value"].mean()),
                "n_seeds": int(len(part)),
                **_provenance(part),
            }
        )
    return pd.DataFrame(rows, columns=[*cols, "gain", "value", "baseline_value", "n_seeds",
                                       "rows", "sources"])


def gains_by_target(gains: pd.DataFrame, by: Sequence[str] = ()) -> pd.DataFrame:
    """Language-averaged gain per (treatment, model, target, split, metric); metrics are never
    averaged together. Per-language rows are used where they exist, else the source's `avg`."""
    per_lang = gains_by_language(gains, by)
    cols = _group_columns(per_lang, ("seed", "language"), by)
    rows = []
    for key, part in per_lang.groupby(cols, dropna=False, sort=True):
        langs = part[part["language"].astype(str) != AVERAGE_LANGUAGE]
        only_average = langs.empty
        used = part if only_average else langs
        rows.append(
            {
                **dict(zip(cols, key, strict=True)),
                "gain": float(used["gain"].mean()),
                "value": float(used["value"].mean()),
                "baseline_value": float(used["baseline_value"].mean()),
                "n_languages": 0 if only_average else int(len(used)),
                "n_seeds": int(used["n_seeds"].max()),
                "only_average": only_average,
                "rows": unique_tuple(used["rows"]),
                "sources": unique_tuple(used["sources"]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=[*cols, "gain", "value", "baseline_value", "n_languages", "n_seeds",
                 "only_average", "rows", "sources"],
    )


def score_rows(frame: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """Rows whose metric is each target's task-score metric (or the given metric)."""
    if metric is not None:
        return frame[frame["metric"].astype(str) == metric]
    wanted = {t: score_metric(t) for t in frame["target_task"].astype(str).unique()}
    return frame[frame["metric"].astype(str) == frame["target_task"].astype(str).map(wanted)]


def gains_by_intermediate(
    gains: pd.DataFrame, by: Sequence[str] = (), metric: str | None = None
) -> pd.DataFrame:
    """The paper's "average improvement": per treatment, the mean over targets of each target's
    language-averaged gain on its task-score metric (or on `metric` where given)."""
    per_target = score_rows(gains_by_target(gains, by), metric)
    cols = _group_columns(per_target, ("seed", "language", "target_task", "metric"), by)
    rows = []
    for key, part in per_target.groupby(cols, dropna=False, sort=True):
        rows.append(
            {
                **dict(zip(cols, key, strict=True)),
                "gain": float(part["gain"].mean()),
                "n_targets": int(len(part)),
                "targets": tuple(sorted(part["target_task"].astype(str))),
                "rows": unique_tuple(part["rows"]),
                "sources": unique_tuple(part["sources"]),
            }
        )
    return pd.DataFrame(rows, columns=[*cols, "gain", "n_targets", "targets", "rows", "sources"])


def treatment_label(gains: pd.DataFrame) -> pd.Series:
    """Display label of each treatment: the intermediate, plus `(n=…)` for a capped example
    count and `[translated]` for machine-translated data."""
    label = gains["intermediate"].astype(str)
    if "intermediate_examples" in gains.columns:
        n = gains["intermediate_examples"]
        label = label.where(n.isna(), label + " (n=" + key_text(n) + ")")
    if "intermediate_data" in gains.columns:
        data = gains["intermediate_data"].astype(str)
        label = label.where(data.isin(["english", "nan", "<NA>"]), label + " [" + data + "]")
    return label
