"""The package installs anywhere (issue 11): the built wheel, installed into a fresh virtual
environment, runs `xfer published`, `xfer claims` and `xfer dashboard` from an unrelated
folder, with its shipped data, configs and dashboard read through importlib.resources."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


def _run(*command: str | Path, cwd: Path, env: dict[str, str], timeout: float = 900
         ) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(bin folder of a fresh venv holding only the wheel and its dependencies, an unrelated
    working folder, a clean environment)."""
    tmp = tmp_path_factory.mktemp("wheel")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "XFER_DATA", "XFER_STORE", "XFER_DASHBOARD_APP",
                        "VIRTUAL_ENV")}
    env["HOME"] = str(tmp / "home")
    _run(sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "--no-build-isolation",
         "-q", "-w", tmp / "dist", cwd=ROOT, env=env)
    (wheel,) = (tmp / "dist").glob("xfer_analysis-*.whl")
    _run(sys.executable, "-m", "venv", tmp / "venv", cwd=tmp, env=env)
    bin_dir = tmp / "venv" / "bin"
    _run(bin_dir / "python", "-m", "pip", "install", "-q", "-c", ROOT / "constraints.txt",
         wheel, cwd=tmp, env=env, timeout=1800)
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return bin_dir, elsewhere, env


def test_the_wheel_carries_the_shipped_folders(installed) -> None:
    bin_dir, elsewhere, env = installed
    code = ("from xfer_analysis.resources import shipped; "
            "print(*(shipped(n) for n in ('data', 'configs', 'dashboard')), sep='\\n')")
    paths = _run(bin_dir / "python", "-c", code, cwd=elsewhere, env=env).stdout.split()
    for path in map(Path, paths):
        assert "_shipped" in path.parts and ROOT not in path.parents, path
    assert (Path(paths[0]) / "published" / "published.csv").is_file()
    assert (Path(paths[1]) / "phang2020.yaml").is_file()
    assert (Path(paths[2]) / "app.py").is_file()


def test_published_and_claims_run_from_an_unrelated_folder(installed) -> None:
    bin_dir, elsewhere, env = installed
    published = _run(bin_dir / "xfer", "published", cwd=elsewhere, env=env).stdout
    assert "rows from" in published and "rembert-t16-stilts" in published
    claims = _run(bin_dir / "xfer", "claims", cwd=elsewhere, env=env).stdout
    assert "insufficient data" in claims.splitlines()[-1]


def test_the_dashboard_serves_and_its_pages_run(installed) -> None:
    bin_dir, elsewhere, env = installed
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen([bin_dir / "xfer", "dashboard", "--port", str(port)],
                              cwd=elsewhere, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, f"xfer dashboard exited with {server.returncode}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health",
                                            timeout=2) as response:
                    assert response.read() == b"ok"
                    break
            except OSError:
                assert time.monotonic() < deadline, "no health answer within 120 s"
                time.sleep(0.5)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    pages = ("views/overview.py", "views/heatmap.py", "views/claims.py", "views/scaling.py")
    code = ("from streamlit.testing.v1 import AppTest\n"
            "from xfer_analysis.resources import shipped\n"
            "at = AppTest.from_file(str(shipped('dashboard') / 'app.py'), default_timeout=300)\n"
            "at.run()\n"
            f"for page in {pages!r}:\n"
            "    at.switch_page(page).run()\n"
            "    assert not at.exception, (page, at.exception)\n"
            "    print(page, at.title[0].value)\n")
    out = _run(bin_dir / "python", "-c", code, cwd=elsewhere, env=env).stdout
    assert len(out.splitlines()) == len(pages)
