"""Dashboard speed on a synthetic store of 1,000,000 result rows (AppTest runs).

Measures the time to first render of the heatmap page (cold caches: the store is read and
analysed), once in a fresh process (which also pays the one-time imports, altair above all)
and `--repeat` times with caches cleared, and the time for a filter change on that page
(language -> one language, then back to the average, which is served from the cache).

    .venv/bin/python benchmarks/bench_dashboard.py [--rows 1000000] [--repeat 3] [--profile F]

`--profile F` also writes a pyinstrument profile (text) of one more cold first render to F.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import streamlit as st
from large_table import large_table
from streamlit.testing.v1 import AppTest

from xfer_analysis import results

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def synthetic_store(path: Path, rows: int) -> int:
    """Fill a store with >= `rows` synthetic rows: baseline + every intermediate task, every
    XTREME target with its metrics and languages, dev and test, five base models."""
    frame = large_table(rows)
    results.Store(path).add(frame, origin="synthetic benchmark store")
    return len(frame)


def timed(action) -> float:
    """Seconds one call of `action` takes."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def profile_first_render(path: Path) -> None:
    """Write a pyinstrument text profile of one cold first render of the heatmap page.

    AppTest runs the script on its own thread, so the profiler is started on that thread."""
    from pyinstrument import Profiler
    from streamlit.testing.v1.local_script_runner import LocalScriptRunner

    profiler = Profiler(interval=0.005)
    original = LocalScriptRunner._run_script_thread

    def profiled(runner: LocalScriptRunner) -> None:
        profiler.start()
        try:
            original(runner)
        finally:
            profiler.stop()

    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.query_params.update(model="xlm-roberta-large", split="dev")
    LocalScriptRunner._run_script_thread = profiled
    try:
        at.switch_page("views/heatmap.py").run()
    finally:
        LocalScriptRunner._run_script_thread = original
    path.write_text(profiler.output_text(unicode=True, show_all=False))
    print(f"profile of a cold first render written to {path}")


def cold_render() -> tuple[float, AppTest]:
    """Seconds to the first render of the heatmap page with every cache cleared, and the app."""
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(str(APP), default_timeout=600)
    at.query_params.update(model="xlm-roberta-large", split="dev")
    seconds = timed(lambda: at.switch_page("views/heatmap.py").run())
    assert not at.exception, at.exception
    assert at.get("vega_lite_chart"), "no heatmap drawn"
    return seconds, at


def main() -> None:
    """Build the store, then time first render and filter change of the heatmap page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, default=None,
                        help="write a pyinstrument profile of a cold first render here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store" / "results.duckdb"
        start = time.perf_counter()
        n = synthetic_store(store, args.rows)
        print(f"store: {n:,} rows written in {time.perf_counter() - start:.1f} s")
        os.environ["XFER_STORE"] = str(store)
        fresh, _ = cold_render()
        first, change, cached = [], [], []
        for _ in range(args.repeat):
            seconds, at = cold_render()
            first.append(seconds)
            box = next(b for b in at.selectbox if b.key == "lang")
            change.append(timed(lambda box=box: box.set_value("de").run()))
            box = next(b for b in at.selectbox if b.key == "lang")
            cached.append(timed(lambda box=box: box.set_value(box.options[0]).run()))
            assert not at.exception, at.exception
        if args.profile is not None:
            profile_first_render(args.profile)
    print(f"first render in a fresh process (one-time imports + cold caches): {fresh:.3f} s")
    for name, values in (("first render of the heatmap page, cold caches", first),
                         ("filter change (language -> de, new computation)", change),
                         ("filter change back (cached)", cached)):
        print(f"{name}: median {statistics.median(values):.3f} s "
              f"(runs: {', '.join(f'{v:.3f}' for v in values)})")


if __name__ == "__main__":
    main()
