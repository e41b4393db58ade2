"""Encoders from any `from_pretrained` path and the task heads the runner puts on top.

Heads: sequence classification (pair or single sentence), multiple choice (one score per
choice), extractive QA (start/end logits), token tagging, and (for the paper's continued-MLM
variant) the checkpoint's own pretrained MLM head, tied to the word embeddings. One encoder
is shared by every head of a multi-task model.
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


class PretrainedMLMHead(nn.Module):
    """The checkpoint's own masked-LM head (transform + vocabulary projection whose weight is
    tied to the encoder's input embeddings), for the paper's continued-MLM variant."""

    def __init__(self, head: nn.Module) -> None:
        super().__init__()
        self.head = head

    def forward(self, states: torch.Tensor) -> torch.Tensor:
        return self.head(states)


#: Where `AutoModelForMaskedLM` models keep their prediction head.
_MLM_HEADS = ("lm_head", "cls", "pred_layer", "generator_lm_head")


def load_encoder_with_mlm_head(path: str) -> tuple[nn.Module, PretrainedMLMHead]:
    """The encoder and the pretrained MLM head of one checkpoint (`AutoModelForMaskedLM`), the
    head's output projection tied to the encoder's word embeddings (a checkpoint without head
    weights gets a fresh transform but still the tied projection)."""
    from transformers import AutoModelForMaskedLM

    full = AutoModelForMaskedLM.from_pretrained(path)
    name = next((n for n in _MLM_HEADS if hasattr(full, n)), None)
    if name is None:
        raise ValueError(f"{type(full).__name__} has none of the MLM heads {_MLM_HEADS}")
    encoder = full.base_model
    head = getattr(full, name)
    out = full.get_output_embeddings()
    if out is None or out.weight is not encoder.get_input_embeddings().weight:
        raise ValueError(f"the MLM head of {path} is not tied to its input embeddings")
    return encoder, PretrainedMLMHead(head)


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
        raise ValueError("the MLM head comes from the checkpoint: load_encoder_with_mlm_head")
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
            if "choice_mask" in batch:  # blank choices of shorter questions never win
                logits = logits.masked_fill(~batch["choice_mask"], torch.finfo(logits.dtype).min)
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
