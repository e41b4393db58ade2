"""Nothing lost, nothing silently wrong, no traceback: each finding of issue 12 on the readers,
`validate` and the store, as a test that failed before the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from xfer_analysis import results
from xfer_analysis.errors import InputError
from xfer_analysis.results.tools import read_jiant

ROW = {"run_id": "r", "source": "s", "base_model": "xlm-roberta-large", "target_task": "xnli",
       "language": "de", "split": "dev", "metric": "accuracy", "value": 80.0}


def _jsonl(path: Path, *records: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- 1. keys are typed tuples: no two different keys collide ---------------------------------

def test_keys_that_join_to_the_same_text_are_two_rows(tmp_path: Path) -> None:
    a = {**ROW, "run_id": "a\x1fb", "source": "c"}
    b = {**ROW, "run_id": "a", "source": "b\x1fc"}
    store = results.Store(tmp_path / "s.duckdb")
    assert store.add(pd.DataFrame([a, b])) == 2
    assert sorted(store.table()["run_id"]) == ["a", "a\x1fb"]
    assert len(results.load([_jsonl(tmp_path / "r.jsonl", a, b)], include_published=False)) == 2


# --- 2. silently wrong ------------------------------------------------------------------------

@pytest.mark.parametrize(("field", "first", "second"), [
    ("confidence", "read directly", "secondary"), ("model_params", 5e8, 6e8),
    ("note", "first", "second")])
def test_same_key_different_non_key_field_is_an_error_in_one_file(tmp_path, field, first,
                                                                  second) -> None:
    path = _jsonl(tmp_path / "r.jsonl", {**ROW, field: first}, {**ROW, field: second})
    with pytest.raises(InputError, match=f"line 2.*conflicts with line 1.*{field}") as info:
        results.read(path)
    assert info.value.field == field


@pytest.mark.parametrize(("field", "first", "second"), [
    ("confidence", "read directly", "secondary"), ("model_params", 5e8, 6e8),
    ("note", "first", "second")])
def test_same_key_different_non_key_field_conflicts_with_the_store(tmp_path, field, first,
                                                                   second) -> None:
    store = results.Store(tmp_path / "s.duckdb")
    store.add(pd.DataFrame([{**ROW, field: first}]), origin="one.csv")
    with pytest.raises(InputError, match=f"conflicts with the store.*{field}.*one.csv"):
        store.add(pd.DataFrame([{**ROW, field: second}]), origin="two.csv")
    assert store.table()[field].tolist() == [first]
    assert store.add(pd.DataFrame([{**ROW, field: second}]), origin="two.csv", replace=True) == 1
    assert store.table()[field].tolist() == [second]
    assert len(store) == 1


def test_jiant_entry_without_a_metric_of_its_task_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "val_metrics.json"
    path.write_text(json.dumps({
        "aggregated": 0.5,
        "xnli_de": {"loss": 1.0, "metrics": {"major": 0.8, "minor": {"acc": 0.8}}},
        "xnli_fr": {"loss": 1.0, "metrics": {"major": 0.8, "minor": {"f1": 0.8}}},
    }))
    with pytest.raises(InputError, match="xnli_fr.*no metric of xnli.*f1"):
        read_jiant(path, base_model="xlm-roberta-large")


@pytest.mark.parametrize("params", [0, -5, "-1e9"])
def test_model_params_must_be_positive(params) -> None:
    with pytest.raises(InputError, match="model_params") as info:
        results.validate(pd.DataFrame([{**ROW, "model_params": params}]))
    assert info.value.field == "model_params"


@pytest.mark.parametrize(("name", "content"), [
    ("empty.jsonl", ""), ("blank.jsonl", "\n\n"), ("empty.json", "[]"),
    ("results.json", '{"results": []}'), ("header.csv", "base_model,target_task,language,"
                                          "split,metric,value\n")])
def test_a_file_without_rows_is_an_error(tmp_path: Path, name: str, content: str) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(InputError, match="no result rows"):
        results.read(path)


def test_a_zero_row_parquet_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.parquet"
    pq.write_table(pa.table({k: pa.array([], pa.string()) for k in ROW}), path)
    with pytest.raises(InputError, match="no result rows"):
        results.read(path)


@pytest.mark.parametrize("field", ["run_id", "source", "note", "base_model"])
def test_nul_bytes_in_text_are_refused(tmp_path: Path, field: str) -> None:
    path = _jsonl(tmp_path / "r.jsonl", {**ROW, field: "a\x00b"})
    with pytest.raises(InputError, match="NUL") as info:
        results.read(path)
    assert (info.value.line, info.value.field) == (1, field)


@pytest.mark.parametrize("text", ["８５", "٨٥", "8_5", "85\u00a0", "0x55", "٨٥.5"])
def test_only_ascii_digits_are_numbers(tmp_path: Path, text: str) -> None:
    path = tmp_path / "r.csv"
    path.write_text("base_model,target_task,language,split,metric,value\n"
                    f"m,xnli,de,dev,accuracy,{text}\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a number") as info:
        results.read(path)
    assert (info.value.line, info.value.field) == (2, "value")


@pytest.mark.parametrize("seed", ["８", "٣", "1_0"])
def test_only_ascii_digits_are_seeds(seed: str) -> None:
    with pytest.raises(InputError) as info:
        results.validate(pd.DataFrame([{**ROW, "seed": seed}]))
    assert info.value.field == "seed"


def test_ascii_numbers_still_parse(tmp_path: Path) -> None:
    path = tmp_path / "r.csv"
    path.write_text("base_model,target_task,language,split,metric,value,seed\n"
                    "m,xnli,de,dev,accuracy, 85.5 ,3\nm,xnli,fr,dev,accuracy,+8.5e1,4.0\n")
    df = results.read(path)
    assert df["value"].tolist() == [85.5, 85.0] and df["seed"].tolist() == [3, 4]


# --- 3. typed errors instead of tracebacks ----------------------------------------------------

@pytest.mark.parametrize("seed", [2**63, 2**64 + 5, 1e300, -(2**63) - 1, 10**400])
def test_out_of_range_seeds_are_typed_errors(tmp_path: Path, seed) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps(ROW)[:-1] + f', "seed": {seed}}}\n')
    with pytest.raises(InputError) as info:
        results.read(path)
    assert info.value.field == "seed" and info.value.line == 1


def test_a_uint64_parquet_seed_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    table = pa.table({**{k: [v] for k, v in ROW.items()}, "seed": pa.array([2**64 - 1],
                                                                          pa.uint64())})
    pq.write_table(table, path)
    with pytest.raises(InputError) as info:
        results.read(path)
    assert info.value.field == "seed"


def test_a_small_uint64_parquet_seed_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "r.parquet"
    pq.write_table(pa.table({**{k: [v] for k, v in ROW.items()},
                             "seed": pa.array([3], pa.uint64())}), path)
    assert results.read(path)["seed"].tolist() == [3]


@pytest.mark.parametrize("digits", [309, 4301, 20000])
def test_huge_integers_are_typed_errors(tmp_path: Path, digits: int) -> None:
    for field in ("value", "seed", "model_params"):
        path = tmp_path / f"{field}.jsonl"
        path.write_text(json.dumps({**ROW, field: "HUGE"}).replace('"HUGE"', "9" * digits))
        with pytest.raises(InputError) as info:
            results.read(path)
        assert info.value.line == 1


def test_deeply_nested_json_is_a_typed_error(tmp_path: Path) -> None:
    for name, text in (("r.json", "[" * 100_000 + "]" * 100_000),
                       ("r.jsonl", '{"note": ' + "[" * 100_000 + "]" * 100_000 + "}\n"),
                       ("val_metrics.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}")):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(InputError, match="nested"):
            results.read(path)


def test_a_lone_surrogate_is_a_typed_error(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({**ROW, "note": "x"}).replace('"x"', '"\\ud800"'))
    with pytest.raises(InputError, match="surrogate") as info:
        results.read(path)
    assert (info.value.line, info.value.field) == (1, "note")


@pytest.mark.parametrize("key", ["_line", "_record"])
def test_a_record_with_a_bookkeeping_key_is_a_typed_error(tmp_path: Path, key: str) -> None:
    for path in (_jsonl(tmp_path / "r.jsonl", {**ROW, key: "x"}),):
        with pytest.raises(InputError, match=f"unknown field.*{key}"):
            results.read(path)
    json_path = tmp_path / "r.json"
    json_path.write_text(json.dumps([{**ROW, key: 5}]))
    with pytest.raises(InputError, match=f"unknown field.*{key}"):
        results.read(json_path)
    parquet = tmp_path / "r.parquet"
    pq.write_table(pa.table({**{k: [v] for k, v in ROW.items()}, key: ["x"]}), parquet)
    with pytest.raises(InputError, match=f"unknown field.*{key}"):
        results.read(parquet)


# --- valid files accepted ---------------------------------------------------------------------

def test_a_csv_field_over_128_kib_is_read(tmp_path: Path) -> None:
    note = "n" * 300_000
    path = tmp_path / "r.csv"
    pd.DataFrame([{**ROW, "note": note}]).to_csv(path, index=False)
    assert results.read(path)["note"].tolist() == [note]


def test_an_exported_store_reimports(tmp_path: Path, capsys) -> None:
    from xfer_analysis.cli import main

    store = tmp_path / "s.duckdb"
    results.Store(store).add(pd.DataFrame([{**ROW, "note": "n" * 200_000}]))
    assert main(["results", "--store", str(store)]) == 0
    path = tmp_path / "export.csv"
    path.write_text(capsys.readouterr().out)
    assert len(results.read(path)) == 1


def test_u2028_inside_a_jsonl_string_is_text_not_a_line_break(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(json.dumps({**ROW, "note": "a\u2028b\u0085c\x0cd"}, ensure_ascii=False)
                    + "\n" + json.dumps({**ROW, "language": "fr"}) + "\n", encoding="utf-8")
    df = results.read(path)
    assert df["note"].tolist() == ["a\u2028b\u0085c\x0cd", ""]


# --- 5. the store: reads need no write access ------------------------------------------------

def _stored(tmp_path: Path) -> Path:
    path = tmp_path / "ro" / "s.duckdb"
    results.Store(path).add(pd.DataFrame([ROW]), origin="a.csv")
    Path(str(path) + ".lock").unlink(missing_ok=True)
    return path


def test_reads_take_no_lock_and_create_no_file(tmp_path: Path, monkeypatch) -> None:
    path = _stored(tmp_path)
    before = sorted(path.parent.iterdir())

    def no_lock(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("filelock.FileLock.acquire", no_lock)
    store = results.Store(path)
    assert len(store.table()) == 1 and len(store) == 1 and len(store.imports()) == 1
    assert len(results.load(store=store, include_published=False)) == 1
    assert sorted(path.parent.iterdir()) == before


@pytest.mark.skipif(not hasattr(__import__("os"), "geteuid") or __import__("os").geteuid() == 0,
                    reason="root ignores file permissions")
def test_a_store_in_a_read_only_folder_can_be_read(tmp_path: Path) -> None:
    path = _stored(tmp_path)
    path.chmod(0o444)
    path.parent.chmod(0o555)
    try:
        assert len(results.Store(path).table()) == 1
    finally:
        path.parent.chmod(0o755)


def test_a_lock_that_cannot_be_created_is_named(tmp_path: Path, monkeypatch) -> None:
    path = _stored(tmp_path)

    def no_lock(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("filelock.FileLock.acquire", no_lock)
    from xfer_analysis.errors import StoreError

    with pytest.raises(StoreError, match=r"cannot create the lock file .*s\.duckdb\.lock.*"
                                         "Permission denied"):
        results.Store(path).add(pd.DataFrame([{**ROW, "language": "fr"}]))
