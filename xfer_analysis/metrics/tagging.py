"""Span F1 for UDPOS / PAN-X with the chunking rules of seqeval 0.0.12, as XTREME scores them.

seqeval 0.0.12 reads every label conlleval-style: the tag is the first character and the chunk
type is the text after the last '-'. So for UDPOS, consecutive ``NOUN NOUN`` form one chunk of
type ``NOUN``. Sentences are joined into one sequence with an ``O`` after each sentence.
seqeval >= 1.0 changed these rules; it is not conformant and is not used.

The kernel is vectorised with numpy: labels are mapped to small integer codes once, chunk
boundaries are found with array comparisons and chunks are compared as packed int64 keys.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Tag classes that the chunking rules tell apart; any other first character is OTHER.
_O, _DOT, _B, _I, _E, _S, _OTHER = range(7)
_TAG_CLASS = {"O": _O, ".": _DOT, "B": _B, "I": _I, "E": _E, "S": _S}


def flatten_sentences(sentences: Sequence[Sequence[str]]) -> list[str]:
    """Join sentences into one label sequence with an 'O' after each, as seqeval 0.0.12 does."""
    out: list[str] = []
    for sentence in sentences:
        out.extend(sentence)
        out.append("O")
    return out


def _split_label(label: str) -> tuple[str, str]:
    """Conlleval reading of one label: (tag = first char, type = text after the last '-')."""
    return label[:1], label.rsplit("-", 1)[-1]


def _encode(labels: Sequence[str], type_ids: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    """Integer tag-class and type codes for a label sequence, with a trailing 'O' sentinel."""
    vocab: dict[str, int] = {}
    codes = np.fromiter((vocab.setdefault(lab, len(vocab)) for lab in labels), np.int64,
                        count=len(labels))
    tag_of = np.empty(len(vocab) + 1, np.int8)
    type_of = np.empty(len(vocab) + 1, np.int64)
    for label, code in vocab.items():
        tag, typ = _split_label(label)
        tag_of[code] = _TAG_CLASS.get(tag, _OTHER)
        type_of[code] = type_ids.setdefault(typ, len(type_ids))
    sentinel = len(vocab)
    tag_of[sentinel] = _O
    type_of[sentinel] = type_ids.setdefault("O", len(type_ids))
    codes = np.append(codes, sentinel)
    return tag_of[codes], type_of[codes]


def _chunk_arrays(
    labels: Sequence[str], type_ids: dict[str, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(begin, end inclusive, type id) arrays of every chunk in one flat label sequence."""
    n = len(labels)
    tag, typ = _encode(labels, type_ids)
    prev_tag = np.concatenate(([_O], tag[:-1])).astype(np.int8)
    # seqeval starts with prev_type = '' which differs from every real type.
    prev_typ = np.concatenate(([-1], typ[:-1]))
    type_changed = prev_typ != typ
    prev_inside = (prev_tag == _B) | (prev_tag == _I)
    cur_closing = (tag == _B) | (tag == _S) | (tag == _O)
    end = (
        (prev_tag == _E)
        | (prev_tag == _S)
        | (prev_inside & cur_closing)
        | ((prev_tag != _O) & (prev_tag != _DOT) & type_changed)
    )
    cur_continuing = (tag == _E) | (tag == _I)
    start = (
        (tag == _B)
        | (tag == _S)
        | (((prev_tag == _E) | (prev_tag == _S) | (prev_tag == _O)) & cur_continuing)
        | ((tag != _O) & (tag != _DOT) & type_changed)
    )
    positions = np.arange(n + 1)
    # begin offset in force at step i is the last start strictly before i (0 if none).
    last_start = np.maximum.accumulate(np.where(start, positions, 0))
    begin_before = np.concatenate(([0], last_start[:-1]))
    ends = np.flatnonzero(end)
    return begin_before[ends], ends - 1, prev_typ[ends]


def _pack(arrays: tuple[np.ndarray, np.ndarray, np.ndarray], n: int, n_types: int) -> np.ndarray:
    """Unique int64 keys for chunks so that two chunk sets compare with one intersect1d."""
    begins, ends, types = arrays
    return np.unique((begins * (n + 1) + ends) * n_types + types)


def chunks(labels: Sequence[str]) -> list[tuple[str, int, int]]:
    """Chunks (type, begin, end inclusive) of a flat label sequence, seqeval 0.0.12 style."""
    type_ids: dict[str, int] = {}
    begins, ends, types = _chunk_arrays(labels, type_ids)
    names = {v: k for k, v in type_ids.items()}
    return [(names[t], b, e) for b, e, t in zip(begins.tolist(), ends.tolist(), types.tolist(),
                                                 strict=True)]


def tagging_scores(
    labels: Sequence[Sequence[str]], predictions: Sequence[Sequence[str]]
) -> dict[str, float]:
    """Chunk F1, precision and recall (0-100) over sentences, exactly as XTREME's seqeval call."""
    gold = flatten_sentences(labels)
    pred = flatten_sentences(predictions)
    type_ids: dict[str, int] = {}
    gold_chunks = _chunk_arrays(gold, type_ids)
    pred_chunks = _chunk_arrays(pred, type_ids)
    n, n_types = max(len(gold), len(pred)), len(type_ids)
    return _prf(_pack(gold_chunks, n, n_types), _pack(pred_chunks, n, n_types))


def _prf(gold_keys: np.ndarray, pred_keys: np.ndarray) -> dict[str, float]:
    """Precision, recall and F1 (0-100) from two sets of chunk keys, seqeval's zero rules."""
    n_correct = len(np.intersect1d(gold_keys, pred_keys, assume_unique=True))
    n_pred, n_true = len(pred_keys), len(gold_keys)
    precision = n_correct / n_pred if n_pred > 0 else 0.0
    recall = n_correct / n_true if n_true > 0 else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return {"f1": f1 * 100, "precision": precision * 100, "recall": recall * 100}
