"""`xfer claims` on a result file: JSON for programs, a table for people."""

from __future__ import annotations

import json

from xfer_analysis.cli import main

from .grid import paper_grid


def test_cli_json_and_table_follow_the_loaded_grid(tmp_path, capsys):
    path = tmp_path / "grid.csv"
    paper_grid(squad=3.0).to_csv(path, index=False)
    assert main(["claims", "--results", str(path), "--no-published", "--json"]) == 0
    records = {r["id"]: r for r in json.loads(capsys.readouterr().out)}
    assert records["1-squad"]["status"] == "contradicted"
    assert records["1-squad"]["per_source"][0]["value"] == 3.0
    assert records["5-xtreme"]["status"] == "insufficient data"
    assert records["5-xtreme"]["missing"]
    assert main(["claims", "--results", str(path), "--no-published"]) == 0
    out = capsys.readouterr().out
    assert "1-squad" in out and "contradicted" in out and "configs/phang2020.yaml" in out


def test_cli_reports_bad_input_as_one_line(tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_text("run_id,value\nx,not-a-number\n")
    assert main(["claims", "--results", str(path), "--no-published"]) == 1
    assert "xfer claims: error:" in capsys.readouterr().err
