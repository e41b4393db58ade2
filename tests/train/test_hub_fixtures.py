"""The fixtures are hub-exact, every XTREME target and paper intermediate task runs through
every stage on them, and they are learnable: a tiny model learns XNLI and PAN-X from a keyword
(so a scorer or label-decoding bug shows up as a low number, not as a passing test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from xfer_analysis import metrics, tasks
from xfer_analysis.train import data, sources

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "data"


def _schema_features(spec) -> object:
    if isinstance(spec, str):
        return {"dtype": spec, "_type": "Value"}
    if "ClassLabel" in spec:
        return {"names": spec["ClassLabel"], "_type": "ClassLabel"}
    inner = spec["Sequence"]
    if isinstance(inner, dict) and "ClassLabel" not in inner and "Sequence" not in inner:
        # a Sequence of a dict is a dict of lists
        return {k: {"feature": _schema_features(v), "_type": "Sequence"} for k, v in inner.items()}
    return {"feature": _schema_features(inner), "_type": "Sequence"}


def _normalise(feature) -> object:
    """A Features dict (`to_dict`) with optional keys dropped, comparable with the schema."""
    if isinstance(feature, dict):
        kind = feature.get("_type")
        if kind == "Value":
            return {"dtype": feature["dtype"], "_type": "Value"}
        if kind == "ClassLabel":
            return {"names": feature["names"], "_type": "ClassLabel"}
        if kind in ("Sequence", "List", "LargeList"):
            inner = _normalise(feature["feature"])
            if isinstance(inner, dict) and "_type" not in inner:  # older spelling of the same
                return {k: {"feature": v, "_type": "Sequence"} for k, v in inner.items()}
            return {"feature": inner, "_type": "Sequence"}
        return {k: _normalise(v) for k, v in feature.items()}
    if isinstance(feature, list):  # [X] is how newer `datasets` spell a list feature
        return {"feature": _normalise(feature[0]), "_type": "Sequence"}
    return feature


def test_every_parquet_fixture_has_the_hub_features_and_split(shared_dir):
    import datasets

    schemas = json.loads((shared_dir / "hub_schemas" / "schemas.json").read_text())
    files = sorted(FIXTURES.rglob("*.parquet"))
    assert len(files) > 40
    for path in files:
        rel = path.relative_to(FIXTURES).parts
        dataset, config, split = "/".join(rel[:2]), rel[2], path.name.split("-")[0]
        hub = schemas[dataset]["configs"]
        schema = hub.get(config) or next(v for k, v in hub.items()
                                         if k.split(".")[0] == config.split(".")[0])
        assert split in schema["splits"], path
        got = datasets.load_dataset("parquet", data_files=str(path), split="train").features
        want = {k: _schema_features(v) for k, v in schema["features"].items()}
        assert _normalise(got.to_dict()) == want, path


def test_split_layout_of_the_fixtures_follows_the_hub():
    def splits(config: str) -> set[str]:
        folder = FIXTURES / "google" / "xtreme" / config
        return {p.name.split("-")[0] for p in folder.glob("*.parquet")}

    assert splits("udpos.Kazakh") == {"train", "test"}
    assert splits("udpos.Thai") == {"test"}
    assert splits("XQuAD.de") == {"validation"}
    assert splits("XNLI") == {"validation", "test"}
    assert splits("tatoeba.deu") == {"validation"}


def test_labels_come_from_the_features_not_digits():
    """Finding 1: ClassLabel ints are decoded to their names; string labels stay strings."""
    mnli = data.load_examples(sources.target_train_source("xnli"), FIXTURES)
    xnli = data.load_examples(sources.target_eval_source("xnli", "de", "dev"), FIXTURES)
    assert {e["label"] for e in mnli} == {e["label"] for e in xnli} == {
        "entailment", "neutral", "contradiction"}
    panx = data.load_examples(sources.target_eval_source("panx", "de", "test"), FIXTURES)
    assert {t for e in panx for t in e["tags"]} <= set(tasks.target("panx").eval_data.label_names)
    pos = data.load_examples(sources.target_eval_source("udpos", "kk", "test"), FIXTURES)
    assert "NOUN" in {t for e in pos for t in e["tags"]}
    tatoeba = data.load_examples(sources.target_eval_source("tatoeba", "de", "test"), FIXTURES)
    assert not any(e["source"].endswith("\n") or e["target"].endswith("\n") for e in tatoeba)


def test_an_all_o_predictor_scores_zero_f1():
    panx = data.load_examples(sources.target_eval_source("panx", "en", "test"), FIXTURES)
    all_o = [["O"] * len(e["tokens"]) for e in panx]
    assert metrics.tagging_scores([e["tags"] for e in panx], all_o)["f1"] == 0.0


def test_bucc_from_the_hub_gold_pairs_is_refused(tmp_path):
    """Finding 2: without the BUCC 2018 files (distractors) the runner refuses to score BUCC."""
    from xfer_analysis.errors import InputError

    assert (FIXTURES / "google" / "xtreme" / "bucc18.de").is_dir()  # the hub's gold pairs
    with pytest.raises(InputError, match="holds only the gold pairs"):
        data.load_bucc(tmp_path, "de", "dev")
    bucc = data.load_bucc(FIXTURES, "de", "dev")
    assert len(bucc["source"]) == 3 * len(bucc["gold"])  # two distractors per gold pair


def _run(grid_text: str, tmp_path: Path):
    from xfer_analysis.results import Store
    from xfer_analysis.train import load_grid, run_grid

    path = tmp_path / "grid.yaml"
    path.write_text(grid_text.format(data=FIXTURES))
    grid = load_grid(path, work_dir=tmp_path / "work")
    store = Store(tmp_path / "s.duckdb")
    counts = run_grid(grid, store, progress=False, log=lambda *_: None)
    assert counts["failed"] == 0, counts["failures"]
    return store.table(), grid


LEARN = """
name: learn
split: dev
data_dir: {data}
base_models:
  - {{name: tiny-xlm-roberta, path: tiny, retrieval_layer: 1,
     tiny: {{hidden: 64, layers: 2, heads: 2, vocab_size: 400, max_len: 128, seed: 0}}}}
