"""Altair chart builders: pure functions from analysis frames to charts (no I/O, no Streamlit)."""

from xfer_analysis.charts.heatmap import heatmap

__all__ = ["heatmap"]
