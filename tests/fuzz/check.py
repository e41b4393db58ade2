"""Run one generated case through a reader, `xfer import`, the dashboard upload or `xfer score`
and classify the outcome; anything but a correct table or a typed error is a finding."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
from cases import GARBLED, INVALID, VALID, Case

from xfer_analysis import results
from xfer_analysis.errors import ScoringError, XferError
from xfer_analysis.metrics.submission import score_task
from xfer_analysis.results.importing import import_files

ACCEPTED, REFUSED = "accepted", "refused"
FINDINGS = ("crash", "silent accept", "wrong table", "disagree")


class Finding(AssertionError):
    """A case that ended in something other than a correct table or a typed error."""

    def __init__(self, kind: str, case: Case | str, detail: str) -> None:
        self.kind = kind
        what = case if isinstance(case, str) else f"{case.format} {case.kind} ({case.why})"
        super().__init__(f"{kind}: {what}: {detail}")


def _well_formed(df: pd.DataFrame, case: Case) -> None:
    if list(df.columns) != list(results.COLUMNS) or df.empty:
        raise Finding("wrong table", case, f"columns {list(df.columns)}, {len(df)} rows")
    again = results.validate(df)
    if not again.reset_index(drop=True).equals(df.reset_index(drop=True)):
        raise Finding("wrong table", case, "the table does not validate to itself")
    if not df["value"].between(0, 100).all():
        raise Finding("wrong table", case, "a value outside 0-100")


def _rows(df: pd.DataFrame, fields: tuple[str, ...]) -> list[tuple]:
    out = []
    for record in df[list(fields)].to_dict("records"):
        out.append(tuple(round(v, 6) if isinstance(v, float) and not math.isnan(v)
                         else (None if v is pd.NA or v is None else v)
                         for v in record.values()))
    return sorted(out, key=repr)


def _expected(case: Case, fields: tuple[str, ...]) -> list[tuple]:
    return sorted((tuple(round(r[f], 6) if isinstance(r[f], float) else r[f] for f in fields)
                   for r in case.expected), key=repr)


def judge_table(df: pd.DataFrame | None, error: BaseException | None, case: Case) -> str:
    """ACCEPTED or REFUSED for a reader outcome; raises Finding otherwise."""
    if error is not None:
        if not isinstance(error, XferError):
            raise Finding("crash", case, f"{type(error).__name__}: {str(error)[:300]}")
        if case.kind == VALID:
            raise Finding("wrong table", case, f"a valid file was refused: {error}")
        return REFUSED
    assert df is not None
    if case.kind == INVALID:
        raise Finding("silent accept", case, f"{len(df)} rows accepted")
    _well_formed(df, case)
    if case.kind == VALID:
        fields = (("language", "value") if case.format in ("jiant", "hf")
                  else ("source", "language", "seed", "value", "note"))
        if _rows(df, fields) != _expected(case, fields):
            raise Finding("wrong table", case, "rows differ from the file's rows")
    return ACCEPTED


def _attempt(action) -> tuple[pd.DataFrame | None, BaseException | None]:
    try:
        return action(), None
    except Exception as exc:  # noqa: BLE001 - classifying every outcome is the point
        return None, exc


RUN_META = {"jiant": {"base_model": "xlm-roberta-large"}}
"""What a user passes with a jiant file (it does not name its model)."""
READ_FORMAT = {"csv": "csv", "grid": "grid", "json": "json", "jsonl": "jsonl",
               "parquet": "parquet", "jiant": "jiant", "hf": "hf"}


def check_read(case: Case, folder: Path) -> tuple[str, pd.DataFrame | None]:
    """`results.read` of the case's file: the judged outcome and the table (if any)."""
    path = case.write(folder)
    df, error = _attempt(lambda: results.read(path, format=READ_FORMAT[case.format],
                                              **RUN_META.get(case.format, {})))
    return judge_table(df, error, case), df


def check_import(case: Case, folder: Path, read_outcome: str, read_table: pd.DataFrame | None
                 ) -> str:
    """`xfer import` (streaming, batches of 2 rows) must agree with `read` on the same file."""
    path = case.write(folder)
    store = results.Store(folder / "store.duckdb")

    def run() -> pd.DataFrame:
        import_files([path], store, format=READ_FORMAT[case.format], batch_rows=2,
                     **RUN_META.get(case.format, {}))
        return store.table()

    table, error = _attempt(run)
    outcome = judge_table(table, error, case)
    if outcome != read_outcome:
        raise Finding("disagree", case, f"read {read_outcome}, import {outcome}: {error}")
    if table is not None and read_table is not None:
        key = list(results.KEY_COLUMNS)
        mine = table.sort_values(key).reset_index(drop=True)
        theirs = read_table.sort_values(key).reset_index(drop=True)
        if not mine.equals(theirs.astype(mine.dtypes.to_dict())):
            raise Finding("disagree", case, "import stored other rows than read gives")
    return outcome


