"""The ``bevsim`` command line entry point: the app with every command registered.

Importing a command module registers its commands; the order here is the order of the
panels in ``bevsim --help`` (drive cycles first: the main job).
"""

from importlib import import_module

from bevsim.cli.app import app

COMMAND_MODULES = (
    "run_commands",
    "trip_commands",
    "calibrate_commands",
    "range_commands",
    "winter_commands",
    "perf_commands",
    "charge_commands",
    "procedure_commands",
    "report_commands",
    "sweep_commands",
    "lidar_commands",
    "adas_commands",
    "library_commands",
    "schema_commands",
)
for _module in COMMAND_MODULES:
    import_module(f"bevsim.cli.{_module}")

__all__ = ["app"]

if __name__ == "__main__":
    app()
