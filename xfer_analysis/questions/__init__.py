"""What the notebooks call: one small function per view, so notebooks only load, call, show.

Claim groups are checked with `xfer_analysis.claims`; research questions a-e run their
analysis on whatever results are loaded (`Answer`: frames + computed status) and name the
runner configs that would make the missing rows.
"""

from xfer_analysis.questions.answer import ANSWERED, NEEDS_RUNS, PARTIAL, Answer
from xfer_analysis.questions.budget import tasks_vs_data
from xfer_analysis.questions.catalogue import QUESTIONS, Question
from xfer_analysis.questions.core import claim_verdicts, setting_gaps, system_gains, verdict_text
from xfer_analysis.questions.diversity import diversity_vs_gain
from xfer_analysis.questions.loading import load_results
from xfer_analysis.questions.scaling import (
    benefit_by_size,
    language_scores,
    model_size_robustness,
    translate_train_vs_intermediate,
)

__all__ = [
    "ANSWERED",
    "NEEDS_RUNS",
    "PARTIAL",
    "QUESTIONS",
    "Answer",
    "Question",
    "benefit_by_size",
    "claim_verdicts",
    "diversity_vs_gain",
    "language_scores",
    "load_results",
    "model_size_robustness",
    "setting_gaps",
    "system_gains",
    "tasks_vs_data",
    "translate_train_vs_intermediate",
    "verdict_text",
]
