"""`xfer run CONFIG`: run a STILTs grid (YAML) locally or on Ray; finished cells are skipped."""

from __future__ import annotations

import argparse
from pathlib import Path

from xfer_analysis.resources import shipped


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `run` subcommand."""
    p = subparsers.add_parser(
        "run", help="run a STILTs experiment grid",
        description="Expand a grid YAML (base models x intermediate sets x sizes x targets x "
        "seeds) and run every cell not yet in the store; needs the [train] extra.",
    )
    p.add_argument("config", help="grid YAML file; configs/NAME.yaml also finds the grids "
                   "shipped with the package (e.g. configs/smoke.yaml from any folder)")
    p.add_argument("--store", help="store file (default: $XFER_STORE or the user data dir)")
    p.add_argument("--executor", default="local",
                   help="local (default) or ray; any name in train.executors.EXECUTORS")
    p.add_argument("--dry-run", action="store_true", help="print the cells and their state")
    p.add_argument("--data-dir", help="local dataset directory (overrides the grid's data_dir)")
    p.add_argument("--work-dir", help="checkpoint directory (default: $XFER_WORK/<grid name>)")
    p.add_argument("--no-progress", action="store_true", help="no progress bars")
    p.add_argument("--skip-unavailable", action="store_true",
                   help="list and skip what the task records (or missing local files) say "
                   "cannot run, instead of refusing the grid")
    p.add_argument("--ray-address", help="join this running Ray cluster (default: $RAY_ADDRESS "
                   "or a local one); see README, 'Multi-node runs'")
    p.set_defaults(func=run)


def config_path(config: str) -> Path:
    """The grid file: `config` where it exists, else a shipped grid named `configs/NAME`."""
    path = Path(config)
    if path.exists() or path.is_absolute() or path.parts[:1] != ("configs",):
        return path
    shipped_grid = shipped("configs").joinpath(*path.parts[1:])
    return shipped_grid if shipped_grid.is_file() else path


def _recipe(cell) -> str:
    """A cell's target-training recipe as `key=value` (settings at their default left out)."""
    from xfer_analysis import tasks
    from xfer_analysis.train.grid import identity

    if tasks.target(cell.target).category == "retrieval":
        return "(no target training: scored on the stage-1 encoder)"
    shown = identity(cell.target_training) or {}
    return " ".join(f"{k}={shown[k]}" for k in sorted(shown))


def run(args: argparse.Namespace) -> int:
    """Dry-run (cells, their state and target recipe; the grid's device and precision) or run
    the grid; exit 1 when any cell failed (each listed), after every other cell ran."""
    from xfer_analysis.results import Store
    from xfer_analysis.train import done_cells, load_grid, run_grid

    grid = load_grid(config_path(args.config), data_dir=args.data_dir, work_dir=args.work_dir,
                     skip_unavailable=args.skip_unavailable)
    for line in grid.skipped:
        print(f"# skipped (unavailable): {line}")
    store = Store(args.store)
    if args.dry_run:
        done = done_cells(store, grid.cells, grid.ledger)
        print("cell_id\tstate\tbase_model\tintermediate\tsize\ttarget\tsplit\tseed\trecipe")
        for c in grid.cells:
            size = "full" if c.size is None else c.size
            state = "done" if c.id in done else "pending"
            print(f"{c.id}\t{state}\t{c.base.name}\t{c.intermediate_label}\t{size}\t{c.target}"
                  f"\t{c.split}\t{c.seed}\t{_recipe(c)}")
        print(f"# {len(grid.cells)} cells: {len(done)} done, {len(grid.cells) - len(done)} "
              f"pending (device {grid.device}, precision {grid.precision})")
        return 0
    counts = run_grid(grid, store, executor=args.executor, progress=not args.no_progress,
                      ray_address=args.ray_address)
    print(f"{grid.name}: ran {counts['ran']} cells, skipped {counts['skipped']}, "
          f"added {counts['rows']} rows to {store.path}")
    if counts["failed"]:
        print(f"{counts['failed']} cell(s) FAILED (errors in {grid.work_dir / 'failures'}):")
        for line in counts["failures"]:
            print(f"  {line}")
        return 1
    return 0
