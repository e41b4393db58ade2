"""Metadata lookups for the analyses, all answered by `xfer_analysis.tasks` (the one registry)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd
import yaml

from xfer_analysis.errors import InputError, UnknownNameError
from xfer_analysis.resources import shipped

QA_SCORE_METRIC = "em_f1_mean"


@dataclass(frozen=True)
class LanguageInfo:
    """Family, script and resource level of one language (None where the registry has none)."""

    code: str
    family: str | None
    script: str | None
    resource_level: str | None


def _tasks():
    """Import the registry lazily so pure-frame analyses never need it."""
    from xfer_analysis import tasks

    return tasks


def score_metric(target_task: str) -> str:
    """The task-score metric of a target (`accuracy`, `f1`, `map@20`, or `em_f1_mean` for QA)."""
    return _tasks().target(target_task).score_metric


def category(target_task: str) -> str:
    """The XTREME category of a target (classification, structured_prediction, qa, retrieval)."""
    return _tasks().target(target_task).category


def benchmark_targets(benchmark: str = "xtreme") -> list[str]:
    """Canonical names of the target tasks that make up a benchmark score."""
    return [t.name for t in _tasks().targets(benchmark)]


def language_info(code: str) -> LanguageInfo:
    """Family, script and resource level of a language code; unknown codes give None fields."""
    try:
        lang = _tasks().language(code)
    except UnknownNameError:
        return LanguageInfo(code, None, None, None)
    return LanguageInfo(code, lang.family, lang.script, lang.resource_level)


def intermediate_descriptors(name: str) -> dict[str, object]:
    """Format family, domain, label space and train size of one intermediate task."""
    task = _tasks().intermediate(name)
    return {
        "name": task.name,
        "display": task.display,
        "format_family": task.format_family,
        "domain": task.domain,
        "label_space": task.label_space,
        "train_examples": task.train_examples,
    }


def model_info(base_model: str) -> tuple[str | None, float | None]:
    """Family and parameter count of a base model; (None, None) when the registry lacks it."""
    try:
        model = _tasks().base_model(base_model)
    except UnknownNameError:
        return None, None
    params = model.params
    return model.family, (float(params) if params is not None and not pd.isna(params) else None)


def is_aggregate(target_task: str) -> bool:
    """Whether a `target_task` value names an aggregate score (`xtreme`, `xtreme:qa`, …)."""
    return bool(_tasks().is_aggregate(target_task))


def aggregate_definition(name: str) -> tuple[tuple[str, ...], str]:
    """Member tasks of an aggregate score and how it averages (`mean_tasks`/`mean_categories`)."""
    agg = _tasks().aggregate(name)
    return tuple(agg.tasks), agg.how


ROLES = ("dev", "test")
DECIDING_GRID = "phang2020.yaml"
"""The shipped grid whose `target_splits` state, until the task records carry them, which split
serves as dev for the targets that have no dev split on the hub."""


@lru_cache(maxsize=1)
def _grid_target_splits() -> dict[str, str]:
    """`target_splits` of the shipped paper grid (target -> split that serves as dev)."""
    path = shipped("configs") / DECIDING_GRID
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read the split of each target: {exc}", path=str(path),
                         field="target_splits") from exc
    return {_tasks().target(t).name: str(s) for t, s in (raw.get("target_splits") or {}).items()}


def role_split(target_task: str, role: str) -> str:
    """The split label whose rows serve as `role` ("dev" or "test") for a target: where the
    task record's evaluation data spec (`eval_data`) has no dev split but a test split, test
    serves as dev; a record without a spec falls back to the shipped paper grid's
    `target_splits` (XQuAD, TyDiQA-GoldP and Tatoeba have no dev split on the hub); else the
    role's own name. The one place claims and questions learn it."""
    if role not in ROLES:
        raise InputError(f"role must be one of {ROLES}, not {role!r}", field="split")
    record = _tasks().target(target_task)
    if role == "test":
        return role
    spec = getattr(record, "eval_data", None)
    if spec is not None:
        return "test" if spec.split_for("dev") is None and spec.split_for("test") else role
    return _grid_target_splits().get(record.name, role)


def role_splits(target_task: str, role: str) -> tuple[str, ...]:
    """Splits whose rows may serve as `role` for a target: `role_split` first, then rows a
    source itself labels `role` (a typed paper table that calls its XQuAD column dev)."""
    return tuple(dict.fromkeys((role_split(target_task, role), role)))
