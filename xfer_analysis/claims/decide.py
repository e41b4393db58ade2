"""The decision rules: a measured value (with its interval, or only a point estimate and the
precision its inputs were printed at) against an expectation. The rules are data (`RULES`):
`xfer claims --explain`, the docs (docs/CLAIMS.md) and the dashboard's Claims page all show
`explain()`, so what is stated is what is applied."""

from __future__ import annotations

from dataclasses import dataclass

from xfer_analysis.claims.model import (
    CONTRADICTED,
    INDICATIVE_CONTRADICTED,
    INDICATIVE_SUPPORTED,
    SUPPORTED,
    UNDECIDED,
    Expectation,
)


@dataclass(frozen=True)
class Rule:
    """One stated rule: a short name and its text."""

    name: str
    text: str


RULES: tuple[Rule, ...] = (
    Rule("unit of replication",
         "Intervals are 95% Student-t intervals over training runs (seeds). Languages, targets "
         "and examples are repeated measures of a run: a run's gain is averaged over its "
         "languages (then over the claim's targets) before runs are compared. One run gives no "
         "interval, however many languages it has. Example-level intervals (from per-example "
         "predictions) are labelled 'evaluation noise only' and never decide a claim."),
    Rule("near X ± tolerance",
         "Supported only when the whole interval lies inside [X - tolerance, X + tolerance]; "
         "contradicted when the interval lies wholly outside that band; otherwise undecided."),
    Rule("above a threshold",
         "Supported when the whole interval lies above the threshold (a one-sided test at "
         "2.5%); contradicted when it lies wholly at or below it; otherwise undecided."),
    Rule("no benefit (equivalence, TOST)",
         "Each 'does not benefit' claim states an equivalence margin m. Supported when the "
         "interval's upper bound is below m (the upper one-sided test of TOST rejects a benefit "
         "of m or more at 2.5%); the reason adds 'equivalent to no effect' when the lower bound "
         "is also above -m. Contradicted when the whole interval lies at or above m; otherwise "
         "undecided. A strict '<= 0' is never used."),
    Rule("point estimate only",
         "Without an interval (one run, or a source that publishes one number) the same "
         "regions are applied to the point estimate, and the status is 'indicative: supported "
         "(point estimate only)' or 'indicative: contradicted (point estimate only)', never "
         "plain supported or contradicted."),
    Rule("printed precision",
         "Numbers typed from a paper's table are compared at the precision they were printed "
         "at: a gain between two numbers printed to d decimals is known only to within 10^-d "
         "(two half-units). The point estimate is indicative-supported when that range meets "
         "the accepted region and indicative-contradicted only when it misses it."),
    Rule("margins between treatments",
         "'The best' claims (top three tasks, multi-task over every single task) are "
         "intersection-union tests: every pairwise run-level difference must have its 95% "
         "lower bound above 0 to support; the reported upper bound is Bonferroni-adjusted over "
         "the pairs, so a claim is contradicted only when some pair is reversed with "
         "family-wise error control."),
    Rule("counts over tasks and languages",
         "'At least u of N' statements use partial-conjunction tests (Benjamini-Heller, "
         "Bonferroni combination; Dror et al. 2017) on one-sided run-level t-tests, with "
         "family-wise error 2.5% for each bound of the share. Gains report beside their average "
         "in how many of the N languages they hold (family-wise error 5%)."),
    Rule("sources",
         "Sources are never blended: each treatment source is its own evidence set (paired with "
         "its own baseline, else the closest source's); rows of different sources for the same "
         "key are never averaged, with or without a seed. Evidence sets that reach different "
         "decisive statuses give 'sources disagree'."),
    Rule("which rows",
         "A claim reads the task-score rows of its model and setting on the split that serves "
         "as its role (dev or test) for each target, as the task records state it (XQuAD, "
         "TyDiQA-GoldP and Tatoeba have no dev split: their test split serves as dev), at full "
         "intermediate-task size. Missing rows give 'insufficient data', naming the rows and "
         "the grid config that would produce them."),
)


def rules() -> tuple[Rule, ...]:
    """The decision rules, as data."""
    return RULES


def explain() -> str:
    """The rules as Markdown text (one bullet per rule): what `xfer claims --explain`, the
    docs and the dashboard show."""
    return "\n".join(f"- **{r.name}**: {r.text}" for r in RULES)


def _statistical(expectation: Expectation, value: float, a: float, b: float
                 ) -> tuple[str, str]:
    """Status and reason from a statistical interval [a, b]."""
    lo, hi = expectation.region()
    shown = f"measured {value:.2f} [{a:.2f}, {b:.2f}], expected {expectation.describe()}"
    if b < lo or a > hi:
        return CONTRADICTED, f"{shown}: the interval lies outside"
    if lo <= a and b <= hi:
        extra = ""
        if expectation.kind == "no_benefit" and a > expectation.value - expectation.tolerance:
            extra = "; equivalent to no effect within the margin"
        return SUPPORTED, f"{shown}: the interval lies inside{extra}"
    return UNDECIDED, f"{shown}: the interval straddles the boundary; more runs would decide"


def _indicative(expectation: Expectation, value: float, precision: float) -> tuple[str, str]:
    """Indicative status and reason from a point estimate known to ± precision."""
    lo, hi = expectation.region()
    a, b = value - precision, value + precision
    at = f" ± {precision:.2g} (printed precision)" if precision > 0 else ""
    shown = f"measured {value:.2f}{at} (no interval), expected {expectation.describe()}"
    if b < lo or a > hi:
        return INDICATIVE_CONTRADICTED, shown
    return INDICATIVE_SUPPORTED, shown


def decide(expectation: Expectation, value: float, interval: tuple[float, float] | None,
           precision: float = 0.0) -> tuple[str, str]:
    """Status and reason for `value` against `expectation` by `RULES`: the interval decides
    where there is one; else the point estimate (± the printed `precision`) gives an
    indicative status."""
    if interval is None:
        return _indicative(expectation, value, precision)
    return _statistical(expectation, value, *interval)
