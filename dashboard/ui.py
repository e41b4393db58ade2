"""UI glue shared by the dashboard pages: loading, cached package calls, URL-bound widgets, exports.

No analysis happens here: every number comes from `xfer_analysis`; this module only decides
what is cached (keyed on a content hash of the loaded table), which filters live in the URL,
and how a chart is shown and exported.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import altair as alt
import pandas as pd
import state
import streamlit as st
import vl_convert

from xfer_analysis import results
from xfer_analysis.results.export import safe_csv
from xfer_analysis.results.published import published_dir
from xfer_analysis.results.store import STORE_ENV

UPLOADS_KEY = "xfer.uploads"
FILTERS_KEY = "xfer.filters"
_MARKDOWN_SPECIALS = re.compile(r"([!-/:-@\[-`{-~])")


def md(value: object) -> str:
    """`value` as Markdown that shows exactly its text: every ASCII punctuation character is
    backslash-escaped (CommonMark), so names and messages from loaded data can never become an
    image, a link, HTML, a heading or math in `st.markdown`/`st.caption`/`st.error`."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", str(value))


@dataclass(frozen=True)
class Data:
    """The loaded results table with its content hash (the cache key) and where it came from."""

    frame: pd.DataFrame
    key: str
    origin: str


@st.cache_resource(max_entries=4, show_spinner="Loading results ...")
def _base(store_path: str | None, key: str) -> pd.DataFrame:
    """Published data plus the store at `store_path`, read once per `key` (`base_key`).

    A resource cache, not a data cache: the table can have a million rows, and a data cache
    would copy it on every rerun. Callers never modify the returned frame.
    """
    store = results.Store(store_path) if store_path else None
    return results.load(store=store, include_published=True)


def base_key(store_path: str | None) -> str:
    """The cache key of the base table: stat fingerprints of the store and of the shipped
    published data (file names, sizes, modification times; no content is read), so a write
    to either changes it and nothing is hashed row by row."""
    store = state.path_fingerprint(store_path) if store_path else "none"
    return state.digest("base", store_path or "", store,
                            state.path_fingerprint(published_dir()))


@st.cache_resource(max_entries=8, show_spinner=False)
def _combined(base_key: str, upload_keys: tuple[str, ...], _frames: tuple) -> pd.DataFrame:
    """The base table with this session's validated uploads appended (keyed on their digests)."""
    return pd.concat(_frames, ignore_index=True)


def store_path() -> str | None:
    """The store the dashboard reads: `XFER_STORE`, fixed when the server starts (`xfer
    dashboard --store`); visitors cannot choose another file."""
    return os.environ.get(STORE_ENV) or None


def uploads() -> dict[str, tuple[str, pd.DataFrame]]:
    """This session's validated uploads: file name -> (content digest, table)."""
    return st.session_state.setdefault(UPLOADS_KEY, {})


def data() -> Data:
    """The table every page works on: published + store + this session's uploads."""
    path = store_path()
    key = base_key(path)
    frame = _base(path, key)
    shipped = "published data + shipped runs"
    origin = f"{shipped} + store {path}" if path else shipped
    added = uploads()
    if added:
        keys = tuple(digest for digest, _ in added.values())
        frame = _combined(key, keys, (frame, *(table for _, table in added.values())))
        key = state.digest(key, *keys)
        origin += f" + {len(added)} upload(s)"
    return Data(frame=frame, key=key, origin=origin)


@st.cache_data(max_entries=256, show_spinner=False)
def _compute(name: str, key: str, kwargs: tuple, _fn: Callable, _frame: pd.DataFrame) -> Any:
    """Run a package function once per (function, data hash, arguments)."""
    return _fn(_frame, **dict(kwargs))


