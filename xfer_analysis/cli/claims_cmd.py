"""`xfer claims`: check every claim against the loaded results and print the verdicts."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `claims` subcommand."""
    p = subparsers.add_parser(
        "claims",
        help="check the paper's claims against results (published data by default)",
        description="Check each claim of Phang et al. 2020 (and the briefs) against the "
        "published data, a store and result files: supported, contradicted, undecided, "
        "indicative (point estimate only), insufficient data (naming the missing rows), or "
        "sources disagree. --explain prints the decision rules.",
    )
    p.add_argument("--results", nargs="+", default=[], metavar="PATH", type=Path,
                   help="result files to add (csv, parquet, json, jiant, hf, grid)")
    p.add_argument("--store", metavar="PATH", type=Path,
                   help="a results store (DuckDB file) to add")
    p.add_argument("--no-published", action="store_true",
                   help="leave out the shipped published data")
    p.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    p.add_argument("--explain", action="store_true",
                   help="print the decision rules (how a measurement becomes a verdict) and exit")
    p.set_defaults(func=run)


def cli_way_out(args: argparse.Namespace) -> str:
    """What to do from the command line when the loaded rows cannot be checked together."""
    store = f" --store {args.store}" if args.store else ""
    return (f"from the command line: `xfer runs{store}` lists the stored runs and their "
            f"sources, `xfer delete RUN{store}` removes a duplicate or stale run, and "
            "`xfer claims --no-published --results FILE` checks one file alone")


def run(args: argparse.Namespace) -> int:
    """Load, check all claims, print a table (or JSON); exit 0 whatever the verdicts."""
    from xfer_analysis import claims, results
    from xfer_analysis.errors import InputError

    if args.explain:
        print(claims.explain())
        return 0
    table = results.load(args.results, store=args.store,
                         include_published=not args.no_published)
    try:
        verdicts = claims.check_all(table)
    except InputError as exc:
        raise InputError(f"{exc.reason}; {cli_way_out(args)}", path=exc.path, line=exc.line,
                         field=exc.field) from exc
    if args.json:
        print(json.dumps(claims.verdicts_json(verdicts), indent=2))
        return 0
    shown = claims.verdict_table(verdicts)
    width = max((len(s) for s in shown["status"]), default=0)
    for row in shown.itertuples(index=False):
        print(f"{row.claim:<20} {row.status:<{width}} measured {row.measured}  expected "
              f"{row.expected}")
        print(f"{'':<20} {row.detail}")
    counts = shown["status"].value_counts()
    print(", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0
