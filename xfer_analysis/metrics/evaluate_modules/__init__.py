"""Local Hugging Face `evaluate` metric scripts wrapping the XTREME-conformant scorers."""

from __future__ import annotations

from pathlib import Path

from xfer_analysis.errors import UnknownNameError

MODULES = ("xtreme_accuracy", "xtreme_seqeval", "xtreme_qa", "xtreme_bucc", "xtreme_map")


def evaluate_module_path(name: str) -> str:
    """Absolute path of a local metric module, for ``evaluate.load(path)`` (the hub is offline)."""
    if name not in MODULES:
        raise UnknownNameError("evaluate module", name, list(MODULES))
    return str(Path(__file__).resolve().parent / name)
