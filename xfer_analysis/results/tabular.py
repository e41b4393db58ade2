"""Readers for tidy files in the results schema: CSV, grid CSV, Parquet, JSON and JSONL.

A grid CSV is what a person types from a paper table: the columns ``base_model, intermediate,
target_task, language, split, metric, value`` and optionally ``seed, source, note``. Rows with an
empty ``value`` are cells not filled in yet: they are skipped and counted in
``df.attrs["skipped_empty"]`` (the CLI prints the count), so a half-typed template still loads.
In a plain CSV an empty value is an error.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xfer_analysis.errors import InputError
from xfer_analysis.results._records import (
    ValueScale,
    apply_run_meta,
    check_keys,
    no_rows,
    parse_json,
    records_frame,
    to_table,
)
from xfer_analysis.results.arrow_csv import arrow_tables
from xfer_analysis.results.formats import NotFast, Peek, count_lines, fast_or_exact
from xfer_analysis.results.schema import COLUMNS, LINE_COLUMN, RECORD_COLUMN, REQUIRED
from xfer_analysis.results.validation import drop_duplicate_keys, validate, validate_rows

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


class _CsvFile:
    """A CSV file read row by row (never whole into memory): its checked header, then batches
    of (file line numbers, rows), blank rows skipped, every problem an InputError."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=str(path)) from None
        self._reader = csv.reader(self._handle, strict=True)
        self._limit = csv.field_size_limit(CSV_FIELD_LIMIT)  # a long note is valid
        try:
            header = self._next()
        except BaseException:
            self.close()
            raise
        if not header or all(not h.strip() for h in header):
            self.close()
            raise InputError("empty file: no header line", path=str(path), line=1)
        self.header = [h.strip() for h in header]
        dupes = sorted({h for h in self.header if self.header.count(h) > 1})
        if dupes:
            self.close()
            raise InputError(f"duplicate column(s) {', '.join(dupes)}", path=str(path), line=1)

    def _next(self) -> list[str] | None:
        try:
            return next(self._reader, None)
        except csv.Error as exc:
            raise InputError(f"malformed CSV: {exc}", path=str(self.path),
                             line=self._reader.line_num) from None
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", path=str(self.path),
                             line=self._reader.line_num + 1) from None

    def batches(self, size: int | None) -> Iterator[tuple[list[int], list[list[str]]]]:
        """(lines, rows) of up to `size` rows at a time (None: all rows in one batch); a row's
        line is the one it starts on."""
        width = len(self.header)
        lines: list[int] = []
        rows: list[list[str]] = []
        reader = self._reader
        while True:
            line = reader.line_num + 1  # where the row starts (a quoted field may span lines)
            if (row := self._next()) is None:
                break
            if not "".join(row).strip():  # a blank row (or a row of blank cells)
                continue
            if len(row) != width:
                raise InputError(f"{len(row)} fields, but the header has {width}",
                                 path=str(self.path), line=line)
            lines.append(line)
            rows.append(row)
            if size is not None and len(rows) >= size:
                yield lines, rows
                lines, rows = [], []
        if rows:
            yield lines, rows

    def close(self) -> None:
        csv.field_size_limit(self._limit)
        self._handle.close()

    def __enter__(self) -> _CsvFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _batch_table(header: list[str], lines: list[int], rows: list[list[str]], path: Path,
                 run_meta: dict, values: ValueScale) -> tuple[pd.DataFrame, list[int]]:
    """One batch of CSV rows validated: the table and the file line of each of its rows."""
    # every row has the header's width; decoded UTF-8 holds no lone surrogate, so the cells
    # can live in Arrow-backed text columns (factorised and parsed in C by `validate`)
    columns = map(list, zip(*rows, strict=True))
    frame = pd.DataFrame({name: pd.Series(column, dtype="str")
                          for name, column in zip(header, columns, strict=True)})
    frame[LINE_COLUMN] = lines
    table, kept = _validated(frame, path, run_meta, values)
    return table, [lines[i] for i in kept]


def _validated(frame: pd.DataFrame, path: Path, run_meta: dict, values: ValueScale, *,
               repeats: bool = True) -> tuple[pd.DataFrame, np.ndarray]:
    apply_run_meta(frame, run_meta, str(path))
    values.apply(frame)
    return validate_rows(frame, origin=str(path), repeats=repeats)


def iter_csv(path: Path, scale: str | None = None, *, batch_rows: int | None = None,
             **run_meta: object) -> Iterator[tuple[pd.DataFrame, list[int]]]:
    """A results-schema CSV as validated batches of up to `batch_rows` rows (None: one batch),
    each with the file line of every row. Records repeated across batches are left to the
    caller (the store checks them by key); the scale of the whole file is checked last."""
    with _CsvFile(path) as csv_file:
        _check_results_header(csv_file.header, run_meta, path)
        values = ValueScale(scale, str(path))
        empty = True
        for lines, rows in csv_file.batches(batch_rows):
            empty = False
            yield _batch_table(csv_file.header, lines, rows, path, dict(run_meta), values)
        if empty:
            raise no_rows(str(path))
        values.finish()


def iter_csv_fast(path: Path, scale: str | None = None, *, batch_rows: int | None = None,
                  **run_meta: object) -> Iterator[tuple[pd.DataFrame, np.ndarray]]:
    """`iter_csv` parsed by Arrow (`arrow_csv`): validated batches, each with the 1-based
    ordinal of every row among the file's data rows (not its line); records that share a
    key are left to the caller even within a batch. Raises NotFast or an
    InputError without a line; either way, read the file with `iter_csv` for the exact error
    (`formats.fast_or_exact`)."""
    with _CsvFile(path) as csv_file:
        header = csv_file.header
    _check_results_header(header, run_meta, path)
    values = ValueScale(scale, str(path))
    seen = 0
    for table in arrow_tables(path, header, batch_rows, field_limit=CSV_FIELD_LIMIT):
        frame = table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)
        validated, kept = _validated(frame, path, dict(run_meta), values, repeats=False)
        yield validated, seen + 1 + kept
        seen += len(frame)
    if not seen:
        raise NotFast(f"{path}: no data rows")
    values.finish()


