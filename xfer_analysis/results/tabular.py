"""Readers for tidy files in the results schema: CSV, grid CSV, Parquet, JSON and JSONL.

A grid CSV is what a person types from a paper table: the columns ``base_model, intermediate,
target_task, language, split, metric, value`` and optionally ``seed, source, note``. Rows with an
empty ``value`` are cells not filled in yet: they are skipped and counted in
``df.attrs["skipped_empty"]`` (the CLI prints the count), so a half-typed template still loads.
In a plain CSV an empty value is an error.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results._records import apply_run_meta, normalise_values, to_table
from xfer_analysis.results.schema import COLUMNS, LINE_COLUMN, RECORD_COLUMN, REQUIRED

GRID_REQUIRED: tuple[str, ...] = (
    "base_model", "intermediate", "target_task", "language", "split", "metric", "value",
)
GRID_OPTIONAL: tuple[str, ...] = ("seed", "source", "note")


def _text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text (byte {exc.start})", path=str(path)) from None


def _csv_records(path: Path) -> tuple[list[str], list[dict]]:
    text = _text(path)
    if "\x00" in text:
        raise InputError("contains NUL bytes; not a CSV text file", path=str(path))
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if not header or all(not h.strip() for h in header):
            raise InputError("empty file: no header line", path=str(path), line=1)
        header = [h.strip() for h in header]
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            raise InputError(f"duplicate column(s) {', '.join(dupes)}", path=str(path), line=1)
        records = []
        for row in reader:
            line = reader.line_num
            if not row or all(not cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                raise InputError(
                    f"{len(row)} fields, but the header has {len(header)}",
                    path=str(path), line=line,
                )
            rec: dict = dict(zip(header, row, strict=True))
            rec[LINE_COLUMN] = line
            records.append(rec)
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", path=str(path), line=reader.line_num) from None
    return header, records


def _check_header(header: list[str], required: tuple[str, ...], allowed: tuple[str, ...],
                  path: Path) -> None:
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(f"missing column(s): {', '.join(missing)}", path=str(path), line=1)
    extra = [c for c in header if c not in allowed]
    if extra:
        raise InputError(
            f"unknown column(s): {', '.join(extra)}; allowed: {', '.join(allowed)}",
            path=str(path), line=1,
        )


def is_grid_header(header: list[str]) -> bool:
    """Whether a CSV header has the grid columns and nothing beyond the grid's optional ones."""
    return set(GRID_REQUIRED) <= set(header) <= set(GRID_REQUIRED + GRID_OPTIONAL)


def read_csv(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A CSV in the results schema (at least the required columns)."""
    header, records = _csv_records(path)
    _check_header(header, tuple(c for c in REQUIRED if c not in run_meta), COLUMNS, path)
    return _finish(records, path, scale, run_meta)


def read_grid(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A grid CSV typed from a paper table; rows with an empty value are skipped and counted."""
    header, records = _csv_records(path)
    _check_header(header, GRID_REQUIRED, GRID_REQUIRED + GRID_OPTIONAL, path)
    filled = [r for r in records if r["value"].strip()]
    skipped = len(records) - len(filled)
    run_meta = {"source": f"grid:{path.name}", "run_id": f"grid:{path.name}", **run_meta}
    df = _finish(filled, path, scale, run_meta)
    df.attrs["skipped_empty"] = skipped
    return df


def _finish(records: list[dict], path: Path, scale: str | None, run_meta: dict) -> pd.DataFrame:
    apply_run_meta(records, run_meta, str(path))
    normalise_values(records, scale, str(path))
    return to_table(records, str(path))


def read_parquet(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A Parquet file in the results schema."""
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(
            f"cannot read Parquet: {type(exc).__name__}: {exc}", path=str(path)
        ) from None
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    for i, rec in enumerate(records):
        rec[RECORD_COLUMN] = i + 1
    _check_keys(records, path, run_meta)
    return _finish(records, path, scale, run_meta)


def _check_keys(records: list[dict], path: Path, run_meta: dict) -> None:
    for rec in records:
        label = "" if LINE_COLUMN in rec else f"record {rec[RECORD_COLUMN]}: "
        unknown = [k for k in rec if k not in COLUMNS and k not in (LINE_COLUMN, RECORD_COLUMN)]
        if unknown:
            raise InputError(
                f"{label}unknown field(s) {', '.join(map(str, unknown))}",
                path=str(path), line=rec.get(LINE_COLUMN),
            )
        for c in REQUIRED:
            if c not in rec and c not in run_meta:
                raise InputError(f"{label}missing field", path=str(path),
                                 line=rec.get(LINE_COLUMN), field=c)


def _json_records(path: Path) -> list[dict]:
    text = _text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if not isinstance(data, list):
        raise InputError("expected a list of result records (or {\"results\": [...]})",
                         path=str(path))
    out = []
    for i, rec in enumerate(data):
        if not isinstance(rec, dict):
            raise InputError(f"record {i + 1}: expected an object, got {type(rec).__name__}",
                             path=str(path))
        out.append({**rec, RECORD_COLUMN: i + 1})
    return out


def _jsonl_records(path: Path) -> list[dict]:
    out = []
    for n, line in enumerate(_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"malformed JSON: {exc.msg}", path=str(path), line=n) from None
        if not isinstance(rec, dict):
            raise InputError(f"expected an object, got {type(rec).__name__}", path=str(path),
                             line=n)
        out.append({**rec, LINE_COLUMN: n})
    return out


def read_json(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A JSON list of result records in the results schema."""
    records = _json_records(path)
    _check_keys(records, path, run_meta)
    return _finish(records, path, scale, run_meta)


def read_jsonl(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """JSON Lines: one result record per line."""
    records = _jsonl_records(path)
    _check_keys(records, path, run_meta)
    return _finish(records, path, scale, run_meta)
