"""Transfer heatmap: intermediate × target gains (or absolute scores) with interval and test."""

import streamlit as st
import ui

from xfer_analysis import charts, views
from xfer_analysis.errors import XferError
from xfer_analysis.tasks import BEST_PER_TARGET

SHOW = {"gain over the baseline": "gain", "absolute score": "value"}

st.title("Transfer heatmap")
loaded = ui.data()
options = ui.compute(views.column_values, loaded, tasks_only=True,
                     columns=("base_model", "split", "setting", "metric", "language"))
top = st.columns(4)
base_model = ui.choice("Base model", options["base_model"], "model", "xlm-roberta-large",
                       container=top[0])
split = ui.choice("Split", options["split"], "split", "dev", container=top[1])
setting = ui.choice("Setting", options["setting"], "setting", "zero-shot", container=top[2])
show = ui.choice("Show", list(SHOW), "show", container=top[3])
bottom = st.columns(4)
metric = ui.choice("Metric", [views.TASK_SCORE, *options["metric"]], "metric", container=bottom[0],
                   help="task score = each target's official score (QA: mean of EM and F1)")
language = ui.choice("Language", [views.AVERAGE, *options["language"]], "lang", container=bottom[1])
correction = ui.choice("Multiple-testing correction", ["holm", "bh"], "corr", container=bottom[2])
source = ui.source_choice(ui.compute(views.treatment_sources, loaded, base_model=base_model,
                                     setting=setting, split=split), container=bottom[3])

try:
    matrix = ui.compute(views.heatmap_matrix, loaded, base_model=base_model, split=split,
                        setting=setting, metric=metric, language=language,
                        correction=correction, source=source)
except XferError as exc:
    st.error(f"No heatmap: {ui.md(exc)}")
    st.stop()

GRID_HELP = (
    "fill `data/templates/phang2020_dev_grid.csv` with the paper's numbers and run "
    "`xfer import data/templates/phang2020_dev_grid.csv`, or run the grid yourself with "
    "`xfer run configs/phang2020.yaml`, or upload results on the Data page."
)
if matrix.empty:
    ui.missing(
        f"no intermediate × target grid for {ui.md(base_model)}, {ui.md(split)} split, "
        f"{ui.md(setting)}, {ui.md(metric)}, {ui.md(language)}: the table needs baseline rows "
        "(intermediate `none`) and rows for intermediate-trained models that share model, "
        "target, language, split, metric and seed. The published data has no such grid (the "
        "paper's dev grid is not public).",
        GRID_HELP,
    )
else:
    if set(matrix["intermediate"]) <= {BEST_PER_TARGET}:
        ui.missing(
            f"only the `{BEST_PER_TARGET}` system (a submission that picked the best "
            "intermediate model per target; which one is unknown) is paired with the baseline "
            "here; the per-intermediate-task grid is not in the loaded data.",
            GRID_HELP,
        )
    ui.show_chart(charts.heatmap(matrix, value=SHOW[show]), "transfer-heatmap")
    st.caption(f"Cells: the value; * = significant after the {correction} correction. Hover a "
               "cell for its bootstrap interval, p-value, n (seeds, languages) and source rows; "
               "the table below is the chart's data.")
    st.dataframe(matrix, hide_index=True)
