"""Altair chart builders: pure functions from analysis frames to charts (no I/O, no Streamlit)."""

import altair as alt

from xfer_analysis.charts.bars import language_bars
from xfer_analysis.charts.curves import curve
from xfer_analysis.charts.heatmap import heatmap
from xfer_analysis.charts.scaling import scaling_chart

OFFLINE_RENDERER = "svg"
"""Altair renderer of notebooks: SVG drawn by vl-convert, which bundles Vega; no script is
loaded from a CDN, so charts show in an offline JupyterLab and in the saved file."""


def render_offline() -> None:
    """Make notebooks draw charts as `OFFLINE_RENDERER` output (no network needed)."""
    alt.renderers.enable(OFFLINE_RENDERER)


__all__ = ["OFFLINE_RENDERER", "curve", "heatmap", "language_bars", "render_offline",
           "scaling_chart"]
