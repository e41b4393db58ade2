"""Check claims against a results table: select the rows a claim needs, keep conflicting
sources apart, measure, decide, and say which rows and which run would settle the rest."""

from __future__ import annotations

import math
import os
from dataclasses import replace

import pandas as pd

from xfer_analysis.analysis.budgets import full_size
from xfer_analysis.analysis.frame import KEY_COLUMNS, current_rows, key_text
from xfer_analysis.analysis.gains import score_rows
from xfer_analysis.analysis.lookup import role_splits
from xfer_analysis.analysis.scores import with_task_scores
from xfer_analysis.claims.catalogue import CLAIMS
from xfer_analysis.claims.decide import decide
from xfer_analysis.claims.model import (
    CONTRADICTED,
    DECISIVE,
    DISAGREE,
    INDICATIVE_CONTRADICTED,
    INDICATIVE_SUPPORTED,
    INSUFFICIENT,
    SUPPORTED,
    UNDECIDED,
    Claim,
    Measurement,
    SourceVerdict,
    Verdict,
)
from xfer_analysis.claims.quantities import (
    measure,
    printed_precision,
    treatments,
    variant_label,
)
from xfer_analysis.errors import UnknownNameError

_VALUE_KEYS = [c for c in KEY_COLUMNS if c not in ("run_id", "source")]
ENGLISH = "english"


def claim(claim_id: str) -> Claim:
    """The claim with this id; UnknownNameError lists the known ids."""
    for c in CLAIMS:
        if c.id == claim_id:
            return c
    raise UnknownNameError("claim", claim_id, [c.id for c in CLAIMS])


def _targets(c: Claim) -> list[str]:
    """Target tasks the claim's quantity reads."""
    return [*c.quantity.targets, *c.quantity.other_targets]


def _rows(results: pd.DataFrame, c: Claim) -> pd.DataFrame:
    """Rows of the claim's model, setting and targets, on the split that serves as the claim's
    role (dev/test) for each target (`analysis.lookup.role_split`), at full intermediate size
    (`analysis.budgets.full_size`), not superseded."""
    df = current_rows(results)
    targets = _targets(c)
    pairs = {(t, s) for t in targets for s in role_splits(t, c.needs.split)}
    wanted = pd.Series(list(zip(df["target_task"].astype(str), df["split"].astype(str),
                                strict=True)), index=df.index).isin(pairs)
    df = df[(df["base_model"].astype(str) == c.needs.base_model).to_numpy()
            & wanted.to_numpy()
            & (df["setting"].astype(str) == c.needs.setting).to_numpy()]
    return df[full_size(df)] if len(df) else df


def _select(rows: pd.DataFrame, c: Claim) -> pd.DataFrame:
    """The task-score rows (QA: mean of EM and F1) of `_rows`; translated-data rows relabelled
    as their own treatment for variant claims."""
    if rows.empty:
        return rows
    df = score_rows(with_task_scores(rows))
    data = df["intermediate_data"].astype(str)
    translated = data == "translated"
    if c.quantity.variant == "translated":
        relabel = df.loc[translated, "intermediate"].astype(str).map(
            lambda n: variant_label(n, "translated"))
        df = df.assign(intermediate=df["intermediate"].astype(str).where(~translated, relabel))
        return df[translated | data.isin([ENGLISH, "nan", "<NA>"])]
    return df[~translated]


def _affinity(sources: pd.Series, source: str | None) -> pd.Series:
    """Length of the common prefix of each source id with `source` (own source ranks first:
    `rembert-t16-xlmr` is the closest baseline for `rembert-t16-stilts`)."""
    if source is None:
        return pd.Series(0, index=sources.index)
    return sources.astype(str).map(lambda s: len(os.path.commonprefix([s, source])))


def _dedupe(frame: pd.DataFrame, source: str | None = None) -> pd.DataFrame:
    """Drop rows that repeat another row's key and value, keeping the copy whose source is
    closest to `source`."""
    order = -_affinity(frame["source"], source)
    frame = frame.assign(_o=order).sort_values("_o", kind="stable").drop(columns="_o")
    keyed = pd.DataFrame({k: key_text(frame[k]) for k in _VALUE_KEYS}).assign(v=frame["value"])
    return frame[~keyed.duplicated()]