def compute(fn: Callable, data: Data, **kwargs: Any) -> Any:
    """`fn(data.frame, **kwargs)`, cached on the data's content hash and the arguments."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    return _compute(name, data.key, tuple(sorted(kwargs.items())), fn, data.frame)


@st.cache_resource(max_entries=64, show_spinner=False)
def _computed(name: str, key: str, kwargs: tuple, _fn: Callable, _frame: pd.DataFrame
              ) -> pd.DataFrame:
    """A table computed from the loaded one, kept once per (function, data hash, arguments)."""
    return _fn(_frame, **dict(kwargs))


def computed(fn: Callable[..., pd.DataFrame], data: Data, **kwargs: Any) -> Data:
    """`fn(data.frame, **kwargs)` as a new Data (not copied per rerun), so later steps on it
    are cached on its own key; callers never modify the returned frame."""
    name = f"{fn.__module__}.{fn.__qualname__}"
    args = tuple(sorted(kwargs.items()))
    return Data(frame=_computed(name, data.key, args, fn, data.frame),
                key=state.digest(data.key, name, repr(args)), origin=data.origin)


def _initial(key: str) -> dict[str, Any]:
    """Where a widget's first value comes from: the URL when it names `key` (a shared link),
    else the value last chosen for `key` on any page of this session (the browser drops the
    query string on a page switch), else nothing (the widget's default)."""
    if key in st.query_params:
        return {key: st.query_params.get_all(key)}
    remembered = st.session_state.setdefault(FILTERS_KEY, {})
    return {key: remembered[key]} if key in remembered else {}


def _publish(key: str, value: Any) -> None:
    """Write a widget's value to the URL (so a copied link opens this view) and remember it
    for the other pages that show a filter with the same key."""
    text = state.encode(value)
    st.query_params[key] = text
    st.session_state.setdefault(FILTERS_KEY, {})[key] = text


def widget_key(key: str, options: Sequence[Any]) -> str:
    """The widget's session key: the URL key plus a digest of its options. Streamlit keeps a
    keyed widget's identity (and the browser its selection) when only its options change, so
    after a filter change the box could show one value while the page used another; a new
    option list makes a new widget."""
    return f"{key}{state.KEY_SEPARATOR}{state.digest(*map(str, options))}"


def choice(
    label: str,
    options: Sequence[Any],
    key: str,
    default: Any = None,
    *,
    container: Any = None,
    format_func: Callable[[Any], str] = str,
    help: str | None = None,
) -> Any:
    """A selectbox whose value is read from and written to the URL query param `key`."""
    options = list(options)
    if not options:
        return None
    initial = state.parse_choice(_initial(key), key, options, default)
    value = (container or st).selectbox(
        label, options, index=options.index(initial), key=widget_key(key, options),
        format_func=format_func, help=help,
    )
    _publish(key, value)
    return value


def multi(
    label: str,
    options: Sequence[Any],
    key: str,
    default: Sequence[Any] = (),
    *,
    container: Any = None,
    help: str | None = None,
) -> list:
    """A multiselect whose values are read from and written to the URL query param `key`."""
    options = list(options)
    initial = state.parse_multi(_initial(key), key, options, default)
    values = (container or st).multiselect(label, options, default=initial,
                                           key=widget_key(key, options), help=help)
    _publish(key, values)
    return values


def flag(label: str, key: str, default: bool = False, *, container: Any = None) -> bool:
    """A toggle whose value is read from and written to the URL query param `key`."""
    initial = state.parse_flag(_initial(key), key, default)
    value = (container or st).toggle(label, value=initial, key=key)
    _publish(key, value)
    return value


def source_choice(sources: Sequence[str], *, container: Any = None) -> str | None:
    """The one source a view shows: a URL-bound selector (first source by default) when the
    selected rows mix several, with a line saying which is shown; sources are never blended."""
    if not sources:
        return None
    if len(sources) == 1:
        st.caption(f"Source: **{md(sources[0])}**")
        return sources[0]
    chosen = choice("Source", sources, "source", container=container,
                    help="the loaded rows come from several sources; each is shown on its own")
    citation = results.sources().set_index("id")["citation"].get(chosen, "not catalogued")
    st.caption(f"Showing source **{md(chosen)}** ({md(citation)}), one of {len(sources)} "
               "sources of these rows; numbers from different sources are never averaged.")
    return chosen


def show_chart(chart: alt.TopLevelMixin, name: str) -> None:
    """Draw a chart with PNG/SVG (vl-convert) and CSV download buttons for exactly its data."""
    spec = chart.to_dict()
    st.vega_lite_chart(spec, width="stretch")
    spec_json = json.dumps(spec)
    frames = state.chart_data(spec)
    columns = st.columns(2 + len(frames))
    columns[0].download_button(
        "PNG", data=lambda: vl_convert.vegalite_to_png(spec_json, scale=2),
        file_name=f"{name}.png", mime="image/png", on_click="ignore", key=f"{name}.png",
    )
    columns[1].download_button(
        "SVG", data=lambda: vl_convert.vegalite_to_svg(spec_json),
        file_name=f"{name}.svg", mime="image/svg+xml", on_click="ignore", key=f"{name}.svg",
    )
    for column, (dataset, frame) in zip(columns[2:], frames.items(), strict=True):
        suffix = "" if len(frames) == 1 else f"-{dataset}"
        column.download_button(
            f"data CSV{suffix}", data=lambda frame=frame: safe_csv(frame),
            file_name=f"{name}{suffix}.csv", mime="text/csv", on_click="ignore",
            key=f"{name}{suffix}.csv",
        )


def upload_limit_mb() -> int:
    """The largest upload this server accepts (`server.maxUploadSize`, set by `xfer dashboard`)."""
    return int(st.get_option("server.maxUploadSize"))


def missing(what: str, how: str) -> None:
    """Say plainly which data a view needs and how to load it (Markdown: callers pass names
    from the loaded data through `md`)."""
    st.info(f"**Missing data:** {what}\n\n**How to load it:** {how}")
