"""xfer-analysis dashboard: the entry point that `xfer dashboard` runs (`streamlit run`).

Every file in `views/` is a page: its title is the start of its docstring (up to the first
colon), its address the file name (`per_language.py` -> `/per-language`). `ORDER` places the
known pages; a new page file appears after them without any change here.
"""

import ast
from pathlib import Path

import streamlit as st
import ui

# Position of the pages in the navigation; pages not listed follow, by name. (A comment, not
# a docstring: Streamlit's magic would print a bare string on every page.)
ORDER = ("overview", "heatmap", "per_language", "returns", "scaling", "claims", "data")
HERE = Path(__file__).resolve().parent


def page_of(path: Path) -> st.Page:
    """The navigation entry of one page file: title from its docstring, address from its name."""
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or path.stem
    return st.Page(f"views/{path.name}", title=doc.split(":", 1)[0].strip(),
                   url_path=path.stem.replace("_", "-"))


st.set_page_config(page_title="xfer-analysis", layout="wide")
files = sorted((HERE / "views").glob("*.py"),
               key=lambda p: (ORDER.index(p.stem) if p.stem in ORDER else len(ORDER), p.stem))
VIEWS = [page_of(path) for path in files]
OVERVIEW = VIEWS[0]


def start() -> None:
    """The root URL: open the overview (which leads with the best real grid loaded), keeping
    any query params of the link; `/overview` itself stays a real address."""
    st.switch_page(OVERVIEW, query_params=st.query_params.to_dict())


page = st.navigation([st.Page(start, title="Start", url_path="start", default=True,
                              visibility="hidden"), *VIEWS])
loaded = ui.data()
st.sidebar.caption(f"Loaded: {ui.md(loaded.origin)} — {len(loaded.frame):,} rows")
page.run()
