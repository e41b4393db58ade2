"""The training loop shared by both stages: AdamW, linear warm-up/decay, multi-task schedule.

A plain PyTorch loop (no Trainer) because one step may draw from any of several task heads.
Mixed precision (`precision`, `PRECISIONS`): bf16 or fp16 autocast, on CPU or CUDA; fp16
scales the loss with a GradScaler (gradients unscaled before clipping; a step it skips for
inf/nan gradients leaves the LR schedule where it was, as transformers.Trainer does). A tqdm
bar per stage. Everything random is seeded by the caller's `seed`, so a re-run on the same
machine gives the same weights.

In-stage checkpoints (`InStage`): every N optimizer steps the loop saves weights, optimizer,
scheduler, loss scaler, RNG states and the position in the plan (which fixes every task's batch
iterator), with a manifest of sizes and SHA-256 hashes; a rerun resumes from the last intact
one and ends bit-identical to an uninterrupted run. A corrupt or truncated checkpoint is
discarded (the stage starts again) instead of failing every rerun. Periodic validation
(`eval_every`) keeps the weights with the best selection score (English dev) and restores them
at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import torch

from xfer_analysis.errors import UnknownNameError
from xfer_analysis.train import features as F
from xfer_analysis.train.mixture import batches

#: Training precisions and their autocast dtype (fp32: no autocast).
PRECISIONS: dict[str, torch.dtype | None] = {"fp32": None, "bf16": torch.bfloat16,
                                             "fp16": torch.float16}


@dataclass(frozen=True)
class TrainSettings:
    """Optimisation settings of one stage."""

    lr: float
    batch_size: int
    epochs: float
    warmup: float = 0.0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    grad_accum: int = 1
    freeze_embeddings: bool = False


@dataclass(frozen=True)
class TrainStats:
    """What a stage did: steps, examples seen, wall seconds."""

    steps: int
    examples: int
    seconds: float
    best: tuple[float, int] | None = None  # (selection score, optimizer step) with eval_every

    @property
    def examples_per_second(self) -> float:
        """Training throughput."""
        return self.examples / self.seconds if self.seconds > 0 else float("nan")


@dataclass(frozen=True)
class InStage:
    """Where one stage keeps its in-flight checkpoint, and how often (optimizer steps)."""

    folder: Path
    every: int
    log: Callable[[str], None] = print

    STATE = "state.pt"
    MANIFEST = "manifest.json"

    def save(self, state: dict) -> None:
        """Write the state atomically, then its manifest (sizes + SHA-256)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{self.STATE}.tmp"
        torch.save(state, tmp)
        os.replace(tmp, self.folder / self.STATE)
        manifest = {self.STATE: _file_record(self.folder / self.STATE)}
        tmp = self.folder / f".{self.MANIFEST}.tmp"
        tmp.write_text(json.dumps(manifest, sort_keys=True))
        os.replace(tmp, self.folder / self.MANIFEST)

    def load(self) -> dict | None:
        """The last intact state, or None (no checkpoint, or a corrupt one, which is removed)."""
        if not self.folder.exists():
            return None
        why = verify_manifest(self.folder, self.MANIFEST)
        if why is not None:
            self.log(f"in-stage checkpoint {self.folder} is unusable ({why}): starting the "
                     f"stage again")
            self.clear()
            return None
        return torch.load(self.folder / self.STATE, map_location="cpu", weights_only=False)

    def clear(self) -> None:
        """Remove the checkpoint (the stage is finished, or it was corrupt)."""
        shutil.rmtree(self.folder, ignore_errors=True)


def _file_record(path: Path) -> dict:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return {"size": path.stat().st_size, "sha256": digest.hexdigest()}


def write_manifest(folder: Path, name: str = "manifest.json") -> None:
    """Record the size and SHA-256 of every file in `folder` (except the manifest)."""
    files = {p.relative_to(folder).as_posix(): _file_record(p)
             for p in sorted(folder.rglob("*")) if p.is_file() and p.name != name}
    (folder / name).write_text(json.dumps(files, indent=1, sort_keys=True))


def verify_manifest(folder: Path, name: str = "manifest.json") -> str | None:
    """None when every file of the manifest is there with its size and hash; else why not."""
    path = folder / name
    try:
        files = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        return f"manifest {path}: {exc}"
    for rel, want in files.items():
        p = folder / rel
        if not p.is_file():
            return f"{rel} is missing"
        if p.stat().st_size != want["size"]:
            return f"{rel} has {p.stat().st_size} bytes, the manifest says {want['size']}"
        if _file_record(p)["sha256"] != want["sha256"]:
            return f"{rel} does not match its SHA-256"
    return None


def _rng_state() -> dict:
    import numpy as np

    out = {"torch": torch.get_rng_state(), "python": random.getstate(),
           "numpy": np.random.get_state()}
    if torch.cuda.is_available():
        out["cuda"] = torch.cuda.get_rng_state_all()
    return out


def _set_rng_state(state: dict) -> None:
    import numpy as np

    torch.set_rng_state(state["torch"])
    random.setstate(state["python"])
    np.random.set_state(state["numpy"])
    if "cuda" in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state["cuda"])


def autocast(device: str | torch.device, precision: str) -> contextlib.AbstractContextManager:
    """The autocast context of a precision on a device (none for fp32)."""
    if precision not in PRECISIONS:
        raise UnknownNameError("precision", precision, list(PRECISIONS))
    dtype = PRECISIONS[precision]
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=torch.device(device).type, dtype=dtype)


