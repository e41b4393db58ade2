"""`xfer import`, `xfer results`, `xfer published` through xfer_analysis.cli.main."""

from __future__ import annotations

import json

import pytest

from xfer_analysis import results
from xfer_analysis.cli import main

GRID = "base_model,intermediate,target_task,language,split,metric,value\n"


def _csv(tmp_path, name, body):
    p = tmp_path / name
    p.write_text(GRID + body, encoding="utf-8")
    return p


def test_import_then_results(tmp_path, tmp_store, capsys):
    a = _csv(tmp_path, "a.csv", "mBERT,none,XNLI,de,dev,acc,70\nmBERT,SQuAD,XNLI,de,dev,acc,72\n")
    assert main(["import", str(a), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rows_added"] == 2 and out["files"][0]["format"] == "grid"
    assert main(["import", str(a)]) == 0
    assert "added 0 new rows" in capsys.readouterr().out
    assert main(["results", "--format", "json", "--intermediate", "squad"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["intermediate"], r["value"]) for r in rows] == [("squad", 72.0)]
    assert main(["results", "--target", "NER"]) == 0
    assert capsys.readouterr().out.strip() == ",".join(results.COLUMNS)


def test_malformed_file_exits_1_naming_file_and_line_store_unchanged(tmp_path, tmp_store, capsys):
    good = _csv(tmp_path, "good.csv", "mbert,none,xnli,de,dev,accuracy,70\n")
    main(["import", str(good)])
    before = results.Store(tmp_store).table()
    bad = _csv(tmp_path, "bad.csv", "mbert,none,xnli,fr,dev,accuracy,70\nmbert,none,xnli,es,dev,"
               "accuracy,seventy\n")
    other = _csv(tmp_path, "other.csv", "mbert,none,xnli,ru,dev,accuracy,65\n")
    capsys.readouterr()
    assert main(["import", str(other), str(bad)]) == 1
    err = capsys.readouterr().err
    assert str(bad) in err and "line 3" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert results.Store(tmp_store).table().equals(before)


def test_import_flags_fill_run_fields(tmp_path, tmp_store, capsys):
    p = tmp_path / "all_results.json"
    p.write_text(json.dumps({"eval_accuracy": 0.8}))
    assert main(["import", str(p), "--base-model", "mT5-XXL", "--target-task", "xnli",
                 "--language", "de", "--seed", "3", "--store", str(tmp_store)]) == 0
    df = results.Store(tmp_store).table()
    assert (df.iloc[0].base_model, df.iloc[0].seed, df.iloc[0].value) == ("mt5-xxl", 3, 80.0)


def test_results_with_published_and_filters(tmp_store, capsys):
    assert main(["results", "--published", "--format", "json", "--base-model", "mT5-XXL",
                 "--target", "XNLI"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and {r["base_model"] for r in rows} == {"mt5-xxl"}
    assert {r["target_task"] for r in rows} == {"xnli"}


def test_published_json_lists_every_row_with_a_source(capsys):
    assert main(["published", "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert len(payload["rows"]) == len(results.published())
    assert all(r["source"] for r in payload["rows"])
    param_sources = set(results.model_params()["source"])
    assert {s["id"] for s in payload["sources"]} == {
        r["source"] for r in payload["rows"]} | param_sources
    assert main(["published"]) == 0
    assert "rows from" in capsys.readouterr().out


@pytest.mark.parametrize("cmd", ["import", "results", "published"])
def test_help(cmd, capsys):
    with pytest.raises(SystemExit) as info:
        main([cmd, "--help"])
    assert info.value.code == 0 and cmd in capsys.readouterr().out
