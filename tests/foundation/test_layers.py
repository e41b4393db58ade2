"""The import graph of docs/ARCHITECTURE.md, checked on the source (ast): no module of
`xfer_analysis` imports a layer above its own, and the dashboard calls only the view layer,
the chart builders and the data layer (never an analysis directly)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "xfer_analysis"

LAYERS: dict[str, int] = {
    "__init__": 0, "errors": 0,
    "tasks": 1, "resources": 1,
    "results": 2, "metrics": 2, "assets": 2,
    "analysis": 3,
    "claims": 4, "train": 4,
    "questions": 5,
    "views": 6, "charts": 6,
    "cli": 7, "__main__": 8,
}
"""Layer of each top-level module of the package; a module imports only lower layers."""
DASHBOARD_MAY_IMPORT = {"views", "charts", "results", "tasks", "errors"}


def _imports(path: Path) -> set[str]:
    """Top-level `xfer_analysis` modules a file imports (module level or inside functions)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            if parts[0] != "xfer_analysis":
                continue
            if len(parts) > 1:
                found.add(parts[1])
            else:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "xfer_analysis" and len(parts) > 1:
                    found.add(parts[1])
    return found


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE).parts
    return parts[0].removesuffix(".py")


def _names(imported: set[str]) -> set[str]:
    """Imported names that are modules of the package (not `__version__` and the like)."""
    return {name for name in imported if name in LAYERS}


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_imports_a_layer_above_its_own(path: Path) -> None:
    module = _module(path)
    assert module in LAYERS, f"{module} has no layer: add it to LAYERS and ARCHITECTURE.md"
    upward = sorted(name for name in _names(_imports(path))
                    if name != module and LAYERS[name] >= LAYERS[module])
    assert not upward, f"{path.relative_to(ROOT)} ({module}) imports {upward}"


@pytest.mark.parametrize("path", sorted((ROOT / "dashboard").rglob("*.py")),
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_dashboard_calls_only_views_charts_and_data(path: Path) -> None:
    extra = sorted(_names(_imports(path)) - DASHBOARD_MAY_IMPORT)
    assert not extra, f"{path.relative_to(ROOT)} imports {extra}; compute it in xfer_analysis.views"


def test_the_layer_checker_sees_an_upward_import(tmp_path: Path) -> None:
    source = tmp_path / "bad.py"
    source.write_text("from xfer_analysis.views import returns\nimport xfer_analysis.cli.x\n")
    assert _names(_imports(source)) == {"views", "cli"}


def test_architecture_names_every_layer() -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    for module in LAYERS:
        if not module.startswith("__"):
            assert f"xfer_analysis.{module}" in text or f"`{module}`" in text, module
