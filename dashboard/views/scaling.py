"""Scaling: gains and robustness vs model size (mT5 sizes, XLM-R base/large)."""

import streamlit as st
import ui

from xfer_analysis import charts, views

st.title("Scaling")
loaded = ui.data()
options = ui.compute(views.column_values, loaded, columns=("target_task", "split"),
                     tasks_only=True)
top = st.columns(3)
target = ui.choice("Target", options["target_task"], "target", "xnli", container=top[0])
split = ui.choice("Split", options["split"], "split", "test", container=top[1])
view = ui.compute(views.scaling_view, loaded, target_task=target, split=split)
measure = ui.choice("Measure", view.measures, "y", container=top[2])
table = view.table
if table.empty or measure is None:
    ui.missing(f"no rows of {ui.md(target)} ({ui.md(split)}) with known model sizes.",
               "upload results of several model sizes on the Data page or load a store.")
else:
    ui.show_chart(charts.scaling_chart(table, y=views.MEASURES[measure]), f"scaling-{target}")
    st.dataframe(table, hide_index=True)
    st.caption("The rows behind the chart (rows without a parameter count are not drawn).")
    st.subheader("Trend per family (slope per decade of parameters)")
    st.dataframe(views.scaling_trend(view, measure), hide_index=True)
