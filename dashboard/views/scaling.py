"""Scaling: gains and robustness vs model size (mT5 sizes, XLM-R base/large)."""

import streamlit as st
import ui

from xfer_analysis import analysis, app_state, charts

MEASURES = {"task score": "score", "worst-language score": "worst_score",
            "spread across languages": "language_spread", "gap to English": "english_gap",
            "gain over the baseline": "gain", "gain over zero-shot (setting)": "setting_gain"}

st.title("Scaling")
loaded = ui.data()
options = ui.compute(app_state.column_values, loaded, columns=("target_task", "split"),
                     tasks_only=True)
top = st.columns(3)
target = ui.choice("Target", options["target_task"], "target", "xnli", container=top[0])
split = ui.choice("Split", options["split"], "split", "test", container=top[1])
table = ui.compute(analysis.scaling, loaded, target_task=target, split=split)
available = [label for label, column in MEASURES.items()
             if column in table.columns and table[column].notna().any()]
measure = ui.choice("Measure", available, "y", container=top[2])
if table.empty or measure is None:
    ui.missing(f"no rows of {target} ({split}) with known model sizes.",
               "upload results of several model sizes on the Data page or load a store.")
else:
    ui.show_chart(charts.scaling_chart(table, y=MEASURES[measure]), f"scaling-{target}")
    st.subheader("Trend per family (slope per decade of parameters)")
    st.dataframe(ui.compute(app_state.scaling_trend, loaded, target_task=target, split=split,
                            y=MEASURES[measure]), hide_index=True)
    st.subheader("Rows behind the chart")
    st.dataframe(table, hide_index=True)
