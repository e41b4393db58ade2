"""The claim data model: what a claim says, what it measures, and what a check concludes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

SUPPORTED = "supported"
CONTRADICTED = "contradicted"
UNDECIDED = "undecided"
INSUFFICIENT = "insufficient data"
DISAGREE = "sources disagree"
POINT_ONLY = "point estimate only"
INDICATIVE_SUPPORTED = f"indicative: supported ({POINT_ONLY})"
INDICATIVE_CONTRADICTED = f"indicative: contradicted ({POINT_ONLY})"
STATUSES = (SUPPORTED, CONTRADICTED, UNDECIDED, INDICATIVE_SUPPORTED, INDICATIVE_CONTRADICTED,
            INSUFFICIENT, DISAGREE)
DECISIVE = (SUPPORTED, CONTRADICTED, INDICATIVE_SUPPORTED, INDICATIVE_CONTRADICTED)

BRIEF_SOURCE = "commissioning brief (unverified)"
ABSTRACT_V2_SOURCE = "Phang et al. 2020, arXiv 2005.13013 v2 abstract (AACL 2020; verified)"
KINDS = ("near", "above", "no_benefit")


@dataclass(frozen=True)
class Expectation:
    """What the claim expects of its quantity (decided by `claims.decide`, rules in
    `claims.rules()`).

    `near`: within `tolerance` of `value` (|q - value| <= tolerance); a tolerance of half a unit
    in the last printed digit means "reproduced to the precision the source printed".
    `above`: q > value (0 unless stated).
    `no_benefit`: no gain of `tolerance` (the equivalence margin) or more over `value` (0): an
    equivalence (TOST) reading of "does not benefit"; the margin is part of the claim's data.
    """

    kind: str
    value: float
    tolerance: float = 0.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown expectation kind {self.kind!r} (one of {KINDS})")
        if self.kind == "no_benefit" and self.tolerance <= 0:
            raise ValueError("a no_benefit expectation needs a positive equivalence margin")

    def region(self) -> tuple[float, float]:
        """The accepted interval of the quantity (closed; infinite ends where open-ended)."""
        if self.kind == "near":
            return (self.value - self.tolerance, self.value + self.tolerance)
        if self.kind == "above":
            return (math.nextafter(self.value, math.inf), math.inf)
        return (-math.inf, math.nextafter(self.value + self.tolerance, -math.inf))

    def describe(self) -> str:
        """Human-readable form, e.g. `8.2 ± 0.05`, `> 0` or `no benefit (< 0 + margin 1)`."""
        if self.kind == "near":
            return f"{self.value:g} ± {self.tolerance:g}"
        if self.kind == "above":
            return f"> {self.value:g}"
        return f"no benefit: < {self.value + self.tolerance:g} (equivalence margin " \
               f"{self.tolerance:g})"


@dataclass(frozen=True)
class Quantity:
    """What is measured: a named computation (`kind`) with its parameters.

    Kinds (computed in `claims.quantities` with the analysis layer):
    `mean_gain` (average gain of `intermediate` over `targets`),
    `target_gain` (gain on `targets` pooled over `intermediates`),
    `top_set_margin` (worst of `intermediates` minus best of `others`, by mean gain),
    `multitask_margin` (paired gain of `intermediate` over the best of `intermediates`),
    `gain_contrast` (mean gain on `targets` minus on `other_targets`, over intermediates),
    `share_positive` (share of intermediates whose gain on `targets` is positive),
    `variant_difference` (paired score of a `variant` minus plain English training),
    `system_gain` (task-score gain of `intermediate` over the baseline on `targets`),
    `benchmark_gain` (gain on the benchmark score `aggregate`).
    """

    kind: str
    description: str
    intermediate: str | None = None
    intermediates: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    other_targets: tuple[str, ...] = ()
    variant: str | None = None
    aggregate: str | None = None


@dataclass(frozen=True)
class Needs:
    """The rows a claim needs: base model, split, setting, and the run config that makes them."""

    base_model: str
    split: str
    setting: str = "zero-shot"
    config: str = ""
    note: str = ""


@dataclass(frozen=True)
class Claim:
    """One checkable claim: text, provenance, the quantity, the expectation, the data it needs."""

    id: str
    group: int
    text: str
    source: str
    citation: str
    quantity: Quantity
    expectation: Expectation
    needs: Needs


@dataclass(frozen=True)
class Measurement:
    """A measured quantity on one evidence set: value, interval (or None) and what it used.
    `precision`: how far the value can lie from the exact one because its inputs were printed
    rounded (0 for full-precision runs); `across_languages`: in how many languages the gain
    holds (partial conjunction), where the evidence allows a count."""

    value: float | None
    interval: tuple[float, float] | None
    interval_note: str
    rows_used: tuple[str, ...]
    sources: tuple[str, ...]
    missing: tuple[str, ...] = ()
    detail: dict[str, float] = field(default_factory=dict)
    precision: float = 0.0
    across_languages: str = ""


@dataclass(frozen=True)
class SourceVerdict:
    """The verdict on the evidence of one source (or of all sources when they agree)."""

    status: str
    sources: tuple[str, ...]
    measurement: Measurement
    reason: str


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking one claim against a results table."""

    claim: Claim
    status: str
    reason: str
    per_source: tuple[SourceVerdict, ...]
    missing: tuple[str, ...]
    decided_by: str
    caveats: tuple[str, ...] = ()

    @property
    def value(self) -> float | None:
        """The measured value when one evidence set decides, else None."""
        values = {sv.measurement.value for sv in self.per_source}
        return values.pop() if len(values) == 1 else None
