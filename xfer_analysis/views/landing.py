"""Which view the dashboard opens on: the best real grid loaded, else the published data."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from xfer_analysis import analysis, tasks


@dataclass(frozen=True)
class Grid:
    """One run source's intermediate × target grid of one base model and split."""

    source: str
    base_model: str
    split: str
    n_sets: int
    n_seeds: int
    n_targets: int

    @property
    def params(self) -> dict[str, str]:
        """The URL filters that open the grid's pages (heatmap, per-language, returns)."""
        return {"model": self.base_model, "split": self.split, "source": self.source}


def best_real_grid(frame: pd.DataFrame) -> Grid | None:
    """The loaded grid of real runs with the most intermediate sets × seeds, or None.

    A real run has a seed (published numbers have none) and a baseline (`none`) of the same
    base model, split and source, and is read directly (secondary and superseded rows are
    republished numbers); aggregates are left out. Ties go to the most targets, then to
    names in order. None means: no run is loaded, open on the published data."""
    rows = analysis.task_rows(frame[["source", "base_model", "intermediate", "setting",
                                     "target_task", "split", "seed", "confidence"]])
    rows = rows[rows["seed"].notna() & (rows["setting"].astype(str) == "zero-shot")
                & (rows["confidence"].astype(str) == "read directly")]
    best: tuple[tuple, Grid] | None = None
    for (source, model, split), part in rows.groupby(
            [rows["source"].astype(str), rows["base_model"].astype(str),
             rows["split"].astype(str)], sort=True):
        names = part["intermediate"].astype(str)
        treated = part[~names.isin([tasks.NONE, tasks.BEST_PER_TARGET])]
        if treated.empty or not (names == tasks.NONE).any():
            continue
        grid = Grid(source, model, split, treated["intermediate"].nunique(),
                    int(part["seed"].nunique()), treated["target_task"].nunique())
        rank = (grid.n_sets * grid.n_seeds, grid.n_targets)
        if best is None or rank > best[0]:
            best = (rank, grid)
    return None if best is None else best[1]
