"""Real-browser smoke test: `xfer dashboard` on a free port, opened in headless Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
CHART = ".vega-embed canvas, .vega-embed svg"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_healthy(url: str, server: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"xfer dashboard exited early with code {server.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"xfer dashboard did not answer at {url} within {timeout:.0f} s")


@pytest.mark.browser
@pytest.mark.slow
def test_heatmap_is_drawn_and_filters_survive_page_switches(grid_store: Path, tmp_path: Path,
                                               repo_root: Path) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "xfer_analysis", "dashboard", "--port", str(port),
         "--store", str(grid_store)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        _wait_healthy(url, server)
        with playwright.sync_playwright() as pw:
            try:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            except Exception as exc:  # any launch failure means: no usable browser here
                pytest.skip(f"headless Chromium could not be launched: {exc}")
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/heatmap?model=xlm-roberta-large&split=dev&lang=de", timeout=60_000)
            page.wait_for_selector(CHART, state="visible", timeout=90_000)
            page.wait_for_timeout(1500)
            screenshot = tmp_path / "dashboard.png"
            page.screenshot(path=str(screenshot), full_page=True)
            assert page.locator(CHART).count() >= 1
            assert page.get_by_text("Transfer heatmap").count() >= 1
            assert "lang=de" in page.url
            page.get_by_role("link", name="Per-language").click()
            page.wait_for_url("**/per-language?*model=xlm-roberta-large*", timeout=60_000)
            page.get_by_role("link", name="Transfer heatmap").click()
            page.wait_for_url("**/heatmap?*lang=de*", timeout=60_000)
            page.wait_for_selector(CHART, state="visible", timeout=90_000)
            browser.close()
        artifacts = repo_root / "artifacts"
        artifacts.mkdir(exist_ok=True)
        shutil.copy(screenshot, artifacts / "dashboard.png")
        assert screenshot.stat().st_size > 10_000
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
