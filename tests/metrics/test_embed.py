"""embed(): masked mean pooling of one hidden layer, special tokens included, padding ignored."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from xfer_analysis.errors import InputError
from xfer_analysis.metrics import embed

torch = pytest.importorskip("torch")


class _Encoding(dict):
    def to(self, device):
        return self


class _Tokenizer:
    """Each word -> id len(word); <s>=1 and </s>=2 around it, right padding with 0."""

    def __call__(self, batch, padding, truncation, max_length, return_tensors):
        ids = [[1, *(len(w) + 2 for w in s.split()), 2] for s in batch]
        width = max(map(len, ids))
        return _Encoding(
            input_ids=torch.tensor([i + [0] * (width - len(i)) for i in ids]),
            attention_mask=torch.tensor([[1] * len(i) + [0] * (width - len(i)) for i in ids]),
        )


class _Model(torch.nn.Module):
    """hidden_states[l] = id * (l + 1) in every one of 3 dims: easy to average by hand."""

    def __init__(self) -> None:
        super().__init__()
        self.w = torch.nn.Parameter(torch.ones(3))

    def forward(self, input_ids, attention_mask, output_hidden_states):
        base = input_ids.float().unsqueeze(-1) * self.w
        return SimpleNamespace(hidden_states=tuple(base * (layer + 1) for layer in range(3)))


def test_masked_mean_of_the_chosen_layer() -> None:
    out = embed(_Model(), _Tokenizer(), ["ab", "a bcd efgh"], layer=2, batch_size=2)
    # sentence 1: ids 1, 4, 2 -> mean 7/3; sentence 2: ids 1, 3, 5, 6, 2 -> 17/5; layer 2 -> x3.
    np.testing.assert_allclose(out[:, 0], [7 / 3 * 3, 17 / 5 * 3], rtol=1e-6)
    alone = embed(_Model(), _Tokenizer(), ["ab"], layer=2)
    np.testing.assert_allclose(alone[0], out[0], rtol=1e-6)


def test_layer_out_of_range() -> None:
    with pytest.raises(InputError, match="layer 14"):
        embed(_Model(), _Tokenizer(), ["ab"])