def train(
    model: torch.nn.Module,
    task_features: dict[str, list[dict]],
    plan: list[str],
    settings: TrainSettings,
    *,
    seed: int,
    pad_id: int,
    device: str = "cpu",
    precision: str = "fp32",
    desc: str = "train",
    progress: bool = True,
    checkpoint: InStage | None = None,
    evaluate: Callable[[], float] | None = None,
    eval_every: int | None = None,
) -> TrainStats:
    """One batch per entry of `plan` (a task name); an optimizer step every `grad_accum` batches
    (losses scaled so a step sees the mean over its batches). With `checkpoint`, resumes from
    its last state and saves one every `checkpoint.every` optimizer steps and at the end; with
    `eval_every`, `evaluate()` (higher is better) runs every that many optimizer steps and at
    the end, and the best weights are restored before returning. `precision` is a name of
    `PRECISIONS`; fp16 scales the loss (`torch.amp.GradScaler`, saved with the checkpoint)."""
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    dev = torch.device(device)
    model.to(dev).train()
    if settings.freeze_embeddings:
        model.encoder.get_input_embeddings().weight.requires_grad_(False)
    params = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    decay = [p for n, p in params if p.ndim > 1 and "norm" not in n.lower()]
    no_decay = [p for n, p in params if not (p.ndim > 1 and "norm" not in n.lower())]
    optim = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}], lr=settings.lr)
    accum = max(1, settings.grad_accum)
    n_steps = -(-len(plan) // accum)
    sched = get_linear_schedule_with_warmup(optim, round(settings.warmup * n_steps), n_steps)
    scaler = torch.amp.GradScaler(dev.type, enabled=precision == "fp16")
    iters = {t: batches(len(f), settings.batch_size, seed + i)
             for i, (t, f) in enumerate(sorted(task_features.items()))}
    seen, begin, best = 0, 0, None
    state = checkpoint.load() if checkpoint is not None else None
    if state is not None:
        model.load_state_dict(state["model"])
        optim.load_state_dict(state["optim"])
        sched.load_state_dict(state["sched"])
        if state.get("scaler"):  # empty for a disabled scaler
            scaler.load_state_dict(state["scaler"])
        begin, seen, best = state["position"], state["seen"], state["best"]
        checkpoint.log(f"{desc}: resuming at batch {begin}/{len(plan)} from {checkpoint.folder}")
        for task in plan[:begin]:  # the batch iterators are pure functions of their draws
            next(iters[task])
        _set_rng_state(state["rng"])
    start = time.perf_counter()
    trainable = [p for _, p in params]

    def snapshot(position: int) -> None:
        checkpoint.save({"model": model.state_dict(), "optim": optim.state_dict(),
                         "sched": sched.state_dict(), "scaler": scaler.state_dict(),
                         "position": position, "seen": seen, "best": best,
                         "rng": _rng_state()})

    for i in tqdm(range(begin, len(plan)), desc=desc, disable=not progress, leave=False,
                  mininterval=1.0, initial=begin, total=len(plan)):
        task = plan[i]
        rows = [task_features[task][j] for j in next(iters[task])]
        batch = {k: v.to(dev, non_blocking=True) for k, v in F.collate(rows, pad_id).items()}
        with autocast(dev, precision):
            loss, _ = model(task, batch)
        in_step = min(accum, len(plan) - (i // accum) * accum)
        scaler.scale(loss / in_step).backward()
        seen += len(rows)
        if (i + 1) % accum and i + 1 < len(plan):
            continue
        scaler.unscale_(optim)
        torch.nn.utils.clip_grad_norm_(trainable, settings.max_grad_norm)
        scale = scaler.get_scale()
        scaler.step(optim)
        scaler.update()
        if scaler.get_scale() >= scale:  # a lower scale: the scaler skipped this step
            sched.step()
        optim.zero_grad(set_to_none=True)
        step, last = -(-(i + 1) // accum), i + 1 == len(plan)
        if eval_every and evaluate is not None and (step % eval_every == 0 or last):
            score = float(evaluate())
            model.train()
            if best is None or score > best[0]:
                best = (score, step, {k: v.detach().cpu().clone()
                                      for k, v in model.state_dict().items()})
        if checkpoint is not None and (step % checkpoint.every == 0 or last):
            snapshot(i + 1)
    if best is not None:
        model.load_state_dict(best[2])
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return TrainStats(n_steps, seen, time.perf_counter() - start,
                      best[:2] if best is not None else None)


@torch.no_grad()
def predict_logits(model, task: str, feats: list[dict], batch_size: int, pad_id: int,
                   device: str = "cpu", precision: str = "fp32") -> list[torch.Tensor]:
    """Logits of every feature, in input order (one tensor per feature, padding removed).

    Batches are formed over features sorted by length, so little compute goes to padding."""
    dev = torch.device(device)
    model.to(dev).eval()
    out: list[torch.Tensor | None] = [None] * len(feats)
    order = sorted(range(len(feats)), key=lambda k: _length(feats[k]["input_ids"]))
    for i in range(0, len(order), batch_size):
        idx = order[i : i + batch_size]
        rows = [feats[k] for k in idx]
        batch = F.collate([{"input_ids": r["input_ids"]} for r in rows], pad_id)
        batch = {k: v.to(dev) for k, v in batch.items()}
        with autocast(dev, precision):
            _, logits = model(task, batch)
        logits = logits.float().cpu()
        for j, (k, r) in enumerate(zip(idx, rows, strict=True)):
            width = len(r["input_ids"]) if not isinstance(r["input_ids"][0], list) else None
            out[k] = logits[j, :width] if width is not None and logits.dim() > 2 else logits[j]
    return out


def _length(ids) -> int:
    return max(len(x) for x in ids) if ids and isinstance(ids[0], list) else len(ids)
