"""Per-language bars, coloured by language family, script or resource level."""

from __future__ import annotations

import altair as alt
import pandas as pd

from xfer_analysis.analysis.lookup import language_info
from xfer_analysis.charts._data import chart_frame
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
    error bars from `low`/`high`."""
    if color_by not in GROUPINGS:
        raise InputError(f"color_by must be one of {GROUPINGS}", field="color_by")
    data = chart_frame(frame, ["language", value])
    info = {code: language_info(code) for code in data["language"].astype(str).unique()}
    for field in GROUPINGS:
        data[field] = data["language"].astype(str).map(
            lambda c, f=field: getattr(info[c], f) or "unknown")
    order = data.sort_values([color_by, "language"])["language"].astype(str).tolist()
    x = alt.X("language:N", sort=order, title="language")
    tooltip = [c for c in ("language", value, low, high, *GROUPINGS, "n_seeds", "rows",
                           "sources") if c and c in data.columns]
    bars = alt.Chart(data).mark_bar().encode(
        x=x, y=alt.Y(f"{value}:Q", title=value.replace("_", " ")),
        color=alt.Color(f"{color_by}:N", scale=alt.Scale(scheme=CATEGORY_SCHEME),
                        title=color_by.replace("_", " ")),
        tooltip=tooltip,
    )
    layers = [bars]
    if low and high:
        layers.append(alt.Chart(data).mark_errorbar().encode(x=x, y=f"{low}:Q", y2=f"{high}:Q"))
    return alt.layer(*layers).properties(title=title or "")
