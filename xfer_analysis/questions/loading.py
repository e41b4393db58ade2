"""What a notebook loads: the published data plus any results paths named in `XFER_RESULTS`."""

from __future__ import annotations

import os

import pandas as pd

from xfer_analysis import results

ENV = "XFER_RESULTS"


def results_paths(environ: dict[str, str] | None = None) -> list[str]:
    """Paths in `XFER_RESULTS` (os.pathsep-separated; empty entries ignored)."""
    value = (os.environ if environ is None else environ).get(ENV, "")
    return [p for p in value.split(os.pathsep) if p.strip()]


def load_results(environ: dict[str, str] | None = None) -> pd.DataFrame:
    """`results.load` of the shipped published data and the `XFER_RESULTS` paths."""
    return results.load(results_paths(environ))
