"""Altair chart builders: pure functions from analysis frames to charts (no I/O, no Streamlit)."""

from xfer_analysis.charts.bars import language_bars
from xfer_analysis.charts.curves import curve
from xfer_analysis.charts.heatmap import heatmap
from xfer_analysis.charts.scaling import scaling_chart

__all__ = ["curve", "heatmap", "language_bars", "scaling_chart"]