intermediate_sets: [none]
targets: [xnli, panx]
seeds: [1]
languages: {{xnli: [en, de, fr], panx: [en, de, fr]}}
intermediate_training: {{lr: 1.0e-3, batch_size: 16, epochs: 1}}
target_training: {{lr: 2.0e-3, batch_size: 16, epochs: 8, warmup: 0.1, max_seq_length: 32,
                   pooling: mean}}
eval: {{batch_size: 64}}
"""


@pytest.mark.slow
def test_a_tiny_model_learns_the_fixtures(tmp_path):
    table, _ = _run(LEARN, tmp_path)
    acc = table[(table["target_task"] == "xnli")].set_index("language")["value"]
    assert acc["en"] > 90
    assert acc["de"] > 55 and acc["fr"] > 55  # chance is 33.3
    f1 = table[(table["target_task"] == "panx") & (table["metric"] == "f1")]
    assert f1.set_index("language")["value"]["en"] > 50


EVERY = """
name: every-task
split: test
data_dir: {data}
base_models:
  - {{name: tiny-xlm-roberta, path: tiny, retrieval_layer: 1,
     tiny: {{hidden: 32, layers: 2, heads: 2, vocab_size: 400, max_len: 128, seed: 0}}}}
intermediate_sets: [multi-task]
targets: [xnli, pawsx, udpos, panx, xquad, mlqa, tydiqa, bucc2018, tatoeba]
target_splits: {{bucc2018: dev}}
seeds: [1]
languages: {{xnli: [en, de], pawsx: [en, fr], udpos: [en, kk, th], panx: [en, de],
            xquad: [en, de], mlqa: [en, de], tydiqa: [en, fi], bucc2018: [de, fr],
            tatoeba: [de, fr]}}
mixture: {{sampling: proportional, cap: 32}}
intermediate_training: {{lr: 1.0e-3, batch_size: 16, epochs: 1, max_seq_length: 48,
                         doc_stride: 16}}
target_training: {{lr: 1.0e-3, batch_size: 16, epochs: 1, max_seq_length: 48, doc_stride: 16}}
target_examples: 32
eval: {{batch_size: 32, max_examples: 12}}
"""


@pytest.mark.slow
def test_every_xtreme_target_and_paper_task_runs_every_stage(tmp_path):
    table, grid = _run(EVERY, tmp_path)
    assert set(table["target_task"]) == {t.name for t in tasks.targets("xtreme")}
    assert set(table["intermediate"]) == {tasks.MULTITASK_ALL}
    note = json.loads(table["note"].iat[0])
    assert note["config"]["stage1"]["intermediate"] == sorted(tasks.PAPER_TASKS)
    assert table["value"].between(0, 100).all()
    assert set(table.loc[table["target_task"] == "udpos", "language"]) == {"en", "kk", "th"}
