"""The Ray executor on a real local cluster (``ray start --head`` on loopback) gives the same
rows as the local executor; Ray state outside the project (a stale ``~/.ray/auth_token``) does
not leak in: head and driver run with a temporary HOME, Ray directory and token (issue 17,
item 11), and a wrong address or token fails in seconds with one line (item 7)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import bevsim
from bevsim.cli import sweep_commands  # noqa: F401  (registers the commands)
from bevsim.cli.app import app
from bevsim.sweep import run_sweep

VARY = ["battery.cell_capacity_ah=120:200:20", "battery.chemistry=lfp,sodium-ion,nmc"]
SRC = os.path.dirname(os.path.dirname(bevsim.__file__))  # workers import this bevsim
pytestmark = [pytest.mark.ray, pytest.mark.slow]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(home: Path, token: str | None) -> dict[str, str]:
    """This process's environment without any Ray setting, with its own HOME and token."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RAY_")}
    env.update(HOME=str(home), PYTHONPATH=os.pathsep.join([SRC, env.get("PYTHONPATH", "")]))
    if token is not None:
        env.update(RAY_AUTH_MODE="token", RAY_AUTH_TOKEN=token)
    return env


@pytest.fixture(scope="module")
def ray_cluster(tmp_path_factory):
    """A one-node cluster of 2 CPUs on 127.0.0.1 with a temporary HOME, Ray directory and auth
    token, started for these tests and stopped with them (its own process group; other Ray
    clusters on the machine are not touched). Yields (address, token)."""
    pytest.importorskip("ray")
    ray_bin = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    port, token = _free_port(), uuid.uuid4().hex
    home = tmp_path_factory.mktemp("ray_home")
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
        env=isolated_env(home, token),
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert head.poll() is None, "ray start --head exited"
            time.sleep(0.5)
        else:
            pytest.fail("the Ray head did not come up in 60 s")
        yield f"127.0.0.1:{port}", token
    finally:
        os.killpg(head.pid, signal.SIGTERM)
        try:
            head.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(head.pid, signal.SIGKILL)
            head.wait()
        shutil.rmtree(temp_dir, ignore_errors=True)


def sweep_cli(args: list[str], env: dict[str, str], timeout_s: float = 240):
    """``bevsim sweep`` in its own process (a driver that shares no Ray state with pytest)."""
    command = [sys.executable, "-m", "bevsim.cli.main", "sweep", "ms11-lfp", *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=timeout_s)


def test_ray_executor_matches_local(ray_cluster, tmp_path):
    address, token = ray_cluster
    store = tmp_path / "ray.duckdb"
    args = [a for v in VARY for a in ("--vary", v)]
    args += ["--procedure", "cltc", "--cycle", "udds", "--chunk-size", "4"]
    env = isolated_env(tmp_path, token)
    remote = sweep_cli(
        [*args, "--executor", "ray", "--address", address, "--store", str(store)], env
    )
    assert remote.returncode == 0, remote.stderr[-3000:]
    local = run_sweep("ms11-lfp", VARY, procedures=["cltc"], cycles=["udds"], chunk_size=4)
    with duckdb.connect(str(store), read_only=True) as con:
        stored = con.execute("select * from results").df()
    assert len(stored) == len(local) == 5 * 3 * 2
    stored = stored.set_index("key").loc[local["key"]].reset_index()
    for column in local.columns:  # the store reads a missing value back as NA, not NaN
        missing = local[column].isna()
        assert (stored[column].isna() == missing).all(), column
        assert (local[column][~missing] == stored[column][~missing]).all(), column


def test_ray_runs_a_registry_procedure_like_local(ray_cluster, tmp_path):
    """A procedure that is not a range test or cycle (performance, with an option) on Ray."""
    address, token = ray_cluster
    store = tmp_path / "perf.duckdb"
    vary = ["drive.motors.0.peak_power_kw=150:250:50"]
    args = ["--vary", vary[0], "--procedure", "perf", "--option", "load_kg=150"]
    remote = sweep_cli(
        [*args, "--chunk-size", "1", "--executor", "ray", "--address", address]
        + ["--store", str(store)],
        isolated_env(tmp_path, token),
    )
    assert remote.returncode == 0, remote.stderr[-3000:]
    local = run_sweep("ms11-lfp", vary, ["perf"], options={"load_kg": "150"})
    with duckdb.connect(str(store), read_only=True) as con:
        stored = con.execute("select * from results").df().set_index("key").loc[local["key"]]
    assert len(stored) == 3 and set(stored["procedure"]) == {"perf[load_kg=150.0]"}
    for column in ("accel_0_100_kmh_s", "top_speed_kmh", "grade_30kmh_pct"):
        assert list(stored[column]) == list(local[column]), column


def test_stale_auth_token_is_one_line(ray_cluster, tmp_path):
    """A token left in ~/.ray/auth_token by an earlier session, not the cluster's."""
    address, _ = ray_cluster
    (tmp_path / ".ray").mkdir()
    (tmp_path / ".ray" / "auth_token").write_text(uuid.uuid4().hex, encoding="utf-8")
    for env in (isolated_env(tmp_path, None), isolated_env(tmp_path, uuid.uuid4().hex)):
        start = time.monotonic()
        vary = ["--vary", "body.drag_coefficient=0.2,0.22", "--store", str(tmp_path / "s.duckdb")]
        result = sweep_cli([*vary, "--executor", "ray", "--address", address], env, 120)
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert result.returncode == 2, result.stderr[-3000:]
        assert len(lines) == 1 and "auth token" in lines[0], result.stderr[-3000:]
        assert time.monotonic() - start < 60
        assert not (tmp_path / "s.duckdb").exists()


@pytest.mark.parametrize("address", ["127.0.0.1:1", "127.0.0.1:{free}", "nohost", "h:99999"])
def test_issue_example_wrong_address_fails_in_seconds(tmp_path, address):
    """`--executor ray --address 127.0.0.1:1` hung with log spam."""
    address = address.format(free=_free_port())
    start = time.monotonic()
    result = CliRunner().invoke(
        app,
        ["sweep", "ms11-lfp", "--vary", "body.drag_coefficient=0.2,0.22"]
        + ["--executor", "ray", "--address", address, "--store", str(tmp_path / "s.duckdb")],
    )
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith(f"error: --address {address}:"), result.output
    assert time.monotonic() - start < 10
    assert not (tmp_path / "s.duckdb").exists()
