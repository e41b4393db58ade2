"""Turn reader records or batches (with a line or record label) into validated results tables."""

from __future__ import annotations

import json
from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xfer_analysis.errors import InputError, ScaleError
from xfer_analysis.results.scale import parse_scale, to_percent
from xfer_analysis.results.schema import (
    COLUMNS,
    LINE_COLUMN,
    NUMBER_PATTERN,
    RECORD_COLUMN,
    parse_number,
)
from xfer_analysis.results.validation import factorize, is_arrow_text, validate


def apply_run_meta(frame: pd.DataFrame, run_meta: Mapping[str, object], path: str) -> None:
    """Fill the columns named in `run_meta` where `frame` leaves them absent or empty."""
    bad = [k for k in run_meta if k not in COLUMNS]
    if bad:
        raise InputError(f"unknown run field(s): {', '.join(bad)}", path=path)
    for k, v in run_meta.items():
        if v is None:
            continue
        if k not in frame.columns:
            frame[k] = pd.Series([v] * len(frame), index=frame.index, dtype=object)
            continue
        codes, uniques = factorize(frame[k])
        empty = [i for i, u in enumerate(uniques) if isinstance(u, str) and not u.strip()]
        fill = (codes < 0) | np.isin(codes, empty)
        if fill.any():
            column = frame[k].astype(object)
            column[fill] = v
            frame[k] = column


class ValueScale:
    """Parses `value` and brings it to 0-100 under a file's scale convention, batch by batch.

    A declared convention converts each value (`to_percent`). Undeclared, the file must read
    as 0-100: a value in (0, 1] may be a fraction, so after the last batch `finish` refuses the
    file, naming the first such value and, if the file also has values above 1, the first of
    those (a file of mixed scales) - exactly what inferring on the whole file would say.
    """

    def __init__(self, scale: str | None, path: str) -> None:
        self.convention = parse_scale(scale)
        self.path = path
        self.small: tuple[str, float] | None = None
        self.large: tuple[str, float] | None = None

    def apply(self, frame: pd.DataFrame) -> None:
        """Replace `frame["value"]` by checked 0-100 floats (InputError/ScaleError naming the
        first bad row's line or record)."""
        raw = frame["value"] if "value" in frame.columns else pd.Series([None] * len(frame))
        if is_arrow_text(raw):  # parsed row by row in C: hashing a million numbers costs more
            codes, uniques = np.arange(len(raw)), raw.array
        else:
            codes, uniques = pd.factorize(raw)
        parsed = np.full(len(uniques) + 1, np.nan)
        todo = range(len(uniques))
        if is_arrow_text(uniques):
            parsed[:-1], todo = _parse_text(pa.array(uniques))
        missing = [len(uniques)] if (codes < 0).any() else []  # code -1: a None/NaN cell
        for i in [*todo, *missing]:
            u = uniques[i] if i < len(uniques) else None
            u = None if u is pd.NA else u
            try:
                if u is None or (isinstance(u, float) and u != u):
                    raise ValueError
                parsed[i] = parse_number(u)
            except (TypeError, ValueError, OverflowError):
                row = int(np.argmax(codes == (i if i < len(uniques) else -1)))
                shown = repr(u) if len(repr(u)) <= 60 else repr(u)[:60] + "..."
                line, record = _where(frame, row)
                prefix = f"record {record}: " if record is not None else ""
                raise InputError(f"{prefix}value {shown} is not a number", path=self.path,
                                 line=line, field="value") from None
        values = parsed[np.where(codes < 0, len(uniques), codes)]
        convention = self.convention or "0-100"
        with np.errstate(invalid="ignore"):
            if convention == "0-1":
                bad = ~((values >= 0.0) & (values <= 1.0))
            else:
                bad = ~((values >= 0.0) & (values <= 100.0))
        if bad.any():
            self._raise(frame, int(np.argmax(bad)), values, convention)
        if self.convention is None:
            small, large = (values > 0.0) & (values <= 1.0), values > 1.0
            if self.small is None and small.any():
                row = int(np.argmax(small))
                self.small = (_label(frame, row), float(values[row]))
            if self.large is None and large.any():
                row = int(np.argmax(large))
                self.large = (_label(frame, row), float(values[row]))
        frame["value"] = values * 100.0 if convention == "0-1" else values

    def _raise(self, frame: pd.DataFrame, row: int, values: np.ndarray, convention: str) -> None:
        line, record = _where(frame, row)
        to_percent(float(values[row]), convention, path=self.path, line=line, record=record,
                   declared=self.convention is not None)
        raise AssertionError("to_percent accepted a value the batch check refused")

    def finish(self) -> None:
        """After the last batch: refuse a file with undeclared scale that may hold fractions."""
        if self.convention is not None or self.small is None:
            return
        (small_at, small), large = self.small, self.large
        if large is not None:
            raise ScaleError(
                f"mixed scales: {small_at} has {small!r} (a fraction?) while {large[0]} has "
                f"{large[1]!r}; fix the file or pass scale", path=self.path, field="value")
        raise ScaleError(
            f"every value is within 0-1 (e.g. {small_at}: {small!r}); results are stored on "
            "0-100, pass scale='0-1' to convert or scale='0-100' to keep them",
            path=self.path, field="value")


def _parse_text(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Numbers of many distinct texts at once (Arrow kernels): the values, and the positions
    that are not plain ASCII decimals (or overflow), left to `parse_number` to judge."""
    trimmed = pc.utf8_trim(text, characters=" \t\r\n")
    ok = pc.fill_null(pc.match_substring_regex(trimmed, NUMBER_PATTERN), False)
    try:
        values = pc.cast(pc.if_else(ok, trimmed, "0"), pa.float64()).to_numpy(
            zero_copy_only=False)
    except pa.ArrowInvalid:
        return np.full(len(text), np.nan), np.arange(len(text))
    good = ok.to_numpy(zero_copy_only=False) & np.isfinite(values)
    return np.where(good, values, np.nan), np.flatnonzero(~good)


def _where(frame: pd.DataFrame, row: int) -> tuple[int | None, str | None]:
    """(line, record) of row `row`: readers add a line or a record column (one is None)."""
    if LINE_COLUMN in frame.columns:
        return int(frame[LINE_COLUMN].iat[row]), None
    record = frame[RECORD_COLUMN].iat[row] if RECORD_COLUMN in frame.columns else row + 1
    return None, str(record)


def _label(frame: pd.DataFrame, row: int) -> str:
    line, record = _where(frame, row)
    return f"line {line}" if line is not None else f"record {record}"


def records_frame(records: list[dict]) -> pd.DataFrame:
    """Reader records as a frame of object columns: cells reach `validate` as read (pandas'
    Arrow-backed text would refuse a lone surrogate before validate can name its line)."""
    return pd.DataFrame(records, dtype=object)


def to_table(records: list[dict], path: str, *, run_meta: Mapping[str, object] | None = None,
             allow_empty: bool = False) -> pd.DataFrame:
    """Validate reader records (values already on 0-100) into a results table, filling
    `run_meta` where a record leaves a column empty (line/record labels kept for errors).

    A file without a single result row is an InputError ("no result rows"): an empty import
    is far more often a wrong file than an intended no-op. `allow_empty` is for readers that
    skip rows on purpose and report how many (a grid template with no cell filled in)."""
    if not records:
        if not allow_empty:
            raise no_rows(path)
        return validate(pd.DataFrame({c: [] for c in COLUMNS}), origin=path)
    frame = records_frame(records)
    apply_run_meta(frame, run_meta or {}, path)
    return validate(frame, origin=path)


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
