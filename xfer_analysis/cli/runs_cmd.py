"""`xfer runs` lists the runs in a store; `xfer delete RUN...` removes runs from it."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `runs` and `delete` subcommands."""
    p = subparsers.add_parser(
        "runs", help="list the runs in the store",
        description="One line per run in the store: run id, sources, base models, "
        "intermediates, number of targets and rows. Remove one with `xfer delete RUN`.",
    )
    p.add_argument("--store", help="store file (default: $XFER_STORE or the user data dir)")
    p.add_argument("--json", action="store_true", help="JSON records instead of a table")
    p.set_defaults(func=list_runs)
    d = subparsers.add_parser(
        "delete", help="delete runs from the store",
        description="Delete every row of the named runs (see `xfer runs`) in one transaction; "
        "an unknown run id changes nothing.",
    )
    d.add_argument("run_ids", nargs="+", metavar="RUN", help="run id(s) to delete")
    d.add_argument("--store", help="store file (default: $XFER_STORE or the user data dir)")
    d.set_defaults(func=delete_runs)


def list_runs(args: argparse.Namespace) -> int:
    """Print the store's runs."""
    from xfer_analysis import results

    runs = results.Store(args.store).runs()
    if args.json:
        print(json.dumps(runs.to_dict("records")))
    elif runs.empty:
        print("no runs in the store")
    else:
        print(runs.to_string(index=False))
    return 0


def delete_runs(args: argparse.Namespace) -> int:
    """Delete the named runs and say how many rows went."""
    from xfer_analysis import results

    store = results.Store(args.store)
    removed = store.delete(args.run_ids)
    print(f"deleted {removed} rows of {len(args.run_ids)} run(s) from {store.path}")
    return 0
