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
from pathlib import Path

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results._records import (
    apply_run_meta,
    check_keys,
    no_rows,
    normalise_values,
    parse_json,
    to_table,
)
from xfer_analysis.results.schema import COLUMNS, LINE_COLUMN, RECORD_COLUMN, REQUIRED

GRID_REQUIRED: tuple[str, ...] = (
    "base_model", "intermediate", "target_task", "language", "split", "metric", "value",
)
GRID_OPTIONAL: tuple[str, ...] = ("seed", "source", "note")
CSV_FIELD_LIMIT = 2**31 - 1
"""Longest CSV field read (the csv module's default, 128 KiB, refuses long notes that
`xfer results` itself writes)."""


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
    limit = csv.field_size_limit(CSV_FIELD_LIMIT)  # a long note is valid; the file size bounds it
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
    finally:
        csv.field_size_limit(limit)
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
    if not records:
        raise no_rows(str(path))
    filled = [r for r in records if r["value"].strip()]
    skipped = len(records) - len(filled)
    run_meta = {"source": f"grid:{path.name}", "run_id": f"grid:{path.name}", **run_meta}
    df = _finish(filled, path, scale, run_meta, allow_empty=True)
    df.attrs["skipped_empty"] = skipped
    return df


def _finish(records: list[dict], path: Path, scale: str | None, run_meta: dict, *,
            allow_empty: bool = False) -> pd.DataFrame:
    apply_run_meta(records, run_meta, str(path))
    normalise_values(records, scale, str(path))
    return to_table(records, str(path), allow_empty=allow_empty)


def read_parquet(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A Parquet file in the results schema (columns checked before any row is read)."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
        names = parquet.schema_arrow.names
        check_keys(dict.fromkeys(names), str(path))
        _check_required(names, path, run_meta)
        if parquet.metadata.num_rows == 0:
            raise no_rows(str(path))
        df = parquet.read().to_pandas()
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(
            f"cannot read Parquet: {type(exc).__name__}: {str(exc)[:200]}", path=str(path)
        ) from None
    records = df.astype(object).where(df.notna(), None).to_dict("records")
    for i, rec in enumerate(records):
        rec[RECORD_COLUMN] = i + 1
    return _finish(records, path, scale, run_meta)


def _check_required(names: object, path: Path, run_meta: dict, *, line: int | None = None,
                    label: str = "") -> None:
    for c in REQUIRED:
        if c not in names and c not in run_meta:
            raise InputError(f"{label}missing field", path=str(path), line=line, field=c)


def _json_records(path: Path, run_meta: dict) -> list[dict]:
    data = parse_json(_text(path), str(path))
    if isinstance(data, dict) and "results" in data:
        data = data["results"]
    if not isinstance(data, list):
        raise InputError("expected a list of result records (or {\"results\": [...]})",
                         path=str(path))
    out = []
    for i, rec in enumerate(data):
        label = f"record {i + 1}: "
        if not isinstance(rec, dict):
            raise InputError(f"{label}expected an object, got {type(rec).__name__}",
                             path=str(path))
        check_keys(rec, str(path), label=label)
        _check_required(rec, path, run_meta, label=label)
        out.append({**rec, RECORD_COLUMN: i + 1})
    return out


def _jsonl_records(path: Path, run_meta: dict) -> list[dict]:
    out = []
    # JSON Lines ends a record at \n only: U+2028, form feed and the like are text in a string
    for n, line in enumerate(_text(path).split("\n"), start=1):
        if not line.strip(" \t\r"):
            continue
        rec = parse_json(line, str(path), line=n)
        if not isinstance(rec, dict):
            raise InputError(f"expected an object, got {type(rec).__name__}", path=str(path),
                             line=n)
        check_keys(rec, str(path), line=n)
        _check_required(rec, path, run_meta, line=n)
        out.append({**rec, LINE_COLUMN: n})
    return out


def read_json(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A JSON list of result records in the results schema."""
    return _finish(_json_records(path, run_meta), path, scale, run_meta)


def read_jsonl(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """JSON Lines: one result record per line."""
    return _finish(_jsonl_records(path, run_meta), path, scale, run_meta)
