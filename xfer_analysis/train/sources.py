"""Where each task's data lives: Hugging Face dataset name, config, split and field mapping.

Names follow the real hub datasets (``google/xtreme``, ``nyu-mll/glue``, ``rajpurkar/squad``,
``Rowan/hellaswag``, ``allenai/cosmos_qa``, ``tau/commonsense_qa``, ``facebook/anli``). Each
source also names its *kind*, the uniform example shape the runner trains on:

- ``classification``: ``{"a", "b" (or None), "label" (class name)}``
- ``multiple_choice``: ``{"first", "seconds" (one per choice), "label" (choice index)}``
- ``qa``: ``{"id", "context", "question", "answers": {"text", "answer_start"}}``
- ``tagging``: ``{"tokens", "tags" (tag names)}``
- ``retrieval``: ``{"source", "target"}`` (row i of source is parallel to row i of target)
- ``mlm``: ``{"text"}``

Local override (no hub needed): ``<data_dir>/<dataset>/<config or "default">/<split>.jsonl``
with the hub's field names, class labels written as their names (``"entailment"``, ``"B-PER"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError

XTREME_HF = "google/xtreme"

# ISO 639-1 -> Tatoeba config code, from google-research/xtreme utils_preprocess.py
# (commit a0ffd2453e3d8060f20d5804f45a1b75cf7a54fc, ``lang3_dict``), as used by the hub's
# ``google/xtreme`` ``tatoeba.<code>`` configs.
TATOEBA_CODES = {
    "af": "afr", "ar": "ara", "bg": "bul", "bn": "ben", "de": "deu", "el": "ell", "es": "spa",
    "et": "est", "eu": "eus", "fa": "pes", "fi": "fin", "fr": "fra", "he": "heb", "hi": "hin",
    "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "kat", "kk": "kaz",
    "ko": "kor", "ml": "mal", "mr": "mar", "nl": "nld", "pt": "por", "ru": "rus", "sw": "swh",
    "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur", "ur": "urd", "vi": "vie",
    "zh": "cmn",
}

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


def _pair(a: str, b: str, label: str) -> Convert:
    return lambda r: {"a": r[a], "b": r[b], "label": str(r[label])}


def _single(a: str, label: str) -> Convert:
    return lambda r: {"a": r[a], "b": None, "label": str(r[label])}


def _qa(r: Row) -> Row:
    return {
        "id": str(r["id"]),
        "context": r["context"],
        "question": r["question"],
        "answers": {
            "text": list(r["answers"]["text"]),
            "answer_start": [int(s) for s in r["answers"]["answer_start"]],
        },
    }


def _tags(field: str) -> Convert:
    return lambda r: {"tokens": list(r["tokens"]), "tags": [str(t) for t in r[field]]}


def _retrieval(r: Row) -> Row:
    return {"source": r["source_sentence"], "target": r["target_sentence"]}


def _hellaswag(r: Row) -> Row:
    return {"first": r["ctx"], "seconds": list(r["endings"]), "label": int(r["label"])}


def _cosmos(r: Row) -> Row:
    choices = [r[f"answer{i}"] for i in range(4)]
    return {
        "first": r["context"],
        "seconds": [f"{r['question']} {c}" for c in choices],
        "label": int(r["label"]),
    }


def _csqa(r: Row) -> Row:
    keys = list(r["choices"]["label"])
    return {
        "first": r["question"],
        "seconds": list(r["choices"]["text"]),
        "label": keys.index(r["answerKey"]),
    }


def _from_fields(kind: str, fields: dict[str, str]) -> Convert:
    """The converter of a registry `DataSpec`: runner field <- dataset column, by task kind."""
    if kind == "classification":
        a, b, label = fields["a"], fields.get("b"), fields["label"]
        return lambda r: {"a": r[a], "b": r[b] if b else None, "label": str(r[label])}
    if kind == "multiple_choice":
        first, seconds, label = fields["first"], fields["seconds"], fields["label"]
        return lambda r: {"first": r[first], "seconds": list(r[seconds]), "label": int(r[label])}
    if kind == "retrieval":
        return lambda r: {"text": r[fields["target"]]}
    raise InputError(f"no generic converter for task kind {kind!r}")


def spec_source(spec: tasks.DataSpec, role: str, lang: str | None = None) -> Source:
    """The Source of a registry `DataSpec` for one role (`train`, `dev`, `test`) and language."""
    split = spec.split_for(role, lang)
    if split is None:
        raise InputError(f"{spec.dataset} has no {role!r} split for {lang or 'this task'}",
                         field="split")
    convert = _from_fields(spec.kind, dict(spec.fields))
    parallel = None
    if spec.parallel_config is not None:
        parallel = Source(spec.dataset, spec.parallel_config, (split,), spec.kind,
                          lambda r: {"text": r[spec.fields["source"]]})
    return Source(spec.dataset, spec.config_for(lang), (split,), spec.kind, convert,
                  parallel=parallel)


_GLUE = "nyu-mll/glue"
_SQUAD = Source("rajpurkar/squad", "plain_text", ("train",), "qa", _qa)
_MNLI = Source(_GLUE, "mnli", ("train",), "classification", _pair("premise", "hypothesis", "label"))

INTERMEDIATE_SOURCES: dict[str, Source] = {
    "mnli": _MNLI,
    "qqp": Source(_GLUE, "qqp", ("train",), "classification",
                  _pair("question1", "question2", "label")),
    "sst2": Source(_GLUE, "sst2", ("train",), "classification", _single("sentence", "label")),
    "anli": Source("facebook/anli", None, ("train_r1", "train_r2", "train_r3"),
                   "classification", _pair("premise", "hypothesis", "label")),
    "squad": _SQUAD,
    "hellaswag": Source("Rowan/hellaswag", None, ("train",), "multiple_choice", _hellaswag),
    "cosmosqa": Source("allenai/cosmos_qa", None, ("train",), "multiple_choice", _cosmos),
    "commonsenseqa": Source("tau/commonsense_qa", None, ("train",), "multiple_choice", _csqa),
    # CCGbank is LDC-licensed and not on the hub: only a local copy works (tokens + tags).
    "ccg": Source("ccgbank", None, ("train",), "tagging", _tags("tags")),
}


def _xtreme(config: str, split: str, kind: str, convert: Convert, keep=None) -> Source:
    return Source(XTREME_HF, config, (split,), kind, convert, keep)


def _tydiqa_lang(code: str) -> Callable[[Row], bool]:
    prefix = tasks.language(code).name.lower() + "-"
    return lambda r: str(r["id"]).startswith(prefix)


def target_train_source(target: str) -> Source:
    """The English training set of a target task (XTREME's zero-shot recipe)."""
    record = tasks.target(target)
    if record.train_data is not None:
        return spec_source(record.train_data, "train", "en")
    name = record.name
    table = {
        "xnli": _MNLI,
        "pawsx": _xtreme("PAWS-X.en", "train", "classification",
                         _pair("sentence1", "sentence2", "label")),
        "udpos": _xtreme("udpos.English", "train", "tagging", _tags("pos_tags")),
        "panx": _xtreme("PAN-X.en", "train", "tagging", _tags("ner_tags")),
        "xquad": _SQUAD,
        "mlqa": _SQUAD,
        "tydiqa": _xtreme("tydiqa", "train", "qa", _qa, _tydiqa_lang("en")),
    }
    if name not in table:
        raise UnknownNameError("trainable target task for the runner", name, sorted(table))
    return table[name]


# hub split per results split; None = this split does not exist for the task
_SPLITS: dict[str, dict[str, str | None]] = {
    "xnli": {"dev": "validation", "test": "test"},
    "pawsx": {"dev": "validation", "test": "test"},
    "udpos": {"dev": "validation", "test": "test"},
    "panx": {"dev": "validation", "test": "test"},
    "xquad": {"dev": None, "test": "validation"},
    "mlqa": {"dev": "validation", "test": "test"},
    "tydiqa": {"dev": None, "test": "validation"},
    "tatoeba": {"dev": None, "test": "validation"},
    "bucc2018": {"dev": "validation", "test": "test"},
}


def target_eval_source(target: str, lang: str, split: str) -> Source:
    """The evaluation slice of a target task in one language (`split` is `dev` or `test`)."""
    record = tasks.target(target)
    if record.eval_data is not None:
        return spec_source(record.eval_data, split, lang)
    name = record.name
    if name not in _SPLITS:
        raise UnknownNameError("evaluable target task for the runner", name, sorted(_SPLITS))
    hub_split = _SPLITS[name].get(split)
    if hub_split is None:
        raise InputError(f"{name} has no {split!r} split on the hub", field="split")
    lang_name = tasks.language(lang).name
    table: dict[str, Callable[[], Source]] = {
        "xnli": lambda: _xtreme("XNLI", hub_split, "classification",
                                _pair("sentence1", "sentence2", "gold_label"),
                                lambda r: r["language"] == lang),
        "pawsx": lambda: _xtreme(f"PAWS-X.{lang}", hub_split, "classification",
                                 _pair("sentence1", "sentence2", "label")),
        "udpos": lambda: _xtreme(f"udpos.{lang_name}", hub_split, "tagging", _tags("pos_tags")),
        "panx": lambda: _xtreme(f"PAN-X.{lang}", hub_split, "tagging", _tags("ner_tags")),
        "xquad": lambda: _xtreme(f"XQuAD.{lang}", hub_split, "qa", _qa),
        "mlqa": lambda: _xtreme(f"MLQA.{lang}.{lang}", hub_split, "qa", _qa),
        "tydiqa": lambda: _xtreme("tydiqa", hub_split, "qa", _qa, _tydiqa_lang(lang)),
        "tatoeba": lambda: _xtreme(f"tatoeba.{_tatoeba_code(lang)}", hub_split, "retrieval",
                                   _retrieval),
        "bucc2018": lambda: _xtreme(f"bucc18.{lang}", hub_split, "retrieval", _retrieval),
    }
    return table[name]()


def _tatoeba_code(lang: str) -> str:
    if lang not in TATOEBA_CODES:
        raise UnknownNameError("Tatoeba language", lang, sorted(TATOEBA_CODES))
    return TATOEBA_CODES[lang]


def intermediate_source(name: str) -> Source:
    """The training set of an intermediate task (canonical registry name)."""
    record = tasks.intermediate(name)
    if record.data is not None:
        return spec_source(record.data, "train")
    canonical = record.name
    if canonical not in INTERMEDIATE_SOURCES:
        raise UnknownNameError("intermediate task with a data source", canonical,
                               sorted(INTERMEDIATE_SOURCES))
    return INTERMEDIATE_SOURCES[canonical]


def mlm_source(dataset: str, config: str | None, split: str, field: str) -> Source:
    """Unlabelled text for continued multilingual MLM (any dataset with a text field)."""
    return Source(dataset, config, (split,), "mlm", lambda r: {"text": r[field]})
