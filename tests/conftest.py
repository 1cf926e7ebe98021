"""Suite-wide guard: collecting the tests runs no simulation (validation tables and other
simulated results are built in fixtures, not at import)."""

import sys

import pytest
from numba.core.dispatcher import Dispatcher


def compiled_kernels() -> set[str]:
    """Names of bevsim's numba functions that have been compiled or loaded from the cache,
    i.e. called at least once in this process."""
    return {
        f"{module.__name__}.{name}"
        for module in list(sys.modules.values())
        if getattr(module, "__name__", "").startswith("bevsim")
        for name, value in list(vars(module).items())
        if isinstance(value, Dispatcher) and value.signatures
    }


def pytest_collection_finish(session):
    called = compiled_kernels()
    if called:
        raise pytest.UsageError(
            "test collection ran bevsim kernels (build simulated results in fixtures): "
            + ", ".join(sorted(called))
        )
