"""The transfer matrix: gains, intervals, significance and provenance per cell."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from xfer_analysis.analysis.matrix import MATRIX_COLUMNS, transfer_matrix
from xfer_analysis.analysis.synthetic import synthetic_grid
from xfer_analysis.analysis.uncertainty import ONE_RUN, ONLY_AVERAGE

TARGETS = {
    "xnli": ["en", "de", "fr", "ru", "sw", "ur", "ar", "bg", "el", "es"],
    "xquad": ["en", "de", "ru", "zh"],
}


def _grid(**kw):
    return synthetic_grid(
        {"squad": 3.0, "mnli": {"xnli": 0.0, "xquad": -1.0}},
        TARGETS,
        metrics={"xquad": ["exact_match", "f1"]},
        seeds=(1, 2, 3),
        **kw,
    )


def _matrix(df, **kw):
    return transfer_matrix(df, base_model="xlm-roberta-large", split="dev", **kw)


def test_matrix_recovers_effects_on_task_score_metric():
    m = _matrix(_grid())
    assert list(m.columns) == list(MATRIX_COLUMNS)
    cell = m.set_index(["intermediate", "target_task"])
    assert cell.loc[("squad", "xnli"), "gain"] == pytest.approx(3.0)
    assert cell.loc[("squad", "xquad"), "metric"] == "em_f1_mean"
    assert cell.loc[("squad", "xquad"), "gain"] == pytest.approx(3.0)
    assert cell.loc[("mnli", "xquad"), "gain"] == pytest.approx(-1.0)
    assert cell.loc[("squad", "xnli"), "n_languages"] == 10
    assert cell.loc[("squad", "xnli"), "n_seeds"] == 3
    # built-in constant effects: zero-width intervals that contain the estimate
    assert cell.loc[("squad", "xnli"), "ci_low"] == pytest.approx(3.0)
    assert len(cell.loc[("squad", "xnli"), "rows"]) == 2 * 3 * 10


def test_matrix_one_metric_and_one_language():
    m = _matrix(_grid(noise=0.5), metric="f1", language="de")
    assert set(m["target_task"]) == {"xquad"} and set(m["metric"]) == {"f1"}
    assert (m["n_languages"] == 1).all()


def test_significance_after_correction():
    m = _matrix(_grid(noise=0.3), correction="bh")
    sig = m.set_index(["intermediate", "target_task"])["significant"]
    assert bool(sig[("squad", "xnli")])
    assert not bool(sig[("mnli", "xnli")])
    assert (m["p_adjusted"] >= m["p_value"] - 1e-12).all()


def test_one_run_cells_have_no_interval_or_test_however_many_languages():
    """Finding 3: a single seed's languages are not replicates of the gain."""
    df = synthetic_grid({"squad": 0.5}, {"panx": [f"l{i}" for i in range(40)]}, seeds=(3,),
                        noise=1.0, metrics={"panx": ["f1"]})
    m = _matrix(df)
    assert m["ci_note"].item() == ONE_RUN and np.isnan(m["p_value"].item())
    assert m["significant"].isna().all()


def test_average_only_cells_have_no_interval_or_test():
    df = synthetic_grid({"squad": 2.0}, {"xnli": ["avg"]})
    m = _matrix(df)
    assert np.isnan(m["ci_low"].item()) and m["ci_note"].item().startswith("source publishes")
    assert m["significant"].isna().all()


def test_empty_selection_gives_empty_matrix():
    m = transfer_matrix(_grid(), base_model="mt5-small", split="dev")
    assert m.empty and list(m.columns) == list(MATRIX_COLUMNS)


def test_matrix_invariant_to_row_order():
    df = _grid(noise=1.0)
    a = _matrix(df)
    b = _matrix(df.sample(frac=1.0, random_state=3))
    pd.testing.assert_frame_equal(a, b)


def _reference_matrix(df, correction="holm"):
    """The transfer matrix cell by cell with `run_interval` and `run_test` (the slow,
    obviously-correct way the vectorised version must reproduce)."""
    from xfer_analysis.analysis.frame import key_text, unique_tuple
    from xfer_analysis.analysis.gains import paired_gains, score_rows, treatment_label
    from xfer_analysis.analysis.scores import with_task_scores
    from xfer_analysis.analysis.uncertainty import CORRECTIONS, run_interval, run_test

    sel = df[(df["base_model"] == "xlm-roberta-large") & (df["split"] == "dev")]
    gains = paired_gains(score_rows(with_task_scores(sel)))
    gains = gains.assign(label=treatment_label(gains))
    rows = []
    for (label, target, met), cell in gains.groupby(
        [gains["label"], key_text(gains["target_task"]), key_text(gains["metric"])], sort=True
    ):
        ci = run_interval(cell)
        langs = cell[cell["language"] != "avg"]
        used = cell if langs.empty else langs
        rows.append({
            "intermediate": label, "target_task": target, "metric": met, "gain": ci.estimate,
            "value": used.groupby("language")["value"].mean().mean(),
            "baseline_value": used.groupby("language")["baseline_value"].mean().mean(),
            "ci_low": ci.low, "ci_high": ci.high, "ci_note": ci.note,
            "p_value": run_test(cell).p_value, "n_seeds": ci.n_seeds,
            "n_languages": ci.n_languages, "n_pairs": len(used),
            "rows": unique_tuple(list(used["row"]) + list(used["baseline_row"])),
            "sources": unique_tuple(list(used["source"]) + list(used["baseline_source"])),
        })
    out = pd.DataFrame(rows)
    out["p_adjusted"] = CORRECTIONS[correction](out["p_value"].to_numpy(dtype=float))
    return out


def test_vectorised_matrix_equals_cell_by_cell_reference():
    targets = {**TARGETS, "panx": ["en", "de", "fr", "ru", "sw", "ur", "ar", "bg", "el", "es",
                                   "hi", "ja", "ko", "zh", "th", "tr", "vi", "it", "nl"],
               "pawsx": ["avg"], "udpos": ["de"]}
    df = synthetic_grid({"squad": 3.0, "mnli": {"xnli": 0.0, "xquad": -1.0}, "qqp": 0.2},
                        targets, metrics={"xquad": ["exact_match", "f1"], "panx": ["f1"],
                                          "udpos": ["f1"]},
                        seeds=(1, 2, 10), noise=1.0, rng_seed=5)
    df = df.drop(df.sample(frac=0.15, random_state=2).index)  # missing pairs: NaN grid cells
    df = df[(df["intermediate"] != "qqp") | (df["seed"] == 1)]  # one run: no interval
    got = _matrix(df)
    want = _reference_matrix(df)
    assert ONE_RUN in set(got["ci_note"].dropna())
    assert set(got["ci_note"].dropna()) <= {ONE_RUN, f"{ONLY_AVERAGE}; {ONE_RUN}"}
    assert got["ci_low"].notna().sum() >= 8
    pd.testing.assert_frame_equal(got[list(want.columns)], want, check_exact=False,
                                  rtol=1e-12, atol=1e-12, check_dtype=False)


def test_aggregate_targets_are_left_out():
    df = _grid(noise=0.5)
    rows = df[df["target_task"] == "xnli"].drop_duplicates(["intermediate", "seed"])
    aggregate = rows.assign(target_task="xtreme:classification", language="avg",
                            metric="score")
    other = rows.assign(target_task="xtreme", language="avg", metric="score")
    m = _matrix(pd.concat([df, aggregate, other], ignore_index=True))
    pd.testing.assert_frame_equal(m, _matrix(df))
    assert _matrix(pd.concat([df, aggregate], ignore_index=True), metric="score").empty
