"""The three STILTs stages for one grid cell, returning its scores as results-table rows.

1. intermediate training (one task or a mixture, optional MLM) -> encoder checkpoint on disk,
   shared by every cell with the same stage-1 config (written atomically under a file lock);
2. target training on the English training set, intermediate encoder + fresh head;
3. zero-shot evaluation on every language of the target. BUCC / Tatoeba skip stage 2 and are
   scored on the stage-1 encoder with the retrieval kernels.
Stage 2 always loads the encoder from disk, so an interrupted and a fresh run compute the same.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock

from xfer_analysis import tasks
from xfer_analysis.errors import InputError
from xfer_analysis.train import data as D
from xfer_analysis.train import features as F
from xfer_analysis.train import sources
from xfer_analysis.train.evaluation import (
    decode_classification,
    decode_spans,
    decode_tagging,
    embeddings,
    score_bucc,
    score_classification,
    score_qa,
    score_tagging,
    score_top1,
)
from xfer_analysis.train.grid import Cell
from xfer_analysis.train.loop import (
    InStage,
    TrainSettings,
    autocast,
    predict_logits,
    train,
    verify_manifest,
    write_manifest,
)
from xfer_analysis.train.mixture import schedule, task_probabilities, total_steps

ASSET_PREFIX = "assets:"


@dataclass(frozen=True)
class RunContext:
    """Where a cell reads data and writes checkpoints, and on what device it runs.

    `asset_dir` is the fetched asset set a grid names (`assets:`); base-model paths written
    `assets:<folder>` resolve inside it."""

    data_dir: Path | None
    work_dir: Path
    device: str = "cpu"
    precision: str = "fp32"  # autocast: a name of train.loop.PRECISIONS
    progress: bool = True
    asset_dir: Path | None = None
    threads: int | None = None
    checkpoint_every: int | None = None
    log: Callable[[str], None] = print
    translated_dir: Path | None = None

    def in_stage(self, key: str) -> InStage | None:
        """The in-flight checkpoint of one stage (`key`: a stage-1 id or a cell id), if the
        grid asks for checkpoints (operational: never part of a cell's identity)."""
        if not self.checkpoint_every:
            return None
        return InStage(self.work_dir / "inflight" / key, int(self.checkpoint_every), self.log)


def _quiet() -> None:
    import datasets
    import transformers

    transformers.utils.logging.set_verbosity_error()
    transformers.utils.logging.disable_progress_bar()
    datasets.disable_progress_bars()


def _atomic_dir(final: Path, write, log: Callable[[str], None] = print) -> Path:
    """Build a directory in a temp sibling and rename it into place (readers never see half).

    Under the lock: temp siblings left by a killed run are removed; a finished directory is
    reused only if its manifest (sizes + SHA-256 of every file) verifies, else it is rebuilt."""
    final.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(final) + ".lock"):
        for stale in final.parent.glob(f".{final.name}.*"):
            shutil.rmtree(stale, ignore_errors=True)
        if final.exists():
            why = verify_manifest(final)
            if why is None:
                return final
            log(f"checkpoint {final} is corrupt ({why}): rebuilding it")
            shutil.rmtree(final)
        tmp = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}."))
        try:
            write(tmp)
            write_manifest(tmp)
            os.replace(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _corpus(data_dir: Path) -> list[str]:
    """Every string of every local dataset file (hub-layout parquet, JSONL, and the BUCC 2018
    text files), to train a tiny tokenizer on."""
    import pyarrow.parquet as pq

    records: list = []
    for path in sorted(data_dir.rglob("*.parquet")):
        records.extend(pq.read_table(path).to_pylist())
    for path in sorted(data_dir.rglob("*.jsonl")):
        records.extend(json.loads(line) for line in path.read_text(encoding="utf-8").splitlines())
    texts: list[str] = []
    for path in sorted((data_dir / D.BUCC_DIR).glob("*-en.*")):
        texts.extend(line.split("\t")[-1] for line in path.read_text(encoding="utf-8").splitlines())
    for record in records:
        stack = [record]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                texts.append(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
            elif isinstance(item, list):
                texts.append(" ".join(x for x in item if isinstance(x, str)))
                stack.extend(x for x in item if not isinstance(x, str))
    return texts


def base_path(cell: Cell, ctx: RunContext) -> str:
    """The `from_pretrained` path of the cell's base model (a tiny one is built on first use)."""
    from xfer_analysis.train.tiny import build_tiny_model

    if cell.base.path.startswith(ASSET_PREFIX):
        if ctx.asset_dir is None:
            raise InputError(f"base model path {cell.base.path!r} needs a grid with `assets:`")
        return str(ctx.asset_dir / cell.base.path[len(ASSET_PREFIX):])
    if cell.base.path != "tiny":
        return cell.base.path
    if ctx.data_dir is None:
        raise InputError("a tiny base model trains its tokenizer on --data-dir; none given")
    corpus = _corpus(ctx.data_dir)
    key = hashlib.sha256(json.dumps([cell.base.tiny, corpus]).encode()).hexdigest()[:12]
    final = ctx.work_dir / "models" / f"tiny-{key}"
    final.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(final) + ".lock"):
        return str(build_tiny_model(final, corpus, **cell.base.tiny))


def _settings(block: dict) -> TrainSettings:
    return TrainSettings(lr=float(block["lr"]), batch_size=int(block["batch_size"]),
                         epochs=float(block["epochs"]), warmup=float(block["warmup"]),
                         weight_decay=float(block["weight_decay"]),
                         max_grad_norm=float(block["max_grad_norm"]),
                         grad_accum=int(block["grad_accum"]),
                         freeze_embeddings=bool(block["freeze_embeddings"]))


def _label_space(kind: str, examples: list[dict]) -> list[str]:
    if kind == "classification":
        return sorted({ex["label"] for ex in examples})
    if kind == "tagging":
        return sorted({t for ex in examples for t in ex["tags"]})
    return []


def _features(kind: str, examples, tok, block: dict, labels, seed: int, train_mode: bool):
    max_len = int(block["max_seq_length"] or tok.model_max_length)
    if kind == "classification":
        return F.classification(examples, tok, max_len, labels)
    if kind == "multiple_choice":
        return F.multiple_choice(examples, tok, max_len)
    if kind == "tagging":
        return F.tagging(examples, tok, max_len, labels)
    if kind == "qa":
        return F.qa(examples, tok, max_len, int(block.get("doc_stride", 128)), train_mode)
    return F.mlm(examples, tok, max_len, seed)


def _build_model(encoder_path: str, heads: dict[str, tuple[str, int]], seed: int,
                 pooling: str = "first"):
    """Encoder from disk + freshly initialised heads (seeded); an `mlm` task uses the
    checkpoint's pretrained MLM head, tied to the word embeddings."""
    from transformers import set_seed

    from xfer_analysis.train import models as M

    set_seed(seed)
    mlm = [t for t, (kind, _) in heads.items() if kind == "mlm"]
    if mlm:
        encoder, mlm_head = M.load_encoder_with_mlm_head(encoder_path)
    else:
        encoder = M.load_encoder(encoder_path)
    width, vocab = M.hidden_size(encoder), encoder.config.vocab_size
    return M.MultiTaskModel(
        encoder,
        {t: mlm_head if t in mlm else M.make_head(kind, width, n, vocab, pooling)
         for t, (kind, n) in heads.items()},
        {t: kind for t, (kind, _) in heads.items()},
    )


def _stage1_examples(cell: Cell, ctx: RunContext) -> dict[str, tuple[str, list[dict]]]:
    """Each intermediate task's (kind, examples) after the data-size knob."""
    s = cell.settings
    out = {}
    size = cell.size
    if size is not None and s["budget"] == "total":  # one budget split evenly over the tasks
        size = size / len(cell.intermediate) if isinstance(size, float) else max(
            1, size // len(cell.intermediate))
    for i, task in enumerate(cell.intermediate):
        if task == "mlm":
            m = s["mlm"]
            source = sources.mlm_source(m["dataset"], m.get("config"), m.get("split", "train"),
                                        m.get("field", "text"))
            examples = D.subsample(D.load_examples(source, ctx.data_dir), m.get("examples"),
                                   cell.seed + i)
        else:
            source = sources.intermediate_source(task)
            translated = s["intermediate_data"] == "translated"
            examples = D.load_examples(source, ctx.translated_dir if translated else ctx.data_dir)
        out[task] = (source.kind, D.subsample(examples, size, cell.seed + i))
    return out


def stage1(cell: Cell, ctx: RunContext) -> tuple[str, int | None]:
    """Path of the intermediate-trained encoder and the number of stage-1 examples used."""
    _quiet()
    base = base_path(cell, ctx)
    if not cell.intermediate:
        return base, None
    final = ctx.work_dir / "stage1" / cell.stage1_id

    def write(tmp: Path) -> None:
        from transformers import AutoTokenizer

        tok = AutoTokenizer.from_pretrained(base)
        block = cell.settings["intermediate_training"]
        per_task = _stage1_examples(cell, ctx)
        feats, heads = {}, {}
        for task, (kind, examples) in per_task.items():
            labels = _label_space(kind, examples)
            feats[task] = _features(kind, examples, tok, block, labels, cell.seed, True)
            heads[task] = (kind, len(labels))
        model = _build_model(base, heads, cell.seed, block["pooling"])
        settings = _settings(block)
        sizes = {t: len(ex) for t, (_, ex) in per_task.items()}
        mix = cell.settings["mixture"]
        probs = task_probabilities(sizes, mix["sampling"], float(mix["temperature"]), mix["cap"])
        plan = schedule(probs, total_steps(sizes, settings.batch_size, settings.epochs,
                                           mix["cap"]), cell.seed)
        stats = train(model, feats, plan, settings, seed=cell.seed, pad_id=tok.pad_token_id,
                      device=ctx.device, precision=ctx.precision,
                      desc=f"stage 1 {cell.intermediate_label}",
                      progress=ctx.progress, checkpoint=ctx.in_stage(cell.stage1_id))
        model.encoder.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        (tmp / "stage1.json").write_text(json.dumps(
            {"config": cell.stage1_config(), "examples": sum(sizes.values()),
             "steps": stats.steps}, sort_keys=True))

    _atomic_dir(final, write, ctx.log)
    if (inflight := ctx.in_stage(cell.stage1_id)) is not None:
        inflight.clear()
    used = json.loads((final / "stage1.json").read_text())["examples"]
    return str(final), used if cell.size is not None else None


def _eval_examples(cell: Cell, lang: str, ctx: RunContext) -> tuple[str, list[dict]]:
    source = sources.target_eval_source(cell.target, lang, cell.split)
    examples = D.load_examples(source, ctx.data_dir)
    cap = cell.settings["eval"].get("max_examples")
    return source.kind, examples[:cap] if cap else examples


def _retrieval_scores(cell: Cell, encoder_path: str, ctx: RunContext):
    """Scores per language on the stage-1 encoder, plus per-query top-1 predictions (Tatoeba-
    style targets; BUCC gives pair F1 and no per-example rows)."""
    import pandas as pd
    from transformers import AutoTokenizer

    from xfer_analysis.train.models import load_encoder

    tok = AutoTokenizer.from_pretrained(encoder_path)
    model = load_encoder(encoder_path).to(ctx.device)
    ev = cell.settings["eval"]
    args = (cell.base.retrieval_layer, int(ev["batch_size"]), int(ev.get("max_seq_length", 512)))
    top1 = tasks.target(cell.target).metrics == ("accuracy",)
    cache: dict[tuple[str, ...], np.ndarray] = {}
    out, rows = {}, []
    for lang in cell.settings["languages"][cell.target]:
        if not top1:  # BUCC: real mining among the distractors of the BUCC 2018 files
            bucc = D.load_bucc(ctx.data_dir, lang, cell.split)
            with autocast(ctx.device, ctx.precision):
                out[lang] = score_bucc(model, tok, bucc, *args)
            continue
        _, examples = _eval_examples(cell, lang, ctx)
        key = tuple(ex["source"] for ex in examples)
        with autocast(ctx.device, ctx.precision):
            if key not in cache:
                cache[key] = embeddings(model, tok, list(key), *args)
            target_side = embeddings(model, tok, [ex["target"] for ex in examples], *args)
        out[lang], nearest = score_top1(cache[key], target_side)
        rows.append(pd.DataFrame({"language": lang, "example": np.arange(len(examples)),
                                  "gold": np.arange(len(examples)).astype(str),
                                  "prediction": np.asarray(nearest).astype(str)}))
    return out, _params(model), (pd.concat(rows, ignore_index=True) if rows else None)


def _params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def _predict_and_score(cell: Cell, kind: str, ev: list[dict], tok, block: dict, labels,
                       model, ctx: RunContext, lang: str):
    """Scores of `model` on examples `ev` of one language, plus the decoded predictions."""
    ev_feats = _features(kind, ev, tok, block, labels, cell.seed, False)
    logits = predict_logits(model, cell.target, ev_feats, int(cell.settings["eval"]["batch_size"]),
                            tok.pad_token_id, ctx.device, ctx.precision)
    if kind == "classification":
        predicted = decode_classification(logits, labels)
        return score_classification(ev, predicted), predicted
    if kind == "tagging":
        fallback = "O" if "O" in labels else labels[0]
        return score_tagging(ev, decode_tagging(ev_feats, logits, ev, labels, fallback)), None
    mlqa = lang if cell.target == tasks.target("mlqa").name else None
    return score_qa(ev, decode_spans(ev_feats, logits, ev), mlqa), None


def _selector(cell: Cell, tok, kind: str, labels, block: dict, model, ctx: RunContext):
    """`eval_every`: the English dev score that picks the best checkpoint (the target's own
    English dev split, else its training set's dev split; `grid.selection_dev`)."""
    from xfer_analysis.train.grid import selection_dev

    spec, lang = selection_dev(cell.target)
    examples = D.load_examples(sources.spec_source(spec, "dev", lang), ctx.data_dir)
    cap = cell.settings["eval"].get("max_examples")
    examples = examples[:cap] if cap else examples
    metric = tasks.target(cell.target).score_metric

    def score() -> float:
        scores, _ = _predict_and_score(cell, kind, examples, tok, block, labels, model, ctx, lang)
        if metric == "em_f1_mean":
            return (scores["exact_match"] + scores["f1"]) / 2
        return scores[metric]

    return score


def _target_scores(cell: Cell, encoder_path: str, ctx: RunContext):
    """Train on the English target data, then score every language; classification targets
    also give their per-example predictions."""
    import pandas as pd
    from transformers import AutoTokenizer

    tok = AutoTokenizer.from_pretrained(encoder_path)
    block = cell.target_training
    source = sources.target_train_source(cell.target)
    examples = D.load_examples(source, ctx.data_dir)
    cap = cell.settings["target_examples"]
    examples = D.subsample(examples, cap, cell.seed) if cap else examples
    kind = source.kind
    labels = _label_space(kind, examples)
    feats = _features(kind, examples, tok, block, labels, cell.seed, True)
    model = _build_model(encoder_path, {cell.target: (kind, len(labels))}, cell.seed + 1,
                         block["pooling"])
    settings = _settings(block)
    plan = [cell.target] * total_steps({cell.target: len(feats)}, settings.batch_size,
                                       settings.epochs)
    every = block["eval_every"]
    select = _selector(cell, tok, kind, labels, block, model, ctx) if every else None
    train(model, {cell.target: feats}, plan, settings, seed=cell.seed + 1,
          pad_id=tok.pad_token_id, device=ctx.device, precision=ctx.precision,
          desc=f"stage 2 {cell.target}", progress=ctx.progress,
          checkpoint=ctx.in_stage(cell.id), evaluate=select, eval_every=every)
    out, rows = {}, []
    for lang in cell.settings["languages"][cell.target]:
        _, ev = _eval_examples(cell, lang, ctx)
        out[lang], predicted = _predict_and_score(cell, kind, ev, tok, block, labels, model, ctx,
                                                  lang)
        if predicted is not None:
            rows.append(pd.DataFrame({"language": lang, "example": np.arange(len(ev)),
                                      "gold": [ex["label"] for ex in ev],
                                      "prediction": predicted}))
    return out, _params(model.encoder), (pd.concat(rows, ignore_index=True) if rows else None)


def run_cell(cell: Cell, ctx: RunContext, encoder: tuple[str, int | None] | None = None) -> dict:
    """Run all stages of one cell: per-language scores, per-example predictions where the task
    has them, and the metadata the rows need (wall seconds exclude a shared stage 1).
    `encoder` is stage 1's result when another task already built it (Ray)."""
    _quiet()
    with _threads(ctx.threads):
        encoder_path, used = encoder if encoder is not None else stage1(cell, ctx)
        task = tasks.target(cell.target)
        start = time.perf_counter()
        if task.category == "retrieval":
            scores, params, predictions = _retrieval_scores(cell, encoder_path, ctx)
        else:
            scores, params, predictions = _target_scores(cell, encoder_path, ctx)
    if (inflight := ctx.in_stage(cell.id)) is not None:
        inflight.clear()
    return {"scores": scores, "intermediate_examples": used, "model_params": params,
            "predictions": predictions, "seconds": time.perf_counter() - start}


@contextlib.contextmanager
def _threads(n: int | None):
    """Run with `n` torch threads (a grid's `threads:`), then give the process its own back."""
    if not n:
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)
