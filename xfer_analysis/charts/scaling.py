"""Scaling plots: score, gain or robustness against model size, one line per family."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.charts._data import VALUE_FORMAT, axis, chart_frame

SIZE_AXES = ("log10_params", "size_order")


def size_axis(table: pd.DataFrame) -> str:
    """The x column of a scaling chart: log10 parameters where any row has a count (rows
    without one are left out and named in the title), else the families' size order."""
    return "log10_params" if table["log10_params"].notna().any() else "size_order"


def scaling_chart(
    table: pd.DataFrame,
    *,
    y: str = "score",
    x: str | None = None,
    color: str = "setting",
    title: str | None = None,
) -> alt.Chart:
    """Lines of `y` against size from `analysis.scaling` rows (x: `size_axis` unless given);
    one line per family × `color` × source, tooltips with notes and rows. Rows with no value
    on the x axis are not drawn; the title names their models."""
    data = chart_frame(table, [y, "family", "source", color, *SIZE_AXES])
    x = x or size_axis(data)
    left_out = sorted(set(data.loc[data[x].isna(), "base_model"].astype(str))) \
        if "base_model" in data.columns else []
    data = data[data[x].notna() & data[y].notna()].copy()
    data["series"] = (data["family"].astype(str) + " · " + data[color].astype(str) + " · "
                      + data["source"].astype(str))
    x_title = "log10 parameters" if x == "log10_params" else "size order within family " \
        "(parameter counts unknown)"
    heading = title or ""
    if left_out:
        heading = alt.TitleParams(heading, subtitle=[
            f"not drawn (no parameter count): {', '.join(left_out)}"])
    tooltip = [alt.Tooltip(c, format=VALUE_FORMAT) if c == y else alt.Tooltip(c)
               for c in ("base_model", "setting", "intermediate", "source", y, "params",
                         "worst_language", "note", "rows") if c in data.columns]
    return alt.Chart(data, title=heading).mark_line(point=True).encode(
        x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False), axis=axis(data[x])),
        y=alt.Y(f"{y}:Q", title=y.replace("_", " "), scale=alt.Scale(zero=False),
                axis=axis(data[y])),
        color=alt.Color(f"{color}:N", scale=alt.Scale(scheme="tableau10")),
        detail="series:N",
        tooltip=tooltip,
    )
