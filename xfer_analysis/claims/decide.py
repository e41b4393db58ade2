"""The decision rule: a measured value (and interval, where there is one) against an expectation."""

from __future__ import annotations

from xfer_analysis.claims.model import (
    CONTRADICTED,
    INSUFFICIENT,
    SUPPORTED,
    Expectation,
)


def decide(
    expectation: Expectation, value: float, interval: tuple[float, float] | None
) -> tuple[str, str]:
    """Status and reason for `value` (with optional interval) against `expectation`.

    Without an interval the point estimate decides. With one: an interval wholly outside the
    accepted region contradicts; a directional claim (`above`, `at_most`) is supported only by
    an interval wholly inside it; a value claim (`near`) is supported when the point estimate
    lies in the band; anything else is undecided and reported as insufficient data.
    """
    lo, hi = expectation.region()
    inside = lo <= value <= hi
    want = expectation.describe()
    if interval is None:
        status = SUPPORTED if inside else CONTRADICTED
        return status, f"measured {value:.2f} (no interval), expected {want}"
    a, b = interval
    shown = f"measured {value:.2f} [{a:.2f}, {b:.2f}], expected {want}"
    if b < lo or a > hi:
        return CONTRADICTED, f"{shown}: the interval lies outside"
    if expectation.kind == "near":
        if inside:
            return SUPPORTED, shown
    elif lo <= a and b <= hi:
        return SUPPORTED, f"{shown}: the interval lies inside"
    return INSUFFICIENT, (
        f"{shown}: the interval straddles the boundary; more seeds or languages would decide"
    )
