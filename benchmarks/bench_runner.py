"""Training throughput: our runner's loop vs a plain `transformers.Trainer`, same model and data.

One training stage (sentence-pair classification, random-init XLM-R of the chosen size, random
token ids of fixed length) is run twice in one process: through `xfer_analysis.train.loop.train`
(the runner's stage loop) and through `Trainer.train()`. Both see the same features, batch size,
optimiser (AdamW, linear schedule), steps and device. Prints JSON with examples/s, the
runner's overhead (%) per wall second and per process-CPU second (the fair measure on a
shared, loaded machine), and peak GPU memory.

  python benchmarks/bench_runner.py                                  # CPU, tiny model
  python benchmarks/bench_runner.py --device cuda --bf16 --model-size large
  python benchmarks/bench_runner.py --device cuda --fp16 --model-size large   # + GradScaler
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time

import torch
from torch import nn

# Architecture sizes of the public XLM-R configs (FacebookAI/xlm-roberta-{base,large}
# config.json); `tiny` is the test model of xfer_analysis.train.tiny.
SIZES = {
    "tiny": {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
             "intermediate_size": 64, "vocab_size": 1000},
    "base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12,
             "intermediate_size": 3072, "vocab_size": 250002},
    "large": {"hidden_size": 1024, "num_hidden_layers": 24, "num_attention_heads": 16,
              "intermediate_size": 4096, "vocab_size": 250002},
}


def build(size: str, seq_len: int, seed: int):
    """A random-init XLM-R encoder with a fresh 3-way classification head (our MultiTaskModel)."""
    from transformers import XLMRobertaConfig, XLMRobertaModel

    from xfer_analysis.train.models import MultiTaskModel, make_head

    torch.manual_seed(seed)
    cfg = XLMRobertaConfig(**SIZES[size], max_position_embeddings=seq_len + 2, pad_token_id=1,
                           type_vocab_size=1)
    enc = XLMRobertaModel(cfg, add_pooling_layer=False)
    head = make_head("classification", cfg.hidden_size, 3, cfg.vocab_size)
    return MultiTaskModel(enc, {"task": head}, {"task": "classification"})


class _TrainerAdapter(nn.Module):
    """The same model behind the (input_ids, attention_mask, labels) -> loss API Trainer wants."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, input_ids, attention_mask, labels):
        loss, logits = self.model("task", {"input_ids": input_ids,
                                           "attention_mask": attention_mask, "labels": labels})
        return {"loss": loss, "logits": logits}


def features(n: int, seq_len: int, vocab: int, seed: int) -> list[dict]:
    """Random token ids (no padding inside) and labels: identical input for both loops."""
    rng = random.Random(seed)
    return [{"input_ids": [0] + [rng.randrange(5, vocab) for _ in range(seq_len - 2)] + [2],
             "labels": rng.randrange(3)} for _ in range(n)]


def precision(args) -> str:
    """The runner's precision name for the `--bf16` / `--fp16` flags (as Trainer's)."""
    return "bf16" if args.bf16 else "fp16" if args.fp16 else "fp32"


def run_ours(args, feats, checkpoint_every: int | None = None) -> float:
    """Examples/s of the runner's loop; with `checkpoint_every`, saving an in-stage checkpoint
    (weights, optimizer, scheduler, RNG, manifest) every that many optimizer steps."""
    from pathlib import Path

    from xfer_analysis.train.loop import InStage, TrainSettings, train

    model = build(args.model_size, args.seq_len, 0)
    settings = TrainSettings(lr=1e-5, batch_size=args.batch_size, epochs=1, warmup=0.1)
    steps = len(feats) // args.batch_size
    with tempfile.TemporaryDirectory() as tmp:
        checkpoint = (InStage(Path(tmp) / "ck", checkpoint_every, lambda *_: None)
                      if checkpoint_every else None)
        start, cpu = time.perf_counter(), time.process_time()
        train(model, {"task": feats}, ["task"] * steps, settings, seed=0, pad_id=1,
              device=args.device, precision=precision(args), progress=False,
              checkpoint=checkpoint)
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    return steps * args.batch_size / seconds, steps * args.batch_size / cpu


