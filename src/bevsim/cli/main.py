"""The ``bevsim`` command line entry point: the app with every command registered."""

from bevsim.cli import (  # noqa: F401  (importing registers the commands)
    adas_commands,
    charge_commands,
    library_commands,
    lidar_commands,
    perf_commands,
    range_commands,
    run_commands,
    sweep_commands,
    winter_commands,
)
from bevsim.cli.app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
