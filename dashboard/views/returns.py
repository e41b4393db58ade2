"""Diminishing returns: gain vs number of intermediate tasks and vs training examples, fitted
curves with intervals, the matched-budget comparison and the best-of-k selection curve."""

import streamlit as st
import ui

from xfer_analysis import app_state, charts
from xfer_analysis.errors import XferError

HOW = ("upload or run a grid with several intermediate sets and data sizes "
       "(`xfer run configs/rq_a_tasks_vs_size.yaml`, `xfer run configs/phang2020.yaml`, or fill "
       "`data/templates/phang2020_dev_grid.csv` and `xfer import` it).")
FIT_NOTE = (f"At least {app_state.MIN_FIT_BUDGETS} different budgets are needed to fit a curve; "
            "the points are shown as measured.")


def fitted_plot(points, x: str, curve, table, name: str, *, log_x: bool = False) -> None:
    """The measured points with the chosen fit and its band, and the fit table beside them."""
    plot, side = st.columns([3, 2])
    with plot:
        ui.show_chart(charts.curve(points, x=x, y="gain", low=None, high=None,
                                   fitted=None if curve.empty else curve, log_x=log_x), name)
    with side:
        if table.empty:
            st.info(FIT_NOTE)
        else:
            st.caption("Fits chosen by AICc; intervals (`_low`/`_high`) are bootstrap "
                       "intervals of the chosen model, at the largest budget.")
            st.dataframe(table, hide_index=True)


st.title("Diminishing returns")
loaded = ui.data()
options = ui.compute(app_state.column_values, loaded, columns=("base_model", "split"),
                     tasks_only=True)
top = st.columns(3)
base_model = ui.choice("Base model", options["base_model"], "model", "xlm-roberta-large",
                       container=top[0])
split = ui.choice("Split", options["split"], "split", "dev", container=top[1])
source = ui.source_choice(ui.compute(app_state.treatment_sources, loaded, base_model=base_model,
                                     split=split), container=top[2])

try:
    gains = ui.computed(app_state.model_gains, loaded, base_model=base_model, source=source)
    per = ui.computed(app_state.intermediate_gains, gains, split=split)
except XferError as exc:
    st.warning(f"No gains for {base_model}: {exc}")
    st.stop()

st.subheader("Gain vs number of intermediate tasks")
levels = ui.compute(app_state.budget_levels, per)
budget = ui.choice("Stage-1 examples per set", levels, "budget", app_state.FULL_DATA,
                   help="sets trained on the same budget are compared with each other")
points, curve, table = ui.compute(app_state.task_count_fit, per, budget=budget or "")
if points.empty:
    ui.missing(f"no paired gains of intermediate sets for {base_model} ({split}).", HOW)
else:
    fitted_plot(points, "n_tasks", curve, table, "gain-vs-tasks")

st.subheader("Gain vs training examples")
names = ui.compute(app_state.example_tasks, per)
task = ui.choice("Intermediate task", names, "task", "squad")
if task is None:
    ui.missing(f"no intermediate task of {base_model} ({split}) trained on two or more data "
               "sizes (`intermediate_examples`).", HOW)
else:
    ex_points, ex_curve, ex_table = ui.compute(app_state.example_fit, per, intermediate=task)
    fitted_plot(ex_points, "examples", ex_curve, ex_table, f"gain-vs-examples-{task}", log_x=True)

    st.subheader(f"More tasks or more {task} data, at a matched budget")
    st.caption("Every multi-task set's gain fitted on its total stage-1 examples against "
               f"{task}'s gain fitted on its example counts, compared at the multi-task budgets "
               "that both fits cover (no extrapolation); difference = tasks − examples, with a "
               "bootstrap interval.")
    comparison = ui.compute(app_state.budget_comparison, per, intermediate=task)
    if comparison.empty:
        ui.missing(f"fewer than {app_state.MIN_FIT_BUDGETS} budgets on one of the two axes "
                   f"(multi-task sets by total examples; {task} by examples), or budgets that "
                   "do not overlap.", HOW)
    else:
        st.dataframe(comparison, hide_index=True)

st.subheader("Best-of-k selection curve")
try:
    selection = ui.compute(app_state.best_of_k, gains, select_split=split)
except XferError as exc:
    st.warning(f"No selection curve: {exc}")
else:
    if selection.empty:
        ui.missing(f"no single-task gains for {base_model} to select from.", HOW)
    else:
        scored = ", ".join(selection["eval_splits"].iloc[0])
        st.caption(f"Expected gain of the best of k intermediate tasks, selected on {split} and "
                   f"scored on {scored}.")
        if scored == split:
            st.warning("Selected and scored on the same split: an optimistic (oracle) curve.")
        ui.show_chart(charts.curve(selection, x="k", y="gain"), "best-of-k")
        st.dataframe(selection, hide_index=True)
