"""Experiment grids: a YAML file crossing base models x intermediate sets x data sizes x
targets x seeds, expanded into cells with stable ids (a hash of each cell's canonical config).

Paths (data, work and store directories) and the executor are not part of a cell's identity,
so the same grid run on another machine or with another executor has the same cell ids.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from xfer_analysis import tasks
from xfer_analysis.errors import InputError, UnknownNameError

STAGE_KEYS = ("lr", "batch_size", "epochs")
#: Where the intermediate training data comes from: the English originals, or a user-provided
#: translation of them (same dataset ids and layout, in `translated_dir`).
INTERMEDIATE_DATA = ("english", "translated")
# max_seq_length None = the tokenizer's model_max_length; grad_accum = batches per optimizer
# step; freeze_embeddings keeps the word-embedding matrix fixed (most of a small multilingual
# encoder's parameters); eval_every None = no periodic validation, else keep the best
# checkpoint by English dev score; pooling = how sequence heads pool (`first` token, or `mean`
# for sentence encoders such as e5).
STAGE_DEFAULTS: dict[str, Any] = {"warmup": 0.0, "weight_decay": 0.0, "doc_stride": 128,
                                  "max_seq_length": None, "grad_accum": 1, "max_grad_norm": 1.0,
                                  "freeze_embeddings": False, "eval_every": None,
                                  "pooling": "first"}


@dataclass(frozen=True)
class BaseModelSpec:
    """A base encoder: results name, `from_pretrained` path (or `tiny`), retrieval layer."""

    name: str
    path: str
    retrieval_layer: int
    tiny: dict | None = None

    def identity(self) -> dict:
        """What defines the model (not where it lives on disk, unless it is built here)."""
        return {"name": self.name, "path": self.path, "retrieval_layer": self.retrieval_layer,
                "tiny": self.tiny}


@dataclass(frozen=True)
class Cell:
    """One grid cell: base model, intermediate set, data size, target and seed, plus settings."""

    base: BaseModelSpec
    intermediate: tuple[str, ...]
    size: float | int | None
    target: str
    seed: int
    settings: dict = field(hash=False, compare=False)

    @property
    def intermediate_label(self) -> str:
        """Canonical intermediate label (`none` or sorted names joined by `+`)."""
        return tasks.canonical_intermediate("+".join(self.intermediate) or "none")

    def stage1_config(self) -> dict:
        """Everything that determines the intermediate-trained encoder."""
        s = self.settings
        return {
            "base": self.base.identity(), "intermediate": list(self.intermediate),
            "size": self.size, "budget": s["budget"], "seed": self.seed,
            "training": identity(s["intermediate_training"]) if self.intermediate else None,
            "mixture": s["mixture"] if len(self.intermediate) > 1 else None,
            "mlm": s["mlm"] if "mlm" in self.intermediate else None,
        } | ({"intermediate_data": s["intermediate_data"]}
             if self.intermediate and s["intermediate_data"] != "english" else {})

    def config(self) -> dict:
        """The canonical config of the whole cell (its id is a hash of this)."""
        s = self.settings
        config = {
            "stage1": self.stage1_config(), "target": self.target,
            "target_training": identity(self.target_training), "benchmark": s["benchmark"],
            "split": self.split, "languages": list(s["languages"][self.target]),
            "eval": s["eval"],
        }
        if s["target_examples"] is not None:
            config["target_examples"] = s["target_examples"]
        return config

    @property
    def target_training(self) -> dict:
        """This cell's target-training recipe: the grid's block, then the target's overrides."""
        s = self.settings
        return s["target_training"] | s["target_recipes"].get(self.target, {})

    @property
    def split(self) -> str:
        """Results split evaluated for this cell's target (`dev` or `test`)."""
        return self.settings["splits"][self.target]

    @property
    def stage1_id(self) -> str:
        """Stable id of the intermediate-training stage (shared by cells that differ in target)."""
        return "s" + _digest(self.stage1_config())

    @property
    def id(self) -> str:
        """Stable id of the cell (the results' run_id)."""
        return "c" + _digest(self.config())


def _digest(obj: Any) -> str:
    return hashlib.sha256(json.dumps(obj, sort_keys=True).encode()).hexdigest()[:16]


def identity(block: dict | None) -> dict | None:
    """A stage block as it enters a cell id: keys at their default value are left out, so a
    setting added later (with a default) never changes the ids of cells already run."""
    if block is None:
        return None
    return {k: v for k, v in block.items() if k not in STAGE_DEFAULTS or v != STAGE_DEFAULTS[k]}


