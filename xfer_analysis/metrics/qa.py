"""Extractive-QA exact match and F1 with the SQuAD v1.1 and MLQA normalisations XTREME uses.

XQuAD and TyDiQA-GoldP are scored with SQuAD v1.1 rules in every language; MLQA with its own
rules chosen by the language of the context (article lists per language, every Unicode
punctuation character, Chinese split into characters). F1 of two empty token lists is 0 while
their exact match is 1; a question without a prediction scores 0; the best gold answer counts.
"""

from __future__ import annotations

import re
import string
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import lru_cache

from xfer_analysis.errors import ScoringError

_SQUAD_PUNCT = frozenset(string.punctuation)
_SQUAD_ARTICLES = re.compile(r"\b(a|an|the)\b")

# MLQA article patterns by language (evaluate_mlqa.py); None = no articles to remove.
# The Arabic pattern's first branch can never match, so every "ال" is replaced by a space.
_MLQA_ARTICLES: dict[str, re.Pattern[str] | None] = {
    "en": re.compile(r"\b(a|an|the)\b"),
    "es": re.compile(r"\b(un|una|unos|unas|el|la|los|las)\b"),
    "hi": None,
    "vi": re.compile(r"\b(của|là|cái|chiếc|những)\b"),
    "de": re.compile(r"\b(ein|eine|einen|einem|eines|einer|der|die|das|den|dem|des)\b"),
    "ar": re.compile(r"\sال^|ال"),
    "zh": None,
}
_MLQA_CHAR_SEGMENTED = frozenset({"zh"})
_CJK = re.compile(r"[\u4e00-\u9fa5]")


@lru_cache(maxsize=65536)
def _is_unicode_punct(ch: str) -> bool:
    """True for every character MLQA removes: Unicode category P* or ASCII punctuation."""
    return ch in _SQUAD_PUNCT or unicodedata.category(ch).startswith("P")


def normalize_squad(text: str) -> str:
    """SQuAD v1.1 normalisation: lower, drop ASCII punctuation and a/an/the, squeeze spaces."""
    text = "".join(ch for ch in text.lower() if ch not in _SQUAD_PUNCT)
    return " ".join(_SQUAD_ARTICLES.sub(" ", text).split())


def _mixed_segmentation(text: str) -> list[str]:
    """Split Chinese characters (and punctuation) into single tokens, the rest on whitespace."""
    tokens: list[str] = []
    pending = ""
    for ch in text:
        if _CJK.match(ch) or _is_unicode_punct(ch):
            tokens.extend(pending.split())
            pending = ""
            tokens.append(ch)
        else:
            pending += ch
    tokens.extend(pending.split())
    return tokens


def mlqa_languages() -> tuple[str, ...]:
    """Languages that the MLQA normalisation defines rules for."""
    return tuple(_MLQA_ARTICLES)


def _check_mlqa_language(language: str) -> None:
    """Raise ScoringError for a language the MLQA normalisation has no rules for."""
    if language not in _MLQA_ARTICLES:
        raise ScoringError(
            f"MLQA normalisation has no rules for language {language!r}; "
            f"known: {', '.join(_MLQA_ARTICLES)}",
            field="language",
        )


def normalize_mlqa(text: str, language: str) -> str:
    """MLQA answer normalisation for the context language (raises for a language it lacks)."""
    _check_mlqa_language(language)
    text = "".join(ch for ch in text.lower() if not _is_unicode_punct(ch))
    pattern = _MLQA_ARTICLES[language]
    if pattern is not None:
        text = pattern.sub(" ", text)
    tokens = _mixed_segmentation(text) if language in _MLQA_CHAR_SEGMENTED else text.split()
    return " ".join(t for t in tokens if t.strip())


def token_f1(prediction: str, gold: str, normalize: Callable[[str], str]) -> float:
    """Bag-of-tokens F1 (0-1) after normalisation; 0 when nothing is shared (even empty/empty)."""
    pred_tokens = normalize(prediction).split()
    gold_tokens = normalize(gold).split()
    same = sum((Counter(pred_tokens) & Counter(gold_tokens)).values())
    if same == 0:
        return 0.0
    precision = same / len(pred_tokens)
    recall = same / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def exact_match(prediction: str, gold: str, normalize: Callable[[str], str]) -> float:
    """1.0 when the normalised strings are equal (empty equals empty), else 0.0."""
    return float(normalize(prediction) == normalize(gold))


def normalizer(language: str | None) -> Callable[[str], str]:
    """SQuAD v1.1 normalisation when language is None, else the MLQA rules of that language."""
    if language is None:
        return normalize_squad
    _check_mlqa_language(language)
    return lambda text: normalize_mlqa(text, language)


def iter_questions(dataset: Iterable[Mapping]) -> Iterable[tuple[str, list[str]]]:
    """(question id, gold answer texts) for every question of a SQuAD-format 'data' list."""
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield qa["id"], [answer["text"] for answer in qa["answers"]]


def qa_scores(
    gold: Iterable[tuple[str, Sequence[str]]],
    predictions: Mapping[str, str],
    language: str | None = None,
) -> dict[str, float]:
    """Mean exact match and F1 (0-100) over gold questions; missing predictions score 0."""
    normalize = normalizer(language)
    total = em_sum = f1_sum = 0.0
    for qid, answers in gold:
        total += 1
        if qid not in predictions:
            continue
        if not answers:
            raise ScoringError(f"question {qid!r} has no gold answer", field="answers")
        prediction = predictions[qid]
        em_sum += max(exact_match(prediction, a, normalize) for a in answers)
        f1_sum += max(token_f1(prediction, a, normalize) for a in answers)
    if total == 0:
        raise ScoringError("no questions in the gold data")
    return {"exact_match": 100.0 * em_sum / total, "f1": 100.0 * f1_sum / total}
