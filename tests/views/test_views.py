"""Views: the landing grid (the loaded run source with the most intermediate sets × seeds,
else the published data) and the per-language rows of one training budget."""

from __future__ import annotations

import pandas as pd

from xfer_analysis import results, views
from xfer_analysis.analysis.synthetic import synthetic_grid


def _grid(source: str, effects: dict, seeds: tuple[int, ...]) -> pd.DataFrame:
    frame = synthetic_grid(effects, {"xnli": ["de", "fr"]}, seeds=seeds, rng_seed=1)
    return frame.assign(source=source, run_id=frame["run_id"] + f"@{source}")


def test_published_data_alone_has_no_real_grid() -> None:
    assert views.best_real_grid(results.load(include_runs=False)) is None


def test_a_shipped_run_is_a_real_grid_of_its_own_source() -> None:
    grid = views.best_real_grid(results.load())
    runs = set(results.run_sources()["id"])
    assert grid is None or grid.source in runs


def test_the_grid_with_most_sets_times_seeds_wins() -> None:
    small = _grid("run-small", {"mnli": 1.0, "squad": 2.0}, seeds=(1,))
    large = _grid("run-large", {"mnli": 1.0}, seeds=(1, 2, 3))
    table = pd.concat([results.published(), small, large], ignore_index=True)
    grid = views.best_real_grid(table)
    assert (grid.source, grid.n_sets, grid.n_seeds) == ("run-large", 1, 3)
    assert grid.params == {"model": "xlm-roberta-large", "split": "dev", "source": "run-large"}


def test_a_grid_without_its_baseline_is_not_a_grid() -> None:
    frame = _grid("run-a", {"mnli": 1.0}, seeds=(1, 2))
    assert views.best_real_grid(frame[frame["intermediate"] != "none"]) is None


def test_per_language_rows_are_of_one_budget() -> None:
    """A task trained at several budgets gave several bars per language (stacked)."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "dashboard"))
    from dashboard_helpers import SQUAD_SIZES, sized_grid

    grid = sized_grid()
    args = {"base_model": "xlm-roberta-large", "split": "dev", "target": "xnli",
            "intermediate": "squad"}
    assert views.language_budgets(grid, **args) == [str(n) for n in sorted(SQUAD_SIZES)]
    largest = views.per_language_gains(grid, **args)
    assert not largest.duplicated(["language", "source"]).any()
    assert largest["gain"].tolist() == [SQUAD_SIZES[max(SQUAD_SIZES)]] * 2
    small = views.per_language_gains(grid, **args, budget="2000")
    assert small["gain"].tolist() == [SQUAD_SIZES[2000]] * 2
