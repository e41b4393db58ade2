"""Claims: every claim checked against the loaded data (verdict, measured value, interval, rows)."""

import streamlit as st
import ui

from xfer_analysis import views

st.title("Claims")
loaded = ui.data()
st.caption("Each verdict is computed by `xfer_analysis.claims.check_all` on the loaded table; "
           "nothing here is typed by hand. Where several sources decide a claim, each one's "
           "measured value is listed with its sources.")
with st.expander("How a verdict is decided"):
    st.markdown(views.decision_rules())
verdicts = ui.compute(views.all_verdicts, loaded)

statuses = sorted({v.status for v in verdicts})
shown = ui.multi("Verdicts to show", statuses, "status", default=statuses)
chosen = [v for v in verdicts if v.status in shown]
st.dataframe(views.claims_summary(chosen), hide_index=True)

for verdict in chosen:
    claim = verdict.claim
    with st.expander(f"[{verdict.status}] {claim.id}: {claim.text}"):
        st.markdown(f"**Verdict:** {ui.md(verdict.status)} — {ui.md(verdict.reason)}")
        st.markdown(f"**Quantity:** {claim.quantity.description}; expected "
                    f"{claim.expectation.describe()}")
        st.markdown(f"**Source:** {claim.source} ({claim.citation})")
        if verdict.decided_by:
            st.markdown(f"**Decided by:** {ui.md(verdict.decided_by)}")
        if verdict.missing:
            st.markdown("**Missing data:** " + "; ".join(map(ui.md, verdict.missing)))
        if claim.needs.config:
            st.markdown(f"**Run that would decide it:** `xfer run {claim.needs.config}`")
        for caveat in verdict.caveats:
            st.caption(ui.md(caveat))
        evidence = views.evidence_table(verdict)
        if not evidence.empty:
            st.dataframe(evidence, hide_index=True)
        rows = views.rows_used(verdict)
        if rows:
            st.caption("Rows used: " + ", ".join(map(ui.md, rows)))
