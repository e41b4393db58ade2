"""Dashboard test fixtures: published data only, or a store holding a synthetic grid."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xfer_analysis import results

DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"
sys.path.insert(0, str(DASHBOARD))  # the app's own modules (`state`, `ui`), as Streamlit sees them

from dashboard_helpers import grid_frame  # noqa: E402


@pytest.fixture
def published_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard sees only the shipped published data."""
    monkeypatch.delenv("XFER_STORE", raising=False)


@pytest.fixture
def grid_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store holding the synthetic grid, exported as XFER_STORE for the app."""
    path = tmp_path / "store" / "results.duckdb"
    path.parent.mkdir(parents=True)
    results.Store(path).add(grid_frame(), origin="synthetic grid (tests)")
    monkeypatch.setenv("XFER_STORE", str(path))
    return path
