"""Readers on valid and broken inputs; scale normalisation; hypothesis-generated junk."""

from __future__ import annotations

import json
import string
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xfer_analysis import results
from xfer_analysis.errors import InputError, ScaleError

GRID = "base_model,intermediate,target_task,language,split,metric,value\n"


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_csv_canonicalises_names(tmp_path):
    p = _write(tmp_path, "r.csv", "run_id,base_model,intermediate,target_task,language,split,"
               "metric,value,seed\nr1,XLM-R Large,\"SQuAD, mnli\",WikiANN,de,dev,F1,81.5,3\n")
    df = results.read(p)
    row = df.iloc[0]
    assert list(df.columns) == list(results.COLUMNS)
    assert (row.base_model, row.intermediate, row.target_task, row.metric, row.seed) == (
        "xlm-roberta-large", "mnli+squad", "panx", "f1", 3)
    assert row.setting == "zero-shot" and row.confidence == "read directly"


def test_grid_csv(tmp_path):
    p = _write(tmp_path, "g.csv", GRID + "mT5-XXL,none,XNLI,avg,test,acc,85.0\n"
               "mT5-XXL,none,PAWS-X,avg,test,acc,\n")
    df = results.read(p)
    assert df.attrs["format"] == "grid" and df.attrs["skipped_empty"] == 1
    assert df.iloc[0].source == "grid:g.csv" and df.iloc[0].value == 85.0


@pytest.mark.parametrize(
    ("text", "line", "field", "reason"),
    [
        (GRID + "mbert,none,xnli,de,dev,accuracy,abc\n", 2, "value", "not a number"),
        (GRID + "mbert,none,xnli,de,dev,accuracy,70\nmbert,none,xnli,xx,dev,accuracy,70\n", 3,
         "language", "unknown language"),
        (GRID + "mbert,none,xnli,de,dev,f1,70\n", 2, "metric", "not a metric of xnli"),
        (GRID + "mbert,none,xnli,my,dev,accuracy,70\n", 2, "language", "no test data"),
        (GRID + "mbert,none,xnli,de,dev,accuracy,170\n", 2, "value", "outside 0-100"),
        (GRID + "mbert,none,xnli,de,dev,accuracy,70,1\n", 2, None, "fields"),
        (GRID + "mbert,none,xnli,de,dev,accuracy,70\nmbert,none,xnli,de,dev,accuracy,71\n", 3,
         "value", "conflicts with line 2"),
        (GRID + "mbert,none,xnlii,de,dev,accuracy,70\n", 2, "target_task", "did you mean"),
        (GRID + "mbert,mnlii,xnli,de,dev,accuracy,70\n", 2, "intermediate", "did you mean"),
        (GRID + "mbert,none,xnli,de,dev,acuracy,70\n", 2, "metric", "did you mean"),
        (GRID + 'mbert,none,xnli,de,dev,accuracy,"70\n', None, None, "malformed CSV"),
    ],
)
def test_broken_csv_names_file_line_field(tmp_path, text, line, field, reason):
    p = _write(tmp_path, "bad.csv", text)
    with pytest.raises(InputError) as info:
        results.read(p, format="csv")
    err = info.value
    assert err.path == str(p) and reason in str(err)
    if line is not None:
        assert err.line == line
    if field is not None:
        assert err.field == field


def test_exact_duplicates_collapse(tmp_path):
    p = _write(tmp_path, "d.csv", GRID + "mbert,none,xnli,de,dev,accuracy,70\n" * 2)
    assert len(results.read(p)) == 1


def test_scale_inference(tmp_path):
    p = _write(tmp_path, "s.csv", GRID + "mbert,none,xnli,de,dev,accuracy,0.7\n")
    with pytest.raises(ScaleError, match="within 0-1"):
        results.read(p)
    assert results.read(p, scale="0-1").iloc[0].value == pytest.approx(70.0)
    assert results.read(p, scale="0-100").iloc[0].value == pytest.approx(0.7)
    mixed = _write(tmp_path, "m.csv", GRID + "mbert,none,xnli,de,dev,accuracy,0.7\n"
                   "mbert,none,xnli,fr,dev,accuracy,70\n")
    with pytest.raises(ScaleError, match="mixed scales: line 2"):
        results.read(mixed)
    with pytest.raises(ScaleError, match="not a fraction"):
        results.read(mixed, scale="0-1")
    zeros = _write(tmp_path, "z.csv", GRID + "mbert,none,xnli,de,dev,accuracy,0\n")
    assert results.read(zeros).iloc[0].value == 0.0


