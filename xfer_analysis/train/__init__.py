"""The STILTs runner (needs the `[train]` extra): intermediate training, target training,
zero-shot evaluation, as resumable YAML grids run locally or on a Ray cluster.

Entry points: `load_grid(path)` -> `Grid`, `run_grid(grid, store, executor=...)`.
"""

from xfer_analysis.train.grid import Cell, Grid, load_grid
from xfer_analysis.train.runner import code_version, done_cells, run_grid

__all__ = ["Cell", "Grid", "code_version", "done_cells", "load_grid", "run_grid"]
