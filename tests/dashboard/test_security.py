"""Dashboard security: names from loaded data are never rendered as Markdown/HTML, the store is
fixed at launch, CSV exports cannot run formulas, DNS-rebinding/XSRF guards are on, uploads are
capped in rows before they are parsed."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import state
import ui
from dashboard_helpers import grid_frame, open_link
from markdown_it import MarkdownIt

from xfer_analysis import results
from xfer_analysis.cli import build_parser, dashboard_cmd
from xfer_analysis.errors import InputError

IMAGE = "![x](http://attacker.invalid/pixel.png)"
PAYLOADS = [IMAGE, "<img src=http://attacker.invalid/a.png>", "[click](http://attacker.invalid)",
            "$x^2$ **bold** `code` # heading", "a\\*b_c_ :red[x]\n- item"]
MARKDOWN_ELEMENTS = ("markdown", "caption", "info", "error", "warning", "success", "subheader",
                     "title", "header", "expander")
RENDER = MarkdownIt("commonmark", {"html": True})


def _rendered_html(at) -> list[str]:
    """Every Markdown body the page sends to the browser, rendered as CommonMark HTML."""
    bodies = []
    for kind in MARKDOWN_ELEMENTS:
        for element in at.get(kind):
            body = getattr(element, "label", None) if kind == "expander" else element.value
            bodies.append(RENDER.render(str(body)))
    return bodies


@pytest.mark.parametrize("payload", PAYLOADS)
def test_md_shows_exactly_the_text(payload: str) -> None:
    html = RENDER.render(ui.md(payload))
    assert "<img" not in html and "<a " not in html and "<code" not in html
    assert "<strong" not in html and "<h1" not in html and "<li" not in html
    text = RENDER.parseInline(ui.md(payload))[0].children
    shown = "".join("\n" if t.type == "softbreak" else t.content for t in text)
    assert shown == payload


@pytest.fixture
def hostile_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A store whose free-text names (source, base model, run id, note) are Markdown images."""
    frame = grid_frame().assign(source=IMAGE, base_model=f"model {IMAGE}", note=IMAGE,
                                run_id=grid_frame()["run_id"] + IMAGE)
    path = tmp_path / "store.duckdb"
    results.Store(path).add(frame, origin="hostile")
    monkeypatch.setenv("XFER_STORE", str(path))
    return path


@pytest.mark.parametrize("page", ["views/heatmap.py", "views/per_language.py",
                                  "views/returns.py", "views/claims.py", "views/data.py",
                                  "views/overview.py", "views/scaling.py"])
def test_names_from_the_data_never_render_as_markdown(hostile_store, page: str) -> None:
    at = open_link(page, model=f"model {IMAGE}", split="dev")
    assert not at.exception
    html = _rendered_html(at)
    assert html, "the page shows no text at all"
    leaks = [h for h in html if "attacker.invalid" in h and ("<img" in h or "<a " in h)]
    assert not leaks, leaks


def test_an_upload_error_naming_hostile_text_is_shown_as_text(published_only) -> None:
    at = open_link("views/data.py")
    bad = f"base_model,target_task,language,split,metric,value\nm,xnli,{IMAGE},dev,accuracy,80\n"
    at.file_uploader[0].set_value((f"{IMAGE}.csv", bad.encode(), "text/csv")).run()
    assert not at.exception
    errors = [RENDER.render(error.value) for error in at.error]
    assert any("attacker.invalid" in html for html in errors)
    assert not [html for html in _rendered_html(at) if "<img" in html or "<a " in html]


def test_the_data_page_has_no_store_path_box(grid_store) -> None:
    at = open_link("views/data.py")
    assert not at.exception
    assert not [box for box in at.text_input if box.key == "store"]
    assert not [button for button in at.button if button.key == "use_store"]
    assert any(ui.md(grid_store) in caption.value for caption in at.caption)


def test_the_store_comes_only_from_the_launch_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("XFER_STORE", str(tmp_path / "a.duckdb"))
    assert ui.store_path() == str(tmp_path / "a.duckdb")
    monkeypatch.delenv("XFER_STORE")
    assert ui.store_path() is None


def _command(*argv: str) -> list[str]:
    args = build_parser().parse_args(["dashboard", *argv])
    return dashboard_cmd.streamlit_command(args, Path("app.py"))


def _values(command: list[str], flag: str) -> list[str]:
    return [command[i + 1] for i, item in enumerate(command) if item == flag]


