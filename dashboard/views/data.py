"""Data: upload results; browse, filter and download the loaded table.

The store is the one the server was started with (`xfer dashboard --store`, `XFER_STORE`);
visitors cannot point the app at another file.
"""

import state
import streamlit as st
import ui

from xfer_analysis import results, views
from xfer_analysis.errors import XferError

FILTER_COLUMNS = ("source", "base_model", "intermediate", "setting", "target_task", "language",
                  "split", "metric")
RUN_FIELDS = ("run_id", "source", "base_model", "intermediate", "target_task", "language",
              "split", "seed")
PREVIEW_ROWS = 1000

st.title("Data")
loaded = ui.data()
load_tab, browse_tab = st.tabs(["Load", "Browse"])

with load_tab:
    st.subheader("Upload results")
    kinds = state.upload_kinds()
    st.caption(
        f"One results file of a kind below, up to {ui.upload_limit_mb()} MB. Files are "
        "validated before anything is kept; they are read as data only (never unpickled or "
        "executed)."
    )
    kind = kinds[st.radio("File kind", list(kinds), key="kind")]
    run_meta: dict[str, str] = {}
    if kind is not None:
        with st.expander("Run details (what the file itself does not say)", expanded=True):
            for field in RUN_FIELDS:
                text = st.text_input(field, key=f"meta.{field}").strip()
                if text:
                    run_meta[field] = text
    upload = st.file_uploader("Results file", type=state.upload_suffixes(), key="upload")
    if upload is not None:
        content = upload.getvalue()
        try:
            table = state.read_upload(upload.name, content, kind, run_meta,
                                       limit_mb=ui.upload_limit_mb())
        except XferError as exc:
            st.error(f"Not loaded: {ui.md(exc)}")
        else:
            upload_digest = state.digest(content, repr(sorted(run_meta.items())))
            added = ui.uploads()
            if added.get(upload.name, (None,))[0] != upload_digest:
                added[upload.name] = (upload_digest, table)
                st.rerun()
            st.success(f"{ui.md(upload.name)}: {len(table):,} valid rows, added to this session.")
            st.dataframe(table.head(PREVIEW_ROWS), hide_index=True)
            target = ui.store_path()
            if target and st.button(f"Save these rows to the store {ui.md(target)}", key="save"):
                try:
                    written = results.Store(target).add(table, origin=upload.name)
                except XferError as exc:
                    st.error(f"Not saved: {ui.md(exc)}")
                else:
                    st.success(f"Saved {written:,} new rows to {ui.md(target)}.")

    st.subheader("Results store")
    current = ui.store_path()
    st.caption(f"Currently: {ui.md(current or 'no store (published data only)')}. The store is "
               "chosen when the dashboard starts: `xfer dashboard --store FILE`.")

with browse_tab:
    options = ui.compute(views.column_values, loaded, columns=FILTER_COLUMNS)
    columns = st.columns(4)
    filters = {
        column: ui.multi(column, options.get(column, []), f"f.{column}",
                         container=columns[number % 4])
        for number, column in enumerate(FILTER_COLUMNS)
    }
    shown = ui.compute(views.filter_rows, loaded, filters=filters)
    st.caption(f"{len(shown):,} of {len(loaded.frame):,} rows match"
               + (f"; showing the first {PREVIEW_ROWS:,}" if len(shown) > PREVIEW_ROWS else ""))
    st.dataframe(shown.head(PREVIEW_ROWS), hide_index=True)
    st.download_button(
        "Download the filtered table (CSV)", data=lambda: ui.safe_csv(shown),
        file_name="xfer-results-filtered.csv", mime="text/csv", on_click="ignore",
        key="download_filtered",
    )