@dataclass(frozen=True)
class Grid:
    """A parsed grid file: its cells and the run-level options (paths, resources)."""

    name: str
    path: Path
    cells: list[Cell]
    data_dir: Path | None
    work_dir: Path
    resources: dict
    retries: int
    device: str
    precision: str  # fp32, bf16 or fp16 (train.loop.PRECISIONS): the `bf16:` / `fp16:` flags
    assets: str | None = None
    ledger: Path | None = None
    label: str | None = None
    threads: int | None = None
    checkpoint_every: int | None = None
    skipped: tuple[str, ...] = ()
    skip_unavailable: bool = False
    translated_dir: Path | None = None


def _need(raw: dict, key: str, path: Path) -> Any:
    if key not in raw:
        raise InputError("missing required key", path=str(path), field=key)
    return raw[key]


def _size(value: Any, path: Path) -> float | int | None:
    if value in (None, "full"):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"size must be 'full', a fraction or a count, got {value!r}",
                         path=str(path), field="sizes")
    if isinstance(value, float) and not 0 < value <= 1:
        raise InputError(f"fraction {value} not in (0, 1]", path=str(path), field="sizes")
    if isinstance(value, int) and value < 1:
        raise InputError(f"count {value} must be positive", path=str(path), field="sizes")
    return value


def _intermediate_set(spec: Any, path: Path) -> tuple[str, ...]:
    text = "+".join(spec) if isinstance(spec, list) else str(spec)
    try:
        label = tasks.canonical_intermediate(text)
    except UnknownNameError as exc:
        raise InputError(str(exc), path=str(path), field="intermediate_sets") from exc
    if label == tasks.BEST_PER_TARGET:
        raise InputError("best-per-target is a selection, not a trainable set",
                         path=str(path), field="intermediate_sets")
    return () if label == tasks.NONE else tuple(label.split("+"))


def _check_block(block: dict, path: Path, field_name: str) -> None:
    unknown = sorted(set(block) - set(STAGE_KEYS) - set(STAGE_DEFAULTS))
    if unknown:
        raise InputError(f"unknown training settings {unknown}; known: "
                         f"{sorted({*STAGE_KEYS, *STAGE_DEFAULTS})}", path=str(path),
                         field=field_name)


def _stage(raw: dict, key: str, path: Path) -> dict:
    given = _need(raw, key, path)
    if not isinstance(given, dict):
        raise InputError("a training block is a mapping", path=str(path), field=key)
    _check_block(given, path, key)
    block = dict(STAGE_DEFAULTS) | dict(given)
    missing = [k for k in STAGE_KEYS if k not in block]
    if missing:
        raise InputError(f"missing {missing}", path=str(path), field=key)
    return block


def _recipes(raw: dict, targets: list[str], path: Path) -> dict[str, dict]:
    """Per-target overrides of `target_training` (jiant's XTREME recipe differs by target)."""
    given = raw.get("target_recipes") or {}
    out = {}
    for name, block in given.items():
        try:
            canonical = tasks.target(name).name
        except UnknownNameError as exc:
            raise InputError(str(exc), path=str(path), field=f"target_recipes.{name}") from exc
        if not isinstance(block, dict):
            raise InputError("a recipe is a mapping", path=str(path),
                             field=f"target_recipes.{name}")
        _check_block(block, path, f"target_recipes.{name}")
        if canonical in targets:
            out[canonical] = dict(block)
    return out


def _languages(raw: dict, targets: list[str], benchmark: str, path: Path) -> dict:
    chosen = raw.get("languages") or {}
    out = {}
    for t in targets:
        allowed = tasks.target(t).languages_for(benchmark)
        langs = chosen.get(t, allowed)
        bad = [lang for lang in langs if lang not in allowed]
        if bad:
            raise InputError(f"{bad} not languages of {t} in {benchmark}", path=str(path),
                             field=f"languages.{t}")
        out[t] = tuple(langs)
    return out


def _base(raw: dict, path: Path) -> BaseModelSpec:
    from xfer_analysis.metrics.retrieval import DEFAULT_LAYER

    name, model_path = _need(raw, "name", path), str(_need(raw, "path", path))
    if model_path == "tiny" and "tiny" not in raw:
        raise InputError("a tiny model needs a `tiny:` block", path=str(path), field="base_models")
    return BaseModelSpec(name, model_path, int(raw.get("retrieval_layer", DEFAULT_LAYER)),
                         raw.get("tiny"))


def _precision(raw: dict, path: Path) -> str:
    """The training precision a grid asks for: `bf16: true` or `fp16: true` (autocast), else
    fp32. Operational, like the device: never part of a cell's id."""
    flags = {key: raw.get(key, False) for key in ("bf16", "fp16")}
    for key, value in flags.items():
        if not isinstance(value, bool):
            raise InputError(f"{key} is true or false, got {value!r}", path=str(path), field=key)
    if all(flags.values()):
        raise InputError("bf16 and fp16 exclude each other: choose one autocast precision",
                         path=str(path), field="fp16")
    return next((key for key, on in flags.items() if on), "fp32")


