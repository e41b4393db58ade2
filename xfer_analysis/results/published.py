"""The shipped published data (`data/published/`): results with provenance and the sources table.

`published.csv` holds every number of ../shared/published in the results schema, each row with
its source id, confidence and note; `sources.csv` maps each source id to its citation, location,
confidence and note; `model_params.csv` maps a canonical base model to its parameter count and
source id. All three are produced by scripts/build_published.py.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError
from xfer_analysis.resources import shipped
from xfer_analysis.results.validation import validate

DATA_ENV = "XFER_DATA"
SOURCE_COLUMNS = ("id", "citation", "location", "confidence", "note")
PARAM_COLUMNS = ("base_model", "params", "source", "note")


def data_dir() -> Path:
    """The shipped `data/` folder (`$XFER_DATA` overrides; default: `resources.shipped`)."""
    env = os.environ.get(DATA_ENV)
    return Path(env) if env else shipped("data")


def published_dir() -> Path:
    """`data/published/`."""
    return data_dir() / "published"


_READ: dict[Path, tuple[tuple[int, int], pd.DataFrame]] = {}
"""Shipped CSVs already read, by path, with the (mtime, size) they were read at."""


def _shipped_csv(name: str, what: str, columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One CSV of data/published as text cells (a copy), read from disk once per process and
    again only when the file changes; InputError if unreadable or its header is off."""
    path = published_dir() / name
    try:
        stat = path.stat()
        stamp = (stat.st_mtime_ns, stat.st_size)
        cached = _READ.get(path)
        if cached is None or cached[0] != stamp:
            _READ[path] = (stamp, pd.read_csv(path, dtype=str, keep_default_na=False))
    except OSError as exc:
        raise InputError(f"cannot read the {what}: {exc}", path=str(path)) from None
    df = _READ[path][1].copy()
    if columns is not None and tuple(df.columns) != columns:
        raise InputError(f"expected columns {', '.join(columns)}", path=str(path), line=1)
    return df


def published() -> pd.DataFrame:
    """Every shipped published score, validated, in the results schema."""
    path = published_dir() / "published.csv"
    raw = _shipped_csv("published.csv", "shipped published data")
    raw["_line"] = range(2, len(raw) + 2)
    df = validate(raw, origin=str(path))
    unknown = sorted(set(df["source"]) - set(sources()["id"]))
    if unknown:
        raise InputError(f"source id(s) missing from sources.csv: {', '.join(unknown)}",
                         path=str(path), field="source")
    return with_model_params(df)


def model_params() -> pd.DataFrame:
    """The parameter-count table: canonical base_model, params (a plain count), source, note."""
    path = published_dir() / "model_params.csv"
    df = _shipped_csv("model_params.csv", "parameter-count table", PARAM_COLUMNS)
    known = set(sources()["id"])
    counts = [_param_count(row, path, line, known)
              for line, row in enumerate(df.to_dict("records"), start=2)]
    if df["base_model"].duplicated().any():
        dup = df.loc[df["base_model"].duplicated(), "base_model"].iloc[0]
        raise InputError(f"base model {dup!r} listed twice", path=str(path), field="base_model")
    df["params"] = pd.Series(counts, index=df.index, dtype="float64")
    return df


def _param_count(row: dict[str, str], path: Path, line: int, known_sources: set[str]) -> float:
    """The checked count of one model_params.csv row; InputError naming line and field."""
    def bad(field: str, reason: str) -> InputError:
        return InputError(reason, path=str(path), line=line, field=field)

    try:
        canonical = tasks.base_model_name(row["base_model"])
    except UnknownNameError as exc:
        raise bad("base_model", str(exc)) from None
    if canonical != row["base_model"]:
        raise bad("base_model", f"write the canonical name {canonical!r}")
    try:
        count = float(row["params"])
    except ValueError:
        count = math.nan
    if not (math.isfinite(count) and count > 0):
        raise bad("params", f"{row['params']!r} is not a positive count")
    if row["source"] not in known_sources:
        raise bad("source", f"source id {row['source']!r} is missing from sources.csv")
    return count


def with_model_params(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with empty `model_params` filled from model_params.csv for the base models it lists."""
    missing = df["model_params"].isna()
    if not missing.any():
        return df
    counts = model_params().set_index("base_model")["params"]
    codes, names = pd.factorize(df["base_model"])
    per_name = pd.Series(names).map(counts).to_numpy(dtype="float64")
    filled = np.where(codes >= 0, per_name[codes], np.nan)
    return df.assign(model_params=df["model_params"].where(~missing, filled))


def sources() -> pd.DataFrame:
    """The sources table: id, citation, location, confidence, note."""
    return _shipped_csv("sources.csv", "sources table", SOURCE_COLUMNS)
