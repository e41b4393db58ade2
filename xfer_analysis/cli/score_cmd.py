"""`xfer score`: score an XTREME / XTREME-R submission folder like the official scorer."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `score` subcommand."""
    p = subparsers.add_parser(
        "score",
        help="score a submission folder (<task>/test-<lang>.*) against labels",
        description="Score predictions exactly as the official XTREME scorer does; optionally "
        "add the per-language scores to the results store.",
    )
    p.add_argument("--benchmark", choices=("xtreme", "xtreme-r"), default="xtreme")
    p.add_argument("--predictions", required=True, help="folder with <task>/test-<lang>.* files")
    p.add_argument("--labels", required=True, help="folder with the gold files, same layout")
    p.add_argument("--tasks", nargs="+", help="score only these tasks (default: all present)")
    p.add_argument("--json", action="store_true", help="print the full result as JSON")
    p.add_argument("--store", help="results store to add the per-language scores to")
    p.add_argument("--run-id", help="run id of the rows added to the store (with --store)")
    p.add_argument("--base-model", help="base model of the rows (with --store)")
    p.add_argument("--intermediate", default="none", help="intermediate task(s) (with --store)")
    p.add_argument("--split", default="test", choices=("dev", "test"))
    p.set_defaults(func=run)


def _print_table(result: dict) -> None:
    """Human-readable summary: overall scores, then each task's averages."""
    for name, value in result["overall"].items():
        print(f"{name:<24} {value:8.2f}")
    for task, detail in result["detailed"].items():
        avgs = ", ".join(f"{k[4:]}={v:.2f}" for k, v in detail.items() if k.startswith("avg_"))
        print(f"{task:<24} {avgs}")


def run(args: argparse.Namespace) -> int:
    """Score, print, and add rows to the store on request."""
    from xfer_analysis.errors import InputError
    from xfer_analysis.metrics.submission import result_rows, score_submission

    if args.store and not (args.run_id and args.base_model):
        raise InputError("--store needs --run-id and --base-model", field="--store")
    result = score_submission(args.predictions, args.labels, args.benchmark, args.tasks)
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        _print_table(result)
    if args.store:
        import pandas as pd

        from xfer_analysis.results import Store

        rows = result_rows(result, run_id=args.run_id, source=f"xfer-score:{args.predictions}",
                           base_model=args.base_model, intermediate=args.intermediate,
                           split=args.split)
        added = Store(args.store).add(pd.DataFrame(rows), origin=f"xfer score {args.predictions}")
        print(f"added {added} rows to {args.store}", file=sys.stderr)
    return 0
