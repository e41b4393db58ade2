"""Overview: XTREME / XTREME-R scores of the loaded systems by category, with their sources."""

import streamlit as st
import ui

from xfer_analysis import app_state, results, tasks

SYSTEM = ["base_model", "intermediate", "setting", "split"]

st.title("xfer-analysis")
st.markdown(
    "English intermediate-task training (STILTs) and zero-shot cross-lingual transfer on "
    "XTREME and XTREME-R. Every number below comes from the loaded results table; each row "
    "names its source."
)
loaded = ui.data()
bench = ui.choice("Benchmark", [b.name for b in map(tasks.benchmark, ("xtreme", "xtreme-r"))],
                  "bench")
names = [a.name for a in tasks.aggregates() if a.benchmark == bench]
display = {a.name: a.display for a in tasks.aggregates()}

st.subheader("Scores computed from the loaded task scores")
st.caption("Benchmark and category scores are unweighted means of task scores (QA = mean of EM "
           "and F1); a system missing a member task gets no score and lists what is missing.")
scores = ui.compute(app_state.aggregate_table, loaded, names=tuple(names))
if scores.empty:
    ui.missing(f"no system in the loaded data has task scores for {display[bench]}.",
               "upload results on the Data page or start with `xfer dashboard --store DIR`.")
else:
    st.dataframe(scores, hide_index=True)

st.subheader("Published benchmark-level scores")
published = ui.compute(app_state.filter_rows, loaded, filters={"target_task": names})
if published.empty:
    st.info(f"The loaded data has no published {display[bench]} aggregate rows.")
else:
    st.dataframe(published[[*SYSTEM, "target_task", "metric", "value", "source", "confidence",
                            "note"]], hide_index=True)

st.subheader("Sources")
used = ui.compute(app_state.column_values, loaded, columns=("source",))["source"]
catalogue = results.sources()
st.dataframe(catalogue[catalogue.iloc[:, 0].astype(str).isin(used)], hide_index=True)
