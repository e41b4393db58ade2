"""Scaling: gains and robustness vs model size (mT5 sizes, XLM-R base/large)."""

import streamlit as st
import ui

from xfer_analysis import analysis

st.title("Scaling")
if not hasattr(analysis, "scaling"):
    st.warning("This view needs `xfer_analysis.analysis.scaling` (issue 4), which this "
               "installation does not provide yet; nothing is computed in the page instead.")
ui.missing(
    "gain and robustness against model size need the scaling analysis over the loaded rows.",
    "the published mT5 rows (small … XXL) are loaded already; the view appears once the "
    "analysis function is available.",
)
