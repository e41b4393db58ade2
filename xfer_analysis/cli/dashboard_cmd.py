"""`xfer dashboard`: open the Streamlit app on the shipped published data (and a store)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import NoReturn

from xfer_analysis.errors import XferError
from xfer_analysis.resources import shipped

DEFAULT_PORT = 8501
DEFAULT_HOST = "127.0.0.1"
LOCAL_NAMES = ("localhost", "127.0.0.1", "::1")
"""Host names the server answers by default (server.allowedHosts: DNS-rebinding guard)."""
MAX_UPLOAD_MB = 200
"""Largest upload the app accepts, in megabytes (Streamlit's server.maxUploadSize; the Data
page reads it back with `st.get_option`)."""


def app_path() -> Path:
    """Where `dashboard/app.py` is: `XFER_DASHBOARD_APP`, else the shipped dashboard."""
    override = os.environ.get("XFER_DASHBOARD_APP")
    path = Path(override) if override else shipped("dashboard") / "app.py"
    if not path.is_file():
        raise XferError(f"dashboard app not found at {path}; reinstall xfer-analysis or set "
                        "XFER_DASHBOARD_APP to dashboard/app.py")
    return path


def allowed_hosts(args: argparse.Namespace) -> list[str]:
    """Host names the browser may use to reach the app: the local names, the bound address
    (unless it is a wildcard) and every `--allow-host`."""
    names = [*LOCAL_NAMES]
    if args.host not in ("0.0.0.0", "::", ""):
        names.append(args.host)
    names.extend(args.allow_host or [])
    return list(dict.fromkeys(names))


def streamlit_command(args: argparse.Namespace, app: Path) -> list[str]:
    """The `streamlit run` command line: headless, bound to `args.host`, no telemetry, XSRF and
    CORS protection on, WebSocket connections only from `allowed_hosts`."""
    hosts = [flag for name in allowed_hosts(args) for flag in ("--server.allowedHosts", name)]
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.port", str(args.port),
        "--server.address", args.host,
        "--server.headless", "true",
        "--server.maxUploadSize", str(MAX_UPLOAD_MB),
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "minimal",
        "--browser.serverAddress", args.host,
        "--browser.serverPort", str(args.port),
        "--server.enableXsrfProtection", "true",
        "--server.enableCORS", "true",
        *hosts,
    ]


def environment(args: argparse.Namespace) -> dict[str, str]:
    """The app's environment: `XFER_STORE` points at `--store` when one is given."""
    env = dict(os.environ)
    if args.store is not None:
        env["XFER_STORE"] = str(Path(args.store).expanduser().resolve())
    return env


def _run(args: argparse.Namespace) -> NoReturn:
    """Replace this process by the Streamlit server (so signals reach it directly)."""
    command = streamlit_command(args, app_path())
    print(f"xfer dashboard: serving on http://{args.host}:{args.port}", file=sys.stderr, flush=True)
    os.execve(sys.executable, command, environment(args))


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `dashboard` subcommand."""
    parser = subparsers.add_parser(
        "dashboard",
        help="open the Streamlit dashboard (published data, plus a store if given)",
        description="Open the Streamlit dashboard on the shipped published data. "
        "Binds 127.0.0.1 unless --host says otherwise.",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port (default 8501)")
    parser.add_argument("--store", metavar="PATH", default=None,
                        help="results store file to load besides the published data "
                        "(default: $XFER_STORE)")
    parser.add_argument("--host", default=DEFAULT_HOST,
                        help="address to bind (default 127.0.0.1; 0.0.0.0 exposes it)")
    parser.add_argument("--allow-host", action="append", metavar="NAME",
                        help="a host name browsers use to reach the app besides localhost and "
                        "--host (repeatable; needed behind a proxy or with --host 0.0.0.0)")
    parser.set_defaults(func=_run)
