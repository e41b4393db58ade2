"""Executors: run pending cells and hand each finished cell to `write` (in the driver).

- local: one process, cells in grid order, tqdm progress per stage.
- Ray: each cell a `@ray.remote` task with the grid's num_cpus / num_gpus request and
  `max_retries`; results come back to the driver, which writes them through the store as they
  finish (workers never touch the store). Connects to a running cluster (`RAY_ADDRESS`) or
  starts a local one.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from xfer_analysis.errors import XferError
from xfer_analysis.train.grid import Cell, Grid
from xfer_analysis.train.stages import RunContext, run_cell

Write = Callable[[Cell, dict], None]


def run_local(grid: Grid, cells: list[Cell], ctx: RunContext, write: Write) -> None:
    """Run cells one after another in this process."""
    for cell in cells:
        write(cell, run_cell(cell, ctx))


def _remote_cell(cell: Cell, ctx: RunContext) -> dict:
    """Body of the Ray task (a plain function so Ray can pickle it by reference)."""
    return run_cell(cell, ctx)


def run_ray(grid: Grid, cells: list[Cell], ctx: RunContext, write: Write) -> None:
    """Run cells as Ray tasks; write each result from the driver as soon as it arrives."""
    import ray

    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False)
    task = ray.remote(_remote_cell).options(
        num_cpus=grid.resources.get("num_cpus", 1), num_gpus=grid.resources.get("num_gpus", 0),
        max_retries=grid.retries, retry_exceptions=True,
    )
    quiet = dataclasses.replace(ctx, progress=False)
    pending = {task.remote(cell, quiet): cell for cell in cells}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        cell = pending.pop(ready[0])
        try:
            outcome = ray.get(ready[0])
        except ray.exceptions.RayError as exc:
            raise XferError(f"cell {cell.id} failed after {grid.retries} retries: {exc}") from exc
        write(cell, outcome)
