"""The results store: one DuckDB file in a user folder, written atomically and idempotently.

Every write holds an exclusive file lock (``<store>.lock``) and runs in one DuckDB transaction,
so two processes writing at once are serialised and lose nothing, and a writer killed at any
point leaves every earlier commit intact (DuckDB replays only committed work from its WAL).
A row's key is its typed tuple of KEY_COLUMNS, compared column by column (two missing cells
are the same key): rows already stored identically are skipped, so re-adding is a no-op and
overlapping imports add only new rows; a stored key with another value, parameter count,
confidence or note is an error unless the caller asks to replace it. The ``imports`` table
records each import that wrote rows and each file import (by a hash of the file's bytes and
read options), so re-importing a file is skipped after one lookup.
"""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from filelock import FileLock, Timeout

from xfer_analysis.errors import InputError, StoreError, UnknownNameError
from xfer_analysis.results._arrow import SCHEMA, from_frame, sort_by_key, to_frame
from xfer_analysis.results.schema import COLUMNS, KEY_COLUMNS, VALUE_COLUMNS, canonical
from xfer_analysis.results.validation import validate_rows

STORE_ENV = "XFER_STORE"
LOCK_TIMEOUT_S = 300.0
KEY_VERSION = "3"
"""Row keys: the typed KEY_COLUMNS themselves (version 2 kept a SHA-256 of their JSON in a
`row_key` column, version 1 the key columns joined as text with U+001F, which let two
different keys collide)."""

WRITE_MEMORY = "256MB"
"""DuckDB's memory limit while writing: staging beyond it spills to `<store>.tmp`, so an
import of any size runs in bounded memory (measured in benchmarks/RESULTS.md)."""

STAGE_ROWS = 262_144
"""Rows staged per insert: each insert commits (so staging spills within WRITE_MEMORY), and
fewer, larger commits are faster."""

_SQL_TYPES = {
    "value": "DOUBLE", "model_params": "DOUBLE", "intermediate_examples": "BIGINT",
    "seed": "BIGINT",
}
_RESULTS_COLUMNS = ", ".join(f'"{c}" {_SQL_TYPES.get(c, "VARCHAR")}' for c in COLUMNS)
_DDL = (
    f"CREATE TABLE IF NOT EXISTS results ({_RESULTS_COLUMNS}, import_hash VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS imports (content_hash VARCHAR PRIMARY KEY, origin VARCHAR, "
    "imported_at TIMESTAMP, rows_added BIGINT, rows_in_file BIGINT)",
    "CREATE TABLE IF NOT EXISTS meta (name VARCHAR PRIMARY KEY, value VARCHAR)",
)


def _same_key(a: str, b: str) -> str:
    """SQL: rows `a` and `b` have one key (NULL matches NULL: a missing seed is a value)."""
    return " AND ".join(f'{a}."{c}" IS NOT DISTINCT FROM {b}."{c}"' for c in KEY_COLUMNS)


def _differ(a: str, b: str) -> str:
    """SQL: rows `a` and `b` disagree on some VALUE_COLUMN."""
    return " OR ".join(f'{a}."{c}" IS DISTINCT FROM {b}."{c}"' for c in VALUE_COLUMNS)


def _first_difference(pairs: tuple) -> tuple[str, object, object]:
    """(column, left, right) of the first VALUE_COLUMN whose pair differs, from a query row
    that selects `left."c", right."c"` for each VALUE_COLUMN in order."""
    return next((c, pairs[2 * n], pairs[2 * n + 1]) for n, c in enumerate(VALUE_COLUMNS)
                if pairs[2 * n] != pairs[2 * n + 1])


_COLS = ", ".join(f'"{c}"' for c in COLUMNS)
_KEY_COLS = ", ".join(f'"{c}"' for c in KEY_COLUMNS)