def default_work_dir(name: str) -> Path:
    """Where checkpoints of grid `name` go unless told: `$XFER_WORK/<name>` or the user cache."""
    root = os.environ.get("XFER_WORK") or Path.home() / ".cache" / "xfer-analysis" / "work"
    return Path(root) / name


def selection_dev(target: str) -> tuple[tasks.DataSpec, str] | None:
    """The English dev data that picks a target's best checkpoint (`eval_every`): the target's
    own English dev split, else the dev split of its English training set (SQuAD for XQuAD)."""
    record = tasks.target(target)
    for spec, role in ((record.eval_data, "dev"), (record.train_data, "dev")):
        if spec is not None and spec.split_for(role, "en") is not None:
            return spec, "en"
    return None


def _unavailable(settings: dict, targets: list[str], sets: list, path: Path) -> dict:
    """What the task records say cannot be run: {(target, lang or None): reason} and
    {intermediate task: reason}. Checked before any training."""
    out: dict = {}
    for t in targets:
        record, split = tasks.target(t), settings["splits"][t]
        if record.category != "retrieval":  # retrieval targets are scored without training
            why = (record.train_data.why_not("train", "en") if record.train_data is not None
                   else f"{t} has no training data in the task registry")
            block = settings["target_training"] | settings["target_recipes"].get(t, {})
            if not why and block.get("eval_every") and selection_dev(t) is None:
                why = f"eval_every needs an English dev split of {t}; it has none"
            if why:
                out[(t, None)] = why
        for lang in settings["languages"][t]:
            why = (record.eval_data.why_not(split, lang) if record.eval_data is not None
                   else f"{t} has no evaluation data in the task registry")
            if why:
                out[(t, lang)] = why
    for iset, _ in sets:
        for task in iset:
            if task == "mlm":
                continue
            record = tasks.intermediate(task)
            why = (record.data.why_not("train") if record.data is not None
                   else f"intermediate task {task} has no data in the task registry")
            if why:
                out[task] = why
    return out


def _describe(cell: Cell) -> str:
    return (f"cell {cell.id} ({cell.base.name} / {cell.intermediate_label} / {cell.target} "
            f"{cell.split} / seed {cell.seed})")


