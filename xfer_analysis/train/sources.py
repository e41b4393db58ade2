"""How the runner reads a task: a registry `DataSpec` turned into a loadable `Source`.

There are no per-task tables here: where a task's data lives (dataset, config, splits,
languages, fields) is its record in `xfer_analysis.tasks`. This module only holds the row
*formats* a record may name (`row_format`) for shapes that a field mapping cannot express, and
the generic converters of each kind, i.e. the uniform example shape the runner trains on:

- ``classification``: ``{"a", "b" (or None), "label" (class name)}``
- ``multiple_choice``: ``{"first", "seconds" (one per choice), "label" (choice index)}``
- ``qa``: ``{"id", "context", "question", "answers": {"text", "answer_start"}}``
- ``tagging``: ``{"tokens", "tags" (tag names)}``
- ``retrieval``: ``{"source", "target"}`` (row i of source is parallel to row i of target)
- ``mlm``: ``{"text"}``

Local copies (no hub needed): see `xfer_analysis.train.data` for the layouts under `data_dir`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError

Row = dict
Convert = Callable[[Row], Row]


@dataclass(frozen=True)
class Source:
    """One slice of one dataset, with the function mapping its rows to the runner's kind."""

    dataset: str
    config: str | None
    splits: tuple[str, ...]
    kind: str
    convert: Convert
    keep: Callable[[Row], bool] | None = None
    parallel: Source | None = None  # retrieval: row i of `parallel` is the source side of row i


def _squad(r: Row) -> Row:
    return {
        "id": str(r["id"]),
        "context": r["context"],
        "question": r["question"],
        "answers": {
            "text": list(r["answers"]["text"]),
            "answer_start": [int(s) for s in r["answers"]["answer_start"]],
        },
    }


def _hellaswag(r: Row) -> Row:  # label is a string "0".."3" on the hub
    return {"first": r["ctx"], "seconds": list(r["endings"]), "label": int(r["label"])}


def _cosmos(r: Row) -> Row:  # label is a plain int 0..3
    choices = [r[f"answer{i}"] for i in range(4)]
    return {
        "first": r["context"],
        "seconds": [f"{r['question']} {c}" for c in choices],
        "label": int(r["label"]),
    }


def _csqa(r: Row) -> Row:  # answerKey is a letter; choices = {label: [A..E], text: [...]}
    keys = list(r["choices"]["label"])
    return {
        "first": r["question"],
        "seconds": list(r["choices"]["text"]),
        "label": keys.index(r["answerKey"]),
    }


def _strip_pair(r: Row) -> Row:  # Tatoeba lines keep their trailing newline on the hub
    return {"source": r["source_sentence"].strip(), "target": r["target_sentence"].strip()}


#: Row formats a `DataSpec.row_format` may name.
ROW_FORMATS: dict[str, Convert] = {
    "squad": _squad, "hellaswag": _hellaswag, "cosmos_qa": _cosmos,
    "commonsense_qa": _csqa, "strip_pair": _strip_pair,
}


def _from_fields(kind: str, fields: dict[str, str]) -> Convert:
    """The converter of a field mapping: runner field <- dataset column, by task kind."""
    if kind == "classification":
        a, b, label = fields["a"], fields.get("b"), fields["label"]
        return lambda r: {"a": r[a], "b": r[b] if b else None, "label": str(r[label])}
    if kind == "multiple_choice":
        first, seconds, label = fields["first"], fields["seconds"], fields["label"]
        return lambda r: {"first": r[first], "seconds": list(r[seconds]), "label": int(r[label])}
    if kind == "tagging":
        tokens, tags = fields["tokens"], fields["tags"]
        return lambda r: {"tokens": list(r[tokens]), "tags": [str(t) for t in r[tags]]}
    if kind == "retrieval":
        return lambda r: {"text": r[fields["target"]]}
    raise InputError(f"no generic converter for task kind {kind!r}")


def _keep(where: tuple[str, str, str] | None) -> Callable[[Row], bool] | None:
    if where is None:
        return None
    column, op, value = where
    if op == "==":
        return lambda r: str(r[column]) == value
    return lambda r: str(r[column]).startswith(value)


def spec_source(spec: tasks.DataSpec, role: str, lang: str | None = None) -> Source:
    """The Source of a registry `DataSpec` for one role (`train`, `dev`, `test`) and language."""
    why = spec.why_not(role, lang)
    if why is not None:
        raise InputError(why, field="split")
    splits = spec.hub_splits(role, lang)
    if spec.row_format is not None:
        if spec.row_format not in ROW_FORMATS:
            raise UnknownNameError("row format", spec.row_format, sorted(ROW_FORMATS))
        convert = ROW_FORMATS[spec.row_format]
    else:
        convert = _from_fields(spec.kind, dict(spec.fields))
    parallel = None
    if spec.parallel_config is not None:
        parallel = Source(spec.dataset, spec.parallel_config, splits, spec.kind,
                          lambda r: {"text": r[spec.fields["source"]]})
    return Source(spec.dataset, spec.config_for(lang), splits, spec.kind, convert,
                  _keep(spec.where_for(lang)), parallel)


def _spec(record, role: str, what: str) -> tasks.DataSpec:
    spec = record.data_for(role) if hasattr(record, "data_for") else record.data
    if spec is None:
        raise InputError(f"{what} {record.name} has no {role} data in the task registry",
                         field="targets" if hasattr(record, "data_for") else "intermediate_sets")
    return spec


def target_train_source(target: str) -> Source:
    """The English training set of a target task (XTREME's zero-shot recipe)."""
    record = tasks.target(target)
    return spec_source(_spec(record, "train", "target task"), "train", "en")


def target_eval_source(target: str, lang: str, split: str) -> Source:
    """The evaluation slice of a target task in one language (`split` is `dev` or `test`)."""
    record = tasks.target(target)
    return spec_source(_spec(record, split, "target task"), split, lang)


def intermediate_source(name: str) -> Source:
    """The training set of an intermediate task (canonical registry name)."""
    record = tasks.intermediate(name)
    return spec_source(_spec(record, "train", "intermediate task"), "train")


def mlm_source(dataset: str, config: str | None, split: str, field: str) -> Source:
    """Unlabelled text for continued multilingual MLM (any dataset with a text field)."""
    return Source(dataset, config, (split,), "mlm", lambda r: {"text": r[field]})
