"""The column-wise `validate` against the one-row rules: hypothesis builds valid tables, plants
one defect at a random row (a second one later) and checks the error names that row and field;
store read-back and `load` keep the rows and the key order of a plain pandas sort."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xfer_analysis import results, tasks
from xfer_analysis.errors import InputError

COMBOS = sorted(
    (t.name, lang, metric)
    for t in tasks.targets()
    for metric in dict.fromkeys((*t.metrics, t.score_metric))
    for lang in dict.fromkeys(code for b in t.benchmarks for code in t.languages_for(b))
)
MODELS = ("xlm-roberta-large", "mbert", "mt5-base", "my-lab/own-model")
INTERMEDIATES = ("none", "mnli", "squad", "mnli+squad")

# defect -> (column, planted cell, field named by the error, words of the reason)
DEFECTS = {
    "above 100": ("value", 100.5, "value", "outside 0-100"),
    "below 0": ("value", -0.25, "value", "outside 0-100"),
    "not a number": ("value", "abc", "value", "invalid value 'abc'"),
    "infinite": ("value", "inf", "value", "not a finite number"),
    "unknown task": ("target_task", "xnlii", "target_task", "unknown target task"),
    "unknown language": ("language", "xx-nowhere", "language", "unknown language"),
    "unknown metric": ("metric", "acuracy", "metric", "unknown metric"),
    "unknown intermediate": ("intermediate", "mnlii", "intermediate", "unknown intermediate"),
    "empty required": ("split", "  ", "split", "empty value in a required column"),
    "negative seed": ("seed", -1, "seed", "must be >= 0"),
    "fractional seed": ("seed", 1.5, "seed", "not an integer"),
    "number as a name": ("language", 7, "language", "expected text"),
    "aggregate with a language": ("target_task", "xtreme", "language", "needs language 'avg'"),
}


@st.composite
def tables(draw: st.DrawFn) -> pd.DataFrame:
    """A valid results table: distinct keys (seed = row number), names in random case."""
    n = draw(st.integers(1, 25))
    rows = []
    for i in range(n):
        task, lang, metric = draw(st.sampled_from(COMBOS))
        upper = draw(st.booleans())
        rows.append({
            "run_id": f"r{draw(st.integers(0, 3))}",
            "base_model": draw(st.sampled_from(MODELS)),
            "intermediate": draw(st.sampled_from(INTERMEDIATES)),
            "target_task": task.upper() if upper else task,
            "language": lang.upper() if upper else lang,
            "split": draw(st.sampled_from(["dev", "test", "validation"])),
            "metric": metric,
            "value": draw(st.floats(0, 100, allow_nan=False)),
            "seed": i,
        })
    return pd.DataFrame(rows)


def _as(df: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The same table typed (numbers as numbers), as text (a CSV reader), or mixed (JSON)."""
    if kind == "text":
        return df.astype(str)
    if kind == "mixed":
        out = df.astype(object)
        out.loc[out.index[::2], "value"] = out.loc[out.index[::2], "value"].map(str)
        return out
    return df


REPRESENTATIONS = st.sampled_from(["typed", "text", "mixed"])
RULES = settings(max_examples=60, deadline=None)


@RULES
@given(df=tables(), kind=REPRESENTATIONS)
def test_valid_tables_pass_with_every_name_canonical(df, kind):
    out = results.validate(_as(df, kind), origin="t.csv")
    assert len(out) == len(df) and list(out.columns) == list(results.COLUMNS)
    for col in ("base_model", "intermediate", "target_task", "language", "split", "metric"):
        assert out[col].tolist() == [results.canonical(col, v) for v in df[col]]
    assert out["value"].tolist() == pytest.approx(df["value"].astype(float).tolist())
    assert out["seed"].tolist() == df["seed"].tolist()


@RULES
@given(df=tables(), kind=REPRESENTATIONS, defect=st.sampled_from(sorted(DEFECTS)),
       data=st.data(), with_lines=st.booleans())
def test_first_defect_is_reported_with_its_row_and_field(df, kind, defect, data, with_lines):
    column, cell, field, reason = DEFECTS[defect]
    i = data.draw(st.integers(0, len(df) - 1), label="row")
    bad = _as(df, kind).astype(object)
    bad.loc[i, column] = cell
    if i + 1 < len(df):  # a second defect further down must not be the one reported
        bad.loc[len(df) - 1, "value"] = 250.0
    if with_lines:
        bad["_line"] = range(2, len(df) + 2)
    with pytest.raises(InputError) as info:
        results.validate(bad, origin="t.csv")
    err = info.value
    assert err.path == "t.csv" and err.field == field and reason in str(err)
    if with_lines:
        assert err.line == i + 2
    else:
        assert err.line is None and f"record {i + 1}:" in str(err)


@RULES
@given(df=tables(), kind=REPRESENTATIONS, data=st.data())
def test_conflicting_duplicate_names_both_records_exact_one_collapses(df, kind, data):
    j = data.draw(st.integers(0, len(df) - 1), label="first")
    copy = df.iloc[[j]]
    same = pd.concat([df, copy], ignore_index=True)
    assert len(results.validate(_as(same, kind))) == len(df)
    other = 0.0 if copy["value"].iat[0] > 50 else 100.0
    clash = pd.concat([df, copy.assign(value=other)], ignore_index=True)
    with pytest.raises(InputError) as info:
        results.validate(_as(clash, kind), origin="t.csv")
    assert info.value.field == "value"
    assert f"record {len(df) + 1}: conflicts with record {j + 1}" in str(info.value)


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(df=tables())
def test_store_and_load_give_the_validated_rows_in_key_order(tmp_path_factory, df):
    df = df.assign(seed=df["seed"].astype("Int64"))
    df.loc[df.index[::3], "seed"] = pd.NA  # missing seeds sort last; own run ids keep keys apart
    df.loc[df.index[::3], "run_id"] = [f"na{i}" for i in df.index[::3]]
    path = tmp_path_factory.mktemp("store") / "results.duckdb"
    store = results.Store(path)
    store.add(df, origin="t")
    expected = results.validate(df, origin="t").sort_values(list(results.KEY_COLUMNS),
                                                            kind="stable").reset_index(drop=True)
    pd.testing.assert_frame_equal(store.table(), expected)
    loaded = results.load(store=store, include_published=False)
    pd.testing.assert_frame_equal(loaded, results.with_model_params(expected))


def test_load_keeps_agreeing_rows_once_and_refuses_a_conflict(tmp_store, tmp_path):
    row = {"run_id": "r1", "source": "s", "base_model": "mbert", "target_task": "xnli",
           "language": "de", "split": "dev", "metric": "accuracy", "value": 70.0, "seed": 1}
    store = results.Store(tmp_store)
    store.add(pd.DataFrame([row, {**row, "language": "fr"}]), origin="a")
    same, clash = tmp_path / "same.csv", tmp_path / "clash.csv"
    pd.DataFrame([row]).to_csv(same, index=False)
    pd.DataFrame([{**row, "value": 71.0}]).to_csv(clash, index=False)
    assert len(results.load([same], store=store, include_published=False)) == 2
    with pytest.raises(InputError, match="combined results.*conflicts with record"):
        results.load([clash], store=store, include_published=False)