def test_json_and_jsonl_and_parquet(tmp_path):
    rec = {"base_model": "mbert", "target_task": "xquad", "language": "de", "split": "dev",
           "metric": "EM", "value": 55.5}
    j = _write(tmp_path, "r.json", json.dumps([rec, {**rec, "metric": "F1", "value": 70}]))
    assert sorted(results.read(j)["metric"]) == ["exact_match", "f1"]
    jl = _write(tmp_path, "r.jsonl", json.dumps(rec) + "\n\n" + json.dumps({**rec, "value": "x"}))
    with pytest.raises(InputError) as info:
        results.read(jl)
    assert info.value.line == 3 and info.value.field == "value"
    pq = tmp_path / "r.parquet"
    results.read(j).to_parquet(pq)
    assert results.read(pq).equals(results.read(j))
    bad = _write(tmp_path, "x.parquet", "not parquet")
    with pytest.raises(InputError, match="Parquet"):
        results.read(bad)


JIANT = {
    "aggregated": 0.5,
    "xnli_de": {"loss": 0.1, "metrics": {"major": 0.8, "minor": {"acc": 0.8}}},
    "panx_sw": {"loss": 0.1, "metrics": {"major": 0.6, "minor": {
        "f1": 0.6, "precision": 0.5, "recall": 0.75}}},
    "mlqa_de_de": {"loss": 0.1, "metrics": {"major": 60, "minor": {"exact_match": 45.0,
                                                                    "f1": 61.0}}},
    "xquad_ar": {"loss": 0.1, "metrics": {"major": 60, "minor": {"exact": 50.0, "f1": 66.0,
                                                                  "total": 1190}}},
    "mnli": {"loss": 0.1, "metrics": {"major": 0.9, "minor": {"acc": 0.9}}},
}


def test_jiant_val_metrics(tmp_path):
    run = tmp_path / "run7"
    run.mkdir()
    p = run / "val_metrics.json"
    p.write_text(json.dumps(JIANT))
    df = results.read(p, base_model="xlm-roberta-large", intermediate="squad_v1", seed=1)
    got = {(r.target_task, r.language, r.metric): r.value for r in df.itertuples()}
    assert got[("xnli", "de", "accuracy")] == pytest.approx(80.0)
    assert got[("panx", "sw", "recall")] == pytest.approx(75.0)
    assert got[("mlqa", "de", "exact_match")] == 45.0
    assert got[("xquad", "ar", "exact_match")] == 50.0
    assert set(df["split"]) == {"dev"} and set(df["intermediate"]) == {"squad"}
    assert df.attrs["skipped"] == ["mnli"] and "xquad_ar.total" in df.attrs["ignored_metrics"]
    (run_id,) = set(df["run_id"])
    assert run_id.startswith("jiant:") and len(run_id) == len("jiant:") + 12


@pytest.mark.parametrize(
    ("patch", "reason"),
    [({"xnli_de": {"metrics": {"minor": {"acc": 80.0}}}}, "not a fraction"),
     ({"xquad_ar": {"metrics": {"minor": {"f1": 0.66}}}}, "ambiguous"),
     ({"mlqa_de_en": {"metrics": {"minor": {"f1": 60.0}}}}, "cross-lingual MLQA"),
     ({"xnli_de": {"metrics": {"minor": {"acc": "high"}}}}, "not a number"),
     ({"nonsense_task": {"metrics": {"minor": {"acc": 0.5}}}}, "nonsense_task"),
     ({"xnli_de": [1, 2]}, "expected")],
)
def test_jiant_broken(tmp_path, patch, reason):
    p = tmp_path / "val_metrics.json"
    p.write_text(json.dumps({**JIANT, **patch}))
    with pytest.raises(InputError, match=reason) as info:
        results.read(p, base_model="mbert")
    assert info.value.path == str(p)


