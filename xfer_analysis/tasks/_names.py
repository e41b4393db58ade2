"""Name resolution for every registry: case/punctuation-insensitive aliases, near-miss hints."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping

from xfer_analysis.errors import UnknownNameError

_NON_ALNUM = re.compile(r"[\W_]+", re.UNICODE)


def name_key(name: str) -> str:
    """Lower-case `name` and drop everything but letters and digits ("PAN-X" -> "panx")."""
    return _NON_ALNUM.sub("", str(name).casefold())


def build_index(kind: str, entries: Mapping[str, Iterable[str]]) -> dict[str, str]:
    """Map the key of every canonical name and alias to its canonical name; refuse clashes."""
    index: dict[str, str] = {}
    for canonical, aliases in entries.items():
        for alias in (canonical, *aliases):
            key = name_key(alias)
            if not key:
                raise ValueError(f"{kind} alias {alias!r} of {canonical!r} has no letter or digit")
            if index.get(key, canonical) != canonical:
                raise ValueError(
                    f"{kind} alias {alias!r} is ambiguous: {index[key]!r} and {canonical!r}"
                )
            index[key] = canonical
    return index


def suggest(name: str, index: Mapping[str, str], n: int = 3) -> list[str]:
    """The canonical names nearest to `name` (always at least one when the index is non-empty)."""
    key = name_key(name)
    keys = list(index)
    close = difflib.get_close_matches(key, keys, n=10, cutoff=0.6) or difflib.get_close_matches(
        key, keys, n=10, cutoff=0.0
    )
    out: list[str] = []
    for k in close:
        if index[k] not in out:
            out.append(index[k])
        if len(out) == n:
            break
    return out


def resolve(kind: str, name: str, index: Mapping[str, str]) -> str:
    """The canonical name for `name`, or UnknownNameError listing the nearest known names."""
    if not isinstance(name, str):
        raise UnknownNameError(kind, repr(name), [])
    canonical = index.get(name_key(name))
    if canonical is None:
        raise UnknownNameError(kind, name, suggest(name, index))
    return canonical
