"""Results-layer speed on a synthetic table of ~1,000,000 rows: validate, store write and read.

Rows come from `analysis.synthetic_grid` (baseline + every intermediate task, every XTREME
target with all its metrics and languages, dev and test, five base models, seeds filled up to
the row count). Times, in seconds, are printed as one JSON object:

- `validate`: `results.validate` on the fresh synthetic frame (typed columns);
- `validate_text`: the same rows with every column as text, as a CSV reader hands them over;
- `store_add`: `Store.add` into an empty store (validation, row keys, content hash, insert);
- `store_table`: `Store.table()` reading every row back;
- `load_store`: `results.load(store=...)` (published + store, duplicate check, parameter fill).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_results.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from large_table import large_table

from xfer_analysis import results


def timed(action: Callable[[], object], repeat: int) -> list[float]:
    """Seconds each of `repeat` calls of `action` takes."""
    out = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        out.append(round(time.perf_counter() - start, 3))
    return out


def main() -> None:
    """Build the rows, then time validate, Store.add, Store.table and load; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    frame = large_table(args.rows)
    text = frame.astype(str).replace({"<NA>": "", "nan": ""})
    runs: dict[str, list[float]] = {
        "validate": timed(lambda: results.validate(frame, origin="bench"), args.repeat),
        "validate_text": timed(lambda: results.validate(text, origin="bench"), args.repeat),
    }
    with tempfile.TemporaryDirectory() as tmp:
        store = results.Store(Path(tmp) / "results.duckdb")
        runs["store_add"] = timed(lambda: store.add(frame, origin="bench"), 1)
        runs["store_table"] = timed(store.table, args.repeat)
        runs["load_store"] = timed(lambda: results.load(store=store), args.repeat)
        n_loaded = len(results.load(store=store))
    print(json.dumps({
        "rows": len(frame),
        "rows_loaded": n_loaded,
        "median_s": {k: statistics.median(v) for k, v in runs.items()},
        "runs_s": runs,
    }, indent=2))


if __name__ == "__main__":
    main()
