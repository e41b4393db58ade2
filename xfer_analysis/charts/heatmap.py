"""Heatmap of a transfer matrix: differences (gains) on a diverging colour-blind-safe scale
centred on 0 with a symmetric domain, absolute scores on a sequential scale over their own
range; cell text, a significance mark and provenance tooltips."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.charts._data import chart_frame, symmetric_limit
from xfer_analysis.errors import InputError

DIVERGING_SCHEME = "blueorange"
SEQUENTIAL_SCHEME = "viridis"
SIGNIFICANCE_MARK = "*"


def _tooltip(data: pd.DataFrame, col: str, number_format: str) -> alt.Tooltip:
    """Tooltip for one column: p-values in 3 significant digits, other floats as the cells."""
    if not pd.api.types.is_float_dtype(data[col]):
        return alt.Tooltip(col)
    return alt.Tooltip(col, format=".3g" if col.startswith("p_") else number_format)


def heatmap(
    matrix: pd.DataFrame,
    *,
    value: str = "gain",
    x: str = "target_task",
    y: str = "intermediate",
    scheme: str | None = None,
    number_format: str = ".1f",
    difference: bool | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """Cells coloured by `value`, value printed in each cell, `*` where `significant` is yes,
    tooltips with interval, p, n and the source rows. A difference (`difference`; default:
    `value` is a gain or a difference) uses a diverging scale on [-m, m] with midpoint 0; an
    absolute score a sequential scale on [min, max] of the cells."""
    needed = [x, y, value]
    data = chart_frame(matrix, needed)
    if data.duplicated([x, y]).any():
        raise InputError(
            f"heatmap has several rows per ({y}, {x}) cell (e.g. a by=('source',) matrix); "
            "draw one source at a time", field="source")
    if difference is None:
        difference = value.endswith("gain") or value == "difference"
    numbers = pd.to_numeric(data[value], errors="coerce")
    if difference:
        limit = symmetric_limit(numbers)
        scale = alt.Scale(scheme=scheme or DIVERGING_SCHEME, domain=[-limit, limit],
                          domainMid=0)
        strong = f"abs(datum['{value}']) > {0.6 * limit!r}"
    else:
        low, high = (float(numbers.min()), float(numbers.max())) if numbers.notna().any() \
            else (0.0, 1.0)
        scale = alt.Scale(scheme=scheme or SEQUENTIAL_SCHEME, domain=[low, high], zero=False)
        strong = f"datum['{value}'] < {low + 0.5 * (high - low)!r}"
    if "significant" in data.columns:
        data["mark"] = (data["significant"] == "yes").map({True: SIGNIFICANCE_MARK, False: ""})
    else:
        data["mark"] = ""
    tooltip_cols = [c for c in (y, x, "metric", value, "ci_low", "ci_high", "ci_note",
                                "p_value", "p_adjusted", "significant", "n_seeds",
                                "n_languages", "rows", "sources") if c in data.columns]
    tooltips = [_tooltip(data, c, number_format) for c in tooltip_cols]
    base = alt.Chart(data, title=title or "").encode(
        x=alt.X(f"{x}:N", title=x.replace("_", " ")),
        y=alt.Y(f"{y}:N", title=y.replace("_", " ")),
    )
    cells = base.mark_rect().encode(
        color=alt.Color(
            f"{value}:Q",
            scale=scale,
            title=value.replace("_", " "),
            legend=alt.Legend(format=number_format),
        ),
        tooltip=tooltips,
    )
    text = base.mark_text(baseline="middle").encode(
        text=alt.Text(f"{value}:Q", format=number_format),
        color=alt.condition(strong, alt.value("white"), alt.value("black")),
        tooltip=tooltips,
    )
    marks = base.mark_text(baseline="middle", dx=18, fontWeight="bold").encode(
        text=alt.Text("mark:N"),
        color=alt.condition(strong, alt.value("white"), alt.value("black")),
    )
    return alt.layer(cells, text, marks)
