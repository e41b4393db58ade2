"""Readers for the XTREME submission layout; every failure is a ScoringError naming the file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from xfer_analysis.errors import ScoringError


def _open_text(path: Path) -> str:
    """File content as UTF-8 text, or a ScoringError saying why it cannot be read."""
    if not path.is_file():
        raise ScoringError("file is missing", path=str(path))
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoringError(f"cannot read file: {exc}", path=str(path)) from exc


def _lines(path: Path) -> list[str]:
    """The file's lines as the official scorer iterates `open(file)`: text mode already turned
    \r\n and \r into \n, and only \n ends a line (form feed, U+2028 and the other
    `str.splitlines` boundaries are text within a line)."""
    lines = _open_text(path).split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def read_lines(path: Path) -> list[str]:
    """Stripped lines (one example per line), as the official scorer's read_label."""
    return [line.strip() for line in _lines(path)]


def read_tag_sentences(path: Path) -> list[list[str]]:
    """Sentences of stripped labels split at blank lines, as the official scorer's read_tag."""
    sentences: list[list[str]] = []
    current: list[str] = []
    for line in _lines(path):
        label = line.strip()
        if label:
            current.append(label)
        else:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def read_json(path: Path) -> Any:
    """Parsed JSON; a '.jsonl' file is read as one mapping merged from one object per line."""
    if path.suffix != ".jsonl":
        return _parse(_open_text(path), path)
    merged: dict[str, Any] = {}
    for number, line in enumerate(_lines(path), start=1):
        if not line.strip():
            continue
        record = _parse(line, path, number)
        if not isinstance(record, dict):
            raise ScoringError("each line must be a JSON object", path=str(path), line=number)
        merged.update(record)
    return merged


def _parse(text: str, path: Path, line: int | None = None) -> Any:
    """`json.loads`, every failure a ScoringError: malformed JSON, nesting too deep, an
    integer over Python's 4300-digit limit."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ScoringError(f"invalid JSON: {exc.msg}", path=str(path),
                           line=line if line is not None else exc.lineno) from None
    except RecursionError:
        raise ScoringError("JSON nested too deeply", path=str(path), line=line) from None
    except ValueError as exc:
        raise ScoringError(f"unreadable JSON number: {str(exc).split(';')[0]}", path=str(path),
                           line=line) from None


def read_squad_data(path: Path) -> list[dict[str, Any]]:
    """The article list of a SQuAD-format gold file (its 'data' field, or the file itself)."""
    content = read_json(path)
    data = content["data"] if isinstance(content, dict) and "data" in content else content
    if not isinstance(data, list):
        raise ScoringError("expected a SQuAD-format file with a 'data' list", path=str(path),
                           field="data")
    return data


def read_mapping(path: Path) -> dict[str, Any]:
    """A JSON object keyed by example id (QA predictions, ranked retrieval lists, gold sets)."""
    content = read_json(path)
    if not isinstance(content, dict):
        raise ScoringError("expected a JSON object keyed by example id", path=str(path))
    return content
