"""The shipped published data (`data/published/`): results with provenance and the sources table.

`published.csv` holds every number of ../shared/published in the results schema, each row with
its source id, confidence and note; `sources.csv` maps each source id to its citation, location,
confidence and note. Both are produced by scripts/build_published.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results.schema import validate

DATA_ENV = "XFER_DATA"
SOURCE_COLUMNS = ("id", "citation", "location", "confidence", "note")


def data_dir() -> Path:
    """The shipped `data/` folder (`$XFER_DATA` overrides; default: next to the package)."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[2] / "data"


def published_dir() -> Path:
    """`data/published/`."""
    return data_dir() / "published"


def published() -> pd.DataFrame:
    """Every shipped published score, validated, in the results schema."""
    path = published_dir() / "published.csv"
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read the shipped published data: {exc}", path=str(path)) from None
    raw["_line"] = range(2, len(raw) + 2)
    df = validate(raw, origin=str(path))
    unknown = sorted(set(df["source"]) - set(sources()["id"]))
    if unknown:
        raise InputError(f"source id(s) missing from sources.csv: {', '.join(unknown)}",
                         path=str(path), field="source")
    return df


def sources() -> pd.DataFrame:
    """The sources table: id, citation, location, confidence, note."""
    path = published_dir() / "sources.csv"
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except OSError as exc:
        raise InputError(f"cannot read the sources table: {exc}", path=str(path)) from None
    if tuple(df.columns) != SOURCE_COLUMNS:
        raise InputError(f"expected columns {', '.join(SOURCE_COLUMNS)}", path=str(path), line=1)
    return df
