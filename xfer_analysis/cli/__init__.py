"""The `xfer` command line: one entry point, one module per subcommand.

Each subcommand module defines ``register(subparsers)`` which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning an exit code. Heavy imports
happen inside that callable, so ``xfer --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from xfer_analysis import __version__
from xfer_analysis.errors import XferError

SUBCOMMAND_MODULES = (
    "xfer_analysis.cli.import_cmd",
    "xfer_analysis.cli.results_cmd",
    "xfer_analysis.cli.published_cmd",
    "xfer_analysis.cli.score_cmd",
    "xfer_analysis.cli.claims_cmd",
    "xfer_analysis.cli.dashboard_cmd",
    "xfer_analysis.cli.run_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    """The full parser with every available subcommand registered."""
    parser = argparse.ArgumentParser(
        prog="xfer",
        description="Run, load and analyse STILTs intermediate-task transfer on XTREME/XTREME-R.",
    )
    parser.add_argument("--version", action="version", version=f"xfer-analysis {__version__}")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of `xfer`: errors exit non-zero with one clear line (traceback with --debug)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except XferError as exc:
        if args.debug:
            raise
        print(f"xfer {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"xfer {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
