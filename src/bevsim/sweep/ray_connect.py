"""Connect the driver to a Ray cluster, failing fast and in one line.

``ray.init(address="127.0.0.1:1")`` retries for about a minute and logs every attempt; a token
the cluster does not accept (a stale ``~/.ray/auth_token`` from an earlier session) gives a long
multi-line error. Here a HOST:PORT is first probed with a TCP connect bounded by
PROBE_TIMEOUT_S, Ray's own logging is kept to errors, and connection failures become one
BevsimError line naming the address.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import sys
from collections.abc import Iterator
from typing import Any

from bevsim.errors import BevsimError

PROBE_TIMEOUT_S = 3.0
"""Wall time the TCP probe of a Ray address may take [s]."""
TOKEN_HELP = (
    "the cluster refuses this driver's Ray auth token, missing or not the cluster's (a stale "
    "~/.ray/auth_token?); set RAY_AUTH_MODE=token and RAY_AUTH_TOKEN or RAY_AUTH_TOKEN_PATH to "
    "the cluster's token"
)


def host_port(address: str) -> tuple[str, int]:
    """(host, port) of ``HOST:PORT`` or ``ray://HOST:PORT``; a BevsimError otherwise."""
    text = address.removeprefix("ray://")
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise BevsimError(f"--address {address}: expected HOST:PORT (e.g. 127.0.0.1:6379) or auto")
    return host.strip("[]"), int(port)


def probe(address: str, timeout_s: float = PROBE_TIMEOUT_S) -> None:
    """Raise a BevsimError unless something accepts a TCP connection at ``address``."""
    host, port = host_port(address)
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            pass
    except OSError as exc:
        why = exc.strerror or type(exc).__name__.replace("Error", " error").lower()
        if isinstance(exc, TimeoutError | socket.timeout):
            why = f"no answer in {timeout_s:g} s"
        raise BevsimError(
            f"--address {address}: no Ray cluster there ({why}); start one with "
            "'ray start --head' or give its HOST:PORT"
        ) from None


CONNECT_RETRIES_S = "5"
"""Seconds Ray's driver keeps retrying the cluster's GCS (``RAY_gcs_server_port_wait_time_s``;
Ray's default is about 20 s, each retry logged)."""


def connect(ray: Any, address: str | None) -> None:
    """``ray.init`` for a driver: probe a HOST:PORT first, bound Ray's retries and keep its
    logs to errors (environment variables the user has set are left as they are)."""
    if address not in (None, "auto"):
        probe(address)
        os.environ.setdefault("RAY_gcs_server_port_wait_time_s", CONNECT_RETRIES_S)
    os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "error")
    try:
        with _quiet_stderr():
            ray.init(
                address=address,
                log_to_driver=False,
                include_dashboard=False,
                configure_logging=True,
                logging_level=logging.ERROR,
            )
    except Exception as exc:
        text = " ".join(str(exc).split())
        if _is_token_error(exc):
            raise BevsimError(f"--address {address}: {TOKEN_HELP}") from None
        if isinstance(exc, ConnectionError | ValueError | RuntimeError | TimeoutError):
            first = text.split(". ")[0]
            raise BevsimError(f"--address {address}: cannot connect to Ray: {first}") from None
        raise


def _is_token_error(exc: BaseException) -> bool:
    """True when Ray's error, or one it was raised from, is an authentication failure."""
    seen: BaseException | None = exc
    while seen is not None:
        text = f"{type(seen).__name__} {seen}"
        if "AuthenticationError" in text or "InvalidAuthToken" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextlib.contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null: Ray's C++ client logs each retry there before its
    own logging is set up (failures still come back as exceptions)."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
