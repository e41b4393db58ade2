"""Readers for the outputs of other tools: jiant ``val_metrics.json`` and Hugging Face Trainer
``all_results.json`` / ``eval_results.json`` (plus a sidecar naming the run).

jiant writes ``{"aggregated": x, "<task>": {"loss": l, "metrics": {"major": m, "minor": {...}}}}``
with one entry per task; XTREME tasks are named ``<task>_<lang>`` (``xnli_de``, ``panx_sw``;
MLQA ``mlqa_<context>_<question>``). QA metrics are on 0-100, every other metric on 0-1.
Entries for intermediate tasks (``mnli``, ``squad_v1``) are not target scores: they are
skipped and listed in ``df.attrs["skipped"]``; minor metrics that are not scores of the task
(``total``, ``HasAns_f1``, ...) are listed in ``df.attrs["ignored_metrics"]``.

Hugging Face Trainer files are flat ``{"eval_accuracy": 0.8, "eval_loss": ...}``. Which run
they belong to comes from a sidecar ``xfer.yaml``/``xfer.yml``/``xfer.json`` in the same folder
and/or keyword arguments (keyword arguments win): ``base_model``, ``target_task``,
``language`` are required; ``intermediate``, ``split``, ``seed``, ``run_id``, ``source``,
``setting``, ``scale`` are optional. The ``eval_`` prefix means split ``dev``, ``test_`` and
``predict_`` mean ``test``. Scale: ``exact_match``/``f1`` of QA targets are 0-100 (the
``squad`` metric), everything else 0-1, unless the sidecar says ``scale``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import yaml

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError
from xfer_analysis.results._records import parse_json, to_table
from xfer_analysis.results.formats import Peek
from xfer_analysis.results.scale import parse_scale, to_percent
from xfer_analysis.results.schema import RECORD_COLUMN, parse_number


def _load_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", path=str(path)) from None
    return parse_json(text, str(path))


def sniff_jiant(peek: Peek) -> bool:
    """Whether a JSON file is jiant's metrics (it has an `aggregated` entry)."""
    return isinstance(peek.json, dict) and "aggregated" in peek.json


def sniff_hf(peek: Peek) -> bool:
    """Whether a JSON file is Trainer metrics: flat keys with an eval_/test_/predict_ prefix
    (and no `results` list, which would make it a results-schema JSON)."""
    data = peek.json
    return isinstance(data, dict) and "results" not in data and any(
        str(k).startswith(("eval_", "test_", "predict_")) for k in data
    )


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _finite(value: int | float, record: str, key: str, path: Path) -> float:
    """A JSON number as a finite float; InputError for one too large (a 309-digit integer)."""
    try:
        return parse_number(value)
    except (ValueError, OverflowError) as exc:
        raise InputError(f"record {record!r}: {key} is not a usable number ({exc})",
                         path=str(path), field=str(key)) from None


def _metric_of(key: str, metrics: tuple[str, ...]) -> str | None:
    """The canonical metric `key` names if it is one of `metrics`, else None."""
    try:
        metric = tasks.metric(key)
    except UnknownNameError:
        return None
    return metric if metric in metrics else None


def _split_jiant_name(name: str, path: Path) -> tuple[str, str] | None:
    """(target, language) for `xnli_de`-style names; None for an intermediate task."""
    head, _, rest = name.partition("_")
    try:
        task = tasks.target(head).name
    except UnknownNameError:
        try:
            tasks.intermediate(name)
        except UnknownNameError as exc:
            raise InputError(
                f"record {name!r}: not an XTREME task_lang entry nor an intermediate task "
                f"({exc})", path=str(path), field="task",
            ) from None
        return None
    langs = rest.split("_") if rest else []
    if task == "mlqa" and len(langs) == 2:
        if langs[0] != langs[1]:
            raise InputError(
                f"record {name!r}: cross-lingual MLQA pair (context {langs[0]}, question "
                f"{langs[1]}) has no place in the results table", path=str(path), field="task",
            )
        langs = langs[:1]
    if len(langs) != 1:
        raise InputError(f"record {name!r}: expected <task>_<language>", path=str(path),
                         field="task")
    return task, langs[0]


