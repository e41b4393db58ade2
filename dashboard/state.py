"""Dashboard state without Streamlit: URL query-param codec, cache keys, upload checks and
the data a chart embeds (its CSV export). Plain Python, so it is tested without an app."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from xfer_analysis import results
from xfer_analysis.errors import InputError

MULTI_SEPARATOR = ","
KEY_SEPARATOR = "~"
"""Between a filter's URL key and the digest of its options in the widget's session key."""


def upload_kinds() -> dict[str, str | None]:
    """The upload widget's file kinds, from the format registry (`results.FORMATS`, each
    format's `upload` label, in registry order): label → the format it reads, or None for a
    kind of several formats, decided by the file suffix (`upload_formats`)."""
    kinds: dict[str, list[str]] = {}
    for fmt in results.FORMATS.values():
        if fmt.upload is not None:
            kinds.setdefault(fmt.upload, []).append(fmt.name)
    shared = [label for label, names in kinds.items() if len(names) > 1]
    if len(shared) > 1:
        raise ValueError(f"upload kinds {shared} each hold several formats; at most one may")
    return {label: names[0] if len(names) == 1 else None for label, names in kinds.items()}


def upload_formats() -> dict[str, str]:
    """The `results.read` format each file suffix means for the kind decided by suffix."""
    shared = [label for label, name in upload_kinds().items() if name is None]
    return {suffix: fmt.name for fmt in results.FORMATS.values()
            if fmt.upload is not None and fmt.upload in shared for suffix in fmt.suffixes}


def upload_suffixes() -> list[str]:
    """Every file suffix some upload kind reads, without the dot (the uploader's `type`)."""
    return sorted({suffix.lstrip(".") for fmt in results.FORMATS.values()
                   if fmt.upload is not None for suffix in fmt.suffixes})


MAX_UPLOAD_ROWS = 500_000
"""Most result rows an upload may hold; counted before the file is parsed (Parquet: from its
footer; CSV/JSONL: lines; JSON: objects), so a small file that expands to millions of rows is
refused before it costs memory. Larger tables go through `xfer import` into a store."""
MAX_NAME_BYTES = 255
"""Longest upload file name, in UTF-8 bytes (what a file system allows for one name)."""

def _raw(params: Mapping[str, Any], key: str) -> str | None:
    """One query-param value as a string (the last one if the URL repeats the key)."""
    value = params.get(key)
    if isinstance(value, list | tuple):
        value = value[-1] if value else None
    return None if value is None else str(value)


def parse_choice(params: Mapping[str, Any], key: str, options: Sequence[Any], default: Any = None):
    """The option named by the URL param `key`, else `default`, else the first option.

    Options are compared as strings, so numeric options survive the round trip through a URL.
    An unknown value in the URL (a stale or hand-edited link) falls back instead of failing.
    """
    if not options:
        return None
    raw = _raw(params, key)
    by_text = {str(option): option for option in options}
    if raw is not None and raw in by_text:
        return by_text[raw]
    return default if default in list(options) else options[0]


def parse_multi(
    params: Mapping[str, Any], key: str, options: Sequence[Any], default: Sequence[Any] = ()
) -> list:
    """The known options listed (comma-separated) in URL param `key`, else `default`."""
    raw = _raw(params, key)
    by_text = {str(option): option for option in options}
    if raw is None:
        return [value for value in default if value in by_text.values()]
    if raw == "":
        return []
    return [by_text[part] for part in raw.split(MULTI_SEPARATOR) if part in by_text]


def encode(value: Any) -> str:
    """A widget value as one URL param string (lists comma-separated, booleans as 0/1)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list | tuple):
        return MULTI_SEPARATOR.join(str(item) for item in value)
    return str(value)


def parse_flag(params: Mapping[str, Any], key: str, default: bool = False) -> bool:
    """A boolean URL param written by `encode` ("1"/"0"); anything else gives `default`."""
    raw = _raw(params, key)
    return {"1": True, "0": False}.get(raw, default) if raw is not None else default


def digest(*parts: bytes | str) -> str:
    """A short SHA-256 hex digest of the given parts, in order (a cache key)."""
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        sha.update(len(data).to_bytes(8, "little"))
        sha.update(data)
    return sha.hexdigest()[:20]


def path_fingerprint(path: str | os.PathLike[str]) -> str:
    """A cheap fingerprint of a file or directory tree: names, sizes and modification times.

    Computed on every rerun, so it must not read file contents; any write to the store
    changes a size or a modification time and therefore the key.
    """
    root = Path(path)
    if not root.exists():
        return digest("missing", str(root.resolve()))
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    parts = [str(root.resolve())]
    for file in files:
        stat = file.stat()
        parts.append(f"{file.relative_to(root) if file != root else file.name}"
                     f":{stat.st_size}:{stat.st_mtime_ns}")
    return digest(*parts)


def upload_format(filename: str, kind: str | None) -> str:
    """The `results.read` format for an uploaded file: the declared kind (a format of
    `upload_kinds`), else its suffix (`upload_formats`).

    Raises InputError for a suffix that is not a data format (uploads are never unpickled
    or executed: only CSV, Parquet and JSON text are read).
    """
    if kind is not None:
        suffixes = results.FORMATS[kind].suffixes
        if not filename.lower().endswith(suffixes):
            raise InputError(f"a {kind} results file must be a {' or '.join(suffixes)} file",
                             path=filename)
        return kind
    by_suffix = upload_formats()
    suffix = Path(filename).suffix.lower()
    if suffix not in by_suffix:
        allowed = ", ".join(sorted(by_suffix))
        raise InputError(f"unsupported file type {suffix or '(none)'!r}; use one of {allowed}",
                         path=filename)
    return by_suffix[suffix]


def check_size(filename: str, size: int, limit_mb: int) -> None:
    """Refuse an upload larger than `limit_mb` megabytes with an InputError naming the file."""
    if size > limit_mb * 1024 * 1024:
        raise InputError(f"file is {size / 1024 / 1024:.1f} MB; the limit is {limit_mb} MB",
                         path=filename)


def check_name(filename: str) -> str:
    """The base name of an upload, refused (InputError) when empty, not encodable or over
    MAX_NAME_BYTES."""
    name = Path(filename).name
    try:
        size = len(name.encode("utf-8"))
    except UnicodeEncodeError:
        raise InputError("the file name is not valid Unicode text", path=repr(filename)) from None
    if not name or size > MAX_NAME_BYTES:
        raise InputError(f"the file name is {size} bytes long; the limit is {MAX_NAME_BYTES}",
                         path=name[:80] + ("..." if len(name) > 80 else ""))
    return name


def count_rows(content: bytes, fmt: str) -> int:
    """An upper bound on the rows a file of format `fmt` holds, found without parsing it
    (`Format.count_rows`: Parquet's footer, lines for CSV and JSONL, objects for JSON); 0 if it
    cannot be told (the reader then reports the broken file)."""
    return results.FORMATS[fmt].count_rows(content)


def check_rows(filename: str, content: bytes, fmt: str, limit: int = MAX_UPLOAD_ROWS) -> None:
    """Refuse an upload that holds more than `limit` rows (`count_rows`) before it is parsed."""
    rows = count_rows(content, fmt)
    if rows > limit:
        raise InputError(f"holds {rows:,} {results.FORMATS[fmt].row_unit}; an upload may hold "
                         f"at most {limit:,} (import larger tables with `xfer import` into a "
                         "store)", path=filename)


def read_upload(
    filename: str, content: bytes, kind: str | None, run_meta: Mapping[str, Any] | None = None,
    *, limit_mb: int,
) -> pd.DataFrame:
    """Read an uploaded file through `results.read` (which validates it) without keeping it.

    The bytes go to a private temporary directory that is removed afterwards; nothing reaches
    a store here. Raises InputError (naming the file) for any unreadable or invalid upload,
    and for one over the row cap or decoding to more than `limit_mb` of data
    (`Format.check_decoded`: Parquet).
    """
    filename = check_name(filename)
    check_size(filename, len(content), limit_mb)
    fmt = upload_format(filename, kind)
    check_rows(filename, content, fmt)
    check_decoded = results.FORMATS[fmt].check_decoded
    if check_decoded is not None:  # a small file that may decode to far more than its bytes
        check_decoded(content, limit_mb * 2**20, filename)
    with tempfile.TemporaryDirectory(prefix="xfer-upload-") as tmp:
        path = Path(tmp) / filename
        path.write_bytes(content)
        try:
            return results.read(path, format=fmt, **dict(run_meta or {}))
        except InputError as exc:
            raise InputError(exc.reason, path=filename, line=exc.line, field=exc.field) from exc


def chart_data(spec: Mapping[str, Any]) -> dict[str, pd.DataFrame]:
    """Every dataset embedded in a Vega-Lite spec, as tables numbered in spec order.

    The CSV export of a chart is built from these, so it is exactly the data the chart draws.
    """
    frames: list[pd.DataFrame] = [pd.DataFrame(rows) for rows in spec.get("datasets", {}).values()]
    inline = spec.get("data", {})
    if isinstance(inline, Mapping) and "values" in inline:
        frames.append(pd.DataFrame(inline["values"]))
    return {str(number): frame for number, frame in enumerate(frames, start=1)}
