"""The Ray executor on a real local cluster (``ray start --head`` on loopback) gives the same
rows as the local executor."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

import bevsim
from bevsim.sweep import run_sweep

pytest.importorskip("ray")

VARY = ["battery.cell_capacity_ah=120:200:20", "battery.chemistry=lfp,sodium-ion,nmc"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def ray_cluster(tmp_path):
    """A one-node cluster of 2 CPUs started for this test and stopped with it (its own process
    group; other Ray clusters on the machine are not touched)."""
    ray_bin = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    port = _free_port()
    src = os.path.dirname(os.path.dirname(bevsim.__file__))  # workers import this bevsim
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    temp_dir = Path("/tmp") / f"ray_bevsim_{os.getpid()}"  # short: socket paths are limited
    head = subprocess.Popen(
        [
            ray_bin,
            "start",
            "--head",
            "--block",
            f"--port={port}",
            "--num-cpus=2",
            "--include-dashboard=false",
            "--node-ip-address=127.0.0.1",
            f"--temp-dir={temp_dir}",
            "--disable-usage-stats",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=env,
    )
    try:
        deadline = time.monotonic() + 45
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert head.poll() is None, "ray start --head exited"
            time.sleep(0.5)
        else:
            pytest.fail("the Ray head did not come up in 45 s")
        yield f"127.0.0.1:{port}"
    finally:
        import ray

        if ray.is_initialized():
            ray.shutdown()
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)


def test_ray_executor_matches_local(ray_cluster, tmp_path):
    local = run_sweep("ms11-lfp", VARY, procedures=["cltc"], cycles=["udds"], chunk_size=4)
    remote = run_sweep(
        "ms11-lfp",
        VARY,
        procedures=["cltc"],
        cycles=["udds"],
        chunk_size=4,
        executor="ray",
        address=ray_cluster,
        store=tmp_path / "ray.duckdb",
    )
    assert len(remote) == 5 * 3 * 2
    pd.testing.assert_frame_equal(local, remote[local.columns], check_dtype=False, check_exact=True)
