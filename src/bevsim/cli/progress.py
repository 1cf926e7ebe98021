"""Progress of long commands on stderr: a rich bar on a terminal, plain lines otherwise (logs,
pipes, CI), so a long run is never silent."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator

from bevsim.cli.app import err_console
from bevsim.sweep.budget import duration

PLAIN_EVERY_S = 10.0
"""Seconds between progress lines when stderr is not a terminal."""


@contextlib.contextmanager
def progress(label: str, total: int, unit: str) -> Iterator[Callable[..., None]]:
    """Yields ``report(done, computed=None)``: ``done`` of ``total`` units finished, of which
    ``computed`` in this run (the rate counts those; default: all)."""
    maker = _bar if err_console.is_terminal else _plain
    with maker(label, total, unit) as report:
        yield report


@contextlib.contextmanager
def _bar(label: str, total: int, unit: str) -> Iterator[Callable[..., None]]:
    """A rich progress bar, started with the first report (an error before it is one line)."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    started = time.perf_counter()
    columns = (
        TextColumn(label),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    bar = Progress(*columns, console=err_console, transient=False)
    task = bar.add_task(label, total=total, rate="")

    def report(done: int, computed: int | None = None) -> None:
        if not bar.live.is_started:
            bar.start()
        rate = (done if computed is None else computed) / max(time.perf_counter() - started, 1e-9)
        bar.update(task, completed=done, rate=f"{rate:,.1f} {unit}/s")

    try:
        yield report
    finally:
        if bar.live.is_started:
            bar.stop()


@contextlib.contextmanager
def _plain(label: str, total: int, unit: str) -> Iterator[Callable[..., None]]:
    """A line every PLAIN_EVERY_S and one at the end."""
    started = time.perf_counter()
    last = {"at": started, "done": None, "computed": None}

    def line() -> None:
        done, computed = last["done"], last["computed"]
        elapsed = max(time.perf_counter() - started, 1e-9)
        rate = (done if computed is None else computed) / elapsed
        left = (
            f", about {duration((total - done) / rate)} left" if rate > 0 and done < total else ""
        )
        err_console.print(
            f"{label}: {done:,}/{total:,} {unit} ({100 * done / max(total, 1):.0f} %), "
            f"{rate:,.1f} {unit}/s, {duration(elapsed)} elapsed{left}",
            highlight=False,
            markup=False,
        )

    def report(done: int, computed: int | None = None) -> None:
        last.update(done=done, computed=computed)
        now = time.perf_counter()
        if now - last["at"] >= PLAIN_EVERY_S:
            last["at"] = now
            line()

    yield report
    if last["done"] is not None:
        line()
