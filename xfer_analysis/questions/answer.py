"""The result of a research-question analysis: its frames and a computed plain-text status."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from xfer_analysis import tasks
from xfer_analysis.analysis.frame import current_rows

ANSWERED = "answered"
PARTIAL = "partially answered"
NEEDS_RUNS = "needs runs"


@dataclass(frozen=True)
class Answer:
    """Frames computed from the loaded rows, what they cover, and what is missing (and which
    runner config would make the missing rows)."""

    question: str
    frames: dict[str, pd.DataFrame]
    found: tuple[str, ...]
    missing: tuple[str, ...]
    configs: tuple[str, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def kind(self) -> str:
        """`answered`, `partially answered` or `needs runs`, from what was found and missed."""
        if not self.missing:
            return ANSWERED
        return PARTIAL if self.found else NEEDS_RUNS

    @property
    def status(self) -> str:
        """One line: `answered`, `partially answered: …` or `needs runs: configs/…, missing
        rows: …`."""
        if self.kind == ANSWERED:
            return ANSWERED
        missing = "; ".join(self.missing)
        if self.kind == PARTIAL:
            return f"{PARTIAL}: missing {missing} (runs: {', '.join(self.configs)})"
        return f"{NEEDS_RUNS}: {', '.join(self.configs)}, missing rows: {missing}"

    def text(self) -> str:
        """Status, then what the loaded rows answer and any notes (deterministic text)."""
        lines = [f"research question {self.question}: {self.status}"]
        lines += [f"  found: {f}" for f in self.found]
        lines += [f"  note: {n}" for n in self.notes]
        return "\n".join(lines)


def stilts_rows(df: pd.DataFrame) -> pd.Series:
    """Rows of a named intermediate-task treatment (not the baseline, not a best-per-target
    system whose membership is unknown)."""
    return ~df["intermediate"].astype(str).isin([tasks.NONE, tasks.BEST_PER_TARGET])


def single_targets(df: pd.DataFrame, benchmark: str | None = None) -> pd.DataFrame:
    """Rows of single target tasks (of `benchmark` when given), superseded rows dropped."""
    names = df["target_task"].astype(str)
    keep = ~names.map(tasks.is_aggregate)
    if benchmark is not None:
        keep &= names.isin([t.name for t in tasks.targets(benchmark)])
    return current_rows(df[keep])


def names(values: Sequence[object]) -> str:
    """Sorted distinct values joined by `, ` (for deterministic status text)."""
    return ", ".join(sorted({str(v) for v in values}))