def test_hf_trainer_with_sidecar_and_flags(tmp_path):
    (tmp_path / "xfer.yaml").write_text("base_model: XLM-R Base\ntarget_task: XQuAD\n"
                                         "language: de\nseed: 2\nintermediate: mnli\n")
    p = tmp_path / "all_results.json"
    p.write_text(json.dumps({"epoch": 3.0, "eval_exact_match": 61.2, "eval_f1": 75.0,
                             "eval_loss": 1.2, "train_loss": 0.5}))
    df = results.read(p)
    assert df.attrs["format"] == "hf"
    assert dict(zip(df["metric"], df["value"], strict=True)) == {"exact_match": 61.2, "f1": 75.0}
    assert set(df["base_model"]) == {"xlm-roberta-base"} and set(df["seed"]) == {2}
    q = tmp_path / "sub" / "eval_results.json"
    q.parent.mkdir()
    q.write_text(json.dumps({"eval_accuracy": 0.81, "test_accuracy": 0.79}))
    df = results.read(q, base_model="mbert", target_task="xnli", language="fr")
    assert dict(zip(df["split"], df["value"], strict=True)) == pytest.approx(
        {"dev": 81.0, "test": 79.0})
    with pytest.raises(InputError, match="language"):
        results.read(q, base_model="mbert", target_task="xnli")
    (q.parent / "xfer.yaml").write_text("base_model: mbert\nbogus: 1\n")
    with pytest.raises(InputError, match="bogus"):
        results.read(q)


def test_validate_rejects_unknown_and_missing_columns():
    df = pd.DataFrame([{"base_model": "mbert", "target_task": "xnli", "language": "de",
                        "split": "dev", "metric": "accuracy", "value": 50, "extra": 1}])
    with pytest.raises(InputError, match="unknown column"):
        results.validate(df, origin="x")
    with pytest.raises(InputError, match="missing required"):
        results.validate(df.drop(columns=["extra", "value"]), origin="x")
    agg = df.drop(columns="extra").assign(target_task="xtreme", language="avg", metric="score")
    assert results.validate(agg).iloc[0].target_task == "xtreme"
    with pytest.raises(InputError, match="needs language 'avg'"):
        results.validate(agg.assign(language="de"))


CELLS = st.one_of(
    st.text(alphabet=string.printable, max_size=8),
    st.sampled_from(["mbert", "xnli", "de", "dev", "accuracy", "70", "0.5", "", "NaN", "inf",
                     "-1", "1e9", "\"", ",", "none", "avg", "f1"]),
)


FUZZ = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(rows=st.lists(st.lists(CELLS, min_size=0, max_size=9), max_size=5),
       header=st.sampled_from([GRID.strip(), GRID.strip() + ",seed", "value,metric", ""]))
def test_fuzzed_csv_returns_valid_table_or_input_error(tmp_path, rows, header):
    text = header + "\n" + "\n".join(",".join(r) for r in rows)
    p = tmp_path / "fuzz.csv"
    p.write_text(text, encoding="utf-8")
    try:
        df = results.read(p)
    except InputError as exc:
        assert exc.path == str(p)
        return
    assert list(df.columns) == list(results.COLUMNS)
    assert df["value"].between(0, 100).all()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.floats(allow_nan=True) | st.integers()
    | st.sampled_from(["mbert", "xnli", "de", "dev", "accuracy", "avg", "xquad", "EM"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
        st.sampled_from(["base_model", "target_task", "language", "split", "metric", "value",
                         "seed", "metrics", "minor", "xnli_de", "eval_accuracy", "junk"]),
        inner, max_size=6),
    max_leaves=12,
)


@FUZZ
@given(data=JSON_VALUES, fmt=st.sampled_from(["json", "jsonl", "jiant", "hf"]))
def test_fuzzed_json_returns_valid_table_or_input_error(tmp_path, data, fmt):
    p = tmp_path / "fuzz.json"
    p.write_text(json.dumps(data), encoding="utf-8")
    try:
        df = results.read(p, format=fmt, base_model="mbert", target_task="xnli", language="de")
    except InputError as exc:
        assert exc.path is not None
        return
    assert list(df.columns) == list(results.COLUMNS)
    assert df["value"].between(0, 100).all()


