"""Claims as data, the decision rule, and verdicts that flip with the data."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from xfer_analysis import claims, tasks
from xfer_analysis.claims.decide import decide
from xfer_analysis.claims.model import BRIEF_SOURCE, Expectation
from xfer_analysis.claims.quantities import MEASURES
from xfer_analysis.errors import UnknownNameError

from .grid import grid, paper_grid


def test_claims_are_complete_data():
    ids = [c.id for c in claims.CLAIMS]
    assert len(ids) == len(set(ids))
    assert {c.group for c in claims.CLAIMS} == set(range(1, 8))
    for c in claims.CLAIMS:
        assert c.quantity.kind in MEASURES
        assert c.text and c.citation and c.needs.config == claims.GRID_CONFIG
        for name in (c.quantity.intermediate, *c.quantity.intermediates, *c.quantity.others):
            if name:
                assert tasks.canonical_intermediate(name) == name
        for t in (*c.quantity.targets, *c.quantity.other_targets):
            assert tasks.target(t).name == t


def test_brief_numbers_are_marked_unverified_and_abstract_number_is_not():
    near = {c.id: c for c in claims.CLAIMS if c.expectation.kind == "near"}
    assert {c.source for i, c in near.items() if i != "5-xtreme"} == {BRIEF_SOURCE}
    assert "verified" in near["5-xtreme"].source and "unverified" not in near["5-xtreme"].source


def test_unknown_claim_lists_ids():
    with pytest.raises(UnknownNameError, match="1-squad"):
        claims.claim("1-squid")


NEAR = Expectation("near", 8.2, 0.05)
NO_BENEFIT = Expectation("no_benefit", 0.0, 1.0)


@pytest.mark.parametrize(
    ("exp", "value", "interval", "status"),
    [
        (NEAR, 8.2, None, claims.INDICATIVE_SUPPORTED),
        (NEAR, 8.3, None, claims.INDICATIVE_CONTRADICTED),
        (NEAR, 7.0, (6.0, 9.0), claims.UNDECIDED),
        # finding 4: an interval of [3.2, 13.2] used to support "near 8.2 ± 0.05"
        (NEAR, 8.2, (3.2, 13.2), claims.UNDECIDED),
        (NEAR, 8.2, (8.16, 8.24), claims.SUPPORTED),
        (NEAR, 3.0, (2.0, 4.0), claims.CONTRADICTED),
        (Expectation("above", 0.0), 0.5, (-0.1, 1.0), claims.UNDECIDED),
        (Expectation("above", 0.0), 0.5, (0.1, 1.0), claims.SUPPORTED),
        (Expectation("above", 0.0), -0.5, (-1.0, 0.0), claims.CONTRADICTED),
        (Expectation("above", 0.0), 0.0, None, claims.INDICATIVE_CONTRADICTED),
        # finding 4: "does not benefit" is an equivalence test with a margin, not "<= 0"
        (NO_BENEFIT, 0.8, None, claims.INDICATIVE_SUPPORTED),
        (NO_BENEFIT, 1.2, None, claims.INDICATIVE_CONTRADICTED),
        (NO_BENEFIT, 0.4, (0.1, 0.7), claims.SUPPORTED),
        (NO_BENEFIT, -3.0, (-4.0, -2.0), claims.SUPPORTED),
        (NO_BENEFIT, 0.8, (-0.2, 1.5), claims.UNDECIDED),
        (NO_BENEFIT, 2.0, (1.2, 2.8), claims.CONTRADICTED),
    ],
)
def test_decision_rule(exp, value, interval, status):
    assert decide(exp, value, interval)[0] == status


def test_no_interval_is_never_plain_supported_or_contradicted():
    for exp in (NEAR, NO_BENEFIT, Expectation("above", 0.0)):
        for value in (-5.0, 0.0, 0.5, 8.2, 20.0):
            assert decide(exp, value, None)[0] in (claims.INDICATIVE_SUPPORTED,
                                                    claims.INDICATIVE_CONTRADICTED)


def test_equivalence_reason_says_when_both_margins_hold():
    assert "equivalent to no effect" in decide(NO_BENEFIT, 0.2, (-0.5, 0.9))[1]
    assert "equivalent" not in decide(NO_BENEFIT, -3.0, (-4.0, -2.0))[1]


def test_printed_precision_widens_a_point_estimate():
    """Finding 4: a typed table whose exact mean rounds to 8.2 gave 8.26 from its printed
    numbers and was contradicted."""
    assert decide(NEAR, 8.26, None)[0] == claims.INDICATIVE_CONTRADICTED
    assert decide(NEAR, 8.26, None, precision=0.1)[0] == claims.INDICATIVE_SUPPORTED
    assert decide(NEAR, 8.5, None, precision=0.1)[0] == claims.INDICATIVE_CONTRADICTED


def test_built_in_squad_effect_is_recovered_and_flips_the_verdict():
    contradicted = claims.check(claims.claim("1-squad"), paper_grid(squad=3.0))
    assert contradicted.status == claims.CONTRADICTED
    assert contradicted.value == pytest.approx(3.0)
    supported = claims.check(claims.claim("1-squad"), paper_grid(squad=8.2))
    assert supported.status == claims.SUPPORTED
    assert supported.value == pytest.approx(8.2)
    assert supported.per_source[0].measurement.rows_used


def test_top3_and_multitask_margin_follow_the_grid():
    good = paper_grid(squad=8.2, mnli=7.5, hellaswag=7.0, **{"multi-task": 8.7})
    bad = paper_grid(squad=8.2, mnli=7.5, hellaswag=0.5, **{"multi-task": 6.0})
    for cid in ("1-top3", "2-multitask-margin", "2-multitask"):
        assert claims.check(claims.claim(cid), good).status == claims.SUPPORTED, cid
        assert claims.check(claims.claim(cid), bad).status == claims.CONTRADICTED, cid
    margin = claims.check(claims.claim("2-multitask-margin"), good)
    assert margin.value == pytest.approx(8.7 - 8.2)


def test_retrieval_tydiqa_xnli_and_qa_claims_read_per_target_effects():
    per_target = {(t, "bucc2018"): 9.0 for t in tasks.PAPER_TASKS}
    per_target |= {(t, "tatoeba"): 9.0 for t in tasks.PAPER_TASKS}
    per_target |= {(t, "xnli"): -0.5 for t in tasks.PAPER_TASKS}
    effects = {t: 1.0 for t in (*tasks.PAPER_TASKS, tasks.MULTITASK_ALL)}
    df = grid(effects, per_target=per_target)
    verdicts = {v.claim.id: v for v in claims.check_all(df)}
    for cid in ("3-retrieval", "4-tydiqa", "4-xnli", "7-qa"):
        assert verdicts[cid].status == claims.SUPPORTED, cid
    assert verdicts["4-xnli"].value == pytest.approx(-0.5)
    flat = claims.check(claims.claim("3-retrieval"), paper_grid())
    assert flat.status == claims.CONTRADICTED and flat.value == pytest.approx(0.0)


def test_variants_pair_with_plain_english_training():
    plain = {t: 2.0 for t in tasks.PAPER_TASKS}
    mlm = {tasks.canonical_intermediate(f"{t}+mlm"): 2.5 for t in tasks.PAPER_TASKS}
    translated = grid({t: 1.5 for t in tasks.PAPER_TASKS}, data="translated", baseline=False)
    df = pd.concat([grid(plain | mlm), translated], ignore_index=True)
    mlm_v = claims.check(claims.claim("6-mlm"), df)
    assert mlm_v.status == claims.SUPPORTED and mlm_v.value == pytest.approx(0.5)
    worse = grid(plain | {k: 4.0 for k in mlm})
    assert claims.check(claims.claim("6-mlm"), worse).status == claims.CONTRADICTED
    tr_v = claims.check(claims.claim("6-translated"), df)
    assert tr_v.status == claims.SUPPORTED and tr_v.value == pytest.approx(-0.5)


def test_missing_rows_are_named_with_the_config_that_decides():
    df = paper_grid().query("intermediate != 'squad' and target_task != 'tatoeba'")
    v = claims.check(claims.claim("1-squad"), df)
    assert v.status == claims.INSUFFICIENT and v.value is None
    assert "xlm-roberta-large | squad | xnli | dev | accuracy" in v.missing
    # Tatoeba has no dev split: its test split serves as dev (the task records say so)
    assert "xlm-roberta-large | none | tatoeba | test | accuracy" in v.missing
    assert claims.GRID_CONFIG in v.decided_by


def _system(source: str, target: str, metric: str, value: float, intermediate: str) -> dict:
    return {
        "run_id": f"{source}-{intermediate}", "source": source,
        "base_model": "xlm-roberta-large", "model_params": math.nan,
        "intermediate": intermediate, "intermediate_examples": pd.NA,
        "intermediate_data": "english", "setting": "zero-shot", "target_task": target,
        "language": "avg", "split": "test", "metric": metric, "value": value, "seed": pd.NA,
        "confidence": "secondary", "note": "",
    }


def _systems(treated: dict[str, float], base: float) -> pd.DataFrame:
    rows = [_system(s, "xnli", "accuracy", v, "best-per-target") for s, v in treated.items()]
    rows += [_system(s, "xnli", "accuracy", base, "none") for s in treated]
    df = pd.DataFrame(rows)
    return df.astype({"intermediate_examples": "Int64", "seed": "Int64"})


def test_conflicting_sources_get_separate_verdicts_never_an_average():
    v = claims.check(claims.claim("4-xnli-test"), _systems({"a": 79.0, "b": 81.0}, 79.5))
    assert v.status == claims.DISAGREE
    values = sorted(sv.measurement.value for sv in v.per_source)
    assert values == pytest.approx([-0.5, 1.5])
    assert all(sv.measurement.interval is None for sv in v.per_source)
    assert {sv.sources for sv in v.per_source} == {("a",), ("b",)}


def test_agreeing_sources_give_one_status():
    v = claims.check(claims.claim("4-xnli-test"), _systems({"a": 81.0, "b": 82.0}, 79.5))
    assert v.status == claims.INDICATIVE_CONTRADICTED
    assert len(v.per_source) == 2


def test_verdicts_do_not_depend_on_row_order():
    df = paper_grid(squad=3.0, mnli=2.0)
    shuffled = df.sample(frac=1.0, random_state=7).reset_index(drop=True)
    for cid in ("1-squad", "1-top3", "4-tydiqa"):
        a, b = claims.check(claims.claim(cid), df), claims.check(claims.claim(cid), shuffled)
        assert a.status == b.status and a.value == pytest.approx(b.value), cid


def test_filled_dev_grid_template_re_evaluates_every_dev_claim(tmp_path):
    from xfer_analysis import results

    template = results.data_dir() / "templates" / "phang2020_dev_grid.csv"
    grid_rows = pd.read_csv(template, dtype=str, keep_default_na=False)
    gain = grid_rows["intermediate"].map(lambda n: 0.0 if n == "none" else 1.0)
    gain = gain.where(grid_rows["intermediate"] != "squad", 3.0)
    grid_rows["value"] = (60.0 + gain).map(str)
    path = tmp_path / "filled.csv"
    grid_rows.to_csv(path, index=False)
    table = results.load([path], include_published=False)
    verdicts = {v.claim.id: v for v in claims.check_all(table)}
    squad = verdicts["1-squad"]
    # a typed table is one run: indicative only, never plain contradicted
    assert squad.status == claims.INDICATIVE_CONTRADICTED and squad.value == pytest.approx(3.0)
    assert verdicts["1-mnli"].value == pytest.approx(1.0)
    empty = {v.claim.id: v.status for v in claims.check_all(table.iloc[:0])}
    assert set(empty.values()) == {claims.INSUFFICIENT}
