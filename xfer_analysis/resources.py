"""The folders shipped with the package: `data/` (published results, templates), `configs/`
(runner grids) and `dashboard/` (the Streamlit app).

In a source checkout they sit beside the package, where the top-level layout puts them; a
built wheel carries copies under `xfer_analysis/_shipped/` (see setup.py). Both are found
through `importlib.resources`, so an installed package works from any folder.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from xfer_analysis.errors import XferError

SHIPPED = ("data", "configs", "dashboard")
PACKAGED = "_shipped"
"""Folder inside the installed package that holds the shipped folders (wheel builds)."""


def shipped(name: str) -> Path:
    """The shipped folder `name` (one of `SHIPPED`): the wheel's copy when installed, else the
    checkout's folder beside the package; XferError when neither exists."""
    if name not in SHIPPED:
        raise ValueError(f"not a shipped folder: {name!r} (one of {', '.join(SHIPPED)})")
    package = Path(str(files("xfer_analysis")))
    for candidate in (package / PACKAGED / name, package.parent / name):
        if candidate.is_dir():
            return candidate
    raise XferError(f"the shipped {name}/ folder is missing from {package}; reinstall "
                    "xfer-analysis (pip install xfer-analysis) or run from a source checkout")
