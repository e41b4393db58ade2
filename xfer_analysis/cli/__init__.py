"""The `xfer` command line: one entry point, one module per subcommand.

Each subcommand module defines ``register(subparsers)`` which adds its parser and sets
``func`` to a callable taking the parsed arguments and returning an exit code. Heavy imports
happen inside that callable, so ``xfer --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from xfer_analysis import __version__
from xfer_analysis.errors import XferError

SUBCOMMAND_MODULES = (
    "xfer_analysis.cli.import_cmd",
    "xfer_analysis.cli.results_cmd",
    "xfer_analysis.cli.runs_cmd",
    "xfer_analysis.cli.published_cmd",
    "xfer_analysis.cli.score_cmd",
    "xfer_analysis.cli.claims_cmd",
    "xfer_analysis.cli.dashboard_cmd",
    "xfer_analysis.cli.run_cmd",
    "xfer_analysis.cli.assets_cmd",
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


EXTRAS = {"torch": "train", "transformers": "train", "datasets": "train", "evaluate": "train",
          "accelerate": "train", "tokenizers": "train", "ray": "train"}
"""Top-level module -> the optional extra of pyproject.toml that installs it."""
SIGPIPE_EXIT = 128 + 13
"""Exit status after the reader of stdout went away (`xfer published | head`), as a shell
reports a process ended by SIGPIPE."""


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The one-line advice for a module an optional extra provides, else None."""
    top = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(top)
    if extra is None:
        return None
    return (f"this command needs the [{extra}] extra (module {top!r} is not installed): "
            f"pip install 'xfer-analysis[{extra}]'")


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot fail again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def main(argv: list[str] | None = None) -> int:
    """Entry point of `xfer`: errors exit non-zero with one clear line (traceback with --debug);
    a closed pipe on stdout ends the command quietly."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        code = int(args.func(args) or 0)
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        _quiet_stdout()
        return SIGPIPE_EXIT
    except XferError as exc:
        if args.debug:
            raise
        print(f"xfer {args.command}: error: {exc}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as exc:
        advice = missing_extra(exc)
        if advice is None or args.debug:
            raise
        print(f"xfer {args.command}: error: {advice}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"xfer {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
