"""Kill a sweep with SIGKILL after its first chunks are committed, run the same command again:
every variant ends up in the store exactly once, with the values of an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pandas as pd
import pytest

import bevsim
from bevsim.sweep import run_sweep

VARY = ["battery.cell_capacity_ah=100:250:5", "body.drag_coefficient=0.2,0.22"]  # 62 variants
CHUNK = 4
SCRIPT = f"""
import sys
from bevsim.sweep import run_sweep
def progress(state):
    print("computed", state.computed, flush=True)
run_sweep("ms11-lfp", {VARY!r}, store=sys.argv[1], chunk_size={CHUNK}, progress=progress,
          collect=False)
print("finished", flush=True)
"""


def _same_bevsim_env() -> dict[str, str]:
    """The environment with this test's bevsim first on the path (the child imports the same)."""
    src = os.path.dirname(os.path.dirname(bevsim.__file__))
    return {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}


def _stored(path) -> pd.DataFrame:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select * from results order by key").df()
    finally:
        con.close()


@pytest.mark.slow
def test_sigkill_mid_sweep_then_rerun_finishes_exactly_once(tmp_path):
    store = tmp_path / "sweep.duckdb"
    command = [sys.executable, "-c", SCRIPT, str(store)]
    killed_after = None
    # the with block closes the pipe (an unclosed one is a ResourceWarning, an error here)
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, text=True, env=_same_bevsim_env()
    ) as proc:
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("computed") and int(line.split()[1]) >= 2 * CHUNK:
                    time.sleep(0.05)  # land inside a later chunk
                    os.kill(proc.pid, signal.SIGKILL)
                    killed_after = int(line.split()[1])
                    break
        finally:
            proc.kill()
    assert killed_after is not None, "the sweep finished before it could be killed"
    partial = _stored(store)
    assert 2 * CHUNK <= len(partial) < 62  # whole chunks only, not all

    resumed = subprocess.run(
        command, capture_output=True, text=True, timeout=120, env=_same_bevsim_env()
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "finished" in resumed.stdout
    first_computed = [line for line in resumed.stdout.splitlines() if line.startswith("computed")]
    assert int(first_computed[-1].split()[1]) == 62 - len(partial)  # only the rest

    stored = _stored(store)
    assert len(stored) == stored["key"].nunique() == 62
    reference = run_sweep("ms11-lfp", VARY, chunk_size=62)
    reference = reference.sort_values("key").reset_index(drop=True)
    pd.testing.assert_frame_equal(
        stored[reference.columns], reference, check_dtype=False, check_exact=True
    )
