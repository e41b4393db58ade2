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
    """`<repo>/../shared`, or `$XFER_SHARED`.

    Absent on a developer's machine, the tests that need it skip; under CI (`CI` set) shared/ is
    always checked out beside the repo, so its absence fails them instead of hiding the
    conformance checks behind a skip.
    """
    path = Path(os.environ.get("XFER_SHARED", REPO_ROOT.parent / "shared"))
    if not path.is_dir():
        message = f"shared data folder not found: {path} (set XFER_SHARED)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def tmp_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh store path, also exported as XFER_STORE so code under test uses it by default."""
    path = tmp_path / "store" / "results.duckdb"
    monkeypatch.setenv("XFER_STORE", str(path))
    return path
