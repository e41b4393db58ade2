"""Unit tests of the runner's pure parts: mixture sampling, data-size knob, grid ids, decoding."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from xfer_analysis.errors import InputError
from xfer_analysis.train import data, load_grid, mixture, sources
from xfer_analysis.train.evaluation import decode_spans

pytestmark = pytest.mark.train
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "data"


def test_sampling_rules():
    sizes = {"a": 900, "b": 100}
    assert mixture.task_probabilities(sizes, "proportional") == {"a": 0.9, "b": 0.1}
    assert mixture.task_probabilities(sizes, "uniform") == {"a": 0.5, "b": 0.5}
    t2 = mixture.task_probabilities(sizes, "temperature", temperature=2.0)
    assert t2["a"] == pytest.approx(30 / 40)  # sqrt(900) / (sqrt(900) + sqrt(100))
    assert mixture.task_probabilities(sizes, "proportional", cap=100) == {"a": 0.5, "b": 0.5}
    with pytest.raises(InputError):
        mixture.task_probabilities(sizes, "zipf")


def test_schedule_and_batches_are_seeded():
    probs = {"a": 0.7, "b": 0.3}
    assert mixture.schedule(probs, 50, 3) == mixture.schedule(probs, 50, 3)
    assert mixture.schedule(probs, 50, 3) != mixture.schedule(probs, 50, 4)
    it = mixture.batches(5, 2, 0)
    first_pass = [next(it) for _ in range(3)]
    assert sorted(i for b in first_pass for i in b) == [0, 1, 2, 3, 4]
    assert mixture.total_steps({"a": 10, "b": 5}, 4, 2.0, cap=8) == 2 * (2 + 2)


def test_subsample_fraction_count_and_errors():
    items = [{"i": i} for i in range(10)]
    assert len(data.subsample(items, 0.5, 1)) == 5
    assert data.subsample(items, 3, 1) == data.subsample(items, 3, 1)
    assert data.subsample(items, 100, 1) == items
    with pytest.raises(InputError):
        data.subsample(items, 1.5, 1)


def test_local_fixture_loading_in_hub_format():
    ex = data.load_examples(sources.target_eval_source("xnli", "de", "dev"), FIXTURES)
    assert len(ex) == 24 and {e["label"] for e in ex} <= {"entailment", "neutral",
                                                          "contradiction"}
    tags = data.load_examples(sources.target_train_source("PAN-X"), FIXTURES)
    assert all(len(e["tokens"]) == len(e["tags"]) for e in tags)
    with pytest.raises(InputError, match="local copy"):
        data.load_examples(sources.target_eval_source("udpos", "de", "dev"), FIXTURES / "none")


def test_unsupported_targets_and_splits_are_named():
    with pytest.raises(InputError, match="xcopa has no train data"):
        sources.target_train_source("xcopa")
    with pytest.raises(InputError, match="XQuAD.de has no 'dev' split"):
        sources.target_eval_source("xquad", "de", "dev")
    assert sources.target_eval_source("tatoeba", "fa", "test").config == "tatoeba.pes"


def test_grid_ids_are_stable_and_sensitive(tmp_path):
    text = (Path(__file__).resolve().parents[2] / "configs" / "smoke.yaml").read_text()
    a = tmp_path / "a.yaml"
    a.write_text(text)
    b = tmp_path / "b.yaml"
    b.write_text(text.replace("seeds: [1]", "seeds: [2]"))
    ids_a = [c.id for c in load_grid(a, data_dir=FIXTURES).cells]
    assert ids_a == [c.id for c in load_grid(a, data_dir=tmp_path, work_dir=tmp_path).cells]
    assert not set(ids_a) & {c.id for c in load_grid(b, data_dir=FIXTURES).cells}
    assert len(ids_a) == len(set(ids_a)) == 15


def test_precision_flags_of_a_grid(tmp_path):
    text = (Path(__file__).resolve().parents[2] / "configs" / "smoke.yaml").read_text()
    path = tmp_path / "g.yaml"
    precisions, ids = [], set()
    for flags in ("", "bf16: true", "fp16: true", "bf16: false\nfp16: true"):
        path.write_text(f"{text}\n{flags}\n")
        grid = load_grid(path, data_dir=FIXTURES)
        precisions.append(grid.precision)
        ids.add(tuple(c.id for c in grid.cells))
    assert precisions == ["fp32", "bf16", "fp16", "fp16"]
    assert len(ids) == 1  # operational, like the device: not part of any cell id
    for flags, field in (("bf16: true\nfp16: true", "fp16"), ("fp16: fp16", "fp16"),
                         ("bf16: 1", "bf16")):
        path.write_text(f"{text}\n{flags}\n")
        with pytest.raises(InputError) as err:
            load_grid(path, data_dir=FIXTURES)
        assert err.value.field == field


def test_grid_errors_name_the_field(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("targets: [xnli]\nbase_models: []\nintermediate_sets: [nope]\nseeds: [1]\n"
                   "intermediate_training: {lr: 1, batch_size: 1, epochs: 1}\n"
                   "target_training: {lr: 1, batch_size: 1, epochs: 1}\n")
    with pytest.raises(InputError, match="intermediate_sets"):
        load_grid(bad)


def test_span_decoding_picks_best_valid_span():
    ctx = "Anna lives in Paris ."
    offsets = [None, None, (0, 4), (5, 10), (11, 13), (14, 19), (20, 21)]
    logits = torch.zeros(7, 2)
    logits[5, 0] = logits[5, 1] = 5.0  # "Paris"
    logits[0, 0] = 9.0  # CLS start is not in the context: must be ignored
    feat = {"example": 0, "offsets": offsets}
    out = decode_spans([feat], [logits], [{"id": "q", "context": ctx}])
    assert out == {"q": "Paris"}


def test_a_question_with_fewer_choices_never_picks_a_blank_one():
    from xfer_analysis.train.features import collate
    from xfer_analysis.train.models import ClassificationHead, MultiTaskModel

    class Encoder(torch.nn.Module):
        def forward(self, input_ids, attention_mask):
            states = torch.nn.functional.one_hot(input_ids, 8).float()
            return type("Out", (), {"last_hidden_state": states})()

    feats = [{"input_ids": [[0, 5, 6], [0, 7]], "labels": 1},
             {"input_ids": [[0, 5], [0, 6], [0, 7]], "labels": 2}]
    batch = collate(feats, pad_id=1)
    assert batch["input_ids"].shape == (2, 3, 3)
    assert batch["choice_mask"].tolist() == [[True, True, False], [True, True, True]]
    head = ClassificationHead(8, 1, dropout=0.0, pooling="mean")
    torch.nn.init.zeros_(head.out.weight)
    head.out.bias.data.fill_(5.0)  # every real or blank choice scores the same before masking
    model = MultiTaskModel(Encoder(), {"mc": head}, {"mc": "multiple_choice"}).eval()
    loss, logits = model("mc", batch)
    assert torch.isfinite(loss)
    assert logits.softmax(-1)[0, 2] == 0 and logits.softmax(-1)[1, 2] > 0


def test_mean_pooling_ignores_padding():
    from xfer_analysis.train.models import pool

    states = torch.tensor([[[1.0, 0.0], [3.0, 2.0], [100.0, 100.0]]])
    mask = torch.tensor([[1, 1, 0]])
    assert pool(states, mask, "mean").tolist() == [[2.0, 1.0]]
    assert pool(states, mask, "first").tolist() == [[1.0, 0.0]]


#: Cell ids of configs/cpu_demo.yaml when this test was written (its real run, data/runs/
#: cpu_demo, is keyed by them): a new setting with a default must never change them.
CPU_DEMO_IDS_SHA256 = "b4094d06dc9cacdf3d009bb11c8f134cc7b80a247de693500e51f3c7ef5a5e03"
CPU_DEMO_FIRST = ["ca1ff08c5ebed0a28", "cb8516b1a3483c1a1", "cfe6d93b9853ba6ca"]


def test_cpu_demo_cell_ids_are_pinned():
    import hashlib

    grid = load_grid(Path(__file__).resolve().parents[2] / "configs" / "cpu_demo.yaml")
    ids = [c.id for c in grid.cells]
    assert len(ids) == 66 and ids[:3] == CPU_DEMO_FIRST
    assert hashlib.sha256(" ".join(ids).encode()).hexdigest() == CPU_DEMO_IDS_SHA256


IMPOSSIBLE = """
name: impossible
split: dev
base_models: [{name: tiny-xlm-roberta, path: tiny, retrieval_layer: 1, tiny: {hidden: 32}}]
intermediate_sets: [none]
targets: [udpos, xquad]
seeds: [1]
languages: {udpos: [de, kk], xquad: [de]}
intermediate_training: {lr: 1.0e-3, batch_size: 16, epochs: 1}
target_training: {lr: 1.0e-3, batch_size: 16, epochs: 1}
"""


def test_impossible_split_fails_before_training_and_names_the_cell(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_text(IMPOSSIBLE)
    with pytest.raises(InputError) as err:
        load_grid(path)
    text = str(err.value)
    assert "udpos.Kazakh has no 'dev' split in kk" in text
    assert "XQuAD.de has no 'dev' split" in text
    assert "cell c" in text and "/ udpos dev /" in text
    grid = load_grid(path, skip_unavailable=True)
    assert {c.target for c in grid.cells} == {"udpos"}
    assert all(c.settings["languages"]["udpos"] == ("de",) for c in grid.cells)
    assert any("kk" in s for s in grid.skipped) and any("xquad" in s for s in grid.skipped)


def test_shipped_grids_are_possible():
    for path in sorted((Path(__file__).resolve().parents[2] / "configs").glob("*.yaml")):
        load_grid(path)  # raises naming the impossible cells


def test_the_mlm_variant_uses_the_pretrained_head_tied_to_the_embeddings(tmp_path):
    from transformers import XLMRobertaConfig, XLMRobertaForMaskedLM

    from xfer_analysis.train.stages import _build_model

    config = XLMRobertaConfig(vocab_size=50, hidden_size=16, num_hidden_layers=1,
                              num_attention_heads=2, intermediate_size=32)
    torch.manual_seed(0)
    pretrained = XLMRobertaForMaskedLM(config)
    pretrained.save_pretrained(tmp_path)
    model = _build_model(str(tmp_path), {"mlm": ("mlm", 0), "nli": ("classification", 3)}, 1)
    head = model.heads["mlm"].head
    assert head.decoder.weight is model.encoder.get_input_embeddings().weight  # tied
    assert torch.equal(head.dense.weight, pretrained.lm_head.dense.weight)  # not a fresh head


class _Scalar(torch.nn.Module):
    """A one-weight model with the runner's (task, batch) -> (loss, logits) interface."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.zeros(1))

    def forward(self, task, batch):
        return (self.w - 10.0).pow(2).sum() + 0 * batch["input_ids"].sum(), None


