"""What one results-file format is: `Format`, an entry of the format registry
(`reading.FORMATS`), and `Peek`, what format detection may look at in a file.

Everything the package and the dashboard know about a format comes from its entry: the
reader (`read`, `results.import_files`), how a file of it is recognised (`detect_format`),
its default ids (`content_ids`) and how the dashboard's upload offers it and bounds its rows.
Adding an importer is the reader module plus one `Format(...)` entry in `reading.FORMATS`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import pandas as pd

from xfer_analysis.errors import InputError

Reader = Callable[..., pd.DataFrame]
"""`reader(path, scale=None, **run_meta) -> DataFrame`: a validated results table."""
Streamer = Callable[..., Iterator[tuple[pd.DataFrame, list[int]]]]
"""`stream(path, scale, *, batch_rows, **run_meta)`: validated batches with their lines."""


def count_lines(content: bytes) -> int:
    """Lines of a text file (a last line without a newline counts)."""
    return content.count(b"\n") + (not content.endswith(b"\n"))


def count_objects(content: bytes) -> int:
    """Opening braces of a JSON text: at least as many as the objects it holds."""
    return content.count(b"{")


class NotFast(Exception):
    """A fast reader cannot read this file exactly as the exact reader would: use that one."""


T = TypeVar("T")


def fast_or_exact(fast: Callable[[], T], exact: Callable[[], T]) -> T:
    """`fast()`, which reads with fast readers; if it fails in any way a file could cause,
    `exact()` (the same with the exact readers), so every error names the line at fault."""
    try:
        return fast()
    except (NotFast, InputError):
        return exact()


@dataclass(frozen=True)
class Format:
    """One results-file format of the registry (`reading.FORMATS`, keyed by `name`)."""

    name: str
    """What `read(path, format=...)`, `xfer import --format` and `df.attrs["format"]` say."""
    read: Reader
    suffixes: tuple[str, ...]
    """Endings of its file names (lower case, with the dot): `.csv`, `.parquet`, `.pq`."""
    names: tuple[str, ...] = ()
    """Whole file names (lower case) that mean this format whatever the content."""
    sniff: Callable[[Peek], bool] | None = None
    """Claims a file with one of `suffixes` by its content; the format without `sniff` is
    what a suffix means when no format's `sniff` claims the file."""
    table: bool = False
    """A plain results table: its rows name their own runs; default `source` file:<digest>."""
    run_prefix: str | None = "file"
    """Prefix of the content-derived default run id; None: the reader names the run itself."""
    upload: str | None = None
    """Its label in the dashboard's upload "File kind" choice (None: not offered). Formats
    sharing a label are one kind, told apart by the file's suffix."""
    stream: Streamer | None = None
    """A batch reader `import_files` streams through (bounded memory); None: read whole."""
    fast_stream: Streamer | None = None
    """A faster `stream` that may refuse a file it cannot read exactly (NotFast, or an
    InputError without the line): `fast_or_exact` then reads it with `stream`."""
    count_rows: Callable[[bytes], int] = count_objects
    """An upper bound on the rows of a file's bytes, found without parsing (0: cannot tell);
    the dashboard refuses an upload over its row limit with it."""
    row_unit: str = "lines"
    """What `count_rows` counts, as the upload refusal says it."""
    check_decoded: Callable[[bytes, int, str], None] | None = None
    """`check_decoded(content, limit, name)` refuses (InputError) a file whose bytes decode to
    more than `limit` bytes, found without decoding it (a compressed format); None: the
    file's own size bounds what it decodes to."""


class Peek:
    """A file as format detection sees it: each view is read once, on first use."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def header(self) -> list[str]:
        """The first line split on commas, cells stripped (a CSV header)."""
        try:
            with self.path.open(encoding="utf-8-sig", errors="replace") as fh:
                line = fh.readline()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}",
                             path=str(self.path)) from None
        return [c.strip() for c in line.strip().split(",")]

    @cached_property
    def json(self) -> object:
        """The parsed JSON content; None when it is not JSON (its reader says why)."""
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError, RecursionError):  # JSON, Unicode and int-digit errors
            return None
