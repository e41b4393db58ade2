"""The shipped published data: reproducible from ../shared/published, complete, with provenance."""

from __future__ import annotations

import csv
import runpy
from pathlib import Path

import pytest

from xfer_analysis import results, tasks
from xfer_analysis.errors import InputError


def _build(repo_root: Path, shared_dir: Path) -> dict[str, str]:
    mod = runpy.run_path(str(repo_root / "scripts" / "build_published.py"), run_name="builder")
    return mod["build"](shared_dir)


def test_shipped_files_equal_script_output(repo_root, shared_dir):
    for rel, text in _build(repo_root, shared_dir).items():
        shipped = repo_root / "data" / rel
        assert shipped.read_text(encoding="utf-8") == text, f"{rel} is stale: rerun the script"


def test_every_shared_row_is_shipped_with_its_value(shared_dir):
    pub = results.published()
    shared_values = []
    for name in ("phang2020_v2_results.csv", "xtreme_baselines.csv", "xtremer_and_mt5.csv"):
        with (shared_dir / "published" / name).open(encoding="utf-8") as fh:
            shared_values += [float(r["value"]) for r in csv.DictReader(fh)]
    assert len(pub) == len(shared_values)
    assert sorted(shared_values) == sorted(pub["value"].tolist())


def test_rows_have_sources_confidence_and_notes():
    pub = results.published()
    src = results.sources()
    assert (pub["source"].str.len() > 0).all()
    assert set(pub["source"]) == set(src["id"])
    assert set(pub["confidence"]) <= set(results.CONFIDENCES)
    assert (src["citation"].str.len() > 0).all() and (src["location"].str.len() > 0).all()
    # prefix rule
    conf = dict(zip(src["id"], src["confidence"], strict=True))
    assert conf["mt5-readme-tydiqa-superseded"] == "superseded"
    assert conf["veco-summary-ko"] == "tertiary"
    assert conf["rembert-t16-stilts"] == "secondary"
    assert conf["mt5-readme-319bb80"] == "read directly"


def test_conflicting_xstilts_sources_stay_side_by_side():
    pub = results.published()
    x = pub[(pub["intermediate"] == tasks.BEST_PER_TARGET) & (pub["target_task"] == "xnli")]
    assert x["base_model"].eq("xlm-roberta-large").all()
    by_source = dict(zip(x["source"], x["value"], strict=True))
    assert by_source["mt5-readme-c97a504-xstilts"] == 80.4
    assert by_source["rembert-t16-stilts"] == 80.0
    assert x["run_id"].nunique() == len(x)


def test_baselines_have_intermediate_none():
    pub = results.published()
    assert set(pub.loc[pub["source"] == "ernie-m-readme-pawsx", "intermediate"]) == {"none"}


def test_docs_are_copied(repo_root):
    for doc in ("NOTES.md", "phang2020_claims.md"):
        assert (repo_root / "data" / "published" / doc).stat().st_size > 0


def test_dev_grid_template_loads_and_skips_empty_cells(repo_root, tmp_path):
    path = repo_root / "data" / "templates" / "phang2020_dev_grid.csv"
    df = results.read(path)
    assert len(df) == 0 and df.attrs["skipped_empty"] == 11 * 12
    lines = path.read_text().splitlines()
    header = lines[0].split(",")
    cells = [dict(zip(header, ln.split(","), strict=True)) for ln in lines[1:]]
    assert {c["intermediate"] for c in cells} == {"none", *tasks.PAPER_TASKS, tasks.MULTITASK_ALL}
    assert {c["target_task"] for c in cells} == {t.name for t in tasks.targets("xtreme")}
    # a user fills two cells: those load, the rest are counted as skipped
    filled = tmp_path / "grid.csv"
    lines[1] = lines[1].replace(",avg,dev,accuracy,,", ",avg,dev,accuracy,50,")
    lines[2] = lines[2].replace(",avg,dev,accuracy,,", ",avg,dev,accuracy,60,")
    filled.write_text("\n".join(lines) + "\n")
    got = results.read(filled)
    assert sorted(got["value"]) == [50.0, 60.0] and got.attrs["skipped_empty"] == 130


def test_missing_published_data_is_an_input_error(monkeypatch, tmp_path):
    monkeypatch.setenv("XFER_DATA", str(tmp_path))
    with pytest.raises(InputError, match="published.csv"):
        results.published()