def test_eval_every_restores_the_best_weights():
    from xfer_analysis.train.loop import TrainSettings, train

    model = _Scalar()
    feats = {"t": [{"input_ids": [1, 2]} for _ in range(8)]}
    seen: list[float] = []
    scores = iter([1.0, 5.0, 2.0, 0.0])

    def evaluate() -> float:
        seen.append(float(model.w.detach()))
        return next(scores)

    stats = train(model, feats, ["t"] * 8, TrainSettings(lr=0.5, batch_size=2, epochs=1),
                  seed=0, pad_id=0, progress=False, evaluate=evaluate, eval_every=2)
    assert len(seen) == 4 and stats.best == (5.0, 4)
    assert float(model.w.detach()) == seen[1] != seen[-1]  # the weights of the best evaluation


class _Bag(torch.nn.Module):
    """A bag-of-embeddings classifier with the runner's interface; its Linear runs in the
    autocast dtype (recorded in `dtypes`), and `factor` inflates the loss (fp16 overflow)."""

    def __init__(self, factor: float = 1.0) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.emb, self.out, self.factor = torch.nn.Embedding(8, 16), torch.nn.Linear(16, 2), factor
        self.dtypes: set[torch.dtype] = set()

    def forward(self, task, batch):
        logits = self.out(self.emb(batch["input_ids"]).mean(1))
        self.dtypes.add(logits.dtype)
        if "labels" not in batch:
            return None, logits
        return self.factor * torch.nn.functional.cross_entropy(logits.float(),
                                                               batch["labels"]), logits


