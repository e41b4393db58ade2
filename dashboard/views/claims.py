"""Claims: every claim checked against the loaded data (verdict, measured value, interval, rows)."""

import pandas as pd
import streamlit as st
import ui

from xfer_analysis import claims

STATUS_MARK = {"supported": "✅", "contradicted": "❌", "insufficient data": "⚪",
               "sources disagree": "⚠️"}

st.title("Claims")
loaded = ui.data()
st.caption("Each verdict is computed by `xfer_analysis.claims.check_all` on the loaded table; "
           "nothing here is typed by hand.")
verdicts = ui.compute(claims.check_all, loaded)

statuses = sorted({v.status for v in verdicts})
shown = ui.multi("Verdicts to show", statuses, "status", default=statuses)
summary = pd.DataFrame(
    [
        {
            "claim": v.claim.id,
            "verdict": f"{STATUS_MARK.get(v.status, '')} {v.status}",
            "measured": v.value,
            "expected": v.claim.expectation.describe(),
            "claim text": v.claim.text,
            "source": v.claim.source,
        }
        for v in verdicts
        if v.status in shown
    ],
    columns=["claim", "verdict", "measured", "expected", "claim text", "source"],
)
st.dataframe(summary, hide_index=True)

for verdict in verdicts:
    if verdict.status not in shown:
        continue
    claim = verdict.claim
    with st.expander(f"{STATUS_MARK.get(verdict.status, '')} {claim.id}: {claim.text}"):
        st.markdown(f"**Verdict:** {verdict.status} — {verdict.reason}")
        st.markdown(f"**Quantity:** {claim.quantity.description}; expected "
                    f"{claim.expectation.describe()}")
        st.markdown(f"**Source:** {claim.source} ({claim.citation})")
        if verdict.decided_by:
            st.markdown(f"**Decided by:** {verdict.decided_by}")
        if verdict.missing:
            st.markdown("**Missing data:** " + "; ".join(verdict.missing))
        if claim.needs.config:
            st.markdown(f"**Run that would decide it:** `xfer run {claim.needs.config}`")
        for caveat in verdict.caveats:
            st.caption(caveat)
        evidence = pd.DataFrame(
            [
                {
                    "sources": ", ".join(sv.sources),
                    "status": sv.status,
                    "measured": sv.measurement.value,
                    "interval low": (sv.measurement.interval or (None, None))[0],
                    "interval high": (sv.measurement.interval or (None, None))[1],
                    "interval note": sv.measurement.interval_note,
                    "rows used": len(sv.measurement.rows_used),
                    "reason": sv.reason,
                }
                for sv in verdict.per_source
            ]
        )
        if not evidence.empty:
            st.dataframe(evidence, hide_index=True)
        rows_used = sorted({row for sv in verdict.per_source for row in sv.measurement.rows_used})
        if rows_used:
            st.caption("Rows used: " + ", ".join(rows_used))