@pytest.mark.parametrize(
    ("written", "kept"),
    [("my-lab/xlmr-continued", "my-lab/xlmr-continued"),
     ("  /path/to/checkpoint ", "/path/to/checkpoint"),
     ("XLM-R", "xlm-roberta-large"), ("google/mt5-xxl", "mt5-xxl"),
     ("tiny-xlm-roberta", "tiny-xlm-roberta")],
)
def test_user_base_models_are_kept_verbatim_known_ones_canonical(written, kept):
    df = pd.DataFrame([{"base_model": written, "target_task": "xnli", "language": "de",
                        "split": "dev", "metric": "accuracy", "value": 70.0}])
    assert results.validate(df)["base_model"].tolist() == [kept]
    assert results.canonical("base_model", written) == kept


def test_user_base_model_round_trips_through_the_store(tmp_store):
    df = pd.DataFrame([{"run_id": "mine", "base_model": "my-lab/xlmr-continued",
                        "target_task": "XNLI", "language": "de", "split": "dev",
                        "metric": "acc", "value": 70.0}])
    store = results.Store(tmp_store)
    assert store.add(df, origin="mine") == 1
    got = store.table(base_model="my-lab/xlmr-continued")
    assert got["base_model"].tolist() == ["my-lab/xlmr-continued"]
    assert results.load(store=store, include_published=False)["model_params"].isna().all()


@pytest.mark.parametrize("fmt", ["csv", "jiant"])
def test_run_ids_come_from_content_not_from_the_typed_path(tmp_path, monkeypatch, fmt) -> None:
    """Issue 11: importing one file under two spellings of its path stored it twice (the run
    id was the typed path); now the same bytes give the same run id and source."""
    run = tmp_path / "run7"
    run.mkdir()
    if fmt == "csv":
        name = "r.csv"
        (run / name).write_text("base_model,intermediate,target_task,language,split,metric,"
                                "value\nxlm-roberta-large,none,xnli,de,dev,accuracy,80.5\n")
        meta = {}
    else:
        name = "val_metrics.json"
        (run / name).write_text(json.dumps(JIANT))
        meta = {"base_model": "xlm-roberta-large", "intermediate": "squad_v1", "seed": 1}
    monkeypatch.chdir(tmp_path)
    one = results.read(Path("run7") / name, **meta)
    monkeypatch.chdir(run)
    two = results.read(Path(".") / name, **meta)
    three = results.read(run / ".." / "run7" / name, **meta)
    for other in (two, three):
        assert set(other["run_id"]) == set(one["run_id"])
        assert set(other["source"]) == set(one["source"])
    store = results.Store(tmp_path / "s.duckdb")
    assert store.add(one, origin="run7/" + name) == len(one)
    assert store.add(two, origin="./" + name) == 0


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("r.csv", "base_model,intermediate,target_task,language,split,metric,value,seed,run_id\n",
     "csv"),
    ("r.CSV", GRID, "grid"),
    ("r.parquet", "", "parquet"), ("r.PQ", "", "parquet"), ("r.jsonl", "{}\n", "jsonl"),
    ("r.json", "[]", "json"), ("r.json", "not json", "json"),
    ("r.json", '{"results": [], "eval_acc": 1}', "json"),
    ("r.json", '{"aggregated": 1}', "jiant"), ("r.json", '{"eval_accuracy": 0.8}', "hf"),
    ("val_metrics.json", "[]", "jiant"), ("EVAL_RESULTS.json", "[]", "hf"),
    ("predict_results.json", "[]", "hf"),
])
def test_detect_format_by_name_suffix_then_content(tmp_path, name, text, expected) -> None:
    assert results.detect_format(_write(tmp_path, name, text)) == expected


def test_detect_format_refuses_an_unknown_suffix_naming_every_format(tmp_path) -> None:
    with pytest.raises(InputError, match="pass one of csv, grid, parquet, json, jsonl, jiant, hf"):
        results.detect_format(_write(tmp_path, "r.txt", ""))


def test_the_format_registry_is_consistent() -> None:
    """Each suffix has exactly one format that is its meaning when no content sniff claims
    a file; whole file names belong to one format; names are the registry keys."""
    formats = results.FORMATS
    assert all(name == fmt.name for name, fmt in formats.items())
    suffixes = {s for fmt in formats.values() for s in fmt.suffixes}
    for suffix in suffixes:
        fallbacks = [f.name for f in formats.values() if suffix in f.suffixes and f.sniff is None]
        assert len(fallbacks) == 1, (suffix, fallbacks)
    names = [n for fmt in formats.values() for n in fmt.names]
    assert len(names) == len(set(names))
    assert all(s == s.lower() and s.startswith(".") for s in suffixes)
