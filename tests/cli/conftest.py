"""Fixtures shared by the CLI tests: an in-process runner and an empty working folder."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """An empty folder, made the current one so relative output paths land in it."""
    monkeypatch.chdir(tmp_path)
    return tmp_path