def run_trainer(args, feats) -> float:
    from transformers import Trainer, TrainingArguments

    from xfer_analysis.train.features import collate

    model = _TrainerAdapter(build(args.model_size, args.seq_len, 0))
    with tempfile.TemporaryDirectory() as out:
        targs = TrainingArguments(
            output_dir=out, per_device_train_batch_size=args.batch_size, num_train_epochs=1,
            learning_rate=1e-5, warmup_steps=round(0.1 * (len(feats) // args.batch_size)),
            max_grad_norm=1.0, logging_strategy="no",
            save_strategy="no", report_to=[], bf16=args.bf16, fp16=args.fp16,
            use_cpu=args.device == "cpu",
            dataloader_num_workers=0, disable_tqdm=True, seed=0,
        )
        trainer = Trainer(model=model, args=targs, train_dataset=feats,
                          data_collator=lambda rows: collate(rows, 1))
        start, cpu = time.perf_counter(), time.process_time()
        trainer.train()
        if args.device == "cuda":
            torch.cuda.synchronize()
        seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    n = (len(feats) // args.batch_size) * args.batch_size
    return n / seconds, n / cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--device", default="cpu")
    amp = p.add_mutually_exclusive_group()
    amp.add_argument("--bf16", action="store_true", help="bf16 autocast in both loops")
    amp.add_argument("--fp16", action="store_true",
                     help="fp16 autocast + loss scaling (GradScaler) in both loops")
    p.add_argument("--model-size", choices=sorted(SIZES), default="tiny")
    p.add_argument("--examples", type=int, default=2048)
    p.add_argument("--batch-size", type=int, default=32)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--repeats", type=int, default=2, help="alternating runs; best of each kept")
    p.add_argument("--checkpoint-every", type=int,
                   help="also time the runner saving an in-stage checkpoint every N steps")
    args = p.parse_args()
    feats = features(args.examples, args.seq_len, SIZES[args.model_size]["vocab_size"], 0)
    ours, theirs, saving = [], [], []
    for _ in range(args.repeats):  # alternate so drifting machine load hits both alike
        ours.append(run_ours(args, feats))
        theirs.append(run_trainer(args, feats))
        if args.checkpoint_every:
            saving.append(run_ours(args, feats, args.checkpoint_every))
    def best(runs, i):  # i = 0: examples per wall second; 1: per process-CPU second
        return max(r[i] for r in runs)

    result = {
        "device": args.device, "bf16": args.bf16, "fp16": args.fp16, "model_size": args.model_size,
        "examples": args.examples, "batch_size": args.batch_size, "seq_len": args.seq_len,
        "torch_threads": torch.get_num_threads(),
        "runner_examples_per_s": best(ours, 0), "trainer_examples_per_s": best(theirs, 0),
        "runner_overhead_pct": 100 * (best(theirs, 0) / best(ours, 0) - 1),
        # CPU time is what a loaded, shared machine still measures fairly
        "runner_examples_per_cpu_s": best(ours, 1),
        "trainer_examples_per_cpu_s": best(theirs, 1),
        "runner_cpu_overhead_pct": 100 * (best(theirs, 1) / best(ours, 1) - 1),
        "all_runs": {"runner": ours, "trainer": theirs},
    }
    if saving:
        result |= {"checkpoint_every": args.checkpoint_every,
                   "runner_with_checkpoints_examples_per_s": best(saving, 0),
                   "checkpoint_overhead_pct": 100 * (best(ours, 0) / best(saving, 0) - 1),
                   "checkpoint_cpu_overhead_pct": 100 * (best(ours, 1) / best(saving, 1) - 1)}
        result["all_runs"]["runner_with_checkpoints"] = saving
    if args.device == "cuda":
        result["peak_gpu_mem_gib"] = torch.cuda.max_memory_allocated() / 2**30
        result["gpu"] = torch.cuda.get_device_name()
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
