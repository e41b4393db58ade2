"""`xfer results`: print the stored results (optionally with the published data), filtered."""

from __future__ import annotations

import argparse
import sys

FILTERS = {"target": "target_task", "language": "language", "base_model": "base_model",
           "intermediate": "intermediate", "source": "source", "split": "split",
           "metric": "metric"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `results` subcommand."""
    p = subparsers.add_parser(
        "results", help="print stored results",
        description="Print the results in the store as CSV or JSON, filtered by column values "
        "(names resolve through the registry, e.g. --target NER means panx). In CSV, text "
        "cells that a spreadsheet would run as a formula (starting with = + - @, tab or CR) "
        "get a leading apostrophe.",
    )
    p.add_argument("--store", help="store file (default: $XFER_STORE or the user data dir)")
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.add_argument("--published", action="store_true", help="include the shipped published data")
    for flag in FILTERS:
        p.add_argument(f"--{flag.replace('_', '-')}", dest=flag, action="append",
                       help=f"keep rows with this {FILTERS[flag]} (repeatable)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the filtered table."""
    import pandas as pd

    from xfer_analysis import results
    from xfer_analysis.results.export import neutralised

    filters = {col: getattr(args, flag) for flag, col in FILTERS.items() if getattr(args, flag)}
    df = results.Store(args.store).table(**filters)
    if args.published:
        pub = results.published()
        for col, values in filters.items():
            pub = pub[pub[col].isin([results.canonical(col, v) for v in values])]
        df = pd.concat([pub, df], ignore_index=True)
    if args.format == "json":
        df.to_json(sys.stdout, orient="records", force_ascii=False)
        print()
    else:
        neutralised(df).to_csv(sys.stdout, index=False)
    return 0
