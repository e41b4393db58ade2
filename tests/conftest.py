"""Shared fixtures: the repository root, the shared/ folder beside it, a throw-away store path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository root (the folder holding pyproject.toml)."""
    return REPO_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`<repo>/../shared`, or `$XFER_SHARED`; skips the test when it is absent."""
    path = Path(os.environ.get("XFER_SHARED", REPO_ROOT.parent / "shared"))
    if not path.is_dir():
        pytest.skip(f"shared data folder not found: {path}")
    return path


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh store path, also exported as XFER_STORE so code under test uses it by default."""
    path = tmp_path / "store" / "results.duckdb"
    monkeypatch.setenv("XFER_STORE", str(path))
    return path
