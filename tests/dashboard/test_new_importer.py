"""A new importer is its reader plus one entry in the format registry (`reading.FORMATS`):
registered here in a test only, a throwaway TSV format is read by `results.read` (detected by
its suffix), imported by `import_files`, and offered and read by the dashboard's upload, with
no other change to the package or the dashboard."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import pandas as pd
import pytest
import state
from dashboard_helpers import grid_frame, new_app

from xfer_analysis import results
from xfer_analysis.errors import InputError
from xfer_analysis.results import reading, tabular
from xfer_analysis.results.formats import Format
from xfer_analysis.results.importing import import_files


def read_tsv(path: Path, scale: str | None = None, **run_meta: object) -> pd.DataFrame:
    """A results table with tab-separated cells (what a new reader module would hold)."""
    text = path.read_text(encoding="utf-8").replace("\t", ",")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / f"{path.stem}.csv"
        copy.write_text(text, encoding="utf-8")
        return tabular.read_csv(copy, scale, **run_meta)


TSV = Format("tsv", read_tsv, (".tsv",), table=True, upload=reading.TABLE_UPLOAD)
"""The one registry line a new importer adds."""
TOOL = Format("mytool", read_tsv, (".mt", ".mytool"), run_prefix="mytool",
              upload="MyTool metrics.mt")


def tsv_bytes() -> bytes:
    buffer = io.StringIO()
    grid_frame().to_csv(buffer, sep="\t", index=False)
    return buffer.getvalue().encode()


@pytest.fixture
def registered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(reading.FORMATS, TSV.name, TSV)
    monkeypatch.setitem(reading.FORMATS, TOOL.name, TOOL)


def test_a_registered_format_is_read_and_imported(registered, tmp_path: Path) -> None:
    path = tmp_path / "runs.tsv"
    path.write_bytes(tsv_bytes())
    assert results.detect_format(path) == "tsv"
    df = results.read(path)
    assert df.attrs["format"] == "tsv" and len(df) == len(grid_frame())
    store = results.Store(tmp_path / "store.duckdb")
    report = import_files([path], store)
    assert [(f.format, f.rows) for f in report.files] == [("tsv", len(df))]
    assert len(store) == len(df)
    tool = tmp_path / "out.MT"
    tool.write_bytes(tsv_bytes())
    assert results.read(tool).attrs["format"] == "mytool"
    digest = "ab" * 32
    assert reading.content_ids("mytool", digest) == {"run_id": "mytool:abababababab"}
    assert reading.content_ids("tsv", digest) == {"run_id": "file:abababababab",
                                                  "source": "file:abababababab"}


def test_a_registered_format_is_offered_by_the_upload(registered) -> None:
    assert state.upload_formats()[".tsv"] == "tsv"
    assert state.upload_kinds()["MyTool metrics.mt"] == "mytool"
    assert {"tsv", "mt", "mytool"} <= set(state.upload_suffixes())
    assert state.upload_format("r.tsv", None) == "tsv"
    with pytest.raises(InputError, match="a mytool results file must be a .mt or .mytool file"):
        state.upload_format("r.tsv", "mytool")
    table = state.read_upload("r.tsv", tsv_bytes(), None, limit_mb=10)
    assert len(table) == len(grid_frame())

    at = new_app("views/data.py")
    assert "MyTool metrics.mt" in at.radio(key="kind").options
    assert {".tsv", ".mt"} <= set(at.file_uploader[0].allowed_type)
    at.file_uploader[0].set_value(("runs.tsv", tsv_bytes(), "text/tab-separated-values")).run()
    assert not at.exception and not at.error
    assert any("runs\\.tsv" in s.value for s in at.success)  # Markdown-escaped


def test_without_the_registry_line_nothing_knows_the_format(tmp_path: Path) -> None:
    path = tmp_path / "runs.tsv"
    path.write_bytes(tsv_bytes())
    with pytest.raises(InputError, match="cannot tell the format"):
        results.read(path)
    with pytest.raises(InputError, match="unsupported file type '.tsv'"):
        state.upload_format("runs.tsv", None)
    assert "tsv" not in state.upload_suffixes()
