"""xfer-analysis dashboard: the entry point that `xfer dashboard` runs (`streamlit run`)."""

import streamlit as st
import ui

st.set_page_config(page_title="xfer-analysis", layout="wide")

OVERVIEW = st.Page("views/overview.py", title="Overview", url_path="overview")


def start() -> None:
    """The root URL: open the overview (which leads with the best real grid loaded), keeping
    any query params of the link; `/overview` itself stays a real address."""
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


PAGES = [
    st.Page(start, title="Start", url_path="start", default=True, visibility="hidden"),
    OVERVIEW,
    st.Page("views/heatmap.py", title="Transfer heatmap", url_path="heatmap"),
    st.Page("views/per_language.py", title="Per-language", url_path="per-language"),
    st.Page("views/returns.py", title="Diminishing returns", url_path="returns"),
    st.Page("views/scaling.py", title="Scaling", url_path="scaling"),
    st.Page("views/claims.py", title="Claims", url_path="claims"),
    st.Page("views/data.py", title="Data", url_path="data"),
]

page = st.navigation(PAGES)
loaded = ui.data()
st.sidebar.caption(f"Loaded: {ui.md(loaded.origin)} — {len(loaded.frame):,} rows")
page.run()