def read_jiant(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """jiant `val_metrics.json`: one record per (task_lang, metric), normalised to 0-100."""
    data = _load_json(path)
    if not isinstance(data, dict):
        raise InputError("expected a jiant val_metrics object", path=str(path))
    run_meta = {
        "split": "dev", "run_id": f"jiant:{path.parent.name}", "source": "jiant", **run_meta
    }
    forced = parse_scale(scale)
    records: list[dict] = []
    skipped: list[str] = []
    ignored: list[str] = []
    for name, entry in data.items():
        if name == "aggregated":
            continue
        where = {"path": str(path), "field": "metrics"}
        if not isinstance(entry, dict) or not isinstance(entry.get("metrics"), dict):
            raise InputError(f"record {name!r}: expected {{'metrics': {{...}}}}", **where)
        parsed = _split_jiant_name(str(name), path)
        if parsed is None:
            skipped.append(str(name))
            continue
        task, lang = parsed
        minor = entry["metrics"].get("minor")
        if not isinstance(minor, dict) or not minor:
            raise InputError(f"record {name!r}: no 'minor' metrics", **where)
        target = tasks.target(task)
        fitting = [key for key in minor if _metric_of(str(key), target.metrics)]
        if not fitting:
            raise InputError(
                f"record {name!r}: no metric of {task} ({', '.join(target.metrics)}) among "
                f"its minor metrics ({', '.join(str(k)[:40] for k in minor)})",
                path=str(path), field="metrics",
            )
        for key, value in minor.items():
            metric = _metric_of(str(key), target.metrics)
            if metric is None:
                ignored.append(f"{name}.{key}")
                continue
            if not _is_number(value):
                raise InputError(f"record {name!r}: {key} = {value!r} is not a number",
                                 path=str(path), field=key)
            convention = forced or ("0-100" if target.category == "qa" else "0-1")
            pct = to_percent(_finite(value, name, key, path), convention, path=str(path), field=key,
                             record=f"{name}.{key}", declared=forced is not None)
            records.append({"target_task": task, "language": lang, "metric": metric,
                            "value": pct, RECORD_COLUMN: f"{name}.{key}"})
    if not records:
        raise InputError("no XTREME task_lang scores found", path=str(path))
    df = to_table(records, str(path), run_meta=run_meta)
    df.attrs.update(skipped=skipped, ignored_metrics=ignored)
    return df


SIDECAR_NAMES = ("xfer.yaml", "xfer.yml", "xfer.json")
_SIDECAR_KEYS = ("base_model", "intermediate", "intermediate_examples", "intermediate_data",
                 "target_task", "language", "split", "seed", "run_id", "source", "setting",
                 "model_params", "note", "scale")
_NOT_METRICS = ("loss", "runtime", "samples_per_second", "steps_per_second", "samples", "epoch",
                "total_flos", "jit_compilation_time", "model_preparation_time")
_PREFIX_SPLIT = {"eval": "dev", "test": "test", "predict": "test"}


def read_sidecar(folder: Path) -> dict[str, object]:
    """The run description next to a HF result file (empty dict if there is none)."""
    for name in SIDECAR_NAMES:
        p = folder / name
        if p.is_file():
            try:
                text = p.read_text(encoding="utf-8")
                meta = json.loads(text) if p.suffix == ".json" else yaml.safe_load(text)
            except RecursionError:
                raise InputError("cannot parse sidecar: nested too deeply", path=str(p)) from None
            except (OSError, ValueError, yaml.YAMLError) as exc:
                raise InputError(f"cannot parse sidecar: {str(exc)[:200]}", path=str(p)) from None
            if not isinstance(meta, dict):
                raise InputError("sidecar must be a mapping of run fields", path=str(p))
            unknown = [k for k in meta if k not in _SIDECAR_KEYS]
            if unknown:
                raise InputError(f"unknown sidecar field(s): {', '.join(map(str, unknown))}; "
                                 f"allowed: {', '.join(_SIDECAR_KEYS)}", path=str(p))
            return meta
    return {}


def read_hf(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """HF Trainer `all_results.json`/`eval_results.json` described by a sidecar or keywords."""
    data = _load_json(path)
    if not isinstance(data, dict):
        raise InputError("expected a flat object of Trainer metrics", path=str(path))
    meta = {**read_sidecar(path.parent), **{k: v for k, v in run_meta.items() if v is not None}}
    scale = scale if scale is not None else meta.pop("scale", None)
    meta.pop("scale", None)
    for needed in ("base_model", "target_task", "language"):
        if meta.get(needed) in (None, ""):
            raise InputError(
                f"which run is this? give {needed} in a sidecar ({'/'.join(SIDECAR_NAMES)}) "
                "or as an option", path=str(path), field=needed,
            )
    try:
        target = tasks.target(str(meta["target_task"]))
    except UnknownNameError as exc:
        raise InputError(str(exc), path=str(path), field="target_task") from None
    forced = parse_scale(scale)
    records: list[dict] = []
    ignored: list[str] = []
    for key, value in data.items():
        prefix, _, name = str(key).partition("_")
        if prefix not in _PREFIX_SPLIT or name in _NOT_METRICS:
            ignored.append(str(key))
            continue
        try:
            metric = tasks.metric(name)
        except UnknownNameError:
            metric = None
        if metric not in target.metrics:
            ignored.append(str(key))
            continue
        if not _is_number(value):
            raise InputError(f"{key} = {value!r} is not a number", path=str(path), field=str(key))
        qa_scale = target.category == "qa" and metric in ("exact_match", "f1")
        convention = forced or ("0-100" if qa_scale else "0-1")
        pct = to_percent(_finite(value, key, key, path), convention, path=str(path),
                         field=str(key),
                         record=str(key), declared=forced is not None)
        split = meta.get("split") or _PREFIX_SPLIT[prefix]
        records.append({"metric": metric, "value": pct, "split": split, RECORD_COLUMN: str(key)})
    if not records:
        raise InputError(f"no {target.name} metric ({', '.join(target.metrics)}) with an "
                         "eval_/test_/predict_ prefix", path=str(path))
    meta.pop("split", None)
    meta = {"run_id": f"hf:{path.parent.name}", "source": "hf-trainer", **meta}
    df = to_table(records, str(path), run_meta=meta)
    df.attrs["ignored_metrics"] = ignored
    return df