def default_store_path() -> Path:
    """`$XFER_STORE`, else `$XDG_DATA_HOME/xfer-analysis/results.duckdb` (~/.local/share)."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "xfer-analysis" / "results.duckdb"


@dataclass(frozen=True)
class Part:
    """Validated rows to write, and where each came from for error messages: row i is
    "`where` `numbers[i]`" (e.g. "results.csv line" 7, "record" 3)."""

    table: pa.Table
    where: str
    numbers: Sequence[int] | np.ndarray


@dataclass(frozen=True)
class Written:
    """What one write did: rows added, stored rows of the named runs deleted first
    (`replace=True`), rows offered."""

    added: int
    replaced: int
    offered: int


class Store:
    """A DuckDB-backed results store; `add` is atomic and idempotent, `table` reads with filters.

    Writers hold `<store>.lock` and one transaction; readers open the file read-only and take
    no lock, so a store in a read-only folder can be read (a reader that meets a writer's
    DuckDB file lock retries until LOCK_TIMEOUT_S).
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_store_path()
        self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + LOCK_TIMEOUT_S
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only)
                con.execute("SET enable_progress_bar = false")
                return con
            except duckdb.IOException as exc:
                busy = "lock" in str(exc).lower()
                if not (read_only and busy) or time.monotonic() > deadline:
                    what = "is being written by another process" if busy else "cannot be opened"
                    raise StoreError(f"store {self.path} {what}: {exc}") from None
                time.sleep(0.05)
            except duckdb.Error as exc:
                raise StoreError(f"cannot open store {self.path}: {exc}") from None

    def _locked(self) -> FileLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"cannot create the store folder {self.path.parent}: "
                             f"{exc.strerror or exc}") from None
        try:
            self._lock.acquire()
        except Timeout:
            raise StoreError(f"store {self.path} is locked by another writer (lock file "
                             f"{self._lock.lock_file}, waited {LOCK_TIMEOUT_S:.0f} s)") from None
        except OSError as exc:
            raise StoreError(f"cannot create the lock file {self._lock.lock_file} that guards "
                             f"writes to the store: {exc.strerror or exc}") from None
        return self._lock

    @contextlib.contextmanager
    def _writing(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A write connection (memory limited to WRITE_MEMORY) under the writers' lock; a
        DuckDB failure inside becomes a StoreError naming the store."""
        lock = self._locked()
        try:
            con = self._connect(read_only=False)
            try:
                con.execute(f"SET memory_limit = '{WRITE_MEMORY}'")
                yield con
            except duckdb.Error as exc:
                raise StoreError(f"cannot write store {self.path}: {exc}") from None
            finally:
                con.close()
        finally:
            lock.release()

    def add(self, df: pd.DataFrame, origin: str = "unknown", *, replace: bool = False) -> int:
        """Add a results table in one transaction; return the number of new rows (0 if every
        row was stored already). A row whose key is stored with another value, model_params,
        confidence or note is an InputError naming both imports. With `replace`, the stored
        rows of every run the table names are deleted first, in the same transaction (a
        corrected file replaces its run instead of conflicting with it)."""
        table, rows = validate_rows(df, origin=origin)
        part = Part(from_frame(table), "record", rows + 1)
        return self.write([part], origin=origin, replace=replace).added

    def seen(self, content_hash: str) -> bool:
        """Whether an import with this content hash was recorded (a file read before)."""
        found = self._read("SELECT count(*) AS n FROM imports WHERE content_hash = ?",
                           [content_hash], table="imports")
        return found is not None and int(found["n"].iat[0]) > 0

    def write(self, parts: Iterable[Part], *, origin: str, replace: bool = False,
              content_hash: str | None = None) -> Written:
        """Write validated parts (they may be produced while the write runs, e.g. batches
        read from a file) in one transaction: rows are staged, checked against each other and
        the store by typed key, then inserted. `content_hash` names a file import (recorded
        even when it adds nothing, so re-reading the same file is skipped); None records the
        import only when it writes rows."""
        with self._writing() as con:
            return self._write_locked(con, parts, origin, replace, content_hash)

    def _write_locked(self, con: duckdb.DuckDBPyConnection,
                      parts: Iterable[Part], origin: str, replace: bool,
                      content_hash: str | None) -> Written:
        for ddl in _DDL:
            con.execute(ddl)
        if content_hash is not None and con.execute(
                "SELECT 1 FROM imports WHERE content_hash = ?", [content_hash]).fetchone():
            return Written(0, 0, 0)
        # staged outside the transaction (each batch commits to a TEMP table, which the
        # memory limit spills to disk; uncommitted appends would stay in memory), then
        # checked and inserted in one transaction, under the writers' lock throughout
        offered, places = _stage(con, parts)
        con.execute("BEGIN TRANSACTION")
        try:
            _migrate_keys(con)
            repeats = _check_staged(con, origin, places)
            replaced = _delete_runs(con, [r for (r,) in con.execute(
                "SELECT DISTINCT run_id FROM incoming ORDER BY run_id").fetchall()]
                                    ) if replace else 0
            _check_against_store(con, origin, places)
            digest = content_hash or f"rows:{uuid.uuid4().hex}"
            added = con.execute(
                f"INSERT INTO results ({_COLS}, import_hash) "
                f"SELECT {_COLS}, ? FROM incoming i "
                f"WHERE NOT EXISTS (SELECT 1 FROM results r WHERE {_same_key('i', 'r')}) "
                + ("AND NOT EXISTS (SELECT 1 FROM later l WHERE l._pos = i._pos)"
                   if repeats else ""),
                [digest]).fetchone()[0]
            if content_hash is not None or added:
                con.execute("INSERT INTO imports VALUES (?, ?, ?, ?, ?)",
                            [digest, origin, datetime.now(UTC).replace(tzinfo=None),
                             added, offered])
            con.execute("COMMIT")
            return Written(int(added), int(replaced), offered)
        except BaseException:
            con.execute("ROLLBACK")
            raise

    def runs(self) -> pd.DataFrame:
        """One row per stored run: run_id, sources, base models, intermediates, targets, rows."""
        df = self._read(
            "SELECT run_id, string_agg(DISTINCT source, '; ' ORDER BY source) AS sources, "
            "string_agg(DISTINCT base_model, '; ' ORDER BY base_model) AS base_models, "
            "string_agg(DISTINCT intermediate, '; ' ORDER BY intermediate) AS intermediates, "
            "count(DISTINCT target_task) AS targets, count(*) AS rows "
            "FROM results GROUP BY run_id ORDER BY run_id", [])
        if df is None:
            return pd.DataFrame(columns=["run_id", "sources", "base_models", "intermediates",
                                         "targets", "rows"])
        return df

    def delete(self, run_ids: list[str] | tuple[str, ...]) -> int:
        """Remove every row of the given runs in one transaction and return how many rows went;
        UnknownNameError (nothing removed) when a run is not in the store."""
        known = set(self.runs()["run_id"])
        for run_id in run_ids:
            if run_id not in known:
                raise UnknownNameError("run", run_id, sorted(known))
        with self._writing() as con:
            con.execute("BEGIN TRANSACTION")
            removed = _delete_runs(con, list(run_ids))
            con.execute("COMMIT")
            return removed

    def _read(self, sql: str, params: list[object], *, arrow: bool = False,
              table: str = "results") -> pd.DataFrame | pa.Table | None:
        """Rows of one query as pandas (`arrow`: as an Arrow table); None before any add.
        Read-only and without the writers' lock file."""
        if not self.path.exists():
            return None
        con = self._connect(read_only=True)
        try:
            has = con.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
            ).fetchall()[0][0]
            if not has:
                return None
            if arrow:
                return con.sql(sql, params=params or None).to_arrow_table()
            return con.execute(sql, params).df()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read store {self.path}: {exc}") from None
        finally:
            con.close()

    def arrow_table(self, **filters: object) -> pa.Table:
        """The stored rows as Arrow in storage order, filtered like `table` (no copy to pandas)."""
        where, params = [], []
        for col, want in filters.items():
            if want is None:
                continue
            if col not in COLUMNS:
                raise UnknownNameError("results column", col, list(COLUMNS))
            values = [want] if isinstance(want, str | int | float) else list(want)
            values = [canonical(col, v) for v in values]
            where.append(f'"{col}" IN ({", ".join("?" for _ in values)})')
            params.extend(values)
        cols = ", ".join(f'"{c}"' for c in COLUMNS)
        sql = f"SELECT {cols} FROM results"
        if where:
            sql += " WHERE " + " AND ".join(where)
        rows = self._read(sql, params, arrow=True)
        if rows is None:
            return SCHEMA.empty_table()
        if rows.schema != SCHEMA:
            raise StoreError(f"store {self.path} holds columns {rows.schema.names} of types "
                             f"{rows.schema.types}; expected {SCHEMA}")
        return rows

    def table(self, **filters: object) -> pd.DataFrame:
        """The stored results (columns COLUMNS) sorted by KEY_COLUMNS, filtered by column=value
        or column=[values]. Rows were validated when added, so reading them back checks only
        the columns and their types."""
        rows, _ = sort_by_key(self.arrow_table(**filters))
        return to_frame(rows)

    def imports(self) -> pd.DataFrame:
        """One row per import that wrote rows (and per file import): hash, origin, time, rows
        written, rows offered."""
        df = self._read("SELECT * FROM imports ORDER BY imported_at", [], table="imports")
        if df is None:
            return pd.DataFrame(
                columns=["content_hash", "origin", "imported_at", "rows_added", "rows_in_file"]
            )
        return df

    def __len__(self) -> int:
        df = self._read("SELECT count(*) AS n FROM results", [])
        return 0 if df is None else int(df["n"].iat[0])


