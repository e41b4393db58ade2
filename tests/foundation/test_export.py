"""CSV exports neutralise spreadsheet formulas in text cells and keep numbers numeric."""

from __future__ import annotations

import io

import pandas as pd
import pytest

from xfer_analysis import results
from xfer_analysis.cli import main
from xfer_analysis.results.export import neutralise_cell, neutralised, safe_csv


@pytest.mark.parametrize("cell", ["=HYPERLINK(\"http://x\",\"y\")", "+cmd|' /C calc'!A0",
                                  "-2+3", "@SUM(A1:A2)", "\tx", "\rx", "=1"])
def test_formula_like_text_gets_an_apostrophe(cell: str) -> None:
    assert neutralise_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-3", "+1.5e2", "-.5", "xnli", "a=b", "", "'=x"])
def test_plain_text_and_numbers_as_text_are_left_alone(cell: str) -> None:
    assert neutralise_cell(cell) == cell


def test_number_columns_stay_numeric_and_text_columns_are_neutralised() -> None:
    df = pd.DataFrame({"gain": [-3.5, 2.0], "seed": pd.array([-1, None], dtype="Int64"),
                       "note": ["=cmd()", None], "source": pd.array(["@x", "ok"], dtype="str")})
    out = pd.read_csv(io.StringIO(safe_csv(df)))
    assert out["gain"].tolist() == [-3.5, 2.0]
    assert out["seed"].iloc[0] == -1
    assert out["note"].iloc[0] == "'=cmd()" and pd.isna(out["note"].iloc[1])
    assert out["source"].tolist() == ["'@x", "ok"]
    assert neutralised(df)["gain"].dtype == "float64"
    assert df["note"].iloc[0] == "=cmd()"  # the input is not modified


def test_xfer_results_csv_neutralises_formulas(tmp_path, capsys) -> None:
    store = tmp_path / "s.duckdb"
    row = {"run_id": "=HYPERLINK(\"http://evil\",\"x\")", "source": "@SUM(1+1)",
           "base_model": "+cmd", "target_task": "xnli", "language": "de", "split": "dev",
           "metric": "accuracy", "value": 80.0, "note": "-1+2"}
    results.Store(store).add(pd.DataFrame([row]))
    assert main(["results", "--store", str(store)]) == 0
    out = pd.read_csv(io.StringIO(capsys.readouterr().out), dtype=str, keep_default_na=False)
    for column in ("run_id", "source", "base_model", "note"):
        assert out[column].iloc[0] == "'" + row[column]
    assert float(out["value"].iloc[0]) == 80.0
    assert main(["results", "--store", str(store), "--format", "json"]) == 0
    assert pd.read_json(io.StringIO(capsys.readouterr().out))["run_id"].iloc[0] == row["run_id"]
