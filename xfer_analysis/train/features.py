"""Turn uniform examples into model features (token ids, labels) and batches.

One function per task kind. Long inputs: QA contexts are split into overlapping windows
(`stride`); tagging sentences are split at word boundaries into chunks that fit, so every word
gets a prediction. MLM masks are drawn once per example from a seeded RNG (static masking), so a
run is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import torch

IGNORE = -100


def classification(examples, tok, max_len: int, labels: Sequence[str]) -> list[dict]:
    """Single sentences or pairs -> ids and a class index (-1 for a label unseen in training)."""
    index = {name: i for i, name in enumerate(labels)}
    feats = []
    for ex in examples:
        enc = tok(ex["a"], ex["b"], truncation=True, max_length=max_len)
        feats.append({"input_ids": enc["input_ids"], "labels": index.get(ex["label"], -1)})
    return feats


def multiple_choice(examples, tok, max_len: int) -> list[dict]:
    """One (first, second) pair per choice; the label is the index of the right choice."""
    feats = []
    for ex in examples:
        ids = [
            tok(ex["first"], second, truncation=True, max_length=max_len)["input_ids"]
            for second in ex["seconds"]
        ]
        feats.append({"input_ids": ids, "labels": ex["label"]})
    return feats


def _word_chunks(word_lengths: list[int], budget: int) -> list[tuple[int, int]]:
    """Greedy split of words into [start, end) chunks whose sub-word count fits `budget`."""
    chunks, start, used = [], 0, 0
    for i, n in enumerate(word_lengths):
        if used + n > budget and i > start:
            chunks.append((start, i))
            start, used = i, 0
        used += n
    chunks.append((start, len(word_lengths)))
    return chunks


def tagging(examples, tok, max_len: int, labels: Sequence[str]) -> list[dict]:
    """Words -> sub-words; the first sub-word of each word carries its tag (others ignored)."""
    index = {name: i for i, name in enumerate(labels)}
    feats = []
    n_special = len(tok("")["input_ids"])
    for ex_i, ex in enumerate(examples):
        words, tags = ex["tokens"], ex["tags"]
        if not words:
            continue
        lengths = [len(tok(w, add_special_tokens=False)["input_ids"]) for w in words]
        for start, end in _word_chunks(lengths, max_len - n_special):
            enc = tok(words[start:end], is_split_into_words=True, truncation=True,
                      max_length=max_len)
            word_ids = enc.word_ids()
            lab, first = [], []
            prev = None
            for pos, w in enumerate(word_ids):
                if w is None or w == prev:
                    lab.append(IGNORE)
                else:
                    lab.append(index.get(tags[start + w], IGNORE))
                    first.append((pos, start + w))
                prev = w
            feats.append({"input_ids": enc["input_ids"], "labels": lab,
                          "example": ex_i, "first": first})
    return feats


def qa(examples, tok, max_len: int, stride: int, train: bool) -> list[dict]:
    """Question + context windows; training features carry start/end token positions."""
    feats = []
    for ex_i, ex in enumerate(examples):
        enc = tok(ex["question"], ex["context"], truncation="only_second", max_length=max_len,
                  stride=stride, return_overflowing_tokens=True, return_offsets_mapping=True)
        for w in range(len(enc["input_ids"])):
            seq = enc.sequence_ids(w)
            pairs = zip(enc["offset_mapping"][w], seq, strict=True)
            offsets = [o if s == 1 else None for o, s in pairs]
            feat = {"input_ids": enc["input_ids"][w], "example": ex_i, "offsets": offsets}
            if train:
                feat["start_positions"], feat["end_positions"] = _span(ex, offsets)
            feats.append(feat)
    return feats


def _span(ex: dict, offsets: list) -> tuple[int, int]:
    """Token positions of the first gold answer inside this window, else (0, 0) (CLS)."""
    if not ex["answers"]["text"]:
        return 0, 0
    a_start = ex["answers"]["answer_start"][0]
    a_end = a_start + len(ex["answers"]["text"][0])
    start = end = None
    for pos, off in enumerate(offsets):
        if off is None:
            continue
        if start is None and off[0] <= a_start < off[1]:
            start = pos
        if off[0] < a_end <= off[1]:
            end = pos
    if start is None or end is None or end < start:
        return 0, 0
    return start, end


def mlm(examples, tok, max_len: int, seed: int, prob: float = 0.15) -> list[dict]:
    """Masked-LM features: 15% of non-special tokens, 80% <mask> / 10% random / 10% kept."""
    rng = random.Random(seed)
    specials = set(tok.all_special_ids)
    ordinary = [i for i in range(len(tok)) if i not in specials]
    feats = []
    for ex in examples:
        ids = tok(ex["text"], truncation=True, max_length=max_len)["input_ids"]
        labels = [IGNORE] * len(ids)
        for i, t in enumerate(ids):
            if t in specials or rng.random() >= prob:
                continue
            labels[i] = t
            roll = rng.random()
            if roll < 0.8:
                ids[i] = tok.mask_token_id
            elif roll < 0.9:
                ids[i] = rng.choice(ordinary)
        feats.append({"input_ids": ids, "labels": labels})
    return feats


def _pad(rows: list[list[int]], value: int, width: int) -> list[list[int]]:
    return [r + [value] * (width - len(r)) for r in rows]


def collate(feats: list[dict], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad a list of features to the longest one; masks follow the padding."""
    first = feats[0]["input_ids"]
    batch: dict[str, torch.Tensor] = {}
    if first and isinstance(first[0], list):  # multiple choice: (batch, choices, length)
        width = max(len(r) for f in feats for r in f["input_ids"])
        n_choices = max(len(f["input_ids"]) for f in feats)
        blank = [pad_id] * width  # a question with fewer choices gets blank ones, masked out
        ids = [_pad(f["input_ids"], pad_id, width) + [blank] * (n_choices - len(f["input_ids"]))
               for f in feats]
        batch["input_ids"] = torch.tensor(ids)
        batch["choice_mask"] = torch.tensor(
            [[j < len(f["input_ids"]) for j in range(n_choices)] for f in feats])
    else:
        width = max(len(f["input_ids"]) for f in feats)
        batch["input_ids"] = torch.tensor(_pad([f["input_ids"] for f in feats], pad_id, width))
        if isinstance(feats[0].get("labels"), list):
            batch["labels"] = torch.tensor(_pad([f["labels"] for f in feats], IGNORE, width))
    batch["attention_mask"] = (batch["input_ids"] != pad_id).long()
    if "labels" in feats[0] and "labels" not in batch:
        batch["labels"] = torch.tensor([f["labels"] for f in feats])
    for key in ("start_positions", "end_positions"):
        if key in feats[0]:
            batch[key] = torch.tensor([f[key] for f in feats])
    return batch
