"""Scale normalisation: bring scores on 0-1 to 0-100 and refuse values whose scale is ambiguous.

Conventions: ``"0-100"`` (values are already percentages), ``"0-1"`` (fractions, multiplied by
100), or ``None`` = infer for a whole file (`_records.ValueScale`, batch by batch): if every
value is within [0, 1] the file is refused (it may be fractions or a table of tiny
percentages; pass ``scale`` to say which); a file mixing values in (0, 1] with values above 1
is refused too, naming a record of each kind.
Exactly 0 is the same on both scales and never ambiguous.
"""

from __future__ import annotations

from xfer_analysis.errors import ScaleError

SCALES = ("0-1", "0-100")


def parse_scale(scale: str | None) -> str | None:
    """Canonical scale convention (`"0-1"`, `"0-100"` or None for inference)."""
    if scale is None:
        return None
    s = str(scale).strip().replace("–", "-").replace(" ", "")
    aliases = {"0-1": "0-1", "fraction": "0-1", "1": "0-1", "0-100": "0-100", "percent": "0-100",
               "100": "0-100", "auto": None}
    if s.lower() not in aliases:
        raise ScaleError(f"unknown scale {scale!r}; use one of {', '.join(SCALES)} or auto")
    return aliases[s.lower()]


def to_percent(
    value: float,
    convention: str,
    *,
    path: str | None = None,
    line: int | None = None,
    field: str = "value",
    record: str | None = None,
    declared: bool = False,
) -> float:
    """One value on `convention` ("0-1" or "0-100") as 0-100; ScaleError when it cannot be.

    `declared` means a person stated the convention for this file, so a 0-100 value within
    (0, 1] is taken as it is instead of being refused as ambiguous.
    """
    where = f"record {record}: " if record is not None and line is None else ""
    if convention == "0-1":
        if not 0.0 <= value <= 1.0:
            raise ScaleError(
                f"{where}{value!r} is not a fraction although this source reports 0-1",
                path=path, line=line, field=field,
            )
        return value * 100.0
    if convention == "0-100":
        if 0.0 < value <= 1.0 and not declared:
            raise ScaleError(
                f"{where}{value!r} is ambiguous: this source reports 0-100, but the value "
                "looks like a fraction", path=path, line=line, field=field,
            )
        if not 0.0 <= value <= 100.0:
            raise ScaleError(
                f"{where}{value!r} is outside 0-100", path=path, line=line, field=field
            )
        return value
    raise ScaleError(f"unknown scale convention {convention!r}", path=path, field=field)
