"""The shipped published data: reproducible from ../shared/published, complete, with provenance."""

from __future__ import annotations

import csv
import runpy
import shutil
from pathlib import Path

import pandas as pd
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
    assert set(pub["source"]) | set(results.model_params()["source"]) == set(src["id"])
    assert set(pub["confidence"]) <= set(results.CONFIDENCES)
    assert (src["citation"].str.len() > 0).all() and (src["location"].str.len() > 0).all()
    # prefix rule
    conf = dict(zip(src["id"], src["confidence"], strict=True))
    assert conf["mt5-readme-tydiqa-superseded"] == "superseded"
    assert conf["veco-summary-ko"] == "tertiary"
    assert conf["rembert-t16-stilts"] == "secondary"
    assert conf["mt5-readme-319bb80"] == "read directly"
    assert conf["mt5-readme-319bb80-checkpoints"] == "read directly"
    assert conf["fairseq-xlmr-readme-6034aea"] == "read directly"


def test_model_params_table_is_canonical_and_sourced():
    params = results.model_params()
    assert list(params.columns) == ["base_model", "params", "source", "note"]
    assert set(params["base_model"]) == {
        *(m.name for m in tasks.base_models() if m.family == "mt5"),
        "xlm-roberta-base", "xlm-roberta-large",
    }
    assert (params["params"] > 0).all() and (params["note"].str.len() > 0).all()
    assert set(params["source"]) <= set(results.sources()["id"])
    # the superseded README version is named in the notes, never used as a value
    changed = params[params["note"].str.contains("1cf8817")]
    assert set(changed["base_model"]) == {"mt5-base", "mt5-large", "mt5-xl"}


@pytest.mark.parametrize(("printed", "count"), [("300 million", "300000000"),
                                                ("1.2 billion", "1200000000"),
                                                ("3.7 billion", "3700000000"),
                                                ("560M", "560000000")])
def test_builder_reads_printed_counts_exactly(repo_root, printed, count):
    mod = runpy.run_path(str(repo_root / "scripts" / "build_published.py"), run_name="builder")
    assert mod["plain_count"](printed) == count
    with pytest.raises(SystemExit):
        mod["plain_count"]("about 1.2 billion")


def test_published_rows_carry_model_params():
    pub = results.published()
    table = results.model_params().set_index("base_model")["params"]
    mt5 = pub[pub["base_model"].str.startswith("mt5-")]
    assert len(mt5) and set(mt5["base_model"]) <= set(table.index)
    assert (mt5["model_params"] == mt5["base_model"].map(table)).all()
    unlisted = pub[~pub["base_model"].isin(table.index)]
    assert len(unlisted) and unlisted["model_params"].isna().all()


def test_load_fills_only_empty_model_params(tmp_path):
    p = tmp_path / "grid.csv"
    p.write_text("base_model,target_task,language,split,metric,value,model_params\n"
                 "mT5-Base,xnli,de,dev,accuracy,70,\n"
                 "xlm-roberta-base,xnli,de,dev,accuracy,71,123\n"
                 "my-lab/xlmr-continued,xnli,de,dev,accuracy,72,\n")
    assert results.read(p)["model_params"].isna().sum() == 2
    got = results.load([p], include_published=False).set_index("base_model")["model_params"]
    table = results.model_params().set_index("base_model")["params"]
    assert got["mt5-base"] == table["mt5-base"]
    assert got["xlm-roberta-base"] == 123
    assert pd.isna(got["my-lab/xlmr-continued"])


@pytest.mark.parametrize(
    ("row", "field"),
    [("mT5-Base,1,mt5-readme-319bb80-checkpoints,x", "base_model"),
     ("bert9,1,mt5-readme-319bb80-checkpoints,x", "base_model"),
     ("mt5-base,lots,mt5-readme-319bb80-checkpoints,x", "params"),
     ("mt5-base,-1,mt5-readme-319bb80-checkpoints,x", "params"),
     ("mt5-base,1,no-such-source,x", "source")],
)
def test_broken_model_params_table_names_line_and_field(repo_root, tmp_path, monkeypatch,
                                                         row, field):
    pub = tmp_path / "published"
    shutil.copytree(repo_root / "data" / "published", pub)
    lines = (pub / "model_params.csv").read_text().splitlines()
    lines[3] = row
    (pub / "model_params.csv").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("XFER_DATA", str(tmp_path))
    with pytest.raises(InputError) as info:
        results.model_params()
    assert info.value.line == 4 and info.value.field == field
    assert info.value.path.endswith("model_params.csv")


def test_published_readme_describes_model_params(repo_root):
    text = (repo_root / "data" / "published" / "README.md").read_text()
    assert "model_params.csv" in text and "319bb80" in text and "6034aea" in text


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