def _migrate_keys(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the `row_key` column of stores written before version 3 (keys are now the typed
    key columns; the old key was unique per row, so no two stored rows share a key)."""
    version = con.execute("SELECT value FROM meta WHERE name = 'key_version'").fetchone()
    if version is not None and version[0] == KEY_VERSION:
        return
    columns = {c for (c,) in con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = 'results'"
    ).fetchall()}
    if "row_key" in columns:
        con.execute(f"CREATE TEMP TABLE rekeyed AS SELECT {_COLS}, import_hash FROM results")
        con.execute("DROP TABLE results")
        con.execute(_DDL[0])
        con.execute("INSERT INTO results SELECT * FROM rekeyed")
        con.execute("DROP TABLE rekeyed")
    con.execute("INSERT OR REPLACE INTO meta VALUES ('key_version', ?)", [KEY_VERSION])


def _stage(con: duckdb.DuckDBPyConnection, parts: Iterable[Part]) -> tuple[int, list[str]]:
    """Copy the parts into the temporary table `incoming` (+ position, part and number for
    messages), STAGE_ROWS or more rows per insert; the rows offered and each part's `where`."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE incoming ({_RESULTS_COLUMNS}, _pos BIGINT, "
                "_part INTEGER, _num BIGINT)")
    offered, flushed, places, pending = 0, 0, [], []  # flushed: rows of `offered` inserted

    def flush() -> None:
        con.register("_batch", pa.concat_tables(pending))
        con.execute(f"INSERT INTO incoming SELECT {_COLS}, _pos, _part, _num FROM _batch")
        con.unregister("_batch")
        pending.clear()

    for part in parts:
        n = part.table.num_rows
        if n != len(part.numbers):
            raise ValueError("one number per staged row is required")
        batch = part.table.append_column("_pos", pa.array(np.arange(offered, offered + n)))
        batch = batch.append_column("_part", pa.array(np.full(n, len(places), np.int32)))
        pending.append(batch.append_column(
            "_num", pa.array(np.asarray(part.numbers, dtype=np.int64))))
        places.append(part.where)
        offered += n
        if offered - flushed >= STAGE_ROWS:
            flush()
            flushed = offered
    if pending:
        flush()
    return offered, places


