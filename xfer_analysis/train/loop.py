"""The training loop shared by both stages: AdamW, linear warm-up/decay, multi-task schedule.

A plain PyTorch loop (no Trainer) because one step may draw from any of several task heads.
bf16 autocast on CUDA when asked; a tqdm bar per stage. Everything random is seeded by the
caller's `seed`, so a re-run on the same machine gives the same weights.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass

import torch

from xfer_analysis.train import features as F
from xfer_analysis.train.mixture import batches


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

    @property
    def examples_per_second(self) -> float:
        """Training throughput."""
        return self.examples / self.seconds if self.seconds > 0 else float("nan")


def _autocast(device: torch.device, bf16: bool):
    if bf16:
        return torch.autocast(device_type=device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def train(
    model: torch.nn.Module,
    task_features: dict[str, list[dict]],
    plan: list[str],
    settings: TrainSettings,
    *,
    seed: int,
    pad_id: int,
    device: str = "cpu",
    bf16: bool = False,
    desc: str = "train",
    progress: bool = True,
) -> TrainStats:
    """One batch per entry of `plan` (a task name); an optimizer step every `grad_accum` batches
    (losses scaled so a step sees the mean over its batches)."""
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
    iters = {t: batches(len(f), settings.batch_size, seed + i)
             for i, (t, f) in enumerate(sorted(task_features.items()))}
    seen = 0
    start = time.perf_counter()
    trainable = [p for _, p in params]
    for i, task in enumerate(tqdm(plan, desc=desc, disable=not progress, leave=False,
                                  mininterval=1.0)):
        rows = [task_features[task][j] for j in next(iters[task])]
        batch = {k: v.to(dev, non_blocking=True) for k, v in F.collate(rows, pad_id).items()}
        with _autocast(dev, bf16):
            loss, _ = model(task, batch)
        in_step = min(accum, len(plan) - (i // accum) * accum)
        (loss / in_step).backward()
        seen += len(rows)
        if (i + 1) % accum and i + 1 < len(plan):
            continue
        torch.nn.utils.clip_grad_norm_(trainable, settings.max_grad_norm)
        optim.step()
        sched.step()
        optim.zero_grad(set_to_none=True)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return TrainStats(n_steps, seen, time.perf_counter() - start)


@torch.no_grad()
def predict_logits(model, task: str, feats: list[dict], batch_size: int, pad_id: int,
                   device: str = "cpu", bf16: bool = False) -> list[torch.Tensor]:
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
        with _autocast(dev, bf16):
            _, logits = model(task, batch)
        logits = logits.float().cpu()
        for j, (k, r) in enumerate(zip(idx, rows, strict=True)):
            width = len(r["input_ids"]) if not isinstance(r["input_ids"][0], list) else None
            out[k] = logits[j, :width] if width is not None and logits.dim() > 2 else logits[j]
    return out


def _length(ids) -> int:
    return max(len(x) for x in ids) if ids and isinstance(ids[0], list) else len(ids)
