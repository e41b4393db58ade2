"""Where a task's data lives and how its rows map to the runner's example shape.

A `DataSpec` is plain data (no code), one per task role, in the spirit of a task record of
lm-evaluation-harness: the dataset id and config (a template that may use `{lang}`, `{name}`
(the language's English name, `udpos.German`), `{lname}` (lower case, the TyDiQA id prefix) and
`{code}` (a per-language config code, `tatoeba.deu`)), the hub split of each role (`train`,
`dev`, `test`; several splits joined by `+`, as ANLI's rounds), which languages have a config
and which splits each language lacks, the task kind, the mapping from the runner's fields to
dataset columns, an optional row filter (`where`) for configs that mix languages, an optional
named row format (`row_format`) for shapes a field mapping cannot express, and the label names
where the dataset stores labels as plain strings (ClassLabel names always come from the
dataset's Features). The runner, the grid validation and the scorer read this one record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

KINDS = ("classification", "multiple_choice", "qa", "tagging", "retrieval", "mining", "mlm")
ROLES = ("train", "dev", "test")
WHERE_OPS = ("==", "startswith")


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
    languages: tuple[str, ...] | None = None
    codes: Mapping[str, str] = field(default_factory=dict)
    where: tuple[str, str, str] | None = None
    row_format: str | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"{self.dataset}: kind {self.kind!r} not in {KINDS}")
        if set(self.splits) - set(ROLES):
            raise ValueError(f"{self.dataset}: roles {sorted(set(self.splits) - set(ROLES))}")
        if self.where is not None and self.where[1] not in WHERE_OPS:
            raise ValueError(f"{self.dataset}: where operator {self.where[1]!r} not in {WHERE_OPS}")

    def _fill(self, template: str, lang: str | None) -> str:
        if lang is None:
            return template
        from xfer_analysis.tasks.languages import language

        name = language(lang).name
        return template.format(lang=lang, name=name, lname=name.lower(),
                               code=self.codes.get(lang, lang))

    def config_for(self, lang: str | None = None) -> str:
        """The dataset config of one language (the template's placeholders filled in)."""
        return self._fill(self.config, lang)

    def has_language(self, lang: str | None) -> bool:
        """Whether the dataset has a config for `lang` (always, when it lists no languages)."""
        return lang is None or self.languages is None or lang in self.languages

    def split_for(self, role: str, lang: str | None = None) -> str | None:
        """The hub split serving `role` (`train`, `dev`, `test`) in `lang`; None if absent
        (no such split, or no config for that language). `+` joins several hub splits."""
        if not self.has_language(lang):
            return None
        if lang is not None and role in self.missing.get(lang, ()):
            return None
        return self.splits.get(role)

    def hub_splits(self, role: str, lang: str | None = None) -> tuple[str, ...]:
        """The hub splits read for `role` in `lang` (empty when there are none)."""
        split = self.split_for(role, lang)
        return tuple(split.split("+")) if split else ()

    def where_for(self, lang: str | None) -> tuple[str, str, str] | None:
        """The row filter with its value filled in for `lang` (None: every row is kept)."""
        if self.where is None:
            return None
        column, op, value = self.where
        return column, op, self._fill(value, lang)

    def why_not(self, role: str, lang: str | None = None) -> str | None:
        """Why `role` in `lang` cannot be served (None when it can): a sentence naming the
        dataset, config and what is missing."""
        if not self.has_language(lang):
            return (f"{self.dataset} has no config for language {lang!r} "
                    f"(it has {', '.join(self.languages or ())})")
        if self.split_for(role, lang) is None:
            have = [r for r in ROLES if self.split_for(r, lang) is not None]
            return (f"{self.dataset}/{self.config_for(lang)} has no {role!r} split"
                    f"{f' in {lang}' if lang else ''} (it has: {', '.join(have) or 'none'})")
        return None