def test_dashboard_command_sets_allowed_hosts_and_xsrf() -> None:
    command = _command()
    assert _values(command, "--server.enableXsrfProtection") == ["true"]
    assert _values(command, "--server.enableCORS") == ["true"]
    assert set(_values(command, "--server.allowedHosts")) == {"localhost", "127.0.0.1", "::1"}
    exposed = _command("--host", "0.0.0.0", "--allow-host", "lab.example.org")
    assert set(_values(exposed, "--server.allowedHosts")) == {
        "localhost", "127.0.0.1", "::1", "lab.example.org"}
    named = _command("--host", "10.0.0.5")
    assert "10.0.0.5" in _values(named, "--server.allowedHosts")


def test_streamlit_config_file_has_the_same_guards(repo_root: Path) -> None:
    config = tomllib.loads((repo_root / ".streamlit" / "config.toml").read_text())
    server = config["server"]
    assert server["enableXsrfProtection"] is True and server["enableCORS"] is True
    assert set(server["allowedHosts"]) == set(dashboard_cmd.LOCAL_NAMES)
    assert server["address"] == dashboard_cmd.DEFAULT_HOST
    assert server["maxUploadSize"] == dashboard_cmd.MAX_UPLOAD_MB
    assert config["browser"]["gatherUsageStats"] is False


def _bomb(path: Path, rows: int, chunk: int = 250_000) -> Path:
    """A small Parquet file of `rows` identical valid result rows (dictionary + RLE encoded)."""
    one = results.validate(grid_frame().head(1))
    table = pa.Table.from_pandas(pd.concat([one] * chunk, ignore_index=True),
                                 preserve_index=False)
    with pq.ParquetWriter(path, table.schema, compression="zstd") as writer:
        for _ in range(rows // chunk):
            writer.write_table(table)
    return path


def test_a_small_parquet_of_millions_of_rows_is_refused_quickly(tmp_path: Path) -> None:
    path = _bomb(tmp_path / "bomb.parquet", 5_000_000)
    content = path.read_bytes()
    assert len(content) < 2_000_000
    with pytest.raises(InputError, match="5,000,000 rows; an upload may hold at most"):
        state.read_upload("bomb.parquet", content, None, limit_mb=200)


@pytest.mark.parametrize("dictionary", [True, False])
def test_a_small_parquet_that_decodes_to_gigabytes_is_refused_before_decoding(
        tmp_path: Path, dictionary: bool) -> None:
    """Within the row cap, one 100 KB note on every row: 40 MB of text from a file of a few
    KB (dictionary pages) or a few hundred KB (plain pages, zstd). Both are refused from the
    footer and the dictionaries, before a row is decoded; a normal file still reads."""
    one = results.validate(grid_frame().head(1)).assign(note="n" * 100_000)
    table = pa.Table.from_pandas(pd.concat([one] * 400, ignore_index=True),
                                 preserve_index=False)
    path = tmp_path / "wide.parquet"
    pq.write_table(table, path, compression="zstd", use_dictionary=dictionary)
    content = path.read_bytes()
    assert len(content) < 1_000_000
    with pytest.raises(InputError, match="allowed here") as err:
        state.read_upload("wide.parquet", content, None, limit_mb=10)
    assert err.value.path == "wide.parquet"
    small = tmp_path / "small.parquet"
    pq.write_table(table.slice(0, 1), small)
    assert len(state.read_upload("small.parquet", small.read_bytes(), None, limit_mb=10)) == 1


@pytest.mark.parametrize(("fmt", "text", "rows"), [
    ("csv", b"h\n1\n2\n3\n", 3), ("csv", b"h\n1\n2\n3", 3), ("jsonl", b"{}\n{}\n", 2),
    ("json", b'[{"a": 1}, {"a": 2}]', 2),
])
def test_row_counts_before_parsing_bound_the_rows(fmt: str, text: bytes, rows: int) -> None:
    assert state.count_rows(text, fmt) == rows
    state.check_rows("f", text, fmt, limit=rows)
    with pytest.raises(InputError, match="an upload may hold at most"):
        state.check_rows("f", text, fmt, limit=rows - 1)


def test_an_upload_name_over_255_bytes_is_a_typed_error() -> None:
    name = "é" * 200 + ".csv"
    with pytest.raises(InputError, match="the limit is 255"):
        state.read_upload(name, b"x", None, limit_mb=200)
