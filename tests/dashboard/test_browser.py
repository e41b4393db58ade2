"""Real-browser tests: `xfer dashboard` on a free port, opened in Debian's headless Chromium.

Every page is visited through the app's own navigation, on the shipped data and again after a
grid is uploaded on the Data page; the test fails on a console error, a "Page not found", a
page exception, or a chart whose rendered marks differ from the table beside it (the same
page, same filters, checked with `rendered.check_page`: what Vega draws, row by row).
Focused tests check what only a browser shows: `/overview` opened directly, and the Scaling
page's Measure box against the measure its chart draws after a target change."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from dashboard_helpers import grid_csv, new_app
from rendered import check_page

from xfer_analysis import results, views

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
CHART = ".vega-embed canvas, .vega-embed svg"
PAGES = {"Overview": "views/overview.py", "Transfer heatmap": "views/heatmap.py",
         "Per-language": "views/per_language.py", "Diminishing returns": "views/returns.py",
         "Scaling": "views/scaling.py", "Claims": "views/claims.py", "Data": "views/data.py"}
STREAMLIT_PROBES = ("/_stcore/health", "/_stcore/host-config")
"""Streamlit's frontend first asks for these under the page's own path (`/claims/_stcore/...`)
and then at the root; those 404s are its way of finding the server, not an app error."""


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


class Console:
    """Console errors, uncaught page errors and failed requests of one browser page."""

    def __init__(self, page) -> None:
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console: {m.text}")
                if m.type == "error" and "Failed to load resource" not in m.text else None)
        page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))
        page.on("response", self._response)

    def _response(self, response) -> None:
        if response.status >= 400 and not response.url.endswith(STREAMLIT_PROBES):
            self.errors.append(f"HTTP {response.status}: {response.url}")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


def _settle(page) -> None:
    """Wait until the script run of the page is over (Streamlit's status widget is gone)."""
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_timeout(800)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=180_000)
    page.wait_for_timeout(1200)


def _visit(page, console: Console, title: str) -> str:
    """Open one page through the sidebar; fail on errors; return the page's URL."""
    page.get_by_role("link", name=title, exact=True).first.click()
    _settle(page)
    text = page.inner_text("body")
    assert "Page not found" not in text, title
    assert page.locator('[data-testid="stException"]').count() == 0, (title, text[:2000])
    assert not console.take(), title
    return page.url


def _marks_equal_tables(page_file: str, url: str, store: Path | None, monkeypatch) -> int:
    """The charts of `page_file` with the filters of `url`, checked against their tables."""
    from urllib.parse import parse_qsl

    if store is None:
        monkeypatch.delenv("XFER_STORE", raising=False)
    else:
        monkeypatch.setenv("XFER_STORE", str(store))
    at = new_app(page_file, **dict(parse_qsl(urlparse(url).query)))
    assert not at.exception, at.exception
    return check_page(at.main)


def _store_of_upload(tmp_path: Path) -> Path:
    """A store holding what the browser uploaded (the AppTest side of the same view)."""
    csv = tmp_path / "grid.csv"
    csv.write_bytes(grid_csv())
    path = tmp_path / "uploaded.duckdb"
    results.Store(path).add(results.read(csv), origin="upload")
    return path


