"""The claims of Phang et al. 2020 and of the briefs that commissioned this package, as data.

Sources: ../shared/published/phang2020_claims.md. The briefs' per-task numbers (+8.2, +7.5,
+7.0, multi-task +8.7) appear in no source that could be read, so those claims carry
`BRIEF_SOURCE`; the v2 abstract's statements (including +5.4 on XTREME test) are verified.
Value claims use a tolerance of half a unit in the last printed digit (reproduced to the
printed precision); "does not benefit" claims use an equivalence margin (`NO_BENEFIT_MARGIN`).
The rules that turn a measurement into a verdict are `claims.decide.RULES`. Qualitative words
are operationalised in each claim's text.
"""

from __future__ import annotations

from xfer_analysis import tasks
from xfer_analysis.claims.model import (
    ABSTRACT_V2_SOURCE,
    BRIEF_SOURCE,
    Claim,
    Expectation,
    Needs,
    Quantity,
)

_MODEL = "xlm-roberta-large"
GRID_CONFIG = "configs/phang2020.yaml"
_HALF_DIGIT = 0.05
NO_BENEFIT_MARGIN = 1.0
"""Equivalence margin (points) of the "does not benefit" claims: a gain below one point counts
as no benefit. Our operationalisation, stated here and in each claim's text; no source gives
one."""
_NO_BENEFIT = Expectation("no_benefit", 0.0, NO_BENEFIT_MARGIN)
_XTREME = tuple(t.name for t in tasks.targets(tasks.XTREME))
_RETRIEVAL = tasks.benchmark(tasks.XTREME).categories["retrieval"]
_QA = tasks.benchmark(tasks.XTREME).categories["qa"]
_TRAINED = tuple(t for t in _XTREME if t not in _RETRIEVAL)
_SINGLE = tasks.PAPER_TASKS
_TOP3 = ("mnli", "squad", "hellaswag")
_DEV = Needs(_MODEL, "dev", config=GRID_CONFIG,
             note="the paper's dev grid: baseline, each intermediate task, multi-task")
_TEST = Needs(_MODEL, "test", config=GRID_CONFIG,
              note="test scores of the best intermediate model per target and of XLM-R Large")
_C2 = "v2 abstract: 'large improvements ... on the BUCC and Tatoeba sentence retrieval tasks'"


def _brief_gain(task: str, value: float) -> Claim:
    """Claim 1 for one task: the brief's average dev gain of `task` over the target tasks."""
    display = tasks.intermediate(task).display
    return Claim(
        id=f"1-{task}",
        group=1,
        text=f"Intermediate training on {display} yields an average target-task gain of "
        f"{value:g} points (dev, mean over the XTREME targets)",
        source=BRIEF_SOURCE,
        citation="briefs; the v2 abstract names MNLI, SQuAD and HellaSwag as best without "
        "numbers (v1 abstract: SQuAD +8.4 on dev with 7 tasks)",
        quantity=Quantity("mean_gain", f"average gain of {display} over the XTREME targets",
                          intermediate=task, targets=_XTREME),
        expectation=Expectation("near", value, _HALF_DIGIT),
        needs=_DEV,
    )


