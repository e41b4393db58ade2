"""The saved notebooks draw their charts offline and call only the view layer (issue 11):
no output loads a script from a CDN (offline JupyterLab showed "Error loading script"), every
chart is an SVG drawn by vl-convert, and the cells call `views`/`charts`, never an analysis."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).resolve().parents[2] / "notebooks").glob("*.ipynb"))
REMOTE_SCRIPT = re.compile(r"<script[^>]+src=[\"']?https?://|cdn\.jsdelivr|unpkg\.com|requirejs")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_output_loads_a_script_from_the_network(path: Path) -> None:
    for cell in _cells(path):
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            assert not REMOTE_SCRIPT.search(text), f"{path.name}: {text[:200]}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_chart_is_an_inline_svg(path: Path) -> None:
    charts = 0
    for cell in _cells(path):
        source = "".join(cell.get("source", ""))
        if cell["cell_type"] != "code" or "charts." not in source or "render_offline" in source:
            continue
        data = [output.get("data", {}) for output in cell.get("outputs", [])]
        drawn = [d for d in data if "image/svg+xml" in d]
        said = [d for d in data if "text/plain" in d and "image/svg+xml" not in d]
        assert drawn or said, f"{path.name}: a chart cell with no output"
        charts += len(drawn)
        for d in drawn:
            assert "<svg" in "".join(d["image/svg+xml"])
    assert charts or path.name.startswith(("rq_a", "rq_b", "rq_d")), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebooks_call_the_view_layer_only(path: Path) -> None:
    code = "".join("".join(c["source"]) for c in _cells(path) if c["cell_type"] == "code")
    assert "charts.render_offline()" in code
    imported = set(re.findall(r"from xfer_analysis import ([\w, ]+)", code))
    names = {name.strip() for line in imported for name in line.split(",")}
    assert names <= {"charts", "views", "results"}, names
