"""A grid's ledger: a results CSV that a run appends each finished cell to (and ships in
`data/runs/`), so a rerun on another machine skips what is already there.

Every append validates the new rows, refuses a key that the ledger already holds with other
values, and replaces the file atomically (write a temporary sibling, then rename): a killed
run leaves the previous ledger intact.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd
from filelock import FileLock

from xfer_analysis.results.reading import read
from xfer_analysis.results.schema import COLUMNS, empty_table
from xfer_analysis.results.validation import drop_duplicate_keys, validate


def read_ledger(path: str | Path) -> pd.DataFrame:
    """The ledger's rows (an empty table when the file does not exist yet)."""
    path = Path(path)
    if not path.exists():
        return empty_table()
    return read(path, format="csv", scale="0-100")


def ledger_run_ids(path: str | Path) -> set[str]:
    """Run ids (cell ids) with rows in the ledger."""
    return set(read_ledger(path)["run_id"].unique())


def append_to_ledger(path: str | Path, rows: pd.DataFrame, origin: str) -> int:
    """Add `rows` to the ledger at `path`; returns how many rows were new."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = validate(rows, origin=origin)
    with FileLock(str(path) + ".lock"):
        old = read_ledger(path)
        combined = drop_duplicate_keys(pd.concat([old, new], ignore_index=True), origin=origin)
        added = len(combined) - len(old)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
                combined[list(COLUMNS)].to_csv(f, index=False)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return added
