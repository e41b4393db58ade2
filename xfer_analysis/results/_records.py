"""Turn reader records (dicts with a line or record label) into a validated results table."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from xfer_analysis.errors import InputError
from xfer_analysis.results.scale import infer_file_scale, parse_scale, to_percent
from xfer_analysis.results.schema import COLUMNS, LINE_COLUMN, RECORD_COLUMN
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
            if isinstance(raw, bool) or raw is None:
                raise ValueError
            v = float(raw.strip() if isinstance(raw, str) else raw)
            if v != v or v in (float("inf"), float("-inf")):
                raise ValueError
        except (TypeError, ValueError):
            raise InputError(
                f"{'' if rec.get(LINE_COLUMN) else _label(rec) + ': '}"
                f"value {raw!r} is not a number",
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


def to_table(records: list[dict], path: str) -> pd.DataFrame:
    """Validate reader records into a results table (line/record labels kept for errors)."""
    if not records:
        return validate(pd.DataFrame({c: [] for c in COLUMNS}), origin=path)
    return validate(pd.DataFrame.from_records(records), origin=path)