def _key_text(con: duckdb.DuckDBPyConnection, pos: int) -> str:
    row = con.execute(f"SELECT {_KEY_COLS} FROM incoming WHERE _pos = ?", [pos]).fetchone()
    return ", ".join(f"{c}={str(v)[:60]}" for c, v in zip(KEY_COLUMNS, row, strict=True))


def _check_staged(con: duckdb.DuckDBPyConnection, origin: str, places: list[str]) -> bool:
    """Two staged rows with one key must agree on every VALUE_COLUMN (InputError otherwise);
    whether any key is staged more than once (then the temporary table `later` holds the
    positions of every repeat after the first of its key, which are not inserted).

    A 64-bit hash of the key finds the candidate rows cheaply; grouping them by the typed key
    columns decides. Grouping (not joining) keeps this linear in the rows however often a
    key repeats, and within DuckDB's memory limit (aggregates spill to disk)."""
    key_hash = f"hash({_KEY_COLS})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE candidates AS SELECT {key_hash} AS h "
                "FROM incoming GROUP BY h HAVING count(*) > 1")
    if not con.execute("SELECT count(*) FROM candidates").fetchone()[0]:
        return False
    differs = " OR ".join(f'count("{c}") NOT IN (0, count(*)) OR min("{c}") <> max("{c}")'
                          for c in VALUE_COLUMNS)  # (min/max aggregates spill; DISTINCT not)
    con.execute("CREATE OR REPLACE TEMP TABLE keyed AS SELECT min(_pos) AS _pos, "
                f"count(*) AS n, ({differs}) AS differs "
                f"FROM incoming WHERE {key_hash} IN (SELECT h FROM candidates) "
                f"GROUP BY {_KEY_COLS}")
    repeats, conflicts = con.execute(
        "SELECT count(*) FILTER (n > 1), count(*) FILTER (differs) FROM keyed").fetchone()
    if conflicts:
        _raise_staged_clash(con, origin, places)
    if not repeats:
        return False
    con.execute(f"CREATE OR REPLACE TEMP TABLE later AS SELECT _pos FROM incoming "
                f"WHERE {key_hash} IN (SELECT h FROM candidates) "
                "AND _pos NOT IN (SELECT _pos FROM keyed)")
    return True