def check_fast_csv(case: Case, folder: Path) -> str:
    """Arrow's CSV path must read what the csv module reads: where `iter_csv_fast` gives rows
    at all, the exact path gives the same rows (and does not refuse the file)."""
    from xfer_analysis.errors import InputError
    from xfer_analysis.results.formats import NotFast
    from xfer_analysis.results.tabular import iter_csv, iter_csv_fast
    from xfer_analysis.results.validation import drop_duplicate_keys

    path = case.write(folder)

    def rows(batches) -> pd.DataFrame:  # both leave repeated keys to the caller
        table = pd.concat([t for t, _ in batches(path, batch_rows=2)], ignore_index=True)
        return drop_duplicate_keys(table, str(path))

    try:
        fast = rows(iter_csv_fast)
    except (NotFast, InputError):
        return "fell back"
    exact, error = _attempt(lambda: rows(iter_csv))
    if error is not None:
        raise Finding("disagree", case, f"Arrow read {len(fast)} rows, the csv module: {error}")
    if not fast.equals(exact):
        raise Finding("disagree", case, "Arrow and the csv module read other rows")
    return "fast"


UPLOAD_KIND = {"jiant": "jiant", "hf": "hf"}


def check_upload(case: Case, read_outcome: str) -> str:
    """The dashboard upload path (`state.read_upload`) must agree with `read` (an HF result's
    run fields come from the form instead of a sidecar file)."""
    import json

    import state

    if case.format == "grid":
        return read_outcome  # the upload widget has no grid kind: grids go through xfer import
    name, content = next(iter(case.files.items()))
    meta = ({k: str(v) for k, v in json.loads(case.files["xfer.json"]).items()}
            if case.format == "hf" else RUN_META.get(case.format, {}))
    df, error = _attempt(lambda: state.read_upload(name, content, UPLOAD_KIND.get(case.format),
                                                   meta, limit_mb=200))
    outcome = judge_table(df, error, case)
    if outcome != read_outcome:
        raise Finding("disagree", case, f"read {read_outcome}, upload {outcome}: {error}")
    return outcome


def check_case(case: Case, *, with_import: bool = True, with_upload: bool = True
               ) -> dict[str, str]:
    """Every entry point on one case (`read` always); the outcome of each."""
    with tempfile.TemporaryDirectory(prefix="xfer-fuzz-") as tmp:
        folder = Path(tmp)
        read_outcome, table = check_read(case, folder)
        outcomes = {"read": read_outcome}
        if case.format == "csv":
            outcomes["arrow"] = check_fast_csv(case, folder)
        if with_upload:
            outcomes["upload"] = check_upload(case, read_outcome)
        if with_import and case.format != "hf":
            sub = folder / "import"
            sub.mkdir()
            outcomes["import"] = check_import(case, sub, read_outcome, table)
    return outcomes


def check_score(task: str, ext: str, labels: bytes, predictions: bytes) -> str:
    """`xfer score` of one generated pair: ACCEPTED (scores) or REFUSED (ScoringError)."""
    with tempfile.TemporaryDirectory(prefix="xfer-fuzz-score-") as tmp:
        root = Path(tmp)
        for side, data in (("labels", labels), ("predictions", predictions)):
            path = root / side / task / f"test-de.{ext}"
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
        result, error = _attempt(lambda: score_task(root / "predictions", root / "labels", task,
                                                    benchmark="xtreme-r", languages=["de"]))
    if error is not None:
        if not isinstance(error, ScoringError):
            raise Finding("crash", f"score {task}", f"{type(error).__name__}: {error}"[:300])
        return REFUSED
    values = [v for d in result.values() if isinstance(d, dict) for v in d.values()]
    if not all(isinstance(v, float) and 0.0 <= v <= 100.0 for v in values):
        raise Finding("wrong table", f"score {task}", f"scores out of range: {result}")
    return ACCEPTED


__all__ = ["ACCEPTED", "FINDINGS", "GARBLED", "REFUSED", "Finding", "check_case",
           "check_score"]
