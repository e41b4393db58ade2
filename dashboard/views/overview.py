"""Overview: the best real grid loaded (when there is one), then XTREME / XTREME-R scores of
the loaded systems by category, with their sources."""

import streamlit as st
import ui

from xfer_analysis import charts, results, tasks, views
from xfer_analysis.errors import XferError

st.title("xfer-analysis")
st.markdown(
    "English intermediate-task training (STILTs) and zero-shot cross-lingual transfer on "
    "XTREME and XTREME-R. Every number below comes from the loaded results table; each row "
    "names its source."
)
loaded = ui.data()
grid = ui.compute(views.best_real_grid, loaded)
if grid is not None:
    st.subheader(f"Best loaded grid: {ui.md(grid.source)}")
    st.caption(f"{ui.md(grid.base_model)}, {ui.md(grid.split)} split: {grid.n_sets} "
               "intermediate sets × "
               f"{grid.n_seeds} seeds on {grid.n_targets} targets (the run source with the most "
               "sets × seeds). Open it on:")
    links = st.columns(3)
    for column, (path, label) in zip(links, (("views/heatmap.py", "Transfer heatmap"),
                                            ("views/per_language.py", "Per-language gains"),
                                            ("views/returns.py", "Diminishing returns")),
                                     strict=True):
        column.page_link(path, label=label, query_params=grid.params)
    try:
        matrix = ui.compute(views.heatmap_matrix, loaded, base_model=grid.base_model,
                            split=grid.split, source=grid.source)
    except XferError as exc:
        st.error(f"No heatmap of this grid: {ui.md(exc)}")
    else:
        ui.show_chart(charts.heatmap(matrix), "best-grid-heatmap")
        st.dataframe(matrix, hide_index=True)
else:
    st.caption("No grid of real runs is loaded (runs have seeds and a baseline); showing the "
               "published data. Load one with `xfer dashboard --store FILE` or upload one on "
               "the Data page.")

bench = ui.choice("Benchmark", [b.name for b in map(tasks.benchmark, ("xtreme", "xtreme-r"))],
                  "bench")
names = tuple(a.name for a in tasks.aggregates() if a.benchmark == bench)
display = {a.name: a.display for a in tasks.aggregates()}

st.subheader("Scores computed from the loaded task scores")
st.caption("Benchmark and category scores are unweighted means of task scores (QA = mean of EM "
           "and F1); a system missing a member task gets no score and lists what is missing.")
scores = ui.compute(views.benchmark_scores, loaded, names=names)
if scores.empty:
    ui.missing(f"no system in the loaded data has task scores for {display[bench]}.",
               "upload results on the Data page or start with `xfer dashboard --store FILE`.")
else:
    st.dataframe(scores, hide_index=True)

st.subheader("Published benchmark-level scores")
published = ui.compute(views.published_aggregates, loaded, names=names)
if published.empty:
    st.info(f"The loaded data has no published {display[bench]} aggregate rows.")
else:
    st.dataframe(published, hide_index=True)

st.subheader("Sources")
used = ui.compute(views.column_values, loaded, columns=("source",))["source"]
catalogue = results.sources()
st.dataframe(catalogue[catalogue["id"].astype(str).isin(used)], hide_index=True)
