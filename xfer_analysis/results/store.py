"""The results store: one DuckDB file in a user folder, written atomically and idempotently.

Every write holds an exclusive file lock (``<store>.lock``) and runs in one DuckDB transaction,
so two processes writing at once are serialised and lose nothing, and a writer killed at any
point leaves every earlier commit intact (DuckDB replays only committed work from its WAL).
The ``imports`` table keeps (content hash, origin, time, rows): re-adding the same content is a
no-op, and each row carries a key hash so overlapping imports add only new rows.
"""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
from filelock import FileLock, Timeout

from xfer_analysis.errors import InputError, StoreError, UnknownNameError
from xfer_analysis.results._arrow import SCHEMA, sort_by_key, to_frame
from xfer_analysis.results.schema import (
    COLUMNS,
    KEY_COLUMNS,
    canonical,
    key_strings,
)
from xfer_analysis.results.validation import validate

STORE_ENV = "XFER_STORE"
LOCK_TIMEOUT_S = 300.0

_SQL_TYPES = {
    "value": "DOUBLE", "model_params": "DOUBLE", "intermediate_examples": "BIGINT",
    "seed": "BIGINT",
}
_DDL = (
    "CREATE TABLE IF NOT EXISTS results ("
    + ", ".join(f'"{c}" {_SQL_TYPES.get(c, "VARCHAR")}' for c in COLUMNS)
    + ", row_key VARCHAR PRIMARY KEY, import_hash VARCHAR NOT NULL)",
    "CREATE TABLE IF NOT EXISTS imports (content_hash VARCHAR PRIMARY KEY, origin VARCHAR, "
    "imported_at TIMESTAMP, rows_added BIGINT, rows_in_file BIGINT)",
)


def default_store_path() -> Path:
    """`$XFER_STORE`, else `$XDG_DATA_HOME/xfer-analysis/results.duckdb` (~/.local/share)."""
    env = os.environ.get(STORE_ENV)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "xfer-analysis" / "results.duckdb"


def _row_keys(df: pd.DataFrame) -> list[str]:
    return [hashlib.sha256(k.encode()).hexdigest() for k in key_strings(df)]


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


def content_hash(df: pd.DataFrame) -> str:
    """Hash of a validated table's content, independent of row order."""
    ordered = df.sort_values(list(COLUMNS), kind="stable").reset_index(drop=True)
    return hashlib.sha256(ordered.to_csv(index=False).encode()).hexdigest()


class Store:
    """A DuckDB-backed results store; `add` is atomic and idempotent, `table` reads with filters."""

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path).expanduser() if path else default_store_path()
        self._lock = FileLock(str(self.path) + ".lock", timeout=LOCK_TIMEOUT_S)

    def __repr__(self) -> str:
        return f"Store({str(self.path)!r})"

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        try:
            con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open store {self.path}: {exc}") from None
        return con

    def _locked(self) -> FileLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise StoreError(f"store {self.path} is locked by another process") from None
        except OSError as exc:
            raise StoreError(f"cannot create store folder {self.path.parent}: {exc}") from None
        return self._lock

    def add(self, df: pd.DataFrame, origin: str = "unknown", *, replace: bool = False) -> int:
        """Add a results table in one transaction; return the number of new rows (0 if seen).
        With `replace`, the stored rows of every run the table names are deleted first, in the
        same transaction (a corrected file replaces its run instead of conflicting with it)."""
        table = validate(df, origin=origin)
        digest = content_hash(table)
        keys = pd.Series(_row_keys(table), index=table.index, dtype="str")
        incoming = table.assign(row_key=keys, import_hash=digest)
        incoming = incoming.drop_duplicates("row_key")
        lock = self._locked()
        try:
            con = self._connect(read_only=False)
            try:
                return self._add_locked(con, incoming, digest, origin, len(table),
                                        replace=replace)
            finally:
                con.close()
        finally:
            lock.release()

    def _add_locked(self, con: duckdb.DuckDBPyConnection, incoming: pd.DataFrame, digest: str,
                    origin: str, n_file: int, *, replace: bool = False) -> int:
        try:
            for ddl in _DDL:
                con.execute(ddl)
            con.execute("BEGIN TRANSACTION")
            if replace:
                _delete_runs(con, sorted(set(incoming["run_id"].astype(str))))
            seen = con.execute("SELECT 1 FROM imports WHERE content_hash = ?", [digest]).fetchone()
            if seen:
                con.execute("ROLLBACK")
                return 0
            con.register("incoming", incoming)
            clash = con.execute(
                "SELECT i.row_key, i.value, r.value, m.origin FROM incoming i "
                "JOIN results r USING (row_key) LEFT JOIN imports m ON m.content_hash = "
                "r.import_hash WHERE i.value <> r.value LIMIT 1"
            ).fetchone()
            if clash:
                con.execute("ROLLBACK")
                row = incoming.loc[incoming["row_key"] == clash[0]].iloc[0]
                key = ", ".join(f"{c}={row[c]}" for c in KEY_COLUMNS)
                raise InputError(
                    f"conflicts with the store: ({key}) has value {clash[1]!r} here but "
                    f"{clash[2]!r} from {clash[3]}", path=origin, field="value",
                )
            cols = ", ".join(f'"{c}"' for c in (*COLUMNS, "row_key", "import_hash"))
            added = con.execute(
                f"INSERT INTO results ({cols}) SELECT {cols} FROM incoming "
                "WHERE row_key NOT IN (SELECT row_key FROM results)"
            ).fetchone()[0]
            con.execute(
                "INSERT INTO imports VALUES (?, ?, ?, ?, ?)",
                [digest, origin, datetime.now(UTC).replace(tzinfo=None), added, n_file],
            )
            con.execute("COMMIT")
            return int(added)
        except duckdb.Error as exc:
            raise StoreError(f"cannot write store {self.path}: {exc}") from None

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
        lock = self._locked()
        try:
            con = self._connect(read_only=False)
            try:
                con.execute("BEGIN TRANSACTION")
                removed = _delete_runs(con, list(run_ids))
                con.execute("COMMIT")
                return removed
            except duckdb.Error as exc:
                raise StoreError(f"cannot write store {self.path}: {exc}") from None
            finally:
                con.close()
        finally:
            lock.release()

    def _read(self, sql: str, params: list[object], *, arrow: bool = False
              ) -> pd.DataFrame | pa.Table | None:
        """Rows of one query as pandas (`arrow`: as an Arrow table); None before any add."""
        if not self.path.exists():
            return None
        lock = self._locked()
        try:
            con = self._connect(read_only=True)
            try:
                has = con.execute(
                    "SELECT count(*) FROM information_schema.tables WHERE table_name = 'results'"
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
        finally:
            lock.release()

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
        """One row per import that added content: hash, origin, time, rows added, rows in file."""
        df = self._read("SELECT * FROM imports ORDER BY imported_at", [])
        if df is None:
            return pd.DataFrame(
                columns=["content_hash", "origin", "imported_at", "rows_added", "rows_in_file"]
            )
        return df

    def __len__(self) -> int:
        df = self._read("SELECT count(*) AS n FROM results", [])
        return 0 if df is None else int(df["n"].iat[0])
