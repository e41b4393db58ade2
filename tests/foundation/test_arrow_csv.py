"""Arrow's CSV path reads exactly what the csv module reads, or hands the file back to it."""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xfer_analysis import results
from xfer_analysis.errors import InputError
from xfer_analysis.results.formats import NotFast
from xfer_analysis.results.importing import import_files
from xfer_analysis.results.tabular import iter_csv, iter_csv_fast

HEADER = "run_id,base_model,target_task,language,split,metric,value,note\n"
ROW = "r1,mbert,xnli,{lang},dev,accuracy,{value},{note}\n"


def _csv(tmp_path, body: str | bytes, name: str = "r.csv"):
    path = tmp_path / name
    data = body if isinstance(body, bytes) else body.encode()
    path.write_bytes(data)
    return path


def _rows(batches, path) -> pd.DataFrame:
    return pd.concat([t for t, _ in batches(path, batch_rows=2)], ignore_index=True)


def _fast_equals_exact(path) -> bool:
    """True when the fast path read the file (and agrees with the exact one), False when it
    handed the file back."""
    try:
        fast = _rows(iter_csv_fast, path)
    except (NotFast, InputError):
        return False
    pd.testing.assert_frame_equal(fast, _rows(iter_csv, path))
    return True


def test_a_plain_file_takes_the_fast_path_and_reads_the_same_rows(tmp_path):
    body = HEADER + "".join(ROW.format(lang=lang, value=60 + i, note="n")
                            for i, lang in enumerate(["de", "fr", "es", "ru", "zh"]))
    assert _fast_equals_exact(_csv(tmp_path, body))


@pytest.mark.parametrize("body", [
    HEADER + ROW.format(lang="de", value=70, note='"a, b ""quoted""\nsecond line"'),
    "\ufeff" + HEADER + ROW.format(lang="de", value=70, note="x"),
    (HEADER + ROW.format(lang="de", value=70, note="x")).replace("\n", "\r\n"),
    (HEADER + ROW.format(lang="de", value=70, note="x")).replace("\n", "\r"),
    HEADER + "\n" + ROW.format(lang="de", value=70, note="x") + " , ,\t, ,,,, \n\n",
    HEADER + ROW.format(lang="de", value=" 70 ", note="x\u2028y\x0cz"),
    HEADER + ROW.format(lang="de", value=70, note='x"y'),
    HEADER + ROW.format(lang="de", value=70, note=""),
])
def test_valid_files_read_alike_on_both_paths(tmp_path, body):
    assert _fast_equals_exact(_csv(tmp_path, body))


@pytest.mark.parametrize(("body", "message"), [
    (HEADER + ROW.format(lang="de", value=70, note='"x"y'), "malformed CSV"),
    (HEADER + ROW.format(lang="de", value=70, note='"x" '), "malformed CSV"),
    (HEADER + ROW.format(lang="de", value=70, note='"x'), "malformed CSV"),
    (HEADER + "r1,mbert,xnli,de,dev,accuracy,70\n", "fields"),
    (HEADER + "   \n" + ROW.format(lang="de", value=70, note="x"), None),
    (HEADER.encode() + b"r1,mbert,xnli,de,dev,accuracy,70,\xff\n", "not UTF-8"),
    (HEADER + "\n\n", "no result rows"),
])
def test_what_arrow_would_read_differently_goes_to_the_csv_module(tmp_path, body, message):
    """Arrow reads `"x"y` as `xy` and a line of spaces as a short row; the csv module refuses
    the first and skips the second. The fast path never decides such a file itself."""
    path = _csv(tmp_path, body)
    assert not _fast_equals_exact(path)
    if message is None:
        assert len(results.read(path)) == 1
    else:
        with pytest.raises(InputError, match=message):
            results.read(path)


