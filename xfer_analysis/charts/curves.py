"""Curves with interval bands and fitted lines (selection curve, gain vs budget)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.charts._data import VALUE_FORMAT, axis, chart_frame


def curve(
    points: pd.DataFrame,
    *,
    x: str = "k",
    y: str = "gain",
    low: str | None = "ci_low",
    high: str | None = "ci_high",
    fitted: pd.DataFrame | None = None,
    log_x: bool = False,
    title: str | None = None,
) -> alt.LayerChart:
    """Observed points with an interval band (where `low`/`high` exist), joined by a line
    only where each x has one point (several treatments at one x, e.g. two single tasks, are
    points, never a vertical zig-zag), and an optional fitted line (`fitted` from
    `CurveFits.curve_frame`: x, fitted, ci_low, ci_high, model) drawn dashed with its band."""
    data = chart_frame(points, [x, y])
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    x_axis = axis(data[x], log=log_x)
    x_enc = alt.X(f"{x}:Q", scale=scale, title=x.replace("_", " "), axis=x_axis)
    y_axis = axis(data[y])
    tooltip = [alt.Tooltip(c, format=VALUE_FORMAT) if c in (y, low, high) else alt.Tooltip(c)
               for c in (x, "intermediate", y, low, high, "ci_note", "n_targets", "source")
               if c and c in data.columns]
    layers: list[alt.Chart] = []
    if low and high and low in data.columns and data[low].notna().any():
        layers.append(alt.Chart(data).mark_area(opacity=0.25).encode(
            x=x_enc, y=alt.Y(f"{low}:Q", title=y.replace("_", " "), axis=y_axis),
            y2=alt.Y2(f"{high}:Q")))
    joined = not data[x].duplicated().any()
    mark = alt.Chart(data).mark_line(point=True) if joined else alt.Chart(data).mark_point(
        filled=True, size=60)
    layers.append(mark.encode(
        x=x_enc, y=alt.Y(f"{y}:Q", title=y.replace("_", " "), axis=y_axis), tooltip=tooltip))
    if fitted is not None:
        fit = chart_frame(fitted, ["x", "fitted", "model"])
        fit_x = alt.X("x:Q", scale=scale, title=x.replace("_", " "), axis=x_axis)
        if fit["ci_low"].notna().any():
            layers.append(alt.Chart(fit).mark_area(opacity=0.15, color="gray").encode(
                x=fit_x, y=alt.Y("ci_low:Q", axis=y_axis), y2="ci_high:Q"))
        layers.append(alt.Chart(fit).mark_line(strokeDash=[6, 4], color="gray").encode(
            x=fit_x, y=alt.Y("fitted:Q", axis=y_axis),
            tooltip=["model:N", alt.Tooltip("x:Q", format=",~r"),
                     alt.Tooltip("fitted:Q", format=VALUE_FORMAT)]))
    return alt.layer(*layers).properties(title=title or "")
