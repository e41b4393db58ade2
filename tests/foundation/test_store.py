"""The store: idempotent re-import, no lost writes under concurrency, crash safety (SIGKILL)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from xfer_analysis import results
from xfer_analysis.errors import InputError

REPO = Path(__file__).resolve().parents[2]

# A writer process: adds batches of distinct rows (seed = batch, language from XNLI) and prints
# the batch number after each commit returns.
WRITER = """
import sys
import pandas as pd
from xfer_analysis.results import Store
from xfer_analysis import tasks
store, tag, n = Store(sys.argv[1]), sys.argv[2], int(sys.argv[3])
langs = tasks.target("xnli").languages_for("xtreme")
for b in range(n):
    df = pd.DataFrame({"run_id": f"{tag}-{b}", "base_model": "mbert", "target_task": "xnli",
                       "language": list(langs), "split": "dev", "metric": "accuracy",
                       "value": [float(b % 100)] * len(langs), "seed": b})
    store.add(df, origin=f"{tag}-{b}")
    print(b, flush=True)
"""


def _table(n: int = 3, value: float = 70.0) -> pd.DataFrame:
    return pd.DataFrame({"run_id": "r1", "source": "test",
                         "base_model": "mbert", "target_task": "xnli",
                         "language": ["de", "fr", "es"][:n], "split": "dev",
                         "metric": "accuracy", "value": value, "seed": 1})


def _writer(store: Path, tag: str, n: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(store), tag, str(n)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_add_and_read_back(tmp_store):
    store = results.Store()
    assert store.path == tmp_store
    assert len(store.table()) == 0
    assert store.add(_table(), origin="a.csv") == 3
    got = store.table(language="German")
    assert list(got.columns) == list(results.COLUMNS) and len(got) == 1
    assert got.dtypes.equals(results.empty_table().dtypes)


def test_reimport_is_a_noop(tmp_store):
    store = results.Store(tmp_store)
    assert store.add(_table(), origin="a.csv") == 3
    assert store.add(_table(), origin="a.csv") == 0
    assert store.add(_table().iloc[::-1], origin="b.csv") == 0  # same content, other order
    assert store.add(_table(2), origin="c.csv") == 0  # subset: new import, no new rows
    assert len(store) == 3
    assert list(store.imports()["rows_added"]) == [3]  # imports that write nothing: no trace


def test_conflict_with_stored_value_is_an_error_and_changes_nothing(tmp_store):
    store = results.Store(tmp_store)
    store.add(_table(), origin="a.csv")
    with pytest.raises(InputError, match="a.csv"):
        store.add(_table(value=71.0), origin="b.csv")
    assert len(store) == 3 and store.table()["value"].eq(70.0).all()


def test_invalid_table_changes_nothing(tmp_store):
    store = results.Store(tmp_store)
    store.add(_table(), origin="a.csv")
    with pytest.raises(InputError):
        store.add(_table().assign(language="xx"), origin="bad.csv")
    assert len(store) == 3


def test_two_processes_writing_at_once_lose_nothing(tmp_store):
    n = 15
    procs = [_writer(tmp_store, tag, n) for tag in ("p", "q")]
    for p in procs:
        out, err = p.communicate(timeout=240)
        assert p.returncode == 0, err
    store = results.Store(tmp_store)
    assert len(store) == 2 * n * 15
    assert len(store.imports()) == 2 * n


def test_writer_killed_mid_write_keeps_every_earlier_commit(tmp_store):
    proc = _writer(tmp_store, "k", 10_000)
    committed = -1
    deadline = time.monotonic() + 120
    while committed < 5 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        committed = int(line)
    time.sleep(0.05)  # let it get into the middle of a later write
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert committed >= 5, proc.stderr.read()
    store = results.Store(tmp_store)
    table = store.table()
    batches = set(table["seed"].astype(int))
    assert set(range(committed + 1)) <= batches  # every reported commit is there
    assert len(table) == 15 * len(batches)  # no half-written batch
    assert store.add(_table(), origin="after-crash") == 3  # still writable


def test_a_store_written_with_digest_row_keys_is_migrated_to_typed_keys(tmp_path):
    """Version 2 stores kept a SHA-256 `row_key` column; the first write drops it, keeps every
    row, and keys compare as typed columns (a missing seed matches a missing seed)."""
    import duckdb

    from xfer_analysis.results import store as store_module

    path = tmp_path / "v2.duckdb"
    old = results.Store(path)
    rows = pd.concat([_table(), _table(1).assign(seed=None, language="en")], ignore_index=True)
    assert old.add(rows, origin="a.csv") == 4
    con = duckdb.connect(str(path))  # rebuild it as version 2 wrote it
    cols = ", ".join(f'"{c}"' for c in results.COLUMNS)
    con.execute(f"CREATE TABLE v2 AS SELECT {cols}, "
                "sha256(to_json(struct_pack(run_id := run_id))) || seed AS row_key, "
                "import_hash FROM results")
    con.execute("DROP TABLE results")
    con.execute("ALTER TABLE v2 RENAME TO results")
    con.execute("UPDATE meta SET value = '2' WHERE name = 'key_version'")
    con.close()

    assert old.add(rows, origin="again.csv") == 0  # same typed keys: nothing new
    con = duckdb.connect(str(path), read_only=True)
    columns = [c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'results'"
    ).fetchall()]
    version = con.execute("SELECT value FROM meta WHERE name = 'key_version'").fetchone()[0]
    con.close()
    assert "row_key" not in columns and version == store_module.KEY_VERSION
    assert len(old.table()) == 4
    with pytest.raises(InputError, match="conflicts with the store"):
        old.add(_table(1).assign(seed=None, language="en", value=71.0), origin="b.csv")


def test_staging_in_small_inserts_keeps_first_rows_and_names_conflicts(tmp_path, monkeypatch):
    """Rows staged a few per insert (STAGE_ROWS) still collapse exact repeats across inserts
    to their first row and name the first row of a key in a conflict."""
    from xfer_analysis.results import store as store_module
    from xfer_analysis.results.importing import import_files

    monkeypatch.setattr(store_module, "STAGE_ROWS", 3)
    lines = ["run_id,base_model,target_task,language,split,metric,value"]
    lines += [f"r,mbert,xnli,{lang},dev,accuracy,70" for lang in ("de", "fr", "es", "ru")] * 3
    path = tmp_path / "repeats.csv"
    path.write_text("\n".join(lines) + "\n")
    store = results.Store(tmp_path / "s.duckdb")
    written = import_files([path], store, batch_rows=2)
    assert (written.written.added, written.written.offered) == (4, 12)
    clash = tmp_path / "clash.csv"
    clash.write_text("\n".join([*lines[:5], *lines[1:4], "r,mbert,xnli,ru,dev,accuracy,71"])
                     + "\n")
    with pytest.raises(InputError, match=r"clash.csv line 9: conflicts with .*clash.csv line 5"):
        import_files([clash], results.Store(tmp_path / "t.duckdb"), batch_rows=2)