def test_errors_found_on_the_fast_path_name_the_line(tmp_path):
    """A bad cell, a conflict inside the file and a conflict with the store are all found
    while reading with Arrow; the message still names the file line (the exact path reruns)."""
    store = results.Store(tmp_path / "s.duckdb")
    rows = [ROW.format(lang=lang, value=70, note="a") for lang in ("de", "fr", "es")]
    bad_cell = _csv(tmp_path, HEADER + "".join(rows) + ROW.format(lang="xx", value=1, note=""),
                    "bad.csv")
    with pytest.raises(InputError, match="unknown language") as err:
        import_files([bad_cell], store, batch_rows=2)
    assert err.value.line == 5
    quoted = '"multi\nline"'
    clash = _csv(tmp_path, HEADER + ROW.format(lang="de", value=70, note=quoted)
                 + "".join(rows[1:]) + ROW.format(lang="de", value=71, note="a"), "clash.csv")
    with pytest.raises(InputError, match=r"clash.csv line 6: conflicts with .*clash.csv line 2"):
        import_files([clash], store, batch_rows=2)
    assert len(store) == 0
    first = _csv(tmp_path, HEADER + "".join(rows), "first.csv")
    import_files([first], store, run_id="r1", source="s")
    again = _csv(tmp_path, HEADER + rows[0] + ROW.format(lang="fr", value=71, note="a"),
                 "again.csv")
    with pytest.raises(InputError, match="again.csv line 3: conflicts with the store"):
        import_files([again], store, run_id="r1", source="s")


def test_whitespace_is_every_character_str_strip_removes():
    """`WHITESPACE` is built from U+0000-U+3000 only; the whole of Unicode has no more."""
    from xfer_analysis.results.schema import WHITESPACE

    assert "".join(chr(c) for c in range(0x110000) if chr(c).isspace()) == WHITESPACE


def test_exact_repeats_and_conflicts_within_a_batch(tmp_path):
    """The fast path leaves keys to the caller: `read` drops exact repeats and names both
    lines of a conflict, as the csv path does."""
    row = ROW.format(lang="de", value=70, note="a")
    assert len(results.read(_csv(tmp_path, HEADER + row + row, "twice.csv"))) == 1
    clash = _csv(tmp_path, HEADER + row + ROW.format(lang="de", value=71, note="a"), "c.csv")
    with pytest.raises(InputError, match="conflicts with line 2") as err:
        results.read(clash)
    assert err.value.line == 3


def _csv_module_rows(text: str) -> list[list[str]] | None:
    """Rows as `tabular` reads them (strict csv module, blank rows skipped); None if refused."""
    import csv
    import io

    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return None
    return [row for row in rows if "".join(row).strip()]


@settings(max_examples=400, deadline=None, derandomize=True)
@given(body=st.text(alphabet='ab ,"\n\r\t\u2028é', max_size=60), bom=st.booleans())
def test_arrow_reads_any_text_as_the_csv_module_does_or_refuses_it(tmp_path_factory, body, bom):
    """The contract of `arrow_tables` on arbitrary text: NotFast, or exactly the csv
    module's rows (strict, blank rows skipped). Quote placement is what the text varies."""
    from xfer_analysis.results.arrow_csv import arrow_tables

    text = "h1,h2\n" + body
    path = tmp_path_factory.mktemp("csv") / "t.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())
    exact = _csv_module_rows(text)
    try:
        tables = list(arrow_tables(path, ["h1", "h2"], None, field_limit=2**31 - 1))
    except NotFast:
        return
    assert exact is not None, "Arrow read a file the csv module refuses"
    got = [list(row.values()) for table in tables for row in table.to_pylist()]
    assert got == exact[1:]


@settings(max_examples=300, deadline=None, derandomize=True)
@given(body=st.text(alphabet='a ,"\n\r', max_size=40))
def test_well_formed_quotes_are_accepted_by_the_csv_module(tmp_path_factory, body):
    """`_quotes_well_formed` never vouches for a file the strict csv module refuses, and
    says the same whatever its block size."""
    from xfer_analysis.results import arrow_csv
    from xfer_analysis.results.arrow_csv import _quotes_well_formed

    path = tmp_path_factory.mktemp("q") / "q.csv"
    path.write_bytes(body.encode())
    verdict = _quotes_well_formed(path)
    if verdict:
        assert _csv_module_rows(body) is not None
    block = arrow_csv.QUOTE_BLOCK
    arrow_csv.QUOTE_BLOCK = 3  # block edges inside quote runs and between a quote and its
    try:                       # neighbours must not change the verdict
        assert _quotes_well_formed(path) == verdict
    finally:
        arrow_csv.QUOTE_BLOCK = block
