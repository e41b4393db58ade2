"""Results-layer speed on a synthetic table of ~1,000,000 rows: validate, store write and read.

Rows come from `analysis.synthetic_grid` (baseline + every intermediate task, every XTREME
target with all its metrics and languages, dev and test, five base models, seeds filled up to
the row count). Times, in seconds, are printed as one JSON object:

- `validate`: `results.validate` on the fresh synthetic frame (typed columns);
- `validate_text`: the same rows with every column as text, as a CSV reader hands them over;
- `store_add`: `Store.add` into an empty store (validation, row keys, content hash, insert);
- `store_table`: `Store.table()` reading every row back;
- `load_store`: `results.load(store=...)` (published + store, duplicate check, parameter fill).

With `--import-csv`, the same rows written as one CSV are imported side by side, each step in a
fresh process that reports its wall time and peak memory (VmHWM of /proc/self/status: the
peak resident set of the process's own address space; ru_maxrss would also count the parent's
resident set at the fork, which execve keeps):

- `duckdb_native`: DuckDB's own `read_csv` into a table plus a unique index on the key
  columns (the yardstick the import is held to: within 3x its time, 2x its peak memory);
- `xfer_import`: `results.importing.import_files` into an empty store (streamed CSV, validated
  in batches, checked and inserted in one transaction);
- `xfer_import_quoted`: the same rows with every field quoted (csv.QUOTE_ALL), so the import
  also runs the csv module's strict check that a file with quotes needs before Arrow reads it;
- `hash_file` and `noop_reimport`: a plain SHA-256 of the file, and importing the same file
  again into that store (aim: within 1.5x of the hash), timed alternately five times in one
  process (medians).

    PYTHONPATH=. .venv/bin/python benchmarks/bench_results.py [--rows 1000000] [--repeat 3]
    PYTHONPATH=. .venv/bin/python benchmarks/bench_results.py --import-csv [--rows 1000000]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
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


_CHILD = r"""
import json, sys, time
start = time.perf_counter()
step, csv_path, store_path, key_columns = sys.argv[1:5]
if step == "duckdb_native":
    import duckdb  # only DuckDB in this process: its peak memory is DuckDB's own
    con = duckdb.connect(store_path)
    con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [csv_path])
    con.execute("CREATE UNIQUE INDEX k ON t (" + key_columns + ")")
    rows = con.execute("SELECT count(*) FROM t").fetchone()[0]
    con.close()
elif step == "xfer_import":
    from xfer_analysis.results import Store
    from xfer_analysis.results.importing import import_files
    rows = import_files([csv_path], Store(store_path)).written.added
else:
    import hashlib
    from xfer_analysis.results import Store
    from xfer_analysis.results.importing import import_files
    import statistics
    hashed, noop = [], []
    for _ in range(5):  # alternating, medians: the file is in the page cache for both
        t0 = time.perf_counter()
        sha = hashlib.sha256()
        with open(csv_path, "rb") as handle:
            while block := handle.read(1 << 20):
                sha.update(block)
        hashed.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        report = import_files([csv_path], Store(store_path))
        noop.append(time.perf_counter() - t0)
    rows = report.written.added
    print(json.dumps({"hash_file_s": round(statistics.median(hashed), 3),
                      "noop_reimport_s": round(statistics.median(noop), 3),
                      "hash_runs_s": [round(x, 3) for x in hashed],
                      "noop_runs_s": [round(x, 3) for x in noop],
                      "already_imported": report.already_imported}))
print(json.dumps({"step": step, "rows": rows, "seconds": round(time.perf_counter() - start, 3),
                  "peak_mb": round(next(int(line.split()[1]) for line in open("/proc/self/status")
                                        if line.startswith("VmHWM")) / 1024)}))
"""


def _child(step: str, csv_path: Path, store: Path) -> list[dict]:
    """Run one import step in a fresh Python process; its JSON lines."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    keys = ", ".join(results.KEY_COLUMNS)
    out = subprocess.run([sys.executable, "-c", _CHILD, step, str(csv_path), str(store), keys],
                         check=True, capture_output=True, text=True, env=env).stdout
    return [{**json.loads(line), "file": csv_path.name} for line in out.splitlines()
            if line.startswith("{")]


def import_comparison(rows: int, repeat: int) -> dict:
    """DuckDB's native CSV load + unique index vs `xfer import` vs a no-op re-import."""
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "results.csv"
        quoted_path = Path(tmp) / "quoted.csv"
        frame = large_table(rows)
        frame.to_csv(csv_path, index=False)
        frame.to_csv(quoted_path, index=False, quoting=csv.QUOTE_ALL)
        del frame
        runs: dict[str, list[dict]] = {"duckdb_native": [], "xfer_import": [],
                                       "xfer_import_quoted": [], "noop": []}
        for n in range(repeat):
            for step in ("duckdb_native", "xfer_import", "xfer_import_quoted"):
                store = Path(tmp) / f"{step}-{n}.duckdb"
                source = quoted_path if step == "xfer_import_quoted" else csv_path
                runs[step].extend(_child(step.removesuffix("_quoted"), source, store))
            runs["noop"].extend(_child("noop", csv_path, Path(tmp) / f"xfer_import-{n}.duckdb"))
        size_mb = round(csv_path.stat().st_size / 2**20)
    return {"csv_mb": size_mb, "load_average": os.getloadavg(), "runs": runs}


def main() -> None:
    """Build the rows, then time validate, Store.add, Store.table and load; print JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--import-csv", action="store_true",
                        help="compare xfer import with DuckDB's native CSV load instead")
    args = parser.parse_args()
    if args.import_csv:
        print(json.dumps(import_comparison(args.rows, args.repeat), indent=2))
        return
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
