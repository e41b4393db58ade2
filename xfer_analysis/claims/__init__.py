"""Claims as data, checked against any results table with a computed verdict by stated rules."""

from xfer_analysis.claims.catalogue import CLAIMS, GRID_CONFIG, NO_BENEFIT_MARGIN
from xfer_analysis.claims.decide import RULES, Rule, explain, rules
from xfer_analysis.claims.engine import check, check_all, claim
from xfer_analysis.claims.model import (
    CONTRADICTED,
    DECISIVE,
    DISAGREE,
    INDICATIVE_CONTRADICTED,
    INDICATIVE_SUPPORTED,
    INSUFFICIENT,
    STATUSES,
    SUPPORTED,
    UNDECIDED,
    Claim,
    Expectation,
    Measurement,
    Needs,
    Quantity,
    SourceVerdict,
    Verdict,
)
from xfer_analysis.claims.report import verdict_table, verdicts_json

__all__ = [
    "CLAIMS",
    "CONTRADICTED",
    "DECISIVE",
    "DISAGREE",
    "GRID_CONFIG",
    "INDICATIVE_CONTRADICTED",
    "INDICATIVE_SUPPORTED",
    "INSUFFICIENT",
    "NO_BENEFIT_MARGIN",
    "RULES",
    "STATUSES",
    "SUPPORTED",
    "UNDECIDED",
    "Claim",
    "Expectation",
    "Measurement",
    "Needs",
    "Quantity",
    "Rule",
    "SourceVerdict",
    "Verdict",
    "check",
    "check_all",
    "claim",
    "explain",
    "rules",
    "verdict_table",
    "verdicts_json",
]
