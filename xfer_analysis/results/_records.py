"""Turn reader records (dicts with a line or record label) into a validated results table."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results.scale import infer_file_scale, parse_scale, to_percent
from xfer_analysis.results.schema import COLUMNS, LINE_COLUMN, RECORD_COLUMN, parse_number
from xfer_analysis.results.validation import validate


def apply_run_meta(records: list[dict], run_meta: Mapping[str, object], path: str) -> None:
    """Fill columns named in `run_meta` where a record leaves them absent or empty."""
    bad = [k for k in run_meta if k not in COLUMNS]
    if bad:
        raise InputError(f"unknown run field(s): {', '.join(bad)}", path=path)
    for rec in records:
        for k, v in run_meta.items():
            if v is None:
                continue
            cur = rec.get(k)
            if cur is None or (isinstance(cur, str) and not cur.strip()):
                rec[k] = v


def _label(rec: Mapping[str, object]) -> str:
    line = rec.get(LINE_COLUMN)
    return f"line {line}" if line is not None else f"record {rec.get(RECORD_COLUMN)}"


def normalise_values(records: Sequence[dict], scale: str | None, path: str) -> None:
    """Parse `value` of every record and bring it to 0-100 under the file's scale convention."""
    convention = parse_scale(scale)
    parsed: list[float] = []
    for rec in records:
        raw = rec.get("value")
        try:
            if raw is None:
                raise ValueError
            v = parse_number(raw)
        except (TypeError, ValueError, OverflowError):
            shown = repr(raw) if len(repr(raw)) <= 60 else repr(raw)[:60] + "..."
            raise InputError(
                f"{'' if rec.get(LINE_COLUMN) else _label(rec) + ': '}"
                f"value {shown} is not a number",
                path=path, line=rec.get(LINE_COLUMN), field="value",
            ) from None
        parsed.append(v)
    if convention is None:
        convention = infer_file_scale(parsed, [_label(r) for r in records], path)
        declared = False
    else:
        declared = True
    for rec, v in zip(records, parsed, strict=True):
        rec["value"] = to_percent(
            v, convention, path=path, line=rec.get(LINE_COLUMN),
            record=None if rec.get(LINE_COLUMN) else str(rec.get(RECORD_COLUMN)),
            declared=declared,
        )


def to_table(records: list[dict], path: str, *, allow_empty: bool = False) -> pd.DataFrame:
    """Validate reader records into a results table (line/record labels kept for errors).

    A file without a single result row is an InputError ("no result rows"): an empty import
    is far more often a wrong file than an intended no-op. `allow_empty` is for readers that
    skip rows on purpose and report how many (a grid template with no cell filled in)."""
    if not records:
        if not allow_empty:
            raise no_rows(path)
        return validate(pd.DataFrame({c: [] for c in COLUMNS}), origin=path)
    # object columns: cells reach `validate` as read (pandas' Arrow-backed text would refuse
    # a lone surrogate with a UnicodeEncodeError before validate can name its line)
    return validate(pd.DataFrame(records, dtype=object), origin=path)


def no_rows(path: str) -> InputError:
    """The error for a file that holds no result rows at all."""
    return InputError("no result rows in this file", path=path)


def parse_json(text: str, path: str, line: int | None = None) -> object:
    """`json.loads(text)`, every failure an InputError naming the file (and line): malformed
    JSON, nesting too deep for the parser, integers over Python's 4300-digit limit."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"malformed JSON: {exc.msg}", path=path,
                         line=line if line is not None else exc.lineno) from None
    except RecursionError:
        raise InputError("JSON nested too deeply", path=path, line=line) from None
    except ValueError as exc:  # int() digit limit
        raise InputError(f"unreadable JSON number: {str(exc).split(';')[0]}", path=path,
                         line=line) from None


def check_keys(rec: Mapping[object, object], path: str, *, line: int | None = None,
               label: str = "") -> None:
    """Refuse a record with a field outside the results schema (including the readers' own
    bookkeeping names `_line`/`_record`, which a file must not set)."""
    unknown = [k for k in rec if k not in COLUMNS]
    if unknown:
        names = ", ".join(str(k)[:60] for k in unknown[:5])
        raise InputError(f"{label}unknown field(s) {names}", path=path, line=line)
