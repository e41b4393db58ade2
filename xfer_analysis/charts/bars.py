"""Per-language bars, coloured by language family, script or resource level."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.analysis.lookup import language_info
from xfer_analysis.charts._data import VALUE_FORMAT, axis, chart_frame
from xfer_analysis.errors import InputError

GROUPINGS = ("family", "script", "resource_level")
CATEGORY_SCHEME = "tableau10"


def language_bars(
    frame: pd.DataFrame,
    *,
    value: str = "gain",
    color_by: str = "family",
    low: str | None = None,
    high: str | None = None,
    title: str | None = None,
) -> alt.LayerChart:
    """One bar per language (e.g. `gains_by_language` rows of one cell), sorted within its
    `color_by` group (family, script or resource level from the registry), with optional
    error bars from `low`/`high`. Bars are never stacked: rows of several sources (a
    `source` column) stand side by side within their language, one bar per row."""
    if color_by not in GROUPINGS:
        raise InputError(f"color_by must be one of {GROUPINGS}", field=color_by)
    data = chart_frame(frame, ["language", value])
    per = ["language", "source"] if "source" in data.columns else ["language"]
    if data.duplicated(per).any():
        raise InputError(f"several rows per {' and '.join(per)}: a bar chart draws one value "
                         "per bar and never adds values that are not parts of a whole",
                         field="language")
    info = {code: language_info(code) for code in data["language"].astype(str).unique()}
    for field in GROUPINGS:
        data[field] = data["language"].astype(str).map(
            lambda c, f=field: getattr(info[c], f) or "unknown")
    order = list(dict.fromkeys(data.sort_values([color_by, "language"])["language"].astype(str)))
    x = alt.X("language:N", sort=order, title="language")
    several = "source" in data.columns and data["source"].nunique() > 1
    offset = {"xOffset": alt.XOffset("source:N")} if several else {}
    tooltip = [alt.Tooltip(c, format=VALUE_FORMAT) if c in (value, low, high) else alt.Tooltip(c)
               for c in ("language", "source", value, low, high, *GROUPINGS, "n_seeds", "rows",
                         "sources") if c and c in data.columns]
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y(f"{value}:Q", title=value.replace("_", " "), stack=None,
                     axis=axis(data[value])),
        color=alt.Color(f"{color_by}:N", scale=alt.Scale(scheme=CATEGORY_SCHEME),
                        title=color_by.replace("_", " ")),
        tooltip=tooltip, **offset,
    )
    layers = [bars]
    if low and high:
        layers.append(alt.Chart(data).mark_errorbar().encode(x=x, y=f"{low}:Q", y2=f"{high}:Q",
                                                             **offset))
    return alt.layer(*layers).properties(title=title or "")