def _raise_staged_clash(con: duckdb.DuckDBPyConnection, origin: str, places: list[str]
                        ) -> None:
    """Raise the InputError for the earliest staged row that differs from the first row of
    its key (the earliest that differs from any earlier row), if one does."""
    clash = con.execute(
        f"SELECT {_label_sql('a')}, {_label_sql('b')}, a._pos, "
        + ", ".join(f'a."{c}", b."{c}"' for c in VALUE_COLUMNS)
        + " FROM incoming a JOIN incoming b "
        f"ON {_same_key('a', 'b')} AND a._pos < b._pos "
        f"WHERE a._pos IN (SELECT _pos FROM keyed WHERE differs) AND ({_differ('a', 'b')}) "
        "ORDER BY b._pos LIMIT 1"
    ).fetchone()
    if clash is None:
        raise AssertionError("a key's rows differ by min/max but no two rows differ")
    first, second, pos = _label(clash[0], places), _label(clash[1], places), clash[2]
    field, theirs, mine = _first_difference(clash[3:])
    raise InputError(f"{second}: conflicts with {first}: same key "
                     f"({_key_text(con, pos)}) but {field} "
                     f"{_short(mine)} vs {_short(theirs)}", path=origin, field=field)


def _delete_runs(con: duckdb.DuckDBPyConnection, run_ids: list[str]) -> int:
    """Delete the rows of `run_ids` (inside the caller's transaction) and the import records
    left with no rows, so importing the same file again adds it again; rows deleted."""
    if not run_ids:
        return 0
    marks = ", ".join("?" for _ in run_ids)
    removed = con.execute(f"DELETE FROM results WHERE run_id IN ({marks})", run_ids).fetchone()[0]
    con.execute("DELETE FROM imports WHERE content_hash NOT IN "
                "(SELECT DISTINCT import_hash FROM results)")
    return int(removed)


def _check_against_store(con: duckdb.DuckDBPyConnection, origin: str, places: list[str]
                         ) -> None:
    """Staged rows whose key is stored with other values: an InputError naming the import
    that stored them."""
    clash = con.execute(
        f"SELECT {_label_sql('i')}, i._pos, m.origin, "
        + ", ".join(f'i."{c}", r."{c}"' for c in VALUE_COLUMNS)
        + f" FROM incoming i JOIN results r ON {_same_key('i', 'r')} LEFT JOIN imports m "
        f"ON m.content_hash = r.import_hash WHERE {_differ('i', 'r')} ORDER BY i._pos LIMIT 1"
    ).fetchone()
    if clash is None:
        return
    label, pos, stored_by = _label(clash[0], places), clash[1], clash[2]
    field, mine, theirs = _first_difference(clash[3:])
    raise InputError(f"{label}: conflicts with the store: ({_key_text(con, pos)}) has {field} "
                     f"{_short(mine)} here but {_short(theirs)} from {stored_by} "
                     "(to correct that run, import it again with --replace)",
                     path=origin, field=field)


def _label_sql(alias: str) -> str:
    return f"struct_pack(p := {alias}._part, n := {alias}._num)"


def _label(place: dict, places: list[str]) -> str:
    return f"{places[place['p']]} {place['n']}"


def _short(v: object) -> str:
    text = repr(v)
    return text if len(text) <= 60 else text[:60] + "..."
