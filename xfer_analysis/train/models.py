"""Encoders from any `from_pretrained` path and the task heads the runner puts on top.

Heads: sequence classification (pair or single sentence), multiple choice (one score per
choice), extractive QA (start/end logits), token tagging, and an MLM head for the paper's
continued-MLM variant. One encoder is shared by every head of a multi-task model.
"""

from __future__ import annotations

import torch
from torch import nn

_POOLED = {"bert", "roberta", "xlm-roberta", "xlm-roberta-xl", "camembert"}


def load_encoder(path: str) -> nn.Module:
    """The bare encoder of a checkpoint (encoder-only, or the encoder half of T5/mT5)."""
    from transformers import AutoConfig, AutoModel, AutoModelForTextEncoding

    config = AutoConfig.from_pretrained(path)
    if getattr(config, "is_encoder_decoder", False):
        return AutoModelForTextEncoding.from_pretrained(path)
    kwargs = {"add_pooling_layer": False} if config.model_type in _POOLED else {}
    return AutoModel.from_pretrained(path, **kwargs)


def hidden_size(encoder: nn.Module) -> int:
    """Width of the encoder's last hidden state."""
    cfg = encoder.config
    return int(getattr(cfg, "hidden_size", None) or cfg.d_model)


POOLINGS = ("first", "mean")


def pool(states: torch.Tensor, mask: torch.Tensor, how: str) -> torch.Tensor:
    """One vector per sequence: the first token (RoBERTa/BERT) or the masked mean of all tokens
    (what sentence encoders such as e5 are trained with)."""
    if how == "first":
        return states[:, 0]
    weights = mask.unsqueeze(-1).to(states.dtype)
    return (states * weights).sum(1) / weights.sum(1).clamp(min=1)


class ClassificationHead(nn.Module):
    """Pooled representation -> dense -> tanh -> labels (RoBERTa-style)."""

    def __init__(self, hidden: int, n_labels: int, dropout: float = 0.1,
                 pooling: str = "first") -> None:
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, got {pooling!r}")
        self.pooling = pooling
        self.dense = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, n_labels)

    def forward(self, states: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        x = self.dropout(pool(states, mask, self.pooling))
        return self.out(self.dropout(torch.tanh(self.dense(x))))


class TaggingHead(nn.Module):
    """One label distribution per token."""

    def __init__(self, hidden: int, n_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.dropout = nn.Dropout(dropout)
        self.out = nn.Linear(hidden, n_labels)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.out(self.dropout(states))


class SpanHead(nn.Module):
    """Start and end logits per token for extractive QA."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.out = nn.Linear(hidden, 2)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.out(states)


class MLMHead(nn.Module):
    """Dense -> GELU -> LayerNorm -> vocabulary logits (fresh, for continued MLM)."""

    def __init__(self, hidden: int, vocab: int) -> None:
        super().__init__()
        self.dense = nn.Linear(hidden, hidden)
        self.norm = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, vocab)

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.out(self.norm(nn.functional.gelu(self.dense(states))))


def make_head(kind: str, hidden: int, n_labels: int, vocab: int,
              pooling: str = "first") -> nn.Module:
    """The head for a task kind (`classification`, `multiple_choice`, `qa`, `tagging`, `mlm`);
    `pooling` is how sequence-level heads pool the encoder's states."""
    if kind == "classification":
        return ClassificationHead(hidden, n_labels, pooling=pooling)
    if kind == "multiple_choice":
        return ClassificationHead(hidden, 1, pooling=pooling)
    if kind == "qa":
        return SpanHead(hidden)
    if kind == "tagging":
        return TaggingHead(hidden, n_labels)
    if kind == "mlm":
        return MLMHead(hidden, vocab)
    raise ValueError(f"no head for task kind {kind!r}")


class MultiTaskModel(nn.Module):
    """A shared encoder with one named head per task; `forward(task, batch)` gives loss, logits."""

    def __init__(self, encoder: nn.Module, heads: dict[str, nn.Module], kinds: dict[str, str]):
        super().__init__()
        self.encoder = encoder
        self.heads = nn.ModuleDict(heads)
        self.kinds = dict(kinds)

    def encode(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Last hidden states of the shared encoder."""
        return self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    def forward(self, task: str, batch: dict[str, torch.Tensor]):
        kind = self.kinds[task]
        ids, mask = batch["input_ids"], batch["attention_mask"]
        if kind == "multiple_choice":  # (batch, choices, length) -> score each choice
            n_choices = ids.shape[1]
            flat_mask = mask.flatten(0, 1)
            states = self.encode(ids.flatten(0, 1), flat_mask)
            logits = self.heads[task](states, flat_mask).view(-1, n_choices)
        elif kind == "classification":
            logits = self.heads[task](self.encode(ids, mask), mask)
        else:
            logits = self.heads[task](self.encode(ids, mask))
        return _loss(kind, logits, batch), logits


def _loss(kind: str, logits: torch.Tensor, batch: dict[str, torch.Tensor]):
    if "labels" not in batch and "start_positions" not in batch:
        return None
    ce = nn.functional.cross_entropy
    if kind == "qa":
        start, end = logits.unbind(-1)
        return (ce(start, batch["start_positions"]) + ce(end, batch["end_positions"])) / 2
    if kind in ("tagging", "mlm"):
        return ce(logits.flatten(0, 1), batch["labels"].flatten(), ignore_index=-100)
    return ce(logits, batch["labels"])
