"""A user's SQL over a results store, sandboxed: one SELECT, read-only, no file or network
access, no extensions, a row cap and a time bound.

DuckDB's own switches do the sandboxing: the store opens read-only with external access off
(``COPY``, ``EXPORT``, ``ATTACH``, ``read_csv``, ``read_text``, ``glob`` are refused), extensions
neither installed nor loaded, and the configuration locked so a query cannot turn them back on.
The statement must be exactly one SELECT; rows are fetched up to the cap only, and a timer
interrupts a query that runs past its time bound.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd

from bevsim.errors import BevsimError

SANDBOX_CONFIG = {
    "enable_external_access": False,
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "lock_configuration": True,
}
DEFAULT_MAX_ROWS = 10_000
"""Rows a query returns at most unless ``--limit`` says otherwise."""
DEFAULT_TIMEOUT_S = 30.0
"""Wall time a query may run before it is interrupted [s]."""


def connect_sandboxed(path: Path):
    """A read-only DuckDB connection to ``path`` with external access and extensions off."""
    import duckdb

    try:
        return duckdb.connect(str(path), read_only=True, config=SANDBOX_CONFIG)
    except duckdb.Error as exc:
        raise BevsimError(f"{path}: not a readable results store ({_one_line(exc)})") from None


def select(
    con,
    sql: str,
    source: Path,
    max_rows: int = DEFAULT_MAX_ROWS,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> pd.DataFrame:
    """Rows of one SELECT statement, at most ``max_rows``; ``frame.attrs['truncated']`` says
    whether more rows were left out. Refuses anything but one SELECT, and stops the query after
    ``timeout_s`` [s]."""
    import duckdb

    if max_rows < 1:
        raise BevsimError(f"--limit must be at least 1 (got {max_rows})")
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise BevsimError(f"{source}: --sql: {_one_line(exc)}") from None
    if len(statements) != 1:
        found = "no statement" if not statements else f"{len(statements)} statements"
        raise BevsimError(f"{source}: --sql: expected one SELECT statement, got {found}")
    if statements[0].type != duckdb.StatementType.SELECT:
        kind = statements[0].type.name
        raise BevsimError(f"{source}: --sql: only a SELECT may read the store (got {kind})")
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        result = con.execute(sql)
        names = [d[0] for d in result.description]
        rows = result.fetchmany(max_rows + 1)
    except duckdb.InterruptException:
        raise BevsimError(
            f"{source}: --sql: stopped after {timeout_s:g} s; narrow the query"
        ) from None
    except duckdb.Error as exc:
        raise BevsimError(f"{source}: --sql: {_one_line(exc)}") from None
    finally:
        timer.cancel()
    frame = pd.DataFrame.from_records(rows[:max_rows], columns=names)
    frame.attrs["truncated"] = len(rows) > max_rows
    return frame


def _one_line(exc: Exception) -> str:
    """DuckDB's message on one line, without its echo of the query (``LINE 1: ...``)."""
    return " ".join(str(exc).split("\nLINE ")[0].split())