def load_grid(path: str | Path, data_dir: str | Path | None = None,
              work_dir: str | Path | None = None, skip_unavailable: bool = False) -> Grid:
    """Parse a grid YAML file and expand it into cells (size is irrelevant for `none`).

    Every (task, language, split, config) is checked against the task records first: an
    impossible cell is an InputError naming it; with `skip_unavailable` the languages that
    cannot be served are dropped (and cells left without any are skipped), each listed in
    `Grid.skipped`. `data_dir` in the file is relative to the file; the arguments override it.
    """
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise InputError(f"cannot read grid: {exc}", path=str(path)) from exc
    if not isinstance(raw, dict):
        raise InputError("a grid file is a YAML mapping", path=str(path))
    benchmark = tasks.benchmark_name(raw.get("benchmark", tasks.XTREME))
    targets = [tasks.target(t).name for t in _need(raw, "targets", path)]
    splits = {t: (raw.get("target_splits") or {}).get(t, raw.get("split", "dev")) for t in targets}
    for t, split in splits.items():
        if split not in ("dev", "test"):
            raise InputError(f"split of {t} must be dev or test, got {split!r}", path=str(path),
                             field="split")
    budget = raw.get("budget", "per_task")
    if budget not in ("per_task", "total"):
        raise InputError("budget must be per_task or total", path=str(path), field="budget")
    settings = {
        "benchmark": benchmark, "splits": splits, "budget": budget,
        "languages": _languages(raw, targets, benchmark, path),
        "intermediate_training": _stage(raw, "intermediate_training", path),
        "target_training": _stage(raw, "target_training", path),
        "target_recipes": _recipes(raw, targets, path),
        "target_examples": _size(raw.get("target_examples"), path),
        "mixture": {"sampling": "proportional", "temperature": 1.0, "cap": None}
        | (raw.get("mixture") or {}),
        "mlm": raw.get("mlm"),
        "eval": {"batch_size": 32, "max_examples": None} | (raw.get("eval") or {}),
        "intermediate_data": str(raw.get("intermediate_data", "english")),
    }
    if settings["intermediate_data"] not in INTERMEDIATE_DATA:
        raise InputError(f"intermediate_data must be one of {INTERMEDIATE_DATA}",
                         path=str(path), field="intermediate_data")
    translated = raw.get("translated_dir")
    if (settings["intermediate_data"] == "translated") != bool(translated):
        raise InputError("intermediate_data: translated needs translated_dir (a folder in the "
                         "--data-dir layout holding the translated intermediate datasets), and "
                         "translated_dir needs intermediate_data: translated",
                         path=str(path), field="translated_dir")
    bases = [_base(b, path) for b in _need(raw, "base_models", path)]
    sizes = [_size(s, path) for s in raw.get("sizes", ["full"])]
    sets = _sets(_need(raw, "intermediate_sets", path), sizes, path)
    if any("mlm" in s for s, _ in sets) and not settings["mlm"]:
        raise InputError("an intermediate set uses mlm but no `mlm:` source is given",
                         path=str(path), field="mlm")
    seeds = [int(s) for s in _need(raw, "seeds", path)]
    problems = _unavailable(settings, targets, sets, path)
    skipped: list[str] = []
    if problems and not skip_unavailable:
        impossible = _expand(bases, sets, targets, seeds, settings)
        lines = [f"{_describe(c)}: {why}" for c in impossible
                 for key, why in problems.items() if _affects(key, c)]
        raise InputError(f"{len(lines)} impossible grid cell(s) (use --skip-unavailable to "
                         f"skip them):\n  " + "\n  ".join(lines), path=str(path))
    if problems:
        langs = dict(settings["languages"])
        for key, why in problems.items():
            if isinstance(key, tuple) and key[1] is not None:
                langs[key[0]] = tuple(x for x in langs[key[0]] if x != key[1])
            skipped.append(f"{key if isinstance(key, str) else '/'.join(filter(None, key))}: "
                           f"{why}")
        settings["languages"] = langs
        gone = {k for k in problems if isinstance(k, str)}
        sets = [(s, z) for s, z in sets if not gone & set(s)]
        targets = [t for t in targets if (t, None) not in problems and langs[t]]
    cells: dict[str, Cell] = {}
    for cell in _expand(bases, sets, targets, seeds, settings):
        cells.setdefault(cell.id, cell)
    name = str(raw.get("name", path.stem))
    if data_dir is None and raw.get("data_dir"):
        data_dir = (path.parent / raw["data_dir"]).resolve()
    ledger = raw.get("ledger")
    every = raw.get("checkpoint_every")
    return Grid(
        name=name, path=path, cells=list(cells.values()),
        data_dir=Path(data_dir) if data_dir is not None else None,
        work_dir=Path(work_dir) if work_dir is not None else default_work_dir(name),
        resources={"num_cpus": 1, "num_gpus": 0} | (raw.get("resources") or {}),
        retries=int(raw.get("retries", 1)), device=str(raw.get("device", "cpu")),
        precision=_precision(raw, path), assets=raw.get("assets"), label=raw.get("label"),
        threads=int(raw["threads"]) if raw.get("threads") else None,
        ledger=(path.parent / ledger).resolve() if ledger else None,
        checkpoint_every=int(every) if every else None, skipped=tuple(skipped),
        translated_dir=(path.parent / translated).resolve() if translated else None,
        skip_unavailable=skip_unavailable,
    )


def _expand(bases, sets, targets, seeds, settings) -> list[Cell]:
    out = []
    for base, (iset, set_sizes) in itertools.product(bases, sets):
        for size, target, seed in itertools.product(set_sizes, targets, seeds):
            out.append(Cell(base, iset, size if iset else None, target, seed, settings))
    return out


def _affects(key, cell: Cell) -> bool:
    if isinstance(key, str):
        return key in cell.intermediate
    return key[0] == cell.target


def _sets(raw_sets: Any, sizes: list, path: Path) -> list[tuple[tuple[str, ...], list]]:
    """(set, sizes) in file order: an item is a set (crossed with the grid's `sizes`), or
    `{set: ..., sizes: [...]}` (sizes of that item only, e.g. one task at several budgets);
    `none` has no size. Cells run in this order, so a file lists what matters most first."""
    if not isinstance(raw_sets, list):
        raise InputError("intermediate_sets is a list", path=str(path), field="intermediate_sets")
    out: list[tuple[tuple[str, ...], list]] = []
    for item in raw_sets:
        own = sizes
        if isinstance(item, dict):
            if "set" not in item or not isinstance(item.get("sizes", []), list):
                raise InputError("an intermediate_sets mapping is {set: ..., sizes: [...]}",
                                 path=str(path), field="intermediate_sets")
            own = [_size(s, path) for s in item.get("sizes", sizes)]
            item = item["set"]
        iset = _intermediate_set(item, path)
        out.append((iset, [None] if not iset else own))
    return out
