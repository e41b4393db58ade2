"""`read(path)`: pick the reader for a results file by format name, file name or content.

`FORMATS` is the format registry: one `formats.Format` per importer, in detection order.
Reading, detection, default ids, `import_files` and the dashboard's upload all come from it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results import tabular, tools
from xfer_analysis.results.formats import Format, Peek, count_lines

TABLE_UPLOAD = "results table (CSV / Parquet / JSON)"
"""The dashboard's upload kind for plain results tables (chosen among them by suffix)."""

FORMATS: dict[str, Format] = {fmt.name: fmt for fmt in (
    Format("csv", tabular.read_csv, (".csv",), table=True, upload=TABLE_UPLOAD,
           stream=tabular.iter_csv, fast_stream=tabular.iter_csv_fast,
           count_rows=tabular.count_csv_rows),
    Format("grid", tabular.read_grid, (".csv",), sniff=tabular.sniff_grid, run_prefix=None),
    Format("parquet", tabular.read_parquet, (".parquet", ".pq"), table=True,
           upload=TABLE_UPLOAD, count_rows=tabular.count_parquet_rows, row_unit="rows",
           check_decoded=tabular.check_parquet_bytes),
    Format("json", tabular.read_json, (".json",), table=True, upload=TABLE_UPLOAD,
           row_unit="records"),
    Format("jsonl", tabular.read_jsonl, (".jsonl",), table=True, upload=TABLE_UPLOAD,
           count_rows=count_lines),
    Format("jiant", tools.read_jiant, (".json",), names=("val_metrics.json",),
           sniff=tools.sniff_jiant, run_prefix="jiant", upload="jiant val_metrics.json"),
    Format("hf", tools.read_hf, (".json",),
           names=("all_results.json", "eval_results.json", "test_results.json",
                  "predict_results.json"),
           sniff=tools.sniff_hf, run_prefix="hf",
           upload="Hugging Face Trainer all_results.json / eval_results.json"),
)}
"""The format registry: name → `Format`, in detection order (`detect_format`). A new
importer is its reader module plus one entry here; see `formats.Format` for the fields."""


def detect_format(path: Path) -> str:
    """Guess the format: the whole file name (jiant/HF), else its suffix, where formats that
    share a suffix are told apart by a peek at the content (`Format.sniff`)."""
    name = path.name.lower()
    for fmt in FORMATS.values():
        if name in fmt.names:
            return fmt.name
    candidates = [fmt for fmt in FORMATS.values() if name.endswith(fmt.suffixes)]
    peek = Peek(path)
    for fmt in candidates:
        if fmt.sniff is not None and fmt.sniff(peek):
            return fmt.name
    for fmt in candidates:
        if fmt.sniff is None:
            return fmt.name
    raise InputError(f"cannot tell the format from the name; pass one of {', '.join(FORMATS)}",
                     path=str(path))


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
    df = FORMATS[fmt].read(p, scale=scale, **{**ids, **run_meta})
    df.attrs["format"] = fmt
    return df


def resolve_format(path: Path, format: str | None) -> str:
    """The reader format of an existing file: `format` if given (checked), else detected."""
    if path.is_dir():
        raise InputError("is a folder; give result files", path=str(path))
    if not path.exists():
        raise InputError("no such file", path=str(path))
    fmt = format.lower() if format else detect_format(path)
    if fmt not in FORMATS:
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


def content_ids(fmt: str, digest: str) -> dict[str, str]:
    """Default run id (and, for plain tables, source) of a file of format `fmt` whose bytes
    hash to `digest` (`file_digest`): the same file read under two spellings of its path gets
    the same ids, so it is stored once. Rows that name their own run id or source keep them.
    The run id is `Format.run_prefix:<digest>`; a format without a prefix gets none (a grid
    CSV keeps `grid:<name>`: a template filled in over time is one run)."""
    spec = FORMATS[fmt]
    if spec.run_prefix is None:
        return {}
    ids = {"run_id": f"{spec.run_prefix}:{digest[:12]}"}
    if spec.table:
        ids["source"] = f"file:{digest[:12]}"
    return ids
