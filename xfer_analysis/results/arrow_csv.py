"""Read a results CSV with Arrow's parser where it provably reads what the csv module reads.

`tabular.iter_csv` parses with Python's csv module (strict): exact, and it knows the file line
of every row for error messages, but most of an import's time goes to it. Arrow's parser is
many times faster but laxer (it reads `"x"y` as `xy` where the csv module refuses the file)
and knows no lines. So `arrow_tables` reads a file only when both parsers must agree on it:

- without a quote character, both split on `,` and on `\\r`, `\\n` or `\\r\\n` alike;
- with quotes, `_quotes_well_formed` must vouch for every quote (a vectorised parity check,
  run in a thread beside the parsing), else the csv module must accept the file in strict
  mode (parsing, no rows built);
- a row with another field count than the header, bytes that are not UTF-8 or a header Arrow
  reads differently make Arrow fail.

Anything it cannot read raises `NotFast`: the caller reads the file again with the csv
module, which names the line of the problem. Valid files take the fast path, errors the
exact one.
"""

from __future__ import annotations

import collections
import csv
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from xfer_analysis.results.formats import NotFast
from xfer_analysis.results.schema import WHITESPACE

BLOCK_BYTES = 1 << 20
"""Bytes Arrow parses per block (~6,500 rows of a typical results CSV; larger blocks cost
memory and were not faster here)."""


_QUOTE = 34
_ENDS = np.zeros(256, dtype=bool)
_ENDS[[ord(","), ord("\n"), ord("\r")]] = True  # bytes that end a field
_BOM = b"\xef\xbb\xbf"
QUOTE_BLOCK = 1 << 22
"""Bytes checked at a time by `_quotes_well_formed` (bounds its memory)."""


def _quotes_well_formed(path: Path) -> bool:
    """Whether every quote in the file opens, escapes or closes a quoted field as strict CSV
    has it: then the csv module accepts the file's quoting, and Arrow reads it alike.

    A quote with an even number of quotes before it (outside a quoted field) must open one
    (after the start, `,` or a line end) or be the second of an escaped pair (after `"`);
    one with an odd number (inside) must close it (before `,`, a line end or the end) or
    start an escaped pair (before `"`); the count must end even (nothing left open). A
    quote inside an unquoted field (`x"y`, which the csv module also accepts) fails this
    check, and such a file goes to the csv module's own strict pass. Checked on the quote
    positions, QUOTE_BLOCK bytes at a time."""
    size = path.stat().st_size
    odd = 0  # whether the quotes so far leave a quoted field open
    with path.open("rb") as handle:  # read, not mapped: mapped pages would count as memory
        begin = 3 if handle.read(3) == _BOM else 0
        for start in range(begin, size, QUOTE_BLOCK):
            low = max(start - 1, begin)  # one byte of context on each side of the block
            handle.seek(low)
            window = np.frombuffer(handle.read(min(start + QUOTE_BLOCK + 1, size) - low),
                                   dtype=np.uint8)
            block = window[start - low:start - low + QUOTE_BLOCK]
            at = np.flatnonzero(block == _QUOTE) + (start - low)  # positions in `window`
            if not len(at):
                continue
            inside = (np.arange(len(at)) & 1 ^ odd).astype(bool)  # odd count before it
            before = window[np.maximum(at - 1, 0)]
            after = window[np.minimum(at + 1, len(window) - 1)]
            opens_ok = _ENDS[before] | (before == _QUOTE) | (at + low == begin)
            closes_ok = _ENDS[after] | (after == _QUOTE) | (at + low == size - 1)
            if (~inside & ~opens_ok).any() or (inside & ~closes_ok).any():
                return False
            odd ^= len(at) & 1
    return not odd


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
    reading could differ from the csv module's. The quote check runs in a thread beside
    the parsing, and the last table waits for it: a caller must not act on the earlier
    tables (staging them is fine) before it has them all."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xfer-quote-check") as pool:
        quotes = pool.submit(_quotes_well_formed, path)
        pending: list[pa.RecordBatch] = []
        rows = 0
        for batch in _record_batches(path, header):
            pending.append(batch)
            rows += batch.num_rows
            if batch_rows is not None and rows >= batch_rows:
                yield _finish(pending, header)
                pending, rows = [], 0
        if not quotes.result() and not _strict_csv_accepts(path, field_limit):
            raise NotFast(f"{path}: the csv module refuses it")
    if pending:
        yield _finish(pending, header)


def _record_batches(path: Path, header: list[str]) -> Iterator[pa.RecordBatch]:
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
        yield from reader
    except (pa.ArrowInvalid, UnicodeDecodeError, OSError) as exc:
        raise NotFast(f"{path}: {exc}") from None


def _finish(batches: list[pa.RecordBatch], header: list[str]) -> pa.Table:
    table = pa.Table.from_batches(batches).rename_columns(header)
    blank = _blank(table)
    return table if blank is None else table.filter(pc.invert(blank))
