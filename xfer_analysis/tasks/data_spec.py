"""Where a task's data lives and how its rows map to the runner's example shape.

A `DataSpec` is plain data (no code): the dataset id and config (a template that may use
`{lang}`), the hub split of each role (`train`, `dev`, `test`), the task kind, the mapping from
the runner's fields to dataset columns, and the label names where the dataset stores labels
as plain strings (ClassLabel names always come from the dataset's Features). The runner, the
grid validation and the scorer read this one record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KINDS = ("classification", "multiple_choice", "qa", "tagging", "retrieval", "mlm")


@dataclass(frozen=True)
class DataSpec:
    """One dataset slice family: id, config template, role -> split, kind and field mapping."""

    dataset: str
    kind: str
    fields: Mapping[str, str]
    config: str = "default"
    splits: Mapping[str, str] = field(default_factory=lambda: {"train": "train"})
    label_names: tuple[str, ...] | None = None
    parallel_config: str | None = None
    missing: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def config_for(self, lang: str | None = None) -> str:
        """The dataset config of one language (`{lang}` in the template is filled in)."""
        return self.config.format(lang=lang) if lang is not None else self.config

    def split_for(self, role: str, lang: str | None = None) -> str | None:
        """The hub split serving `role` (`train`, `dev`, `test`) in `lang`; None if absent."""
        if lang is not None and role in self.missing.get(lang, ()):
            return None
        return self.splits.get(role)
