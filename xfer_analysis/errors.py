"""Typed errors: every failure a user can cause names what, where and why."""

from __future__ import annotations


class XferError(Exception):
    """Base class for every error the package raises on purpose."""


class UnknownNameError(XferError, KeyError):
    """A task, language, model or metric name that no registry knows."""

    def __init__(self, kind: str, name: str, suggestions: list[str] | None = None) -> None:
        self.kind = kind
        self.name = name
        self.suggestions = list(suggestions or [])
        hint = f"; did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # KeyError would repr() the message
        return self.args[0]


class InputError(XferError, ValueError):
    """Bad input data: names the file, the line or record, the field and the reason."""

    def __init__(
        self,
        reason: str,
        *,
        path: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        self.field = field
        self.reason = reason
        where = []
        if path is not None:
            where.append(str(path))
        if line is not None:
            where.append(f"line {line}")
        if field is not None:
            where.append(f"field {field!r}")
        prefix = ": ".join([", ".join(where)]) + ": " if where else ""
        super().__init__(f"{prefix}{reason}")


class ScaleError(InputError):
    """A value whose scale (0-1 or 0-100) cannot be decided safely."""


class StoreError(XferError):
    """The results store cannot be opened, read or written."""


class ScoringError(InputError):
    """Predictions and labels cannot be scored (missing file, line-count mismatch, ...)."""
