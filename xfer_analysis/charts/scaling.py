"""Scaling plots: score, gain or robustness against model size, one line per family."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.charts._data import chart_frame

SIZE_AXES = ("log10_params", "size_order")


def scaling_chart(
    table: pd.DataFrame,
    *,
    y: str = "score",
    x: str | None = None,
    color: str = "setting",
    title: str | None = None,
) -> alt.Chart:
    """Lines of `y` against size from `analysis.scaling` rows: log10 parameters where every
    row has them, else the family's size order (the axis title says which); one line per
    family × `color` × source, tooltips with notes and rows."""
    data = chart_frame(table, [y, "family", "source", color, *SIZE_AXES])
    if x is None:
        x = "log10_params" if data["log10_params"].notna().all() else "size_order"
    data["series"] = (data["family"].astype(str) + " · " + data[color].astype(str) + " · "
                      + data["source"].astype(str))
    x_title = "log10 parameters" if x == "log10_params" else "size order within family " \
        "(parameter counts unknown)"
    tooltip = [c for c in ("base_model", "setting", "intermediate", "source", y, "params",
                           "worst_language", "note", "rows") if c in data.columns]
    return alt.Chart(data, title=title or "").mark_line(point=True).encode(
        x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False)),
        y=alt.Y(f"{y}:Q", title=y.replace("_", " "), scale=alt.Scale(zero=False)),
        color=alt.Color(f"{color}:N", scale=alt.Scale(scheme="tableau10")),
        detail="series:N",
        tooltip=tooltip,
    )
