"""The tidy results table: column order, dtypes, canonical names and `validate`.

Every reader ends in `validate`, so a table that leaves this module has canonical names, values
on 0-100, known task/language/metric combinations and no two records that disagree on a key.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError

COLUMNS: tuple[str, ...] = (
    "run_id", "source", "base_model", "model_params", "intermediate", "intermediate_examples",
    "intermediate_data", "setting", "target_task", "language", "split", "metric", "value",
    "seed", "confidence", "note",
)
KEY_COLUMNS: tuple[str, ...] = tuple(
    c for c in COLUMNS if c not in ("value", "model_params", "confidence", "note")
)
PAIR_COLUMNS: tuple[str, ...] = ("base_model", "target_task", "language", "split", "metric", "seed")
REQUIRED: tuple[str, ...] = ("base_model", "target_task", "language", "split", "metric", "value")
TEXT_COLUMNS: tuple[str, ...] = tuple(
    c for c in COLUMNS
    if c not in ("value", "model_params", "intermediate_examples", "seed")
)
#: hidden bookkeeping columns readers may add so errors can name the line or record
LINE_COLUMN = "_line"
RECORD_COLUMN = "_record"

SPLITS = ("dev", "test")
SETTINGS = ("zero-shot", "translate-train", "translate-test", "in-language")
CONFIDENCES = ("read directly", "secondary", "tertiary", "superseded")
INTERMEDIATE_DATA = ("english", "translated")

_SETTING_ALIASES = {
    "zeroshot": "zero-shot", "zeroshotcrosslingual": "zero-shot", "crosslingual": "zero-shot",
    "translatetrain": "translate-train", "translatetest": "translate-test",
    "inlanguage": "in-language", "inlanguagemultitask": "in-language",
}
_CONFIDENCE_ALIASES = {
    "readdirectly": "read directly", "direct": "read directly", "primary": "read directly",
    "secondary": "secondary", "tertiary": "tertiary", "superseded": "superseded",
}
_SPLIT_ALIASES = {"dev": "dev", "validation": "dev", "val": "dev", "eval": "dev", "test": "test"}
_DATA_ALIASES = {"english": "english", "en": "english", "translated": "translated",
                 "machinetranslated": "translated", "mt": "translated"}


def _key(s: str) -> str:
    return "".join(ch for ch in s.casefold() if ch.isalnum())


def _from(table: dict[str, str], kind: str, allowed: tuple[str, ...]) -> Callable[[str], str]:
    def canon(value: str) -> str:
        got = table.get(_key(value))
        if got is None:
            raise UnknownNameError(kind, value, list(allowed))
        return got

    return canon


def _setting(value: str) -> str:
    # published tables spell settings with an explanation: "zero-shot cross-lingual (English ...)"
    head = value.split("(")[0]
    return _from(_SETTING_ALIASES, "setting", SETTINGS)(head)


def _base_model(value: str) -> str:
    # a researcher's own model (`my-lab/xlmr-continued`, `/path/to/checkpoint`) is first-class:
    # known names and aliases are canonicalised, any other name is kept as written
    try:
        return tasks.base_model_name(value)
    except UnknownNameError:
        return value.strip()


_CANON: dict[str, Callable[[str], str]] = {
    "base_model": _base_model,
    "intermediate": tasks.canonical_intermediate,
    "intermediate_data": _from(_DATA_ALIASES, "intermediate data", INTERMEDIATE_DATA),
    "setting": _setting,
    "target_task": tasks.target_task_name,
    "language": tasks.language_code,
    "split": _from(_SPLIT_ALIASES, "split", SPLITS),
    "metric": tasks.metric,
    "confidence": _from(_CONFIDENCE_ALIASES, "confidence", CONFIDENCES),
}

DEFAULTS: dict[str, object] = {
    "model_params": math.nan, "intermediate": tasks.NONE, "intermediate_examples": pd.NA,
    "intermediate_data": "english", "setting": "zero-shot", "seed": pd.NA,
    "confidence": "read directly", "note": "",
}


def canonical(column: str, value: object) -> object:
    """The canonical spelling of one value of `column` (names resolve through the registry)."""
    if column in _CANON:
        return _CANON[column](str(value))
    if column in ("seed", "intermediate_examples"):
        return int(value)
    return value


def empty_table() -> pd.DataFrame:
    """A results table with no rows and the right dtypes."""
    return _cast(pd.DataFrame({c: [] for c in COLUMNS}))


def _cast(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in TEXT_COLUMNS:
        out[c] = out[c].astype("str")
    out["value"] = out["value"].astype("float64")
    out["model_params"] = out["model_params"].astype("float64")
    out["intermediate_examples"] = out["intermediate_examples"].astype("Int64")
    out["seed"] = out["seed"].astype("Int64")
    return out[list(COLUMNS)]


class _Where:
    """Names the file and line/record of row `i` in error messages."""

    def __init__(self, df: pd.DataFrame, origin: str | None) -> None:
        self.origin = origin
        self.lines = list(df[LINE_COLUMN]) if LINE_COLUMN in df else [None] * len(df)
        self.records = list(df[RECORD_COLUMN]) if RECORD_COLUMN in df else [None] * len(df)

    def error(self, i: int, field: str | None, reason: str) -> InputError:
        line = self.lines[i]
        line = None if line is None or pd.isna(line) else int(line)
        record = self.records[i]
        where = "" if line is not None or record is None else f"record {record}: "
        if line is None and record is None:
            where = f"record {i + 1}: "
        return InputError(where + reason, path=self.origin, line=line, field=field)

    def label(self, i: int) -> str:
        line = self.lines[i]
        if line is not None and not pd.isna(line):
            return f"line {int(line)}"
        return f"record {self.records[i] if self.records[i] is not None else i + 1}"


def _is_missing(v: object) -> bool:
    if isinstance(v, list | dict | tuple | set):
        return False
    if v is None:
        return True
    if isinstance(v, str):
        return v.strip() == ""
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _number(v: object, *, integer: bool) -> float | int:
    if isinstance(v, bool):
        raise ValueError("a boolean is not a number")
    if isinstance(v, str):
        v = v.strip()
    x = float(v)  # raises ValueError/TypeError on junk
    if not math.isfinite(x):
        raise ValueError("not a finite number")
    if integer:
        if x != int(x):
            raise ValueError("not an integer")
        return int(x)
    return x


def validate(df: pd.DataFrame, origin: str | None = None) -> pd.DataFrame:
    """Canonicalise and check a results table; raise InputError naming file, line, field, reason.

    Missing optional columns get their defaults; exact duplicate records collapse to one;
    records that share every key column but disagree on `value` are an error naming both.
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
    where = _Where(df, origin)
    rows: dict[str, list[object]] = {c: [] for c in COLUMNS}
    records = df.to_dict("records")
    for i, rec in enumerate(records):
        row = _validate_row(rec, i, where, origin)
        for c in COLUMNS:
            rows[c].append(row[c])
    out = _cast(pd.DataFrame(rows))
    out = _check_duplicates(out, where)
    return out.reset_index(drop=True)


