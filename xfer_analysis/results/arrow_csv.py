"""Read a results CSV with Arrow's parser where it provably reads what the csv module reads.

`tabular.iter_csv` parses with Python's csv module (strict): exact, and it knows the file line
of every row for error messages, but most of an import's time goes to it. Arrow's parser is
many times faster but laxer (it reads `"x"y` as `xy` where the csv module refuses the file)
and knows no lines. So `arrow_tables` reads a file only when both parsers must agree on it:

- without a quote character, both split on `,` and on `\\r`, `\\n` or `\\r\\n` alike;
- with quotes, the csv module first checks the file in strict mode (parsing, no rows built);
- a row with another field count than the header, bytes that are not UTF-8 or a header Arrow
  reads differently make Arrow fail.

Anything it cannot read raises `NotFast`: the caller reads the file again with the csv
module, which names the line of the problem. Valid files take the fast path, errors the
exact one.
"""

from __future__ import annotations

import collections
import csv
import mmap
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from xfer_analysis.results.formats import NotFast
from xfer_analysis.results.schema import WHITESPACE

BLOCK_BYTES = 1 << 20
"""Bytes Arrow parses per block (~6,500 rows of a typical results CSV; larger blocks cost
memory and were not faster here)."""


def _has_quote(path: Path) -> bool:
    if path.stat().st_size == 0:
        return False
    with path.open("rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        return data.find(b'"') >= 0


def _strict_csv_accepts(path: Path, limit: int) -> bool:
    """Whether the csv module (strict, as `tabular` reads) parses the whole file."""
    old = csv.field_size_limit(limit)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            collections.deque(csv.reader(handle, strict=True), maxlen=0)
        return True
    except (csv.Error, UnicodeDecodeError):
        return False
    finally:
        csv.field_size_limit(old)


def _blank(table: pa.Table) -> pa.ChunkedArray | None:
    """Rows whose every cell is whitespace (the csv path skips them); None if there are none.
    Columns are checked one at a time while some row may still be blank."""
    blank = None
    for column in table.columns:
        empty = pc.equal(pc.utf8_trim(column, characters=WHITESPACE), "")
        blank = empty if blank is None else pc.and_(blank, empty)
        if not pc.any(blank).as_py():
            return None
    return blank


def arrow_tables(path: Path, header: list[str], batch_rows: int | None, *,
                 field_limit: int) -> Iterator[pa.Table]:
    """The data rows of a CSV whose (checked) header is `header`, as tables of text columns
    of about `batch_rows` rows (None: one table), blank rows dropped; NotFast if Arrow's
    reading could differ from the csv module's."""
    if _has_quote(path) and not _strict_csv_accepts(path, field_limit):
        raise NotFast(f"{path}: the csv module refuses it")
    text = {name: pa.string() for name in header}
    try:
        reader = pacsv.open_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=BLOCK_BYTES, use_threads=True),
            parse_options=pacsv.ParseOptions(newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types=text, strings_can_be_null=False,
                quoted_strings_can_be_null=False, null_values=[]),
        )
        if [name.strip() for name in reader.schema.names] != header:
            raise NotFast(f"{path}: Arrow reads another header")
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in reader:
            pending.append(batch)
            rows += batch.num_rows
            if batch_rows is not None and rows >= batch_rows:
                yield _finish(pending, header)
                pending, rows = [], 0
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise NotFast(f"{path}: {exc}") from None
    if pending:
        yield _finish(pending, header)


def _finish(batches: list[pa.RecordBatch], header: list[str]) -> pa.Table:
    table = pa.Table.from_batches(batches).rename_columns(header)
    blank = _blank(table)
    return table if blank is None else table.filter(pc.invert(blank))
