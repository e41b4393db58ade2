"""Fuzz every entry point that reads user files: each reader, `xfer import`, the dashboard
upload and `xfer score`. Allowed outcomes: the exact rows of a valid file, a typed error for an
invalid one, either (but well-formed) for damaged bytes. `benchmarks/bench_fuzz.py` runs the
same generators on 10,000+ cases per format."""

from __future__ import annotations

import random

import pytest
from cases import FORMATS, case, score_case
from check import check_case, check_score
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
FAST = settings(max_examples=8, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", FORMATS)
@FAST
@given(seed=SEEDS)
def test_readers_import_and_upload_give_a_table_or_a_typed_error(fmt: str, seed: int) -> None:
    check_case(case(random.Random(seed), fmt))


@settings(max_examples=60, deadline=None, derandomize=True)
@given(seed=SEEDS)
def test_score_gives_scores_or_a_scoring_error(seed: int) -> None:
    check_score(*score_case(random.Random(seed)))


@pytest.mark.parametrize("seed", range(25))
def test_every_mutation_kind_is_refused(seed: int) -> None:
    """A fixed sweep, so every mutation of every format runs in each test run."""
    for fmt in FORMATS:
        check_case(case(random.Random(1000 + seed), fmt), with_import=False)


@pytest.mark.parametrize(("fmt", "seed"), [("parquet", "parquet:373")])
def test_cases_the_large_run_found(fmt: str, seed: str) -> None:
    """Cases `bench_fuzz.py` found (a damaged Parquet string that is not UTF-8 crashed the
    reader with an ArrowException)."""
    check_case(case(random.Random(seed), fmt))
