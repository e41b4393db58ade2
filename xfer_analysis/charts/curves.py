"""Curves with interval bands and fitted lines (selection curve, gain vs budget)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.charts._data import chart_frame


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
    """Observed points joined by a line with an interval band (where `low`/`high` exist), and
    an optional fitted line (`fitted` from `CurveFits.curve_frame`: x, fitted, ci_low,
    ci_high, model) drawn dashed with its own band."""
    data = chart_frame(points, [x, y])
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    x_enc = alt.X(f"{x}:Q", scale=scale, title=x.replace("_", " "))
    tooltip = [c for c in (x, y, low, high, "ci_note", "n_targets") if c and c in data.columns]
    layers: list[alt.Chart] = []
    if low and high and low in data.columns and data[low].notna().any():
        layers.append(alt.Chart(data).mark_area(opacity=0.25).encode(
            x=x_enc, y=alt.Y(f"{low}:Q", title=y.replace("_", " ")), y2=alt.Y2(f"{high}:Q")))
    layers.append(alt.Chart(data).mark_line(point=True).encode(
        x=x_enc, y=alt.Y(f"{y}:Q", title=y.replace("_", " ")), tooltip=tooltip))
    if fitted is not None:
        fit = chart_frame(fitted, ["x", "fitted", "model"])
        fit_x = alt.X("x:Q", scale=scale, title=x.replace("_", " "))
        if fit["ci_low"].notna().any():
            layers.append(alt.Chart(fit).mark_area(opacity=0.15, color="gray").encode(
                x=fit_x, y="ci_low:Q", y2="ci_high:Q"))
        layers.append(alt.Chart(fit).mark_line(strokeDash=[6, 4], color="gray").encode(
            x=fit_x, y="fitted:Q", tooltip=["model:N", "x:Q", "fitted:Q"]))
    return alt.layer(*layers).properties(title=title or "")
