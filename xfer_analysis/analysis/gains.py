"""Paired gains of a treatment (an intermediate task, or a setting) over a baseline, and their
averages per language, per target and per intermediate task."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np
import pandas as pd

from xfer_analysis.analysis.frame import (
    KEY_COLUMNS,
    REQUIRED_COLUMNS,
    current_rows,
    key_codes,
    key_text,
    languages_or_average,
    require_columns,
    row_ids,
    unique_tuple,
)
from xfer_analysis.analysis.lookup import is_aggregate, score_metric
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
    work = df if include_superseded else current_rows(df)
    codes = key_codes(work, keys)
    names = work[head].astype(str)
    is_base = (names == baseline).to_numpy()
    if not is_base.any():
        raise InputError(f"no baseline rows with {head} == {baseline!r}", field=head)
    is_treat = ~is_base
    if treatments is not None:
        is_treat &= names.isin(list(treatments)).to_numpy()
    treat_pos, base_pos = np.flatnonzero(is_treat), np.flatnonzero(is_base)
    merged = pd.DataFrame({"_key": codes[treat_pos], "_t": treat_pos}).merge(
        pd.DataFrame({"_key": codes[base_pos], "_b": base_pos}), on="_key", how="inner"
    )
    t_idx, b_idx = merged["_t"].to_numpy(), merged["_b"].to_numpy()
    source = work["source"].astype(str).to_numpy(dtype=object)
    keep = _closest_baselines(t_idx, source[t_idx], source[b_idx])
    t_idx, b_idx = t_idx[keep], b_idx[keep]
    treat, base = work.iloc[t_idx], work.iloc[b_idx]
    extra = [c for c in ("model_params",) if c in work.columns]
    out = treat[ident + keys].reset_index(drop=True)
    out.insert(len(ident), "baseline", baseline)
    out["value"] = treat["value"].astype(float).to_numpy()
    out["baseline_value"] = base["value"].astype(float).to_numpy()
    out["gain"] = out["value"] - out["baseline_value"]
    for col, frame, name in (("run_id", treat, "run_id"), ("baseline_run_id", base, "run_id"),
                             ("source", treat, "source"), ("baseline_source", base, "source")):
        out[col] = frame[name].array
    out["row"] = row_ids(treat).array
    out["baseline_row"] = row_ids(base).array
    for col in extra:
        out[col] = treat[col].array
    return out


def _closest_baselines(treat: np.ndarray, source: np.ndarray, base_source: np.ndarray
                       ) -> np.ndarray:
    """Mask of the candidate pairs whose baseline source shares the longest prefix with the
    treatment's source, per treatment row (prefix lengths computed once per source pair)."""
    if len(treat) == 0:
        return np.zeros(0, dtype=bool)
    pair, uniques = pd.factorize(pd.Series(source) + "\x00" + pd.Series(base_source))
    lengths = np.array([len(os.path.commonprefix(u.split("\x00"))) for u in uniques])
    affinity = pd.Series(lengths[pair])
    best = affinity.groupby(treat).transform("max")
    return (affinity == best).to_numpy()


def _group_columns(gains: pd.DataFrame, drop: Sequence[str], by: Sequence[str]) -> list[str]:
    """Key columns present in a gains frame, minus those averaged over, plus `by`."""
    cols = [c for c in (*FACTORS["intermediate"], "baseline", *KEY_COLUMNS) if c in gains.columns]
    cols = list(dict.fromkeys(cols))
    kept = [c for c in cols if c not in (*PROVENANCE, *drop)]
    return kept + [c for c in by if c not in kept]


MIXED_SOURCES_HINT = ("filter the table to one source (`source_options` lists them) or pass "
                      "by=('source',) instead of averaging them silently")


def _refuse(gains: pd.DataFrame, mask: np.ndarray, what: str, origin: str) -> None:
    """Raise the mixed-sources InputError about the gain rows in `mask`."""
    first = gains[mask].iloc[0]
    srcs = unique_tuple(gains.loc[mask, "source"]) + unique_tuple(
        gains.loc[mask, "baseline_source"])
    raise InputError(
        f"{origin}: {what} (e.g. {first['target_task']}/{first['language']}/{first['metric']}) "
        f"from sources {sorted(set(srcs))}; {MIXED_SOURCES_HINT}",
        field="source",
    )


def _check_unique(gains: pd.DataFrame, cols: list[str], origin: str) -> None:
    """Refuse to average rows that give the same key twice (e.g. two sources that disagree)."""
    dup = pd.Series(key_codes(gains, cols)).duplicated(keep=False).to_numpy()
    if dup.any():
        _refuse(gains, dup, f"{int(dup.sum())} gain rows share a key", origin)


def check_one_source(gains: pd.DataFrame, cols: Sequence[str], origin: str) -> None:
    """Refuse any cell (rows equal on `cols`) that would combine gains from more than one
    (source, baseline source) pairing: sources are compared, never averaged silently."""
    cell = key_codes(gains, cols)
    pairing = pd.Series(key_codes(gains, ("source", "baseline_source")))
    counts = pairing.groupby(cell).nunique()
    mixed = counts.index[counts.to_numpy() > 1]
    if len(mixed):
        _refuse(gains, np.isin(cell, mixed),
                f"{len(mixed)} cell(s) would combine gains from several source pairings", origin)


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
    check_one_source(gains, cols, "gains_by_language")
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
    check_one_source(gains, cols, "gains_by_target")
    rows = []
    for key, part in per_lang.groupby(cols, dropna=False, sort=True):
        used, only_average = languages_or_average(part)
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


def task_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows of single target tasks: aggregate targets (`xtreme`, `xtreme:qa`, …) left out."""
    names = frame["target_task"].astype(str)
    aggregates = [name for name in names.unique() if is_aggregate(name)]
    return frame[~names.isin(aggregates)] if aggregates else frame


def score_rows(frame: pd.DataFrame, metric: str | None = None) -> pd.DataFrame:
    """Task rows (aggregates left out) whose metric is each target's task-score metric (or
    the given metric)."""
    frame = task_rows(frame)
    if metric is not None:
        return frame[frame["metric"].astype(str) == metric]
    names = frame["target_task"].astype(str)
    wanted = {t: score_metric(t) for t in names.unique()}
    return frame[frame["metric"].astype(str) == names.map(wanted)]


def gains_by_intermediate(
    gains: pd.DataFrame, by: Sequence[str] = (), metric: str | None = None
) -> pd.DataFrame:
    """The paper's "average improvement": per treatment, the mean over targets of each target's
    language-averaged gain on its task-score metric (or on `metric` where given)."""
    per_target = score_rows(gains_by_target(gains, by), metric)
    cols = _group_columns(per_target, ("seed", "language", "target_task", "metric"), by)
    check_one_source(score_rows(gains, metric), cols, "gains_by_intermediate")
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


def source_options(df: pd.DataFrame, baseline: str = "none", *,
                   factor: str = "intermediate") -> list[str]:
    """The treatment sources a table mixes (rows whose `factor` is not `baseline`), sorted: the
    choices for a source selector whose pick goes to `transfer_matrix(..., source=...)`."""
    require_columns(df, ("source", FACTORS[factor][0]), "source_options")
    treated = df[df[FACTORS[factor][0]].astype(str) != baseline]
    return list(unique_tuple(treated["source"].unique()))


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