CLAIMS: tuple[Claim, ...] = (
    _brief_gain("squad", 8.2),
    _brief_gain("mnli", 7.5),
    _brief_gain("hellaswag", 7.0),
    Claim(
        id="1-top3",
        group=1,
        text="MNLI, SQuAD and HellaSwag achieve the best overall results as intermediate tasks "
        "(their worst average dev gain exceeds every other single task's)",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C3 in phang2020_claims.md",
        quantity=Quantity("top_set_margin", "worst average gain of the three minus the best "
                          "average gain of the other single tasks",
                          intermediates=_TOP3,
                          others=tuple(t for t in _SINGLE if t not in _TOP3), targets=_XTREME),
        expectation=Expectation("above", 0.0),
        needs=_DEV,
    ),
    Claim(
        id="2-multitask",
        group=2,
        text="Multi-task intermediate training on all nine tasks yields an average target-task "
        "gain of 8.7 points (dev)",
        source=BRIEF_SOURCE,
        citation="briefs; the v2 abstract gives no number for multi-task",
        quantity=Quantity("mean_gain", "average gain of the nine-task mixture over the XTREME "
                          "targets", intermediate=tasks.MULTITASK_ALL, targets=_XTREME),
        expectation=Expectation("near", 8.7, _HALF_DIGIT),
        needs=_DEV,
    ),
    Claim(
        id="2-multitask-margin",
        group=2,
        text="Multi-task intermediate training offers small additional improvements over the "
        "best single intermediate task (dev; checked: the margin is positive)",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C3 ('multi-task intermediate offers small additional "
        "improvements')",
        quantity=Quantity("multitask_margin", "average gain of the nine-task mixture minus the "
                          "best single task's", intermediate=tasks.MULTITASK_ALL,
                          intermediates=_SINGLE, targets=_XTREME),
        expectation=Expectation("above", 0.0),
        needs=_DEV,
    ),
    Claim(
        id="3-retrieval",
        group=3,
        text="Intermediate training gives large gains on BUCC and Tatoeba (checked: their "
        "gain, averaged over the nine tasks, exceeds the gain on the trained targets; dev)",
        source=ABSTRACT_V2_SOURCE,
        citation=_C2,
        quantity=Quantity("gain_contrast", "mean gain on BUCC and Tatoeba minus mean gain on "
                          "the other XTREME targets", intermediates=_SINGLE,
                          targets=_RETRIEVAL, other_targets=_TRAINED),
        expectation=Expectation("above", 0.0),
        needs=_DEV,
    ),
    Claim(
        id="3-retrieval-test",
        group=3,
        text="The submitted system (best intermediate model per target) improves BUCC and "
        "Tatoeba over XLM-R Large on test",
        source=ABSTRACT_V2_SOURCE,
        citation=_C2 + "; applied to the XTREME test submission",
        quantity=Quantity("system_gain", "mean task-score gain of best-per-target over XLM-R "
                          "Large on BUCC and Tatoeba", intermediate=tasks.BEST_PER_TARGET,
                          targets=_RETRIEVAL),
        expectation=Expectation("above", 0.0),
        needs=_TEST,
    ),
    Claim(
        id="4-tydiqa",
        group=4,
        text="TyDiQA improves consistently with many intermediate tasks (checked: more than "
        "half of the nine tasks give a positive TyDiQA gain; dev)",
        source=BRIEF_SOURCE,
        citation="briefs ('TyDiQA: consistent gains'; not verified per intermediate task)",
        quantity=Quantity("share_positive", "share of the nine tasks with a positive TyDiQA "
                          "gain", intermediates=_SINGLE, targets=("tydiqa",)),
        expectation=Expectation("above", 0.5),
        needs=_DEV,
    ),
    Claim(
        id="4-tydiqa-test",
        group=4,
        text="The submitted system improves TyDiQA-GoldP over XLM-R Large on test",
        source=BRIEF_SOURCE,
        citation="briefs ('TyDiQA: consistent gains'), checked on the test submission",
        quantity=Quantity("system_gain", "TyDiQA task-score gain (mean of EM and F1) of "
                          "best-per-target over XLM-R Large", intermediate=tasks.BEST_PER_TARGET,
                          targets=("tydiqa",)),
        expectation=Expectation("above", 0.0),
        needs=_TEST,
    ),
    Claim(
        id="4-xnli",
        group=4,
        text="XNLI does not benefit from intermediate training (checked: equivalence test, the "
        f"XNLI gain averaged over the nine tasks stays below {NO_BENEFIT_MARGIN:g} point; dev)",
        source=BRIEF_SOURCE,
        citation="briefs ('XNLI: no gain'; needs the dev table)",
        quantity=Quantity("target_gain", "XNLI gain averaged over the nine tasks",
                          intermediates=_SINGLE, targets=("xnli",)),
        expectation=_NO_BENEFIT,
        needs=_DEV,
    ),
    Claim(
        id="4-xnli-test",
        group=4,
        text="XNLI does not benefit: the submitted system does not improve XNLI over XLM-R "
        f"Large on test by {NO_BENEFIT_MARGIN:g} point or more (equivalence test)",
        source=BRIEF_SOURCE,
        citation="briefs ('XNLI: no gain'), checked on the test submission",
        quantity=Quantity("system_gain", "XNLI accuracy gain of best-per-target over XLM-R "
                          "Large", intermediate=tasks.BEST_PER_TARGET, targets=("xnli",)),
        expectation=_NO_BENEFIT,
        needs=_TEST,
    ),
    Claim(
        id="5-xtreme",
        group=5,
        text="The best intermediate model per target improves on XLM-R Large by 5.4 points on "
        "the XTREME benchmark (test)",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C4 (v1: +6.1)",
        quantity=Quantity("benchmark_gain", "XTREME score (mean of the 9 task scores) of "
                          "best-per-target minus XLM-R Large", intermediate=tasks.BEST_PER_TARGET,
                          targets=_XTREME, aggregate="xtreme"),
        expectation=Expectation("near", 5.4, _HALF_DIGIT),
        needs=_TEST,
    ),
    Claim(
        id="6-mlm",
        group=6,
        text="Continuing multilingual MLM during intermediate training does not consistently "
        "outperform plain English intermediate training (checked: equivalence test, the mean "
        f"paired difference stays below {NO_BENEFIT_MARGIN:g} point; dev)",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C5",
        quantity=Quantity("variant_difference", "score with MLM minus without, paired by task, "
                          "target and language", intermediates=_SINGLE, targets=_XTREME,
                          variant="mlm"),
        expectation=_NO_BENEFIT,
        needs=_DEV,
    ),
    Claim(
        id="6-translated",
        group=6,
        text="Machine-translated intermediate-task data does not consistently outperform "
        "English intermediate data (checked: equivalence test, the mean paired difference stays "
        f"below {NO_BENEFIT_MARGIN:g} point; dev)",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C5",
        quantity=Quantity("variant_difference", "score with translated minus English "
                          "intermediate data, paired by task, target and language",
                          intermediates=_SINGLE, targets=_XTREME, variant="translated"),
        expectation=_NO_BENEFIT,
        needs=_DEV,
    ),
    Claim(
        id="7-qa",
        group=7,
        text="Intermediate training gives moderate gains on question answering targets "
        "(checked: the QA gain averaged over the nine tasks is positive; dev)",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C2 ('moderate improvements on question-answering target "
        "tasks')",
        quantity=Quantity("target_gain", "gain on XQuAD, MLQA and TyDiQA averaged over the nine "
                          "tasks", intermediates=_SINGLE, targets=_QA),
        expectation=Expectation("above", 0.0),
        needs=_DEV,
    ),
    Claim(
        id="7-qa-test",
        group=7,
        text="The submitted system improves the question answering targets over XLM-R Large "
        "on test",
        source=ABSTRACT_V2_SOURCE,
        citation="v2 abstract, claim C2, checked on the test submission",
        quantity=Quantity("system_gain", "mean task-score gain on XQuAD, MLQA and TyDiQA of "
                          "best-per-target over XLM-R Large", intermediate=tasks.BEST_PER_TARGET,
                          targets=_QA),
        expectation=Expectation("above", 0.0),
        needs=_TEST,
    ),
)
