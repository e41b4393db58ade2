"""Sources are compared, never averaged: every aggregate refuses a cell that mixes source
pairings, `by=("source",)` keeps them side by side, `source_options` lists them."""

from __future__ import annotations

import pandas as pd
import pytest

from xfer_analysis import results
from xfer_analysis.analysis import (
    gains_by_intermediate,
    gains_by_target,
    paired_gains,
    selection_curve,
    source_options,
    transfer_matrix,
)
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.errors import InputError

TARGETS = {"xnli": ["en", "de", "fr"], "pawsx": ["en", "de"]}
HINT = r"by=\('source',\)"


def _two_sources(split_languages: bool = False) -> pd.DataFrame:
    """The same grid from two sources that disagree (`other` adds 1.0 to every treatment);
    with `split_languages`, each source gives different languages (no key repeats)."""
    one = synthetic_grid({"squad": 1.0, "mnli": -1.0}, TARGETS, splits=("dev", "test"))
    two = one.copy()
    two["source"] = "other"
    two.loc[two["intermediate"] != "none", "value"] += 1.0
    if split_languages:
        one, two = one[one["language"] == "en"], two[two["language"] != "en"]
    return pd.concat([one, two], ignore_index=True)


def _matrix(df: pd.DataFrame, **kw) -> pd.DataFrame:
    return transfer_matrix(df, base_model="xlm-roberta-large", split="dev", **kw)


@pytest.mark.parametrize("split_languages", [False, True])
def test_matrix_refuses_mixed_sources(split_languages):
    with pytest.raises(InputError, match=f"source pairings.*{HINT}"):
        _matrix(_two_sources(split_languages))


def test_matrix_by_source_keeps_sources_apart():
    m = _matrix(_two_sources(), by=("source",))
    assert list(m.columns[:4]) == ["intermediate", "target_task", "metric", "source"]
    gain = m.set_index(["intermediate", "target_task", "source"])["gain"]
    assert gain[("squad", "xnli", "synthetic")] == pytest.approx(1.0)
    assert gain[("squad", "xnli", "other")] == pytest.approx(2.0)
    assert gain[("mnli", "pawsx", "other")] == pytest.approx(0.0)
    assert len(m) == 2 * 2 * 2
    assert set(m["sources"]) == {("synthetic",), ("other",)}


def test_source_options_and_source_choice():
    df = _two_sources()
    assert source_options(df) == ["other", "synthetic"]
    m = _matrix(df, source="other")
    assert m.loc[m["intermediate"] == "squad", "gain"].to_numpy() == pytest.approx([2.0, 2.0])
    assert set(m["sources"]) == {("other",)}


def test_gain_aggregates_refuse_mixed_sources_without_repeated_keys():
    gains = paired_gains(_two_sources(split_languages=True))
    with pytest.raises(InputError, match=f"gains_by_target.*{HINT}"):
        gains_by_target(gains)
    with pytest.raises(InputError, match=HINT):
        gains_by_intermediate(gains, metric="accuracy")
    per_source = gains_by_target(gains, by=("source",)).set_index(
        ["source", "intermediate", "target_task", "split"])["gain"]
    assert per_source[("other", "squad", "xnli", "dev")] == pytest.approx(2.0)


def test_selection_curve_refuses_mixed_sources_and_splits_by_source():
    gains = paired_gains(_two_sources())
    with pytest.raises(InputError, match=HINT):
        selection_curve(gains, n_boot=20)
    curves = selection_curve(gains, n_boot=20, by=("source",))
    assert list(curves.columns[:2]) == ["source", "k"]
    best = curves[curves["k"] == 2].set_index("source")["gain"]
    assert best["synthetic"] == pytest.approx(1.0) and best["other"] == pytest.approx(2.0)


def test_published_matrix_is_never_merged_across_sources():
    df = results.published()
    with pytest.raises(InputError, match=f"mt5-readme.*rembert-t16.*{HINT}"):
        transfer_matrix(df, base_model="xlm-roberta-large", split="test")
    m = transfer_matrix(df, base_model="xlm-roberta-large", split="test",
                        by=("source",))
    assert not m.empty and m["source"].nunique() > 1
    for sources in m["sources"]:  # each cell: one treatment source and its own baseline
        assert len({s.split("-")[0] for s in sources}) == 1
    for source in source_options(df[df["base_model"] == "xlm-roberta-large"]):
        one = transfer_matrix(df, base_model="xlm-roberta-large", split="test",
                              source=source)
        assert one.empty or (m.set_index(["intermediate", "target_task", "source"])
                             .loc[[(i, t, source) for i, t in
                                   zip(one["intermediate"], one["target_task"], strict=True)],
                                  "gain"].to_numpy() == one["gain"].to_numpy()).all()
