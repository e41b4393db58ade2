"""Diminishing returns: gain vs number of intermediate tasks, fitted curves, best-of-k."""

import streamlit as st
import ui

from xfer_analysis import app_state, charts
from xfer_analysis.errors import XferError

HOW = ("upload or run a grid with several intermediate sets (`xfer run configs/phang2020.yaml`, "
       "or fill `data/templates/phang2020_dev_grid.csv` and `xfer import` it).")

st.title("Diminishing returns")
loaded = ui.derive(app_state.task_rows, ui.data())
options = ui.compute(app_state.column_values, loaded, columns=("base_model", "split"))
top = st.columns(2)
base_model = ui.choice("Base model", options["base_model"], "model", "xlm-roberta-large",
                       container=top[0])
split = ui.choice("Split", options["split"], "split", "dev", container=top[1])

st.subheader("Gain vs number of intermediate tasks")
points, fitted, fit_table = ui.compute(app_state.task_count_fit, loaded, base_model=base_model,
                                       split=split)
if points.empty:
    ui.missing(f"no paired gains of intermediate sets for {base_model} ({split}).", HOW)
else:
    plot, table = st.columns([3, 2])
    with plot:
        ui.show_chart(charts.curve(points, x="n_tasks", y="gain", low=None, high=None,
                                   fitted=None if fitted.empty else fitted),
                      "gain-vs-tasks")
    with table:
        if fit_table.empty:
            st.info("At least three different set sizes are needed to fit a curve.")
        else:
            st.dataframe(fit_table, hide_index=True)

st.subheader("Best-of-k selection curve")
try:
    selection = ui.compute(app_state.best_of_k, loaded, base_model=base_model)
except XferError as exc:
    st.warning(f"No selection curve: {exc}")
else:
    if selection.empty:
        ui.missing(f"no single-task gains for {base_model} to select from.", HOW)
    else:
        ui.show_chart(charts.curve(selection, x="k", y="gain"), "best-of-k")
        st.dataframe(selection, hide_index=True)
