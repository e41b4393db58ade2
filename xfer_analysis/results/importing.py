"""`import_files`: read result files into the store in one transaction, streaming CSV.

A results CSV (any format with a `Format.stream`) is read in batches of BATCH_ROWS rows:
each batch is validated and handed to the store's transaction as Arrow, so memory stays
bounded by a batch (plus DuckDB's own working set) whatever the file size; records repeated
across batches are checked by typed key inside the transaction. A format with a
`Format.fast_stream` (CSV: parsed by Arrow where that provably equals the csv module) is read
with it first; if anything fails, the import runs again with `stream`, whose errors name the
line at fault. Other formats are read whole (`Format.read`) and written the same way. Every
file is read and checked before anything is committed: one bad file leaves the store
unchanged. The files' bytes and the read options are hashed first; an import with the same
hash is recorded in the store, and doing it again costs that hash and one lookup.
"""

from __future__ import annotations

import hashlib
import json
import queue
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import numpy as np

from xfer_analysis.results._arrow import from_frame
from xfer_analysis.results.formats import fast_or_exact
from xfer_analysis.results.reading import (
    FORMATS,
    content_ids,
    file_digest,
    resolve_format,
)
from xfer_analysis.results.store import Part, Store, Written

T = TypeVar("T")

BATCH_ROWS = 65_536
"""Rows of a CSV validated and staged at a time."""


@dataclass
class FileReport:
    """What reading one file gave: rows, format and what was skipped or ignored (and said)."""

    path: str
    format: str
    rows: int = 0
    skipped_empty: int = 0
    skipped_tasks: list[str] = field(default_factory=list)
    ignored_metrics: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """One `import_files` call: per-file reports, the store's counts, and whether the same
    files with the same options had been imported before (then nothing was read)."""

    files: list[FileReport]
    written: Written
    already_imported: bool


def read_ahead(items: Iterator[T]) -> Iterator[T]:
    """`items`, each produced one step ahead in a worker thread: reading and validating the
    next batch (Python, Arrow) overlaps with the store staging this one (DuckDB, which runs
    without the GIL). The worker's exception is raised here, in order; stopping early (the
    store refused a batch) stops the worker and closes `items` in its thread."""
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()
    end = object()

    def put(entry: tuple[object, BaseException | None]) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for item in items:
                if not put((item, None)):
                    return
            put((end, None))
        except BaseException as exc:  # handed over to the consumer, raised there
            put((end, exc))
        finally:
            close = getattr(items, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="xfer-read-ahead", daemon=True)
    worker.start()
    try:
        while True:
            item, error = handoff.get()
            if item is end:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()
        worker.join()


def import_hash(digests: Sequence[tuple[str, str]], scale: str | None, replace: bool,
                run_meta: Mapping[str, object]) -> str:
    """The import's identity: each file's (format, SHA-256) in order and the read options."""
    spec = {"files": list(digests), "scale": scale, "replace": replace,
            "run_meta": {k: str(v) for k, v in sorted(run_meta.items())}}
    return "files:" + hashlib.sha256(json.dumps(spec).encode()).hexdigest()


def import_files(paths: Sequence[str | Path], store: Store, *, format: str | None = None,
                 scale: str | None = None, replace: bool = False,
                 batch_rows: int = BATCH_ROWS, **run_meta: object) -> ImportReport:
    """Read `paths` and add their rows to `store` in one transaction (see the module text);
    `format`, `scale` and `run_meta` as for `read`, `replace` as for `Store.add`."""
    meta = {k: v for k, v in run_meta.items() if v is not None}
    files = [Path(p) for p in paths]
    formats = [resolve_format(p, format) for p in files]
    digests = [(fmt, file_digest(p)) for p, fmt in zip(files, formats, strict=True)]
    content_hash = import_hash(digests, scale, replace, meta)
    reports = [FileReport(str(p), fmt) for p, fmt in zip(files, formats, strict=True)]
    if store.seen(content_hash):
        return ImportReport(reports, Written(0, 0, 0), already_imported=True)

    def parts(fast: bool) -> Iterator[Part]:
        for path, (fmt, digest), report in zip(files, digests, reports, strict=True):
            file_meta = {**content_ids(fmt, digest), **meta}
            fast_stream = FORMATS[fmt].fast_stream if fast else None
            stream = fast_stream or FORMATS[fmt].stream
            if stream is not None:
                report.rows = 0
                where = f"{path} {'row' if fast_stream else 'line'}"
                for table, numbers in stream(path, scale, batch_rows=batch_rows, **file_meta):
                    report.rows += len(table)
                    yield Part(from_frame(table), where, numbers)
                continue
            df = FORMATS[fmt].read(path, scale=scale, **file_meta)
            report.rows = len(df)
            report.skipped_empty = int(df.attrs.get("skipped_empty", 0))
            report.skipped_tasks = list(df.attrs.get("skipped", []))
            report.ignored_metrics = list(df.attrs.get("ignored_metrics", []))
            yield Part(from_frame(df), f"{path} record", np.arange(1, len(df) + 1))

    origin = ";".join(str(p) for p in paths)

    def write(fast: bool) -> Written:
        return store.write(read_ahead(parts(fast)), origin=origin, replace=replace,
                           content_hash=content_hash)

    written = (fast_or_exact(lambda: write(True), lambda: write(False))
               if any(FORMATS[f].fast_stream for f in formats) else write(False))
    return ImportReport(reports, written, already_imported=False)
