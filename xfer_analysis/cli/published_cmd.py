"""`xfer published`: list the shipped published rows with their sources."""

from __future__ import annotations

import argparse
import json


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `published` subcommand."""
    p = subparsers.add_parser(
        "published", help="list the shipped published numbers and their sources",
        description="Every number in data/published with its source id, citation, confidence "
        "and note. Conflicting sources are listed side by side.",
    )
    p.add_argument("--json", action="store_true", help="JSON: {rows: [...], sources: [...]}")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Print the published rows (table or JSON)."""
    from xfer_analysis import results

    rows, sources = results.published(), results.sources()
    if args.json:
        payload = {"rows": json.loads(rows.to_json(orient="records")),
                   "sources": sources.to_dict("records")}
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    cols = ["source", "confidence", "base_model", "intermediate", "setting", "target_task",
            "language", "split", "metric", "value"]
    print(rows[cols].to_string(index=False))
    print(f"\n{len(rows)} rows from {len(sources)} sources:")
    for s in sources.itertuples():
        print(f"  {s.id} [{s.confidence}]: {s.citation}")
    return 0
