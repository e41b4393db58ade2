"""The fuzz harness imports its generators (`cases`, `check`) and the dashboard's `state`."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for folder in (HERE, HERE.parents[1] / "dashboard"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))