def _bag_features(n: int = 64) -> list[dict]:
    """Label 1 when token 5 is in the sentence."""
    gen = torch.Generator().manual_seed(0)
    ids = torch.randint(2, 8, (n, 6), generator=gen).tolist()
    return [{"input_ids": row, "labels": int(5 in row)} for row in ids]


def test_fp16_training_lowers_the_loss():
    from xfer_analysis.train.loop import TrainSettings, predict_logits, train

    feats, model = _bag_features(), _Bag()
    labels = torch.tensor([f["labels"] for f in feats])

    def loss() -> float:
        logits = torch.stack(predict_logits(model, "t", feats, 16, 0, precision="fp16"))
        assert torch.isfinite(logits).all()
        return float(torch.nn.functional.cross_entropy(logits, labels))

    before = loss()
    train(model, {"t": feats}, ["t"] * 48, TrainSettings(lr=0.05, batch_size=8, epochs=1),
          seed=0, pad_id=0, precision="fp16", progress=False)
    assert loss() < 0.5 * before
    assert model.dtypes == {torch.float16}  # autocast ran the Linear in fp16
    assert all(p.dtype == torch.float32 for p in model.parameters())  # master weights


def test_an_unknown_precision_is_named():
    from xfer_analysis.errors import UnknownNameError
    from xfer_analysis.train.loop import TrainSettings, train

    with pytest.raises(UnknownNameError, match="fp8"):
        train(_Bag(), {"t": _bag_features(8)}, ["t"], TrainSettings(lr=0.1, batch_size=8,
              epochs=1), seed=0, pad_id=0, precision="fp8", progress=False)


