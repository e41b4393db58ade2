"""`read(path)`: pick the reader for a results file by format name, file name or content."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results import tabular, tools

READERS: dict[str, Callable[..., pd.DataFrame]] = {
    "csv": tabular.read_csv,
    "grid": tabular.read_grid,
    "parquet": tabular.read_parquet,
    "json": tabular.read_json,
    "jsonl": tabular.read_jsonl,
    "jiant": tools.read_jiant,
    "hf": tools.read_hf,
}
FORMATS: tuple[str, ...] = tuple(READERS)
_HF_NAMES = ("all_results.json", "eval_results.json", "test_results.json",
             "predict_results.json")


def detect_format(path: Path) -> str:
    """Guess the format: suffix first, then the file name (jiant/HF), then a peek at the content."""
    name = path.name.lower()
    if name.endswith((".parquet", ".pq")):
        return "parquet"
    if name.endswith(".jsonl"):
        return "jsonl"
    if name == "val_metrics.json":
        return "jiant"
    if name in _HF_NAMES:
        return "hf"
    if name.endswith(".csv"):
        header = _first_line(path)
        return "grid" if tabular.is_grid_header(header) else "csv"
    if name.endswith(".json"):
        return _sniff_json(path)
    raise InputError(f"cannot tell the format from the name; pass one of {', '.join(FORMATS)}",
                     path=str(path))


def _first_line(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", errors="replace") as fh:
            line = fh.readline()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    return [c.strip() for c in line.strip().split(",")]


def _sniff_json(path: Path) -> str:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):  # JSON, Unicode and int-digit errors
        return "json"  # the json reader reports the exact problem
    if isinstance(data, dict) and "aggregated" in data:
        return "jiant"
    if isinstance(data, dict) and "results" not in data and any(
        str(k).startswith(("eval_", "test_", "predict_")) for k in data
    ):
        return "hf"
    return "json"


def read(path: str | Path, format: str | None = None, scale: str | None = None,
         **run_meta: object) -> pd.DataFrame:
    """Read one results file into a validated results table (values on 0-100).

    `format`: one of FORMATS (default: detected); `scale`: "0-1"/"0-100" to declare the
    file's convention (default: the format's convention, or inferred and refused if unclear);
    `run_meta`: columns to fill where the file leaves them empty (run_id, base_model, seed...).
    """
    p = Path(path)
    fmt = resolve_format(p, format)
    ids = content_ids(fmt, file_digest(p))
    df = READERS[fmt](p, scale=scale, **{**ids, **run_meta})
    df.attrs["format"] = fmt
    return df


def resolve_format(path: Path, format: str | None) -> str:
    """The reader format of an existing file: `format` if given (checked), else detected."""
    if path.is_dir():
        raise InputError("is a folder; give result files", path=str(path))
    if not path.exists():
        raise InputError("no such file", path=str(path))
    fmt = format.lower() if format else detect_format(path)
    if fmt not in READERS:
        raise InputError(f"unknown format {format!r}; use one of {', '.join(FORMATS)}",
                         path=str(path))
    return fmt


def file_digest(path: Path) -> str:
    """SHA-256 (hex) of a file's bytes, read in 1 MiB blocks (bounded memory)."""
    sha = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    return sha.hexdigest()


RUN_PREFIX = {"jiant": "jiant", "hf": "hf"}
"""Prefix of a content-derived run id per format (other formats: `file`)."""
TABLE_FORMATS = ("csv", "parquet", "json", "jsonl")


def content_ids(fmt: str, digest: str) -> dict[str, str]:
    """Default run id (and, for plain tables, source) of a file of format `fmt` whose bytes
    hash to `digest` (`file_digest`): the same file read under two spellings of its path gets
    the same ids, so it is stored once. Rows that name their own run id or source keep them.
    (A grid CSV keeps `grid:<name>`: a template filled in over time is one run.)"""
    if fmt == "grid":
        return {}
    ids = {"run_id": f"{RUN_PREFIX.get(fmt, 'file')}:{digest[:12]}"}
    if fmt in TABLE_FORMATS:
        ids["source"] = f"file:{digest[:12]}"
    return ids
