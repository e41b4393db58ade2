"""Diminishing returns: research question (a), gain vs number of intermediate tasks and vs
training examples, fitted curves with intervals, the matched-budget comparison and the
best-of-k selection curve: the same answer the question's notebook prints."""

import streamlit as st
import ui

from xfer_analysis import charts, tasks, views
from xfer_analysis.errors import XferError

HOW = ("upload or run a grid with several intermediate sets and data sizes "
       "(`xfer run configs/rq_a_tasks_vs_size.yaml`, `xfer run configs/phang2020.yaml`, or fill "
       "`data/templates/phang2020_dev_grid.csv` and `xfer import` it).")
FIT_NOTE = (f"At least {views.MIN_POINTS} different budgets are needed to fit a curve; "
            "the points are shown as measured.")


def fitted_plot(fit: views.Fit, x: str, name: str, *, log_x: bool = False) -> None:
    """The measured points with the chosen fit and its band, and the fit table beside them."""
    plot, side = st.columns([3, 2])
    with plot:
        ui.show_chart(charts.curve(fit.points, x=x, y="gain", low=None, high=None,
                                   fitted=None if fit.curve.empty else fit.curve, log_x=log_x),
                      name)
        st.dataframe(fit.points, hide_index=True)
    with side:
        if fit.table.empty:
            st.info(FIT_NOTE)
        else:
            st.caption("Fits chosen by AICc; intervals (`_low`/`_high`) are bootstrap "
                       "intervals of the chosen model, at the largest budget.")
            st.dataframe(fit.table, hide_index=True)


st.title("Diminishing returns")
loaded = ui.data()
options = ui.compute(views.column_values, loaded, columns=("base_model", "split"),
                     tasks_only=True)
top = st.columns(4)
base_model = ui.choice("Base model", options["base_model"], "model", "xlm-roberta-large",
                       container=top[0])
split = ui.choice("Split", options["split"], "split", "dev", container=top[1])
bench = ui.choice("Benchmark", [tasks.XTREME, tasks.XTREME_R], "bench", container=top[2])
source = ui.source_choice(ui.compute(views.treatment_sources, loaded, base_model=base_model,
                                     split=split), container=top[3])

try:
    view = ui.compute(views.returns, loaded, base_model=base_model, split=split, source=source,
                      benchmark=bench)
except XferError as exc:
    st.warning(f"No gains for {ui.md(base_model)}: {ui.md(exc)}")
    st.stop()
st.caption(f"Research question (a): {ui.md(view.answer.status)}")

st.subheader("Gain vs number of intermediate tasks")
budget = ui.choice("Stage-1 examples per set", view.budgets, "budget", views.FULL,
                   help="sets trained on the same budget are compared with each other")
tasks_fit = views.task_count_fit(view, budget) if budget else None
if tasks_fit is None or tasks_fit.points.empty:
    ui.missing(f"no paired gains of intermediate sets for {ui.md(base_model)} ({ui.md(split)}).",
               HOW)
else:
    fitted_plot(tasks_fit, "n_tasks", "gain-vs-tasks")

st.subheader("Gain vs training examples")
task = ui.choice("Intermediate task", view.example_tasks, "task", "squad")
if task is None:
    ui.missing(f"no intermediate task of {ui.md(base_model)} ({ui.md(split)}) trained on two "
               "or more data sizes (`intermediate_examples`).", HOW)
else:
    fitted_plot(views.example_fit(view, task), "total_examples", f"gain-vs-examples-{task}",
                log_x=True)

st.subheader("More tasks or more data of one task, at a matched budget")
st.caption("The multi-task set seen at the most budgets, fitted on its total stage-1 examples, "
           "against the single task with the most example counts, compared at the budgets both "
           "fits cover (no extrapolation); difference = tasks − examples, with a bootstrap "
           "interval. The question's notebook prints the same table.")
comparison = view.answer.frames["matched_budget"]
if comparison.empty:
    ui.missing(f"fewer than {views.MIN_POINTS} budgets on one of the two axes (multi-task sets "
               "by total examples; one task by examples), or budgets that do not overlap.", HOW)
else:
    st.dataframe(comparison, hide_index=True)

st.subheader("Best-of-k selection curve")
selection = view.answer.frames["selection"]
if selection.empty:
    ui.missing(f"no single-task gains for {ui.md(base_model)} to select from "
               "(at least two single tasks at full data).", HOW)
else:
    scored = ", ".join(selection["eval_splits"].iloc[0])
    st.caption(f"Expected gain of the best of k single intermediate tasks, selected on dev and "
               f"scored on {ui.md(scored)}.")
    if scored == "dev":
        st.warning("Selected and scored on the same split: an optimistic (oracle) curve.")
    ui.show_chart(charts.curve(selection, x="k", y="gain"), "best-of-k")
    st.dataframe(selection, hide_index=True)
