"""Executors: run pending cells and hand each finished cell to `write` (in the driver), each
failed one to `fail` (the grid goes on).

- local: one process, cells in grid order, tqdm progress per stage.
- Ray: each distinct intermediate-trained encoder (stage 1) is its own `@ray.remote` task, and
  every cell that needs it is a task depending on it (Ray starts the cell when the encoder
  exists), so no worker holds a GPU while waiting on another's training. Tasks request the
  grid's num_cpus / num_gpus and are retried `retries` times. Results come back to the driver,
  which writes them through the store as they finish (workers never touch the store).
  `address` (or `RAY_ADDRESS`) joins a running cluster; otherwise a local one is started.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from xfer_analysis.train.grid import Cell, Grid
from xfer_analysis.train.stages import RunContext, run_cell, stage1

Write = Callable[[Cell, dict], None]
Fail = Callable[[Cell, BaseException | str], None]


def run_local(grid: Grid, cells: list[Cell], ctx: RunContext, write: Write, fail: Fail) -> None:
    """Run cells one after another in this process; a failing cell is reported and skipped."""
    for cell in cells:
        try:
            outcome = run_cell(cell, ctx)
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - any cell error is recorded, the grid goes on
            fail(cell, exc)
            continue
        write(cell, outcome)


def _remote_stage1(cell: Cell, ctx: RunContext) -> tuple[str, int | None]:
    """Body of a stage-1 Ray task: the intermediate-trained encoder of `cell`."""
    return stage1(cell, ctx)


def _remote_cell(cell: Cell, ctx: RunContext, encoder: tuple[str, int | None] | None) -> dict:
    """Body of a cell's Ray task (a plain function so Ray can pickle it by reference); Ray
    resolves `encoder` (the stage-1 task's result) before this runs."""
    return run_cell(cell, ctx, encoder)


def run_ray(grid: Grid, cells: list[Cell], ctx: RunContext, write: Write, fail: Fail,
            address: str | None = None) -> None:
    """Run stage-1 encoders and cells as Ray tasks; write each result as soon as it arrives."""
    import ray

    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    opts = {"num_cpus": grid.resources.get("num_cpus", 1),
            "num_gpus": grid.resources.get("num_gpus", 0),
            "max_retries": grid.retries, "retry_exceptions": True}
    encoder_task = ray.remote(_remote_stage1).options(**opts)
    cell_task = ray.remote(_remote_cell).options(**opts)
    quiet = dataclasses.replace(ctx, progress=False)
    encoders = {}
    for cell in cells:
        if cell.intermediate and cell.stage1_id not in encoders:
            encoders[cell.stage1_id] = encoder_task.remote(cell, quiet)
    pending = {cell_task.remote(cell, quiet, encoders.get(cell.stage1_id)): cell
               for cell in cells}
    while pending:
        ready, _ = ray.wait(list(pending), num_returns=1)
        cell = pending.pop(ready[0])
        try:
            outcome = ray.get(ready[0])
        except ray.exceptions.RayError as exc:
            fail(cell, f"failed after {grid.retries} retries: {exc}")
            continue
        write(cell, outcome)


EXECUTORS: dict[str, Callable[..., None]] = {"local": run_local, "ray": run_ray}
"""Executor name -> function (`xfer run --executor NAME`); a new executor is one entry here."""
