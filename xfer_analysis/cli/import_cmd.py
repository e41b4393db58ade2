"""`xfer import PATH...`: read result files and add them to the store in one transaction."""

from __future__ import annotations

import argparse
import json
import sys


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `import` subcommand."""
    p = subparsers.add_parser(
        "import", help="import result files into the store",
        description="Read result files (CSV, grid CSV, Parquet, JSON/JSONL, jiant "
        "val_metrics.json, HF Trainer all_results.json) and add them to the store. All files "
        "are read and validated first; one malformed file aborts with the store unchanged.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH", help="result files")
    p.add_argument("--store", help="store file (default: $XFER_STORE or the user data dir)")
    p.add_argument("--format", help="force a format (default: detected per file)")
    p.add_argument("--scale", help="declare the files' scale: 0-1 or 0-100 (default: per format)")
    for field in ("run_id", "source", "base_model", "intermediate", "target_task", "language",
                  "split", "seed"):
        p.add_argument(f"--{field.replace('_', '-')}", dest=field,
                       help=f"{field} for rows whose file does not give it")
    p.add_argument("--replace", action="store_true",
                   help="replace the stored rows of every run the files name (to correct a "
                   "run: import it again with the same --run-id and --replace); without it, "
                   "a row whose key is stored with another value, model_params, confidence "
                   "or note is an error")
    p.add_argument("--json", action="store_true", help="print a JSON summary")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Read every file, then add them all in one store transaction."""
    import pandas as pd
    from tqdm import tqdm

    from xfer_analysis import results

    meta = {k: getattr(args, k) for k in ("run_id", "source", "base_model", "intermediate",
                                           "target_task", "language", "split", "seed")}
    meta = {k: v for k, v in meta.items() if v is not None}
    tables, summary = [], []
    for path in tqdm(args.paths, desc="reading", unit="file", disable=not sys.stderr.isatty()):
        df = results.read(path, format=args.format, scale=args.scale, **meta)
        tables.append(df)
        summary.append({"path": str(path), "format": df.attrs.get("format"), "rows": len(df),
                        "skipped_empty": df.attrs.get("skipped_empty", 0),
                        "skipped_tasks": df.attrs.get("skipped", []),
                        "ignored_metrics": df.attrs.get("ignored_metrics", [])})
    store = results.Store(args.store)
    combined = pd.concat(tables, ignore_index=True)
    origin = ";".join(str(p) for p in args.paths)
    added = store.add(combined, origin=origin, replace=args.replace)
    if args.json:
        print(json.dumps({"store": str(store.path), "rows_added": added, "files": summary}))
        return 0
    for s in summary:
        extra = f", {s['skipped_empty']} empty cells skipped" if s["skipped_empty"] else ""
        if s["skipped_tasks"]:
            extra += f", non-target entries skipped: {', '.join(s['skipped_tasks'])}"
        if s["ignored_metrics"]:
            extra += f", metrics that are no score of the task ignored: " \
                     f"{', '.join(s['ignored_metrics'])}"
        print(f"{s['path']}: {s['rows']} rows ({s['format']}){extra}")
    print(f"added {added} new rows to {store.path}")
    return 0
