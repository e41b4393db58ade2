"""Per-language: one target's gain in each language, sorted, grouped by family/script/level."""

import streamlit as st
import ui

from xfer_analysis import charts, views

GROUPS = {"language family": "family", "script": "script", "resource level": "resource_level"}

st.title("Per-language gains")
loaded = ui.data()
options = ui.compute(views.column_values, loaded, tasks_only=True,
                     columns=("base_model", "split", "target_task", "intermediate"))
top = st.columns(6)
base_model = ui.choice("Base model", options["base_model"], "model", "xlm-roberta-large",
                       container=top[0])
split = ui.choice("Split", options["split"], "split", "dev", container=top[1])
target = ui.choice("Target", options["target_task"], "target", "xnli", container=top[2])
treated = [name for name in options["intermediate"] if name != "none"]
intermediate = ui.choice("Intermediate", treated, "inter", container=top[3])
group = ui.choice("Group by", list(GROUPS), "group", container=top[4])
source = ui.source_choice(ui.compute(views.treatment_sources, loaded, base_model=base_model,
                                     split=split), container=top[5])

budgets = ui.compute(views.language_budgets, loaded, base_model=base_model, split=split,
                     target=target, intermediate=intermediate) if intermediate else []
budget = ui.choice("Stage-1 examples", budgets, "budget", views.FULL,
                   help="one bar per language: rows of one training budget at a time"
                   ) if len(budgets) > 1 else None
table = ui.compute(views.per_language_gains, loaded, base_model=base_model, split=split,
                   target=target, intermediate=intermediate, source=source,
                   budget=budget) if intermediate else None
if table is None or table.empty:
    ui.missing(
        f"no paired per-language scores of {ui.md(intermediate or 'an intermediate model')} "
        f"and the baseline (`none`) for {ui.md(target)}, {ui.md(base_model)}, {ui.md(split)} "
        "split.",
        "upload per-language results on the Data page, fill "
        "`data/templates/phang2020_dev_grid.csv` and `xfer import` it, or run "
        "`xfer run configs/phang2020.yaml`.",
    )
else:
    column = GROUPS[group]
    ui.show_chart(charts.language_bars(table, value="gain", color_by=column),
                  f"per-language-{target}-{intermediate}")
    st.caption(f"The chart's rows, by {ui.md(group)} (largest gain first within each):")
    ordered = table.sort_values([column, "gain"], ascending=[True, False], kind="stable")
    st.dataframe(ordered[["language", "source", "gain", "value", "baseline_value", "n_seeds",
                          "family", "script", "resource_level", "sources"]], hide_index=True)
