"""The tidy results table: schema and validation, readers, the store, the published data."""

from xfer_analysis.results.load import load
from xfer_analysis.results.published import (
    data_dir,
    model_params,
    published,
    published_dir,
    sources,
    with_model_params,
)
from xfer_analysis.results.reading import FORMATS, detect_format, read
from xfer_analysis.results.runs import run_sources, runs_dir, shipped_predictions, shipped_runs
from xfer_analysis.results.scale import SCALES
from xfer_analysis.results.schema import (
    COLUMNS,
    CONFIDENCES,
    KEY_COLUMNS,
    PAIR_COLUMNS,
    SETTINGS,
    SPLITS,
    canonical,
    empty_table,
)
from xfer_analysis.results.store import Store, default_store_path
from xfer_analysis.results.validation import validate

__all__ = [
    "COLUMNS",
    "CONFIDENCES",
    "FORMATS",
    "KEY_COLUMNS",
    "PAIR_COLUMNS",
    "SCALES",
    "SETTINGS",
    "SPLITS",
    "Store",
    "canonical",
    "data_dir",
    "default_store_path",
    "detect_format",
    "empty_table",
    "load",
    "model_params",
    "published",
    "published_dir",
    "read",
    "run_sources",
    "runs_dir",
    "shipped_predictions",
    "shipped_runs",
    "sources",
    "validate",
    "with_model_params",
]
