"""Verdicts as a table for people and as JSON-ready records for programs."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from xfer_analysis.claims.model import INSUFFICIENT, UNDECIDED, Verdict

TABLE_COLUMNS = ("claim", "status", "measured", "expected", "source", "detail")


def _measured(v: Verdict) -> str:
    """Measured value(s) per evidence set, rounded to 2 decimals, with interval if any."""
    parts = []
    for sv in v.per_source:
        m = sv.measurement
        if m.value is None:
            continue
        text = f"{m.value:.2f}"
        if m.interval is not None:
            text += f" [{m.interval[0]:.2f}, {m.interval[1]:.2f}]"
        elif m.precision > 0:
            text += f" ± {m.precision:.2g} (printed precision)"
        if len(v.per_source) > 1:
            text += f" ({', '.join(sv.sources)})"
        parts.append(text)
    return "; ".join(parts) or "-"


def verdict_table(verdicts: Sequence[Verdict]) -> pd.DataFrame:
    """One row per claim: id, status, measured value(s), expectation, provenance, detail."""
    rows = []
    for v in verdicts:
        detail = v.reason
        if v.caveats:
            detail += "; " + "; ".join(v.caveats)
        across = [sv.measurement.across_languages for sv in v.per_source
                  if sv.measurement.across_languages]
        if across:
            detail += "; across languages: " + " | ".join(across)
        if v.status == INSUFFICIENT and v.missing:
            shown = ", ".join(v.missing[:3]) + (" ..." if len(v.missing) > 3 else "")
            detail += f"; missing {len(v.missing)}: {shown}; decided by {v.decided_by}"
        elif v.status == UNDECIDED:
            detail += f"; more runs from {v.decided_by} would decide"
        rows.append({"claim": v.claim.id, "status": v.status, "measured": _measured(v),
                     "expected": v.claim.expectation.describe(), "source": v.claim.source,
                     "detail": detail})
    return pd.DataFrame(rows, columns=list(TABLE_COLUMNS))


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def verdicts_json(verdicts: Sequence[Verdict]) -> list[dict[str, object]]:
    """JSON-serialisable records: claim data, status, per-source measurements, missing rows."""
    out = []
    for v in verdicts:
        c = v.claim
        out.append({
            "id": c.id, "group": c.group, "text": c.text, "source": c.source,
            "citation": c.citation, "quantity": c.quantity.description,
            "expected": {"kind": c.expectation.kind, "value": c.expectation.value,
                         "tolerance": c.expectation.tolerance},
            "needs": {"base_model": c.needs.base_model, "split": c.needs.split,
                      "setting": c.needs.setting, "config": c.needs.config},
            "status": v.status, "reason": v.reason,
            "per_source": [{
                "status": sv.status, "sources": list(sv.sources),
                "value": _round(sv.measurement.value),
                "interval": None if sv.measurement.interval is None
                else [_round(x) for x in sv.measurement.interval],
                "interval_note": sv.measurement.interval_note,
                "precision": _round(sv.measurement.precision),
                "across_languages": sv.measurement.across_languages,
                "rows_used": list(sv.measurement.rows_used),
                "detail": {k: _round(x) for k, x in sv.measurement.detail.items()},
                "reason": sv.reason,
            } for sv in v.per_source],
            "missing": list(v.missing), "decided_by": v.decided_by, "caveats": list(v.caveats),
        })
    return out