class _Stop(Exception):
    pass


def test_fp16_skipped_steps_hold_the_schedule_and_resume_exactly(tmp_path):
    from xfer_analysis.train.loop import InStage, TrainSettings, train

    class Dying(InStage):  # the process dies right after its first in-stage checkpoint
        def save(self, state: dict) -> None:
            super().save(state)
            raise _Stop

    feats, said = {"t": _bag_features()}, []

    def run(checkpoint: InStage) -> _Bag:
        model = _Bag(factor=1000.0)  # 65536 x the loss overflows fp16 in the backward pass
        train(model, feats, ["t"] * 24, TrainSettings(lr=0.05, batch_size=8, epochs=1), seed=0,
              pad_id=0, precision="fp16", progress=False, checkpoint=checkpoint)
        return model

    whole = run(InStage(tmp_path / "whole", 100, said.append))
    end = InStage(tmp_path / "whole", 100).load()
    skipped = round(math.log2(65536 / end["scaler"]["scale"]))  # each skip halves the scale
    assert skipped > 3 and end["sched"]["last_epoch"] == 24 - skipped
    with pytest.raises(_Stop):
        run(Dying(tmp_path / "ck", 3, said.append))  # still skipping steps at step 3
    resumed = run(InStage(tmp_path / "ck", 3, said.append))
    assert "resuming at batch 3/24" in said[-1]
    for (name, a), b in zip(whole.state_dict().items(), resumed.state_dict().values(),
                            strict=True):
        assert torch.equal(a, b), name
    again = InStage(tmp_path / "ck", 3).load()
    assert again["scaler"] == end["scaler"] and again["sched"] == end["sched"]
