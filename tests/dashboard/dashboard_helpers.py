"""Dashboard test helpers: build an AppTest of dashboard/app.py, a synthetic grid, chart data."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pyarrow as pa
from streamlit.testing.v1 import AppTest

from xfer_analysis.analysis.synthetic import synthetic_grid

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"

EFFECTS = {"mnli": 2.0, "squad": {"xnli": 5.0, "pawsx": -3.0}}
"""Built-in gains of the synthetic grid: the heatmap must recover these cells."""
TARGETS = {"xnli": ["en", "de", "fr", "hi"], "pawsx": ["de", "fr", "ja"]}


def grid_frame() -> pd.DataFrame:
    """A dev grid (baseline + mnli + squad on xnli and pawsx, 3 seeds) with known effects."""
    return synthetic_grid(EFFECTS, TARGETS, seeds=(1, 2, 3), noise=0.05, rng_seed=7)


SQUAD_SIZES = {1000 * 2**i: 1.0 + 0.5 * i for i in range(7)}
"""Stage-1 examples -> built-in gain of squad alone: +0.5 per doubling (a log curve)."""
SET_SIZES = {size: gain + 0.5 for size, gain in SQUAD_SIZES.items() if size <= 32000}
"""Total stage-1 examples -> built-in gain of mnli+squad: 0.5 above squad at every budget."""


def sized_grid() -> pd.DataFrame:
    """A dev + test grid whose treatments differ only in data size: squad alone at
    `SQUAD_SIZES` and mnli+squad at `SET_SIZES` (`intermediate_examples`), no noise, so every
    pairing's gain is the built-in one."""
    base = synthetic_grid({"squad": 0.0}, {"xnli": ["en", "de"], "pawsx": ["de"]}, seeds=(1, 2),
                          splits=("dev", "test"), rng_seed=3)
    baseline = base[base["intermediate"] == "none"]
    treated = base[base["intermediate"] == "squad"]
    parts = [baseline]
    for name, sizes in (("squad", SQUAD_SIZES), ("mnli+squad", SET_SIZES)):
        for size, gain in sizes.items():
            parts.append(treated.assign(
                intermediate=name, intermediate_examples=size, value=treated["value"] + gain,
                run_id=treated["run_id"].str.replace(":squad:", f":{name}@{size}:")))
    frame = pd.concat(parts, ignore_index=True)
    frame["intermediate_examples"] = frame["intermediate_examples"].astype("Int64")
    return frame


def store_of(frame: pd.DataFrame, path: Path) -> Path:
    """Write `frame` to a new store at `path` and return the path."""
    from xfer_analysis import results

    results.Store(path).add(frame, origin="synthetic grid (tests)")
    return path


def grid_csv() -> bytes:
    """The synthetic grid as CSV bytes (what a user would upload)."""
    buffer = io.StringIO()
    grid_frame().to_csv(buffer, index=False)
    return buffer.getvalue().encode()


def new_app(page: str | None = None, **params: str) -> AppTest:
    """An AppTest of the dashboard, run once (on `page` if given) with URL query params."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.run()
    if page is not None:
        at.query_params.update(params)
        at.switch_page(page).run()
    return at


def chart_frames(at: AppTest) -> list[pd.DataFrame]:
    """The data of every Vega-Lite chart on the page (datasets are sent as Arrow)."""
    frames = []
    for chart in at.get("vega_lite_chart"):
        for dataset in chart.proto.datasets:
            frames.append(pa.ipc.open_stream(dataset.data.data).read_pandas())
    return frames


def open_link(page: str, **params: str) -> AppTest:
    """A new session opening `page` with URL query params, as a copied link does. AppTest
    resolves a page registered with a custom `url_path` only after a first run, so the new
    session first runs the default page with the same URL."""
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params.update(params)
    at.run()
    return at.switch_page(page).run()


def go_to(at: AppTest, page: str) -> AppTest:
    """Switch pages the way the browser's navigation does: the query string is dropped."""
    at.query_params.clear()
    return at.switch_page(page).run()


def widget_values(at: AppTest) -> dict[str, object]:
    """Key -> value of every keyed selectbox, multiselect and toggle on the page."""
    widgets = [*at.selectbox, *at.multiselect, *at.toggle]
    return {filter_key(widget.key): widget.value for widget in widgets if widget.key}


def filter_key(widget_key: str) -> str:
    """The URL key of a filter widget (`ui.widget_key` appends a digest of the options)."""
    return widget_key.split("~")[0]


def widget(at: AppTest, key: str):
    """The selectbox or multiselect of the filter with URL key `key`."""
    return next(w for w in [*at.selectbox, *at.multiselect] if w.key and filter_key(w.key) == key)