def _evidence_sets(sel: pd.DataFrame, c: Claim) -> list[pd.DataFrame]:
    """One frame per treatment source (sources are never blended, seed or no seed), each with
    its own baseline rows where it has them, else the closest source's; duplicates that agree
    keep one row."""
    if sel.empty:
        return [sel]
    is_treat = sel["intermediate"].astype(str).isin(treatments(c.quantity))
    sources = sorted(sel.loc[is_treat, "source"].astype(str).unique())
    if len(sources) <= 1:
        return [_dedupe(sel)]
    base = sel[~is_treat]
    base_keys = pd.Series(list(zip(*(key_text(base[k]) for k in _VALUE_KEYS), strict=True)),
                          index=base.index)
    out = []
    for source in sources:
        affinity = _affinity(base["source"], source)
        keep = affinity == affinity.groupby(base_keys).transform("max")
        own = sel[is_treat & (sel["source"].astype(str) == source)]
        out.append(_dedupe(pd.concat([own, base[keep]]), source))
    return out


def _one(c: Claim, sel: pd.DataFrame, precision: float) -> SourceVerdict:
    """Verdict on one evidence set (`precision`: how exactly its typed numbers were printed)."""
    m = measure(sel, c)
    if m.missing or m.value is None or (isinstance(m.value, float) and math.isnan(m.value)):
        m = Measurement(None, None, m.interval_note, m.rows_used, m.sources, m.missing,
                        m.detail)
        reason = f"{len(m.missing)} needed row group(s) missing"
        return SourceVerdict(INSUFFICIENT, m.sources, m, reason)
    m = replace(m, precision=precision if m.interval is None else 0.0)
    status, reason = decide(c.expectation, m.value, m.interval, m.precision)
    return SourceVerdict(status, m.sources, m, f"{reason} ({m.interval_note})")


_DIRECTION = {SUPPORTED: SUPPORTED, INDICATIVE_SUPPORTED: SUPPORTED,
              CONTRADICTED: CONTRADICTED, INDICATIVE_CONTRADICTED: CONTRADICTED}


def _overall(per_source: list[SourceVerdict]) -> tuple[str, str]:
    """Combined status: the decisive sets' common direction (indicative unless every one of
    them rests on an interval), `sources disagree` when directions differ, else undecided or
    insufficient data."""
    decisive = [sv for sv in per_source if sv.status in DECISIVE]
    if not decisive:
        status = UNDECIDED if any(sv.status == UNDECIDED for sv in per_source) else INSUFFICIENT
        return status, "; ".join(dict.fromkeys(sv.reason for sv in per_source))
    if len({_DIRECTION[sv.status] for sv in decisive}) > 1:
        parts = [f"{sv.status} by {', '.join(sv.sources)}: {sv.reason}" for sv in decisive]
        return DISAGREE, " | ".join(parts)
    statuses = {sv.status for sv in decisive}
    status = statuses.pop() if len(statuses) == 1 else (
        INDICATIVE_SUPPORTED if _DIRECTION[decisive[0].status] == SUPPORTED
        else INDICATIVE_CONTRADICTED)
    if len(per_source) == 1:
        return status, decisive[0].reason
    return status, f"{len(decisive)} of {len(per_source)} source(s) decide; " + \
        " | ".join(sv.reason for sv in decisive)


def _caveats(c: Claim, per_source: list[SourceVerdict]) -> tuple[str, ...]:
    """Notes a reader must see: partial values that are not the claimed quantity."""
    out = []
    for sv in per_source:
        partial = sv.measurement.detail.get("partial_value")
        if partial is not None:
            out.append(f"partial value {partial:.2f} from {', '.join(sv.sources) or 'no source'}"
                       f" lacks {len(sv.measurement.missing)} row group(s): it is not "
                       f"{c.quantity.description}")
    return tuple(out)


def check(c: Claim, results: pd.DataFrame) -> Verdict:
    """Check one claim against a results table (the `results.load()` frame)."""
    rows = _rows(results, c)
    sel = _select(rows, c)
    precision = printed_precision(rows) if len(rows) else 0.0
    per_source = [_one(c, part, precision) for part in _evidence_sets(sel, c)]
    status, reason = _overall(per_source)
    missing = tuple(dict.fromkeys(r for sv in per_source for r in sv.measurement.missing))
    decided_by = ""
    if status in (INSUFFICIENT, UNDECIDED):
        decided_by = f"{c.needs.config} ({c.needs.note}; {c.needs.split} split)"
    return Verdict(c, status, reason, tuple(per_source), missing, decided_by,
                   _caveats(c, per_source))


def check_all(results: pd.DataFrame) -> list[Verdict]:
    """Check every claim in `CLAIMS`."""
    return [check(c, results) for c in CLAIMS]

