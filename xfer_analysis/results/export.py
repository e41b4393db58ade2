"""CSV exports that a spreadsheet opens as data: text cells that would start a formula are
neutralised (OWASP "CSV injection"), numbers stay numbers.

A spreadsheet evaluates a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, ``+cmd|...``). Every *text* cell that
starts with one of these gets a leading apostrophe, which spreadsheets show as a text marker.
Text that is a plain decimal number (``-3``, ``+1.5e2``) is left alone: it cannot be a
formula, and a spreadsheet reads it as the number it is. Number columns are never touched, so
negative gains stay numeric.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def neutralise_cell(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet would read it as a formula."""
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _is_text(series: pd.Series) -> bool:
    return pd.api.types.is_object_dtype(series.dtype) or pd.api.types.is_string_dtype(
        series.dtype
    )


def neutralised(df: pd.DataFrame) -> pd.DataFrame:
    """`df` with every formula-like text cell neutralised (number columns unchanged)."""
    out = df.copy()
    for column in out.columns:
        series = out[column]
        if not _is_text(series):
            continue
        codes, uniques = pd.factorize(series)
        fixed = [neutralise_cell(u) if isinstance(u, str) else u for u in uniques]
        if all(a is b for a, b in zip(fixed, uniques, strict=True)):
            continue
        mapped = pd.Series(fixed, dtype=object).take(codes[codes >= 0])
        values = series.astype(object).to_numpy(copy=True)
        values[codes >= 0] = mapped.to_numpy()
        out[column] = values
    out.columns = [neutralise_cell(str(c)) for c in out.columns]
    return out


def safe_csv(df: pd.DataFrame, **to_csv_kwargs: object) -> str:
    """`df` as CSV text with formula-like text cells neutralised (see `neutralised`)."""
    return neutralised(df).to_csv(index=False, **to_csv_kwargs)