def _launch(port: int, cwd: Path, log) -> subprocess.Popen:
    """`xfer dashboard` on `port` (its own process group), without a store: shipped data."""
    return subprocess.Popen(
        [sys.executable, "-m", "xfer_analysis", "dashboard", "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=cwd,
        env={k: v for k, v in os.environ.items() if k != "XFER_STORE"} | {
            "PYTHONUNBUFFERED": "1"},
    )


@contextmanager
def _served(tmp_path: Path) -> Iterator[str]:
    """The dashboard's URL while it runs; the server is stopped afterwards."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "server.log").open("w")
    server = _launch(port, tmp_path, log)
    try:
        _wait_healthy(url, server)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


@contextmanager
def _chromium(playwright) -> Iterator:
    """A headless Debian Chromium; the test skips where it cannot be launched."""
    with playwright.sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Exception as exc:  # any launch failure means: no usable browser here
            pytest.skip(f"headless Chromium could not be launched: {exc}")
        try:
            yield browser
        finally:
            browser.close()


def _needs_browser():
    """Playwright's sync API, or a skip where Playwright or Chromium is missing."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no browser: {CHROMIUM} is missing (apt-get install chromium)")
    return playwright


@pytest.mark.browser
@pytest.mark.slow
def test_every_page_in_a_real_browser(tmp_path: Path, repo_root: Path, monkeypatch) -> None:
    playwright = _needs_browser()
    monkeypatch.delenv("XFER_STORE", raising=False)
    shots = []
    with _served(tmp_path) as url, _chromium(playwright) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console = Console(page)
        for path in ("/", "/overview"):
            page.goto(url + path, timeout=60_000)
            _settle(page)
            assert "Page not found" not in page.inner_text("body"), path
            expected = views.best_real_grid(results.load()) is not None
            if expected:  # "/" switches to the overview: wait for its run, not the first
                page.get_by_text("Best loaded grid").first.wait_for(timeout=120_000)
            shown = page.get_by_text("Best loaded grid").count() > 0
            assert shown == expected, path
            assert not console.take(), path
            if path == "/" and shown:  # a fresh start opens on the real grid's heatmap
                page.wait_for_selector(CHART, state="visible", timeout=90_000)
                shots.append(tmp_path / "landing.png")
                page.screenshot(path=str(shots[-1]), full_page=True)
        visited = {title: _visit(page, console, title) for title in PAGES}
        charted = sum(_marks_equal_tables(PAGES[t], u, None, monkeypatch)
                      for t, u in visited.items())
        assert charted >= 1, "no chart on the shipped data"

        page.get_by_role("link", name="Data", exact=True).first.click()
        _settle(page)
        upload = tmp_path / "grid.csv"
        upload.write_bytes(grid_csv())
        page.locator('input[type="file"]').set_input_files(str(upload))
        page.get_by_text("valid rows, added to this session").wait_for(timeout=120_000)
        assert not console.take()
        stored = _store_of_upload(tmp_path)
        charted = 0
        for title, page_file in PAGES.items():
            address = _visit(page, console, title)
            if title == "Transfer heatmap":
                page.wait_for_selector(CHART, state="visible", timeout=90_000)
                shots.append(tmp_path / "heatmap.png")
                page.screenshot(path=str(shots[-1]), full_page=True)
            charted += _marks_equal_tables(page_file, address, stored, monkeypatch)
        assert charted >= 3, "the uploaded grid drew fewer than three charts"
    artifacts = repo_root / "artifacts"
    artifacts.mkdir(exist_ok=True)
    for shot in shots:
        shutil.copy(shot, artifacts / f"dashboard-{shot.name}")
        assert shot.stat().st_size > 10_000


def _y_axis_title(page) -> str:
    """The y-axis title of the page's first chart, as Vega writes it in the SVG's ARIA label."""
    label = page.locator(".vega-embed [aria-label^='Y-axis titled']").first
    label.wait_for(state="attached", timeout=90_000)
    return label.get_attribute("aria-label").split("'")[1]


@pytest.mark.browser
@pytest.mark.slow
def test_overview_opens_at_its_own_address(tmp_path: Path) -> None:
    """Issue 11: `/overview` opened directly said "Page not found" (the overview was the
    default page, whose address is `/`) and ran the start page; it is a page of its own."""
    playwright = _needs_browser()
    with _served(tmp_path) as url, _chromium(playwright) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console = Console(page)
        page.goto(url + "/overview", timeout=60_000)
        page.get_by_role("heading", name="xfer-analysis").wait_for(timeout=90_000)
        _settle(page)  # the overview ran: a "Page not found" would have come with that run
        assert "Page not found" not in page.inner_text("body")
        assert urlparse(page.url).path == "/overview", page.url
        page.get_by_text("English intermediate-task training (STILTs)").wait_for(timeout=10_000)
        if views.best_real_grid(results.load()) is not None:  # the page leads with its chart
            page.get_by_text("Best loaded grid").first.wait_for(timeout=60_000)
            page.wait_for_selector(CHART, state="visible", timeout=90_000)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not console.take()


@pytest.mark.browser
@pytest.mark.slow
def test_scaling_measure_box_shows_what_the_chart_draws_after_a_target_change(
        tmp_path: Path) -> None:
    """Issue 11: Streamlit keeps a keyed selectbox (and the browser its selection) when only
    its options change; after a target change the Measure box kept showing a measure the new
    target lacks while the chart drew another. The box must name the measure drawn."""
    playwright = _needs_browser()
    with _served(tmp_path) as url, _chromium(playwright) as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        console = Console(page)
        page.goto(url + "/scaling?target=pawsx&split=test&y=gap+to+English", timeout=60_000)
        _settle(page)
        measure = page.get_by_role("combobox", name="Measure")
        assert measure.input_value() == "gap to English"
        assert _y_axis_title(page) == views.MEASURES["gap to English"].replace("_", " ")

        page.get_by_role("combobox", name="Target").click()
        page.get_by_role("option", name="xnli", exact=True).click()
        page.wait_for_url("**target=xnli**", timeout=90_000)  # the rerun for xnli has begun
        _settle(page)
        assert page.get_by_role("combobox", name="Target").input_value() == "xnli"
        shown = measure.input_value()
        drawn = _y_axis_title(page)  # the chart titles its y axis by the measure's column
        assert shown in views.MEASURES, shown
        assert drawn == views.MEASURES[shown].replace("_", " "), (shown, drawn)
        assert parse_qs(urlparse(page.url).query)["y"] == [shown]
        assert page.locator('[data-testid="stException"]').count() == 0
        assert not console.take()
