"""The claims page's tables: one row per verdict, and the evidence behind one verdict."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from xfer_analysis.claims import Verdict, check_all, explain, verdict_table


def decision_rules() -> str:
    """The stated decision rules as Markdown (`claims.explain`, also `xfer claims --explain`
    and docs/CLAIMS.md)."""
    return explain()


def all_verdicts(frame: pd.DataFrame) -> list[Verdict]:
    """Every claim of the catalogue checked against the loaded rows (`claims.check_all`)."""
    return check_all(frame)


def claims_summary(verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """`claims.verdict_table` (measured value of every evidence set, with its sources) plus
    each claim's text; statuses are words, never glyphs."""
    table = verdict_table(verdicts)
    return table.assign(**{"claim text": [v.claim.text for v in verdicts]})


def evidence_table(verdict: Verdict) -> pd.DataFrame:
    """One row per evidence set (source or source pair) of a verdict: its status, measured
    value with interval, rows used and reason."""
    rows = []
    for sv in verdict.per_source:
        low, high = sv.measurement.interval or (None, None)
        rows.append({"sources": ", ".join(sv.sources), "status": sv.status,
                     "measured": sv.measurement.value, "interval low": low,
                     "interval high": high, "interval note": sv.measurement.interval_note,
                     "rows used": len(sv.measurement.rows_used), "reason": sv.reason})
    return pd.DataFrame(rows, columns=["sources", "status", "measured", "interval low",
                                       "interval high", "interval note", "rows used",
                                       "reason"])


def rows_used(verdict: Verdict) -> list[str]:
    """Every results row (row id) any evidence set of a verdict used, sorted."""
    return sorted({row for sv in verdict.per_source for row in sv.measurement.rows_used})
