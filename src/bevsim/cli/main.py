"""The ``bevsim`` command line entry point: the app with every command registered."""

from bevsim.cli import library_commands, run_commands  # noqa: F401  (registers commands)
from bevsim.cli.app import app

__all__ = ["app"]

if __name__ == "__main__":
    app()
