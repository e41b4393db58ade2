"""`xfer import PATH...`: read result files and add them to the store in one transaction."""

from __future__ import annotations

import argparse
import json


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
    """Read every file and add them all in one store transaction (CSV streamed in batches)."""
    from xfer_analysis import results
    from xfer_analysis.results.importing import import_files

    meta = {k: getattr(args, k) for k in ("run_id", "source", "base_model", "intermediate",
                                           "target_task", "language", "split", "seed")}
    store = results.Store(args.store)
    report = import_files(args.paths, store, format=args.format, scale=args.scale,
                          replace=args.replace, **meta)
    if args.json:
        print(json.dumps({"store": str(store.path), "rows_added": report.written.added,
                          "rows_replaced": report.written.replaced,
                          "already_imported": report.already_imported,
                          "files": [vars(f) for f in report.files]}))
        return 0
    if report.already_imported:
        print(f"already imported (the same files with the same options): added 0 new rows "
              f"to {store.path}")
        return 0
    for f in report.files:
        extra = f", {f.skipped_empty} empty cells skipped" if f.skipped_empty else ""
        if f.skipped_tasks:
            extra += f", non-target entries skipped: {', '.join(f.skipped_tasks)}"
        if f.ignored_metrics:
            extra += (", metrics that are no score of the task ignored: "
                      f"{', '.join(f.ignored_metrics)}")
        print(f"{f.path}: {f.rows} rows ({f.format}){extra}")
    replaced = (f" (replacing {report.written.replaced} rows of the runs named)"
                if args.replace else "")
    print(f"added {report.written.added} new rows to {store.path}{replaced}")
    return 0
