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
    """Run one step per entry of `plan` (a task name), each on a batch of that task."""
    from tqdm.auto import tqdm
    from transformers import get_linear_schedule_with_warmup

    dev = torch.device(device)
    model.to(dev).train()
    params = list(model.named_parameters())
    decay = [p for n, p in params if p.ndim > 1 and "norm" not in n.lower()]
    no_decay = [p for n, p in params if not (p.ndim > 1 and "norm" not in n.lower())]
    optim = torch.optim.AdamW(
        [{"params": decay, "weight_decay": settings.weight_decay},
         {"params": no_decay, "weight_decay": 0.0}], lr=settings.lr)
    sched = get_linear_schedule_with_warmup(optim, round(settings.warmup * len(plan)), len(plan))
    iters = {t: batches(len(f), settings.batch_size, seed + i)
             for i, (t, f) in enumerate(sorted(task_features.items()))}
    seen = 0
    start = time.perf_counter()
    for task in tqdm(plan, desc=desc, disable=not progress, leave=False, mininterval=1.0):
        rows = [task_features[task][i] for i in next(iters[task])]
        batch = {k: v.to(dev, non_blocking=True) for k, v in F.collate(rows, pad_id).items()}
        with _autocast(dev, bf16):
            loss, _ = model(task, batch)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), settings.max_grad_norm)
        optim.step()
        sched.step()
        optim.zero_grad(set_to_none=True)
        seen += len(rows)
    if dev.type == "cuda":
        torch.cuda.synchronize()
    return TrainStats(len(plan), seen, time.perf_counter() - start)


@torch.no_grad()
def predict_logits(model, task: str, feats: list[dict], batch_size: int, pad_id: int,
                   device: str = "cpu", bf16: bool = False) -> list[torch.Tensor]:
    """Logits of every feature, in order (one tensor per feature, padding removed)."""
    dev = torch.device(device)
    model.to(dev).eval()
    out: list[torch.Tensor] = []
    for i in range(0, len(feats), batch_size):
        rows = feats[i : i + batch_size]
        batch = F.collate([{"input_ids": r["input_ids"]} for r in rows], pad_id)
        batch = {k: v.to(dev) for k, v in batch.items()}
        with _autocast(dev, bf16):
            _, logits = model(task, batch)
        logits = logits.float().cpu()
        for j, r in enumerate(rows):
            width = len(r["input_ids"]) if not isinstance(r["input_ids"][0], list) else None
            out.append(logits[j, :width] if width is not None and logits.dim() > 2 else logits[j])
    return out
