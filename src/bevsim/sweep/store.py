"""The results store: one DuckDB file, one row per (variant, procedure), keyed by content hash.

``key`` = sha256 of (canonical variant JSON, procedure, model version). Each chunk is written in
one transaction that inserts only the keys not yet stored (an anti-join: a row is never stored
twice), so a killed sweep leaves only whole chunks behind and the same command finishes the rest.
There is no index on ``key``: DuckDB keeps a key index in memory, which would grow with the
sweep (about 170 MiB per million rows); the anti-join scans the stored keys instead, with the
writer's memory capped (WRITER_MEMORY_LIMIT), so a sweep's memory stays flat.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd

from bevsim.errors import BevsimError
from bevsim.sweep.sandbox import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S, connect_sandboxed, select

TABLE = "results"
CORE_COLUMNS = {
    "key": "VARCHAR NOT NULL",
    "model_version": "VARCHAR NOT NULL",
    "procedure": "VARCHAR NOT NULL",
    "base_vehicle": "VARCHAR NOT NULL",
    "error": "VARCHAR",
}
WRITER_MEMORY_LIMIT = "64MB"
"""DuckDB's buffer memory for a sweep writing the store (it spills and rereads beyond that)."""
MODEL_PACKAGES = ("engine", "spec", "chemistry", "cycles", "procedures", "vehicles", "sweep")
MODEL_SUFFIXES = (".py", ".yaml", ".csv")


@cache
def model_version() -> str:
    """``bevsim.__version__`` plus a digest of the sources and data that decide a result."""
    import bevsim

    digest = hashlib.sha256()
    root = resources.files("bevsim")
    for package in MODEL_PACKAGES:
        folder = Path(str(root / package))
        for path in sorted(folder.rglob("*")):
            if path.suffix in MODEL_SUFFIXES and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(folder.parent)).encode())
                digest.update(path.read_bytes())
    return f"{bevsim.__version__}+{digest.hexdigest()[:12]}"


def content_key(variant_json: str, procedure: str, version: str) -> str:
    """The row key: sha256 of the canonical variant JSON, the procedure and the model version."""
    return hashlib.sha256(f"{variant_json}\n{procedure}\n{version}".encode()).hexdigest()


class StoreError(BevsimError):
    """A results store that cannot be read or written (damaged, locked, not a bevsim store)."""


class ResultStore:
    """A DuckDB results file (created on first write); ``read_only`` opens it sandboxed for
    user queries."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if read_only and not self.path.is_file():
            raise BevsimError(f"{self.path}: results store not found")
        if not read_only and not self.path.parent.resolve().is_dir():
            raise BevsimError(f"{self.path}: folder {self.path.parent} does not exist")
        if read_only:
            self.con = connect_sandboxed(self.path)
            return
        try:
            self.con = duckdb.connect(str(self.path))
        except duckdb.Error as exc:
            raise BevsimError(f"{self.path}: cannot open results store: {exc}") from None
        self.con.execute(f"set memory_limit = '{WRITER_MEMORY_LIMIT}'")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> ResultStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has_table(self) -> bool:
        found = self._rows(
            "select count(*) from information_schema.tables where table_name = ?", [TABLE]
        )
        return bool(found and found[0][0])

    def columns(self) -> list[str]:
        rows = self._rows(
            "select column_name from information_schema.columns where table_name = ? "
            "order by ordinal_position",
            [TABLE],
        )
        return [r[0] for r in rows]

    def verify(self) -> int:
        """Read every stored value once (DuckDB checks each block's checksum) and check the
        table is a bevsim results table with one row per key; returns the number of rows."""
        if not self.has_table():
            return 0
        columns = self.columns()
        missing = [c for c in CORE_COLUMNS if c not in columns]
        if missing:
            raise StoreError(
                f"{self.path}: not a bevsim results store (table {TABLE} lacks "
                f"{', '.join(missing)}); use another --store"
            )
        counts = ", ".join(f'count("{c}")' for c in columns)
        rows, keys, *filled = self._rows(
            f"select count(*), count(distinct key), {counts} from {TABLE}"
        )[0]
        filled_by = dict(zip(columns, filled, strict=True))
        if keys != rows or any(filled_by[c] != rows for c in CORE_COLUMNS if c != "error"):
            raise StoreError(
                f"{self.path}: results store is damaged ({rows} rows, {keys} distinct keys, "
                "or rows without key, version, procedure or vehicle); use another --store"
            )
        return rows

    def known_keys(self, keys: Sequence[str]) -> set[str]:
        """The keys among ``keys`` already stored."""
        if not keys or not self.has_table():
            return set()
        with self._wanted(keys):
            rows = self._rows(f"select key from {TABLE} semi join wanted using (key)")
        return {r[0] for r in rows}

    def fetch(self, keys: Sequence[str]) -> pd.DataFrame:
        """The stored rows of ``keys`` (any order)."""
        import duckdb

        if not keys or not self.has_table():
            return pd.DataFrame()
        with self._wanted(keys):
            try:
                return self.con.execute(f"select * from {TABLE} semi join wanted using (key)").df()
            except duckdb.Error as exc:
                raise self._damaged(exc) from None

    @contextlib.contextmanager
    def _wanted(self, keys: Sequence[str]) -> Iterator[None]:
        """The keys as a view ``wanted`` for the statements inside."""
        self.con.register("wanted", pd.DataFrame({"key": list(keys)}))
        try:
            yield
        finally:
            self.con.unregister("wanted")

    def write(self, frame: pd.DataFrame) -> int:
        """Insert the rows of one chunk in one transaction (keys already stored are skipped);
        new columns are added to the table. Returns the number of rows given."""
        import duckdb

        if frame.empty:
            return 0
        chunk = frame.loc[:, frame.notna().any() | frame.columns.isin(list(CORE_COLUMNS))]
        chunk = chunk.drop_duplicates("key")
        self.con.register("chunk", chunk)
        run = self._rows
        try:
            run("begin transaction")
            if not self.has_table():
                core = ", ".join(f'"{c}" {t}' for c, t in CORE_COLUMNS.items())
                run(f"create table {TABLE} ({core})")
            have = set(self.columns())
            types = dict(run("select column_name, column_type from (describe chunk)"))
            for column in chunk.columns:
                if column not in have:
                    run(f'alter table {TABLE} add column "{column}" {types[column]}')
            run(f"insert into {TABLE} by name select * from chunk anti join {TABLE} using (key)")
            run("commit")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("rollback")
            raise
        finally:
            self.con.unregister("chunk")
        return len(chunk)

    def _rows(self, sql: str, params: list | None = None) -> list[tuple]:
        """All rows of one statement; a DuckDB error becomes a StoreError naming the file."""
        import duckdb

        try:
            return self.con.execute(sql, params).fetchall()
        except duckdb.Error as exc:
            raise self._damaged(exc) from None

    def _damaged(self, exc: Exception) -> StoreError:
        message = " ".join(str(exc).split("\nLINE ")[0].split())
        return StoreError(
            f"{self.path}: results store is damaged or unreadable ({message}); use another --store"
        )

    def query(
        self, sql: str, max_rows: int = DEFAULT_MAX_ROWS, timeout_s: float = DEFAULT_TIMEOUT_S
    ) -> pd.DataFrame:
        """Rows of one SELECT over a store opened read-only (``bevsim.sweep.sandbox``): at most
        ``max_rows``, within ``timeout_s`` [s]; errors name the store."""
        return select(self.con, sql, self.path, max_rows, timeout_s)
