"""`validate`: check and canonicalise a whole results table with column operations.

Each column is checked at once: missing cells by mask, names canonicalised through a mapping
over the column's *unique* values, numbers parsed once per distinct text, ranges and task
combinations checked with masks, duplicate keys found with `duplicated`. The first offending
row (in file order) is then re-checked by the one-row rules in `_row_error`, so its message
names file, line or record, field and reason exactly as the rules word them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError
from xfer_analysis.results.schema import (
    CANON,
    COLUMNS,
    DEFAULTS,
    INT64_LIMIT,
    KEY_COLUMNS,
    LINE_COLUMN,
    RECORD_COLUMN,
    REQUIRED,
    VALUE_COLUMNS,
    WHITESPACE,
    cast,
    check_text,
    is_missing,
    parse_number,
)

_FLOATS = ("value", "model_params")
_INTEGERS = ("seed", "intermediate_examples")
_FREE_TEXT = ("run_id", "source", "note")
_CELL_ERRORS = (TypeError, ValueError, OverflowError, UnknownNameError)
_OK, _MISSING, _BAD = 0, 1, 2


class _Where:
    """Names the file and line/record of row `i` in error messages."""

    def __init__(self, df: pd.DataFrame, origin: str | None) -> None:
        self.origin = origin
        self.lines = df.get(LINE_COLUMN)
        self.records = df.get(RECORD_COLUMN)

    def _line(self, i: int) -> int | None:
        line = None if self.lines is None else self.lines.iat[i]
        return None if line is None or pd.isna(line) else int(line)

    def _record(self, i: int) -> object:
        return None if self.records is None else self.records.iat[i]

    def error(self, i: int, field: str | None, reason: str) -> InputError:
        line, record = self._line(i), self._record(i)
        where = "" if line is not None or record is None else f"record {record}: "
        if line is None and record is None:
            where = f"record {i + 1}: "
        return InputError(where + reason, path=self.origin, line=line, field=field)

    def label(self, i: int) -> str:
        line, record = self._line(i), self._record(i)
        if line is not None:
            return f"line {line}"
        return f"record {record if record is not None else i + 1}"


def _cell(column: str, v: object) -> object:
    """One non-missing cell of `column`, checked and canonical (raises one of _CELL_ERRORS)."""
    if isinstance(v, list | dict | tuple | set | bytes | np.ndarray):
        raise ValueError(f"expected a single value, got a {type(v).__name__}")
    if column in _FLOATS:
        x = parse_number(v)
        if column == "model_params" and x <= 0:
            raise ValueError("a parameter count must be > 0")
        return x
    if column in _INTEGERS:
        x = parse_number(v, integer=True)
        if x < 0:
            raise ValueError("must be >= 0")
        return x
    if not isinstance(v, str):
        if isinstance(v, float | int | np.number) and column not in _FREE_TEXT:
            raise ValueError(f"expected text, got the number {v!r}")
        v = str(v)
    v = check_text(v).strip()
    return CANON[column](v) if column in CANON else v


def _default(column: str, origin: str | None) -> object:
    if column == "run_id":
        return f"file:{origin}" if origin else "unnamed"
    if column == "source":
        return f"file:{origin}" if origin else "user"
    return DEFAULTS.get(column)


def _judge(column: str, v: object) -> tuple[int, object]:
    """(state, canonical cell) of one cell: state _OK, _MISSING or _BAD."""
    if is_missing(v):
        return _MISSING, None
    try:
        return _OK, _cell(column, v)
    except _CELL_ERRORS:
        return _BAD, None


def factorize(cells: pd.Series) -> tuple[np.ndarray, list | pd.Index]:
    """`pd.factorize` (codes, -1 for a missing cell; distinct values), through Arrow's
    dictionary encoding for Arrow-backed text, which is several times faster."""
    if not is_arrow_text(cells):
        return pd.factorize(cells)
    text = pa.array(cells)
    encoded = pc.dictionary_encode(text.combine_chunks() if isinstance(text, pa.ChunkedArray)
                                   else text)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False)
    return codes.astype(np.int64), encoded.dictionary.to_pylist()


def _by_unique(column: str, raw: pd.Series, default: object) -> tuple[np.ndarray, object]:
    """States and cells of a column judged once per distinct value; missing and bad cells get
    `default`. Number columns come back typed (Int64 or float64), names given as Arrow text
    as Arrow text (taken in C: no Python string per row)."""
    codes, uniques = factorize(raw)
    judged = [_judge(column, u) for u in uniques] + [(_MISSING, None)]  # code -1: NaN/None
    states = np.fromiter((s for s, _ in judged), dtype=np.int8, count=len(judged))
    values = [v if s == _OK else default for s, v in judged]
    at = np.where(codes < 0, len(judged) - 1, codes)
    if column in _INTEGERS:
        return states[at], pd.array(values, dtype="Int64").take(at)
    if column in _FLOATS:
        return states[at], np.array(values, dtype="float64")[at]
    if is_arrow_text(raw):
        return states[at], pd.Series(pa.array(values, pa.string()).take(at), dtype="str")
    cells = np.empty(len(judged), dtype=object)
    cells[:] = values
    return states[at], cells[at]


def _elementwise(column: str, raw: pd.Series, default: object) -> tuple[np.ndarray, np.ndarray]:
    """States and cells judged cell by cell (mixed-type columns, e.g. JSON, where 1 == True);
    missing and bad cells get `default`."""
    judged = [_judge(column, v) for v in raw.tolist()]
    states = np.fromiter((s for s, _ in judged), dtype=np.int8, count=len(judged))
    cells = np.empty(len(judged), dtype=object)
    cells[:] = [v if s == _OK else default for s, v in judged]
    return states, cells


def _numeric(column: str, raw: pd.Series) -> tuple[np.ndarray, object]:
    """States and cells of a number column that already holds numbers, by masks; missing and
    bad cells are missing (NA, NaN: every number column's default). Integer columns of an
    integer dtype keep their exact values (no detour through float64)."""
    missing = raw.isna().to_numpy(dtype=bool)
    if column in _INTEGERS and pd.api.types.is_integer_dtype(raw.dtype):
        ints = raw.to_numpy(dtype=raw.dtype.numpy_dtype if hasattr(raw.dtype, "numpy_dtype")
                            else raw.dtype, na_value=0)
        bad = (ints < 0) if ints.dtype.kind == "i" else ints >= np.uint64(INT64_LIMIT)
        cells = np.where(bad | missing, 0, ints).astype(np.int64)
        states = np.where(missing, _MISSING, np.where(bad, _BAD, _OK)).astype(np.int8)
        return states, pd.arrays.IntegerArray(cells, bad | missing)
    x = raw.to_numpy(dtype="float64", na_value=np.nan)
    with np.errstate(invalid="ignore"):
        bad = ~np.isfinite(x)
        if column in _INTEGERS:
            bad |= (x != np.trunc(x)) | (x < 0) | (x >= float(INT64_LIMIT))
        if column == "model_params":
            bad |= x <= 0
    states = np.where(missing, _MISSING, np.where(bad, _BAD, _OK)).astype(np.int8)
    return states, np.where(bad, np.nan, x)


def _distinct_values_suffice(raw: pd.Series) -> bool:
    """Whether judging distinct values is exact: a typed column or all text (no 1 == True)."""
    if not pd.api.types.is_object_dtype(raw.dtype):
        return True
    return pd.api.types.infer_dtype(raw, skipna=True) in ("string", "empty")


def is_arrow_text(cells: pd.Series | pd.api.extensions.ExtensionArray) -> bool:
    """Whether `cells` are pandas text backed by Arrow (checked and parsed with Arrow kernels)."""
    return isinstance(cells.dtype, pd.StringDtype) and cells.dtype.storage == "pyarrow"


def _free_text(raw: pd.Series, default: object) -> tuple[np.ndarray, pd.Series]:
    """States and cells of a free-text column held as Arrow text, with Arrow kernels: the same
    strip as `str.strip`, NUL refused; Arrow text is valid UTF-8, so it holds no surrogate.
    Missing cells get `default`."""
    trimmed = pc.utf8_trim(pa.array(raw), characters=WHITESPACE)
    missing = pc.fill_null(pc.equal(trimmed, ""), True)
    bad = pc.fill_null(pc.match_substring(trimmed, "\x00"), False).to_numpy(
        zero_copy_only=False)
    cells = pc.if_else(missing, pa.scalar(default, trimmed.type), trimmed)
    missing = missing.to_numpy(zero_copy_only=False)
    states = np.where(missing, _MISSING, np.where(bad, _BAD, _OK)).astype(np.int8)
    return states, pd.Series(cells, dtype="str")


def _check_column(column: str, raw: pd.Series, origin: str | None) -> tuple[pd.Series, np.ndarray]:
    """The checked, canonical cells of one column and the mask of rows where a cell is bad."""
    dtype = raw.dtype
    numeric = pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)
    default = _default(column, origin)
    if numeric and column in (*_FLOATS, *_INTEGERS):
        states, cells = _numeric(column, raw)
    elif column in _FREE_TEXT and is_arrow_text(raw):
        states, cells = _free_text(raw, default)
    elif _distinct_values_suffice(raw):
        states, cells = _by_unique(column, raw, default)
    else:
        states, cells = _elementwise(column, raw, default)
    bad = (states == _BAD) | ((states == _MISSING) if column in REQUIRED else False)
    return pd.Series(cells), bad


def _task_field_mask(frame: pd.DataFrame, ok: np.ndarray) -> np.ndarray:
    """Rows (among `ok`) whose metric or language does not fit their target task or aggregate."""
    bad = np.zeros(len(frame), dtype=bool)
    if not ok.any():
        return bad
    sub = frame.loc[ok, ["target_task", "language", "metric"]]
    codes = [factorize(sub[c]) for c in sub.columns]
    sizes = [len(u) for _, u in codes]
    combined = (codes[0][0].astype(np.int64) * sizes[1] + codes[1][0]) * sizes[2] + codes[2][0]
    wrong = [
        code for code in np.unique(combined)
        if _task_fields_error(codes[0][1][code // (sizes[1] * sizes[2])],
                              codes[1][1][(code // sizes[2]) % sizes[1]],
                              codes[2][1][code % sizes[2]]) is not None
    ]
    bad[ok] = np.isin(combined, wrong)
    return bad


def _task_fields_error(name: str, language: str, metric: str) -> tuple[str, str] | None:
    """(field, reason) when `language`/`metric` do not fit target `name`; None when they do."""
    if tasks.is_aggregate(name):
        if language != tasks.AVG:
            return "language", f"aggregate {name!r} needs language 'avg'"
        if metric != "score":
            return "metric", f"aggregate {name!r} needs metric 'score'"
        return None
    task = tasks.target(name)
    allowed = (*task.metrics, task.score_metric)
    if metric not in allowed:
        return "metric", f"{metric!r} is not a metric of {name} ({', '.join(allowed)})"
    if language != tasks.AVG:
        known = {code for b in task.benchmarks for code in task.languages_for(b)}
        if language not in known:
            return "language", f"{name} has no test data in {language!r}"
    return None


def _short(v: object, limit: int = 60) -> str:
    """`repr(v)`, cut to `limit` characters (a 20,000-digit number is not repeated back)."""
    if isinstance(v, int) and not isinstance(v, bool) and v.bit_length() > 200:
        return f"<an integer of about {int(v.bit_length() * 0.30103)} digits>"
    text = repr(v)
    return text if len(text) <= limit else text[:limit] + "..."


def _row_error(rec: dict, i: int, where: _Where) -> InputError:
    """The first error of one record under the one-row rules, worded for the user."""
    row: dict[str, object] = {}
    for c in COLUMNS:
        v = rec.get(c)
        if is_missing(v):
            if c in REQUIRED:
                return where.error(i, c, "empty value in a required column")
            row[c] = _default(c, where.origin)
            continue
        try:
            row[c] = _cell(c, v)
        except UnknownNameError as exc:
            return where.error(i, c, str(exc))
        except (TypeError, ValueError, OverflowError) as exc:
            return where.error(i, c, f"invalid value {_short(v)}: {exc}")
    if not 0.0 <= row["value"] <= 100.0:
        return where.error(i, "value", f"{row['value']!r} is outside 0-100")
    problem = _task_fields_error(row["target_task"], row["language"], row["metric"])
    if problem is None:
        raise AssertionError(f"validate: record {i + 1} was flagged but passes the row rules")
    return where.error(i, *problem)


def validate(df: pd.DataFrame, origin: str | None = None) -> pd.DataFrame:
    """Canonicalise and check a results table; raise InputError naming file, line, field, reason.
    (`validate_rows` also returns which input rows were kept.)"""
    return validate_rows(df, origin)[0]


def validate_rows(df: pd.DataFrame, origin: str | None = None, *, repeats: bool = True
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    """The checked table and the 0-based input positions of its rows (exact repeats dropped).

    Missing optional columns get their defaults; exact duplicate records collapse to one;
    records that share every key column but disagree on `value`, `model_params`,
    `confidence` or `note` are an error naming both. Numbers are ASCII decimal text or
    numbers (integers within 64 bits, `model_params` > 0); text holds no NUL and no lone
    surrogate. `repeats=False` leaves records that share a key to the caller (the store
    checks them across a whole import at once).
    """
    if not isinstance(df, pd.DataFrame):
        raise InputError("expected a table of results", path=origin)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"missing required column(s): {', '.join(missing)}", path=origin)
    unknown = [c for c in df.columns if c not in COLUMNS and c not in (LINE_COLUMN, RECORD_COLUMN)]
    if unknown:
        raise InputError(
            f"unknown column(s): {', '.join(map(str, unknown))}; known: {', '.join(COLUMNS)}",
            path=origin,
        )
    df = df.reset_index(drop=True)
    where = _Where(df, origin)
    bad = np.zeros(len(df), dtype=bool)
    checked: dict[str, pd.Series] = {}
    for c in COLUMNS:
        raw = df[c] if c in df.columns else pd.Series([None] * len(df), dtype=object)
        checked[c], col_bad = _check_column(c, raw, origin)
        bad |= col_bad
    frame = pd.DataFrame(checked)
    with np.errstate(invalid="ignore"):
        value = frame["value"].to_numpy(dtype="float64")
        bad |= ~((value >= 0.0) & (value <= 100.0))
    bad |= _task_field_mask(frame, ~bad)
    if bad.any():
        i = int(np.argmax(bad))
        raise _row_error(df.iloc[[i]].to_dict("records")[0], i, where)
    if not repeats:
        return cast(frame), np.arange(len(frame))
    return _drop_duplicate_keys(cast(frame), where)


def drop_duplicate_keys(df: pd.DataFrame, origin: str | None = None) -> pd.DataFrame:
    """A checked table without exact repeats of a key; a key with two values is an InputError
    naming the records (1-based rows of `df`) and `origin`."""
    df = df.reset_index(drop=True)
    return _drop_duplicate_keys(df, _Where(df, origin))[0]


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Elementwise equality where two missing cells (NaN, NA, None) are equal."""
    left, right = pd.Series(a, dtype=object), pd.Series(b, dtype=object)
    both_missing = (left.isna() & right.isna()).to_numpy()
    with np.errstate(invalid="ignore"):
        equal = np.asarray(left.to_numpy() == right.to_numpy(), dtype=bool)
    return equal | both_missing


def _drop_duplicate_keys(df: pd.DataFrame, where: _Where) -> tuple[pd.DataFrame, np.ndarray]:
    """`df` with exact repeats of a record dropped (first kept); records that share a key but
    differ in any other field (value, model_params, confidence, note) are an error."""
    keys = list(KEY_COLUMNS)
    repeated = df.duplicated(keys, keep=False).to_numpy()
    if not repeated.any():
        return df, np.arange(len(df))
    sub = df.loc[repeated]
    group = sub.groupby(keys, dropna=False, sort=False).ngroup().to_numpy()
    first_of_group = np.empty(group.max() + 1, dtype=np.int64)
    _, first_pos = np.unique(group, return_index=True)
    first_of_group[group[first_pos]] = sub.index.to_numpy()[first_pos]
    first_row = first_of_group[group]
    rows = sub.index.to_numpy()
    for field in VALUE_COLUMNS:
        values = df[field].to_numpy(dtype=object)
        conflict = np.flatnonzero(~_same(values[rows], values[first_row]))
        if len(conflict):
            i, j = int(rows[conflict[0]]), int(first_row[conflict[0]])
            raise where.error(
                i, field,
                f"conflicts with {where.label(j)}: same key "
                f"({', '.join(f'{c}={_short(df[c].iat[i])}' for c in KEY_COLUMNS)}) but "
                f"{field} {_short(values[i])} vs {_short(values[j])}",
            )
    kept = ~df.duplicated(keys, keep="first").to_numpy()
    return df.loc[kept].reset_index(drop=True), np.flatnonzero(kept)