def _check_results_header(header: list[str], run_meta: dict, path: Path) -> None:
    """A results CSV's header: the REQUIRED columns `run_meta` does not fill, within COLUMNS."""
    _check_header(header, tuple(c for c in REQUIRED if c not in run_meta), COLUMNS, path)


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


def sniff_grid(peek: Peek) -> bool:
    """Whether a CSV file is a grid CSV (by its header)."""
    return is_grid_header(peek.header)


def count_csv_rows(content: bytes) -> int:
    """Lines of a CSV file less its header (quoted newlines only make this larger)."""
    return count_lines(content) - 1


def count_parquet_rows(content: bytes) -> int:
    """A Parquet file's row count from its footer; 0 if the footer cannot be read."""
    import pyarrow.parquet as pq

    try:
        return pq.ParquetFile(pa.BufferReader(content)).metadata.num_rows
    except (pa.ArrowException, OSError, ValueError):
        return 0


def read_csv(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A CSV in the results schema (at least the required columns)."""
    def read(batches: Callable[..., Iterator[tuple[pd.DataFrame, object]]]) -> pd.DataFrame:
        ((table, _),) = batches(path, scale, **run_meta)
        return drop_duplicate_keys(table, str(path))

    return fast_or_exact(lambda: read(iter_csv_fast), lambda: read(iter_csv))


def read_grid(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A grid CSV typed from a paper table; rows with an empty value are skipped and counted."""
    with _CsvFile(path) as csv_file:
        _check_header(csv_file.header, GRID_REQUIRED, GRID_REQUIRED + GRID_OPTIONAL, path)
        ((lines, rows),) = list(csv_file.batches(None)) or [([], [])]
    if not rows:
        raise no_rows(str(path))
    at = csv_file.header.index("value")
    filled = [i for i, row in enumerate(rows) if row[at].strip()]
    run_meta = {"source": f"grid:{path.name}", "run_id": f"grid:{path.name}", **run_meta}
    if filled:
        values = ValueScale(scale, str(path))
        df, _ = _batch_table(csv_file.header, [lines[i] for i in filled],
                             [rows[i] for i in filled], path, run_meta, values)
        values.finish()
    else:
        df = to_table([], str(path), allow_empty=True)
    df.attrs["skipped_empty"] = len(rows) - len(filled)
    return df


def _finish(records: list[dict], path: Path, scale: str | None, run_meta: dict
            ) -> pd.DataFrame:
    if not records:
        raise no_rows(str(path))
    frame = records_frame(records)
    apply_run_meta(frame, run_meta, str(path))
    values = ValueScale(scale, str(path))
    values.apply(frame)
    values.finish()
    return validate(frame, origin=str(path))


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
        table = parquet.read()
        table.validate(full=True)  # Parquet pages carry no checksum: text may not be UTF-8
        df = table.to_pandas()
        records = df.astype(object).where(df.notna(), None).to_dict("records")
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(
            f"cannot read Parquet: {type(exc).__name__}: {str(exc)[:200]}", path=str(path)
        ) from None
    for i, rec in enumerate(records):
        rec[RECORD_COLUMN] = i + 1
    return _finish(records, path, scale, run_meta)


def check_parquet_bytes(content: bytes, limit: int, name: str) -> None:
    """`check_parquet_text` of a Parquet file's bytes (the Parquet `Format.check_decoded`)."""
    check_parquet_text(pa.BufferReader(content), limit, name)


def check_parquet_text(source: object, limit: int, name: str) -> None:
    """Refuse (InputError naming `name`) a Parquet file (a path or a pyarrow buffer) that
    decodes to more than `limit` bytes, found before its rows are decoded: the footer's
    uncompressed page sizes must fit (a compression bomb shows there); then the text columns
    are read as dictionaries, one row group at a time, and every row's text length summed (a
    dictionary bomb, one long string referenced by every row, shows there)."""
    import pyarrow.parquet as pq

    def refuse(what: str, size: int) -> InputError:
        return InputError(f"{what} {size:,} bytes, more than the {limit:,} allowed here; "
                          "import large tables with `xfer import` into a store", path=name)

    try:
        parquet = pq.ParquetFile(source)
        meta = parquet.metadata
        text = [f.name for f in parquet.schema_arrow
                if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        pages = {c: 0 for c in range(meta.num_columns)}
        for g in range(meta.num_row_groups):
            for c in pages:
                pages[c] += meta.row_group(g).column(c).total_uncompressed_size
        if sum(pages.values()) > limit:
            raise refuse("its pages hold", sum(pages.values()))
        names = [meta.schema.column(c).path for c in pages]
        size = sum(n for c, n in pages.items() if names[c] not in text)
        parquet = pq.ParquetFile(source, read_dictionary=text)
        for group in range(meta.num_row_groups) if text else ():
            for column in parquet.read_row_group(group, columns=text).columns:
                for chunk in column.chunks:
                    size += pc.sum(pc.binary_length(chunk.dictionary).take(chunk.indices)
                                   ).as_py() or 0
                    if size > limit:
                        raise refuse("it decodes to at least", size)
    except InputError:
        raise
    except Exception as exc:  # pyarrow raises many types for corrupt files
        raise InputError(f"cannot read Parquet: {type(exc).__name__}: {str(exc)[:200]}",
                         path=name) from None


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
