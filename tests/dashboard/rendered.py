"""What Vega draws for a chart spec (SVG rendered by vl-convert, the Vega the browser runs),
compared with the table the page shows beside the chart."""

from __future__ import annotations

import json
import re

import pandas as pd
import pyarrow as pa
import vl_convert

GROUP = re.compile(r'<g class="mark-(?P<mark>rect|symbol) role-mark[^"]*"[^>]*>(?P<body>.*?)</g>')
ITEM = re.compile(r'<path aria-label="(?P<label>[^"]*)"[^>]*?d="(?P<d>[^"]*)"')
RECT = re.compile(r"^M(?P<x>-?[\d.e-]+),(?P<y>-?[\d.e-]+)h(?P<w>-?[\d.e-]+)v(?P<h>-?[\d.e-]+)")


def marks(spec: dict | str) -> dict[str, list[tuple[str, str]]]:
    """Mark type -> (aria label, path) of every item of the first group of that type."""
    svg = vl_convert.vegalite_to_svg(spec if isinstance(spec, str) else json.dumps(spec))
    found: dict[str, list[tuple[str, str]]] = {}
    for group in GROUP.finditer(svg):
        items = [(m["label"], m["d"]) for m in ITEM.finditer(group["body"])]
        if items:
            found.setdefault(group["mark"], items)
    return found


def bar_baselines(items: list[tuple[str, str]]) -> set[float]:
    """The y of the end of each bar nearest the zero line: one value when no bar is stacked
    on another (every bar starts at 0)."""
    ends = set()
    for _label, d in items:
        rect = RECT.match(d)
        if rect is None:
            continue
        top, height = float(rect["y"]), float(rect["h"])
        ends.add(round(top + height, 1) if height >= 0 else round(top, 1))
    return ends


def charts_and_tables(node) -> list[tuple[str, object]]:
    """("chart", spec) and ("table", frame) of an AppTest element tree, in page order."""
    out: list[tuple[str, object]] = []
    if node.type == "vega_lite_chart":
        spec = json.loads(node.proto.spec)
        frames = {ds.name: pa.ipc.open_stream(ds.data.data).read_pandas()
                  for ds in node.proto.datasets}
        spec["datasets"] = {name: json.loads(frame.to_json(orient="records"))
                            for name, frame in frames.items()}
        out.append(("chart", spec))
    elif node.type == "dataframe":
        out.append(("table", node.value))
    for child in getattr(node, "children", {}).values():
        out += charts_and_tables(child)
    return out


def check_page(root) -> int:
    """Every chart of a page against the table right after it; the number of charts."""
    items = charts_and_tables(root)
    charts = 0
    for number, (kind, spec) in enumerate(items):
        if kind != "chart":
            continue
        following = next((frame for k, frame in items[number + 1:] if k == "table"), None)
        assert following is not None, "a chart without a table beside it"
        check_chart(spec, following)
        charts += 1
    return charts


def check_chart(spec: dict, table: pd.DataFrame) -> None:
    """Rendered marks of a chart equal the rows of the table beside it: as many marks (bars,
    cells or points) as the table has rows with the encoded fields, every encoded field a
    column of the table, and bars all starting at the zero line (nothing stacked)."""
    layers = spec.get("layer", [spec])
    observed = [layer for layer in layers if "fitted" not in json.dumps(layer.get("encoding"))]
    fields = {enc["field"] for layer in observed for channel, enc in layer.get("encoding", {})
              .items() if channel in ("x", "y", "color", "xOffset") and "field" in enc}
    fields -= {"ci_low", "ci_high", "x"}  # bands and the fitted curve (its own frame)
    assert fields <= set(table.columns), (sorted(fields), list(table.columns))
    drawn = marks(spec)
    kind = "rect" if "rect" in drawn else "symbol"
    assert kind in drawn, f"chart draws no marks: {sorted(drawn)}"
    shown = table.dropna(subset=sorted(fields))
    assert len(drawn[kind]) == len(shown), (len(drawn[kind]), len(shown), sorted(fields))
    is_bar = any(layer.get("mark") in ("bar", {"type": "bar"}) for layer in layers)
    if is_bar:
        assert len(bar_baselines(drawn[kind])) == 1, "bars do not all start at zero"
