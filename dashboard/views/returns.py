"""Diminishing returns: gain vs number of intermediate tasks and vs training examples."""

import streamlit as st
import ui

from xfer_analysis import analysis

NEEDED = ("selection_curve", "fit_curves")

st.title("Diminishing returns")
missing = [name for name in NEEDED if not hasattr(analysis, name)]
if missing:
    st.warning("This view needs `xfer_analysis.analysis." + "`, `xfer_analysis.analysis.".join(
        missing) + "` (issue 4), which this installation does not provide yet; no curve is "
        "drawn rather than one computed in the page.")
ui.missing(
    "gain vs number of tasks and vs training examples needs runs with several intermediate "
    "sets and capped example counts (`intermediate_examples`); the published data has none.",
    "run `xfer run configs/phang2020.yaml` (or your own grid) into a store and open it with "
    "`xfer dashboard --store DIR`.",
)
