"""What the notebooks call: one small function per view, so notebooks only load, call, show.

Claim groups are checked with `xfer_analysis.claims`; research questions a-e read whatever
results are loaded and say plainly which rows are missing and which runner config makes them.
"""

from xfer_analysis.questions.core import (
    QUESTIONS,
    Question,
    claim_verdicts,
    coverage,
    setting_gaps,
    system_gains,
    verdict_text,
)

__all__ = [
    "QUESTIONS",
    "Question",
    "claim_verdicts",
    "coverage",
    "setting_gaps",
    "system_gains",
    "verdict_text",
]
