"""Speed of `analysis.transfer_matrix` (and `paired_gains`) on a large synthetic results table.

The table is the dashboard benchmark's (`analysis.synthetic_grid`: baseline + every
intermediate task, every XTREME target with all its metrics and languages, dev and test, five
base models, seeds filled up to the row count), held in memory (no store). Timed: the heatmap's
call, `transfer_matrix(df, base_model="xlm-roberta-large", split="dev")` (language-averaged, task
score), the same for one language, and `paired_gains` on that model's dev rows.

    .venv/bin/python benchmarks/bench_analysis.py [--rows 1000000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import time

from large_table import large_table

from xfer_analysis.analysis import paired_gains, transfer_matrix


def timed(action) -> float:
    """Seconds one call of `action` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main() -> None:
    """Build the table, then time the transfer matrix and the pairing on it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one call")
    args = parser.parse_args()
    start = time.perf_counter()
    df = large_table(args.rows)
    print(f"table: {len(df):,} rows built in {time.perf_counter() - start:.1f} s")
    dev = df[(df["base_model"] == "xlm-roberta-large") & (df["split"] == "dev")]
    steps = {
        "transfer_matrix (xlm-roberta-large, dev, language-averaged)": lambda: transfer_matrix(
            df, base_model="xlm-roberta-large", split="dev"),
        "transfer_matrix (xlm-roberta-large, dev, language de)": lambda: transfer_matrix(
            df, base_model="xlm-roberta-large", split="dev", language="de"),
        f"paired_gains ({len(dev):,} rows of one model and split)": lambda: paired_gains(dev),
    }
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(next(iter(steps.values())))
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
    for name, step in steps.items():
        runs = [timed(step) for _ in range(args.repeat)]
        print(f"{name}: median {statistics.median(runs):.3f} s "
              f"(runs: {', '.join(f'{r:.3f}' for r in runs)})")


if __name__ == "__main__":
    main()
