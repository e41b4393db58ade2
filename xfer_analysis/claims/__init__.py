"""Claims as data, checked against any results table with a computed verdict."""

from xfer_analysis.claims.catalogue import CLAIMS, GRID_CONFIG
from xfer_analysis.claims.engine import check, check_all, claim
from xfer_analysis.claims.model import (
    CONTRADICTED,
    DISAGREE,
    INSUFFICIENT,
    STATUSES,
    SUPPORTED,
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
    "DISAGREE",
    "GRID_CONFIG",
    "INSUFFICIENT",
    "STATUSES",
    "SUPPORTED",
    "Claim",
    "Expectation",
    "Measurement",
    "Needs",
    "Quantity",
    "SourceVerdict",
    "Verdict",
    "check",
    "check_all",
    "claim",
    "verdict_table",
    "verdicts_json",
]
