"""The tidy results table: column order, dtypes, defaults and canonical names.

`validation.validate` checks a table against these; every reader ends in it, so a table that
leaves the results layer has canonical names, values on 0-100, known task/language/metric
combinations and no two records that disagree on a key.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable

import numpy as np
import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.errors import UnknownNameError

COLUMNS: tuple[str, ...] = (
    "run_id", "source", "base_model", "model_params", "intermediate", "intermediate_examples",
    "intermediate_data", "setting", "target_task", "language", "split", "metric", "value",
    "seed", "confidence", "note",
)
VALUE_COLUMNS: tuple[str, ...] = ("value", "model_params", "confidence", "note")
"""What a row says about its key; two rows with one key must agree on all of these."""
KEY_COLUMNS: tuple[str, ...] = tuple(c for c in COLUMNS if c not in VALUE_COLUMNS)
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


CANON: dict[str, Callable[[str], str]] = {
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


NUMBER_PATTERN = r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
"""A number as text: ASCII digits, optional sign, point and exponent (nothing else)."""
_NUMBER = re.compile(NUMBER_PATTERN)
_INTEGER = re.compile(r"[+-]?[0-9]+")
_ASCII_SPACE = " \t\r\n"
WHITESPACE = "".join(chr(c) for c in range(0x3001) if chr(c).isspace())
"""Every character `str.strip()` removes (so Arrow's trim strips exactly the same); none lies
above U+3000, which a test checks against the whole of Unicode."""
INT64_LIMIT = 2**63
"""Integers (seed, intermediate_examples) must lie in [-2**63, 2**63): they are stored as int64."""


def parse_number(v: object, *, integer: bool = False) -> float | int:
    """One finite number from a cell: a JSON/Parquet number, or text of ASCII digits (sign,
    point, exponent; no `_`, no other scripts' digits). Integers must be whole and fit in 64
    bits; ints are kept exact (never through float). Raises ValueError or OverflowError."""
    if isinstance(v, bool | np.bool_):
        raise ValueError("a boolean is not a number")
    if isinstance(v, str):
        text = v.strip(_ASCII_SPACE)
        if not _NUMBER.fullmatch(text):
            if text.lower().lstrip("+-") in ("inf", "infinity", "nan"):
                raise ValueError("not a finite number")
            raise ValueError("not a number (ASCII digits only)")
        v = int(text) if integer and _INTEGER.fullmatch(text) else float(text)
    if isinstance(v, int | np.integer):
        v = int(v)
        if not integer:
            return float(v)  # OverflowError beyond 1e308
    else:
        v = float(v)  # TypeError on junk
        if not math.isfinite(v):
            raise ValueError("not a finite number")
        if not integer:
            return v
        if v != int(v):
            raise ValueError("not an integer")
        v = int(v)
    if not -INT64_LIMIT <= v < INT64_LIMIT:
        raise ValueError("outside the 64-bit integer range")
    return v


def check_text(v: str) -> str:
    """`v` if it can be stored as UTF-8 text; ValueError for a NUL or a lone surrogate."""
    if "\x00" in v:
        raise ValueError("contains a NUL character")
    try:
        v.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("contains a lone surrogate (not valid Unicode text)") from None
    return v


def canonical(column: str, value: object) -> object:
    """The canonical spelling of one value of `column` (names resolve through the registry)."""
    if column in CANON:
        return CANON[column](str(value))
    if column in ("seed", "intermediate_examples"):
        return parse_number(value, integer=True)
    return value


def empty_table() -> pd.DataFrame:
    """A results table with no rows and the right dtypes."""
    return cast(pd.DataFrame({c: [] for c in COLUMNS}))


def cast(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with the schema's dtypes and column order."""
    out = df.copy()
    for c in TEXT_COLUMNS:
        out[c] = out[c].astype("str")
    out["value"] = out["value"].astype("float64")
    out["model_params"] = out["model_params"].astype("float64")
    out["intermediate_examples"] = out["intermediate_examples"].astype("Int64")
    out["seed"] = out["seed"].astype("Int64")
    return out[list(COLUMNS)]


def is_missing(v: object) -> bool:
    """Whether one cell counts as empty (None, NaN/NA, blank text; never a list or dict)."""
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


def key_codes(df: pd.DataFrame) -> np.ndarray:
    """One int64 per row that sorts like KEY_COLUMNS (missing last) and is equal iff keys are.

    Each key column is factorised with sorted codes and the codes are combined in mixed radix;
    when the radix would overflow, the partial code is compacted with `np.unique` first.
    """
    total = np.zeros(len(df), dtype=np.int64)
    size = 1
    for c in KEY_COLUMNS:
        codes, uniques = pd.factorize(df[c], sort=True)
        n = len(uniques) + 1
        codes = np.where(codes < 0, n - 1, codes)
        if size * n >= 2**62:
            distinct, total = np.unique(total, return_inverse=True)
            size = len(distinct)
        total = total * n + codes
        size *= n
    return total