def _validate_row(rec: dict, i: int, where: _Where, origin: str | None) -> dict[str, object]:
    row: dict[str, object] = {}
    for c in COLUMNS:
        v = rec.get(c)
        if _is_missing(v):
            if c in REQUIRED:
                raise where.error(i, c, "empty value in a required column")
            if c == "run_id":
                v = f"file:{origin}" if origin else "unnamed"
            elif c == "source":
                v = f"file:{origin}" if origin else "user"
            else:
                v = DEFAULTS[c]
            row[c] = v
            continue
        try:
            if isinstance(v, list | dict | tuple | set):
                raise ValueError(f"expected a single value, got a {type(v).__name__}")
            if c == "value" or c == "model_params":
                v = _number(v, integer=False)
            elif c in ("seed", "intermediate_examples"):
                v = _number(v, integer=True)
                if v < 0:
                    raise ValueError("must be >= 0")
            else:
                if not isinstance(v, str):
                    if isinstance(v, float | int) and c not in ("run_id", "source", "note"):
                        raise ValueError(f"expected text, got the number {v!r}")
                    v = str(v)
                v = v.strip()
                if c in _CANON:
                    v = _CANON[c](v)
        except UnknownNameError as exc:
            raise where.error(i, c, str(exc)) from None
        except (TypeError, ValueError) as exc:
            raise where.error(i, c, f"invalid value {rec.get(c)!r}: {exc}") from None
        row[c] = v
    value = row["value"]
    if not 0.0 <= value <= 100.0:
        raise where.error(i, "value", f"{value!r} is outside 0-100")
    _check_task_fields(row, i, where)
    return row


def _check_task_fields(row: dict[str, object], i: int, where: _Where) -> None:
    name = str(row["target_task"])
    if tasks.is_aggregate(name):
        if row["language"] != tasks.AVG:
            raise where.error(i, "language", f"aggregate {name!r} needs language 'avg'")
        if row["metric"] != "score":
            raise where.error(i, "metric", f"aggregate {name!r} needs metric 'score'")
        return
    task = tasks.target(name)
    allowed = (*task.metrics, task.score_metric)
    if row["metric"] not in allowed:
        raise where.error(
            i, "metric", f"{row['metric']!r} is not a metric of {name} ({', '.join(allowed)})"
        )
    lang = row["language"]
    if lang != tasks.AVG:
        known = {code for b in task.benchmarks for code in task.languages_for(b)}
        if lang not in known:
            raise where.error(i, "language", f"{name} has no test data in {lang!r}")


def key_strings(df: pd.DataFrame) -> list[str]:
    """One string per row joining its KEY_COLUMNS (missing values as empty text)."""
    cols = [df[c].tolist() for c in KEY_COLUMNS]
    return [
        "\x1f".join("" if _is_missing(v) else str(v) for v in row)
        for row in zip(*cols, strict=True)
    ]


def _check_duplicates(df: pd.DataFrame, where: _Where) -> pd.DataFrame:
    if df.empty:
        return df
    keys = key_strings(df)
    first: dict[str, int] = {}
    keep = []
    for i, (k, v) in enumerate(zip(keys, df["value"], strict=True)):
        j = first.get(k)
        if j is None:
            first[k] = i
            keep.append(i)
        elif df["value"].iat[j] != v:
            raise where.error(
                i, "value",
                f"conflicts with {where.label(j)}: same key "
                f"({', '.join(f'{c}={df[c].iat[i]}' for c in KEY_COLUMNS)}) but value "
                f"{v!r} vs {df['value'].iat[j]!r}",
            )
    return df.iloc[keep]
