"""The docs site builds with ``mkdocs build --strict`` (no broken link, no missing page) and
holds the generated pages: the CLI reference from the Typer app, the API from docstrings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
pytestmark = [pytest.mark.docs, pytest.mark.slow]

pytest.importorskip("mkdocs", reason="the docs extra is not installed: pip install '.[docs]'")
pytest.importorskip("material", reason="mkdocs-material is not installed: pip install '.[docs]'")


def test_site_builds_strict_with_generated_pages(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    cli = (tmp_path / "cli" / "index.html").read_text(encoding="utf-8")
    for command in ("bevsim report", "bevsim schema", "bevsim range", "bevsim winter"):
        assert command in cli, command
    api = (tmp_path / "api" / "index.html").read_text(encoding="utf-8")
    assert "range_test" in api and "ambient_temp_c" in api
    reference = (tmp_path / "vehicle-file" / "index.html").read_text(encoding="utf-8")
    assert "curb_kg" in reference and "dc_max_power_kw" in reference
    for page in (
        "validation",
        "validation_charging",
        "validation_winter",
        "benchmarks",
        "concepts",
    ):
        assert (tmp_path / page / "index.html").is_file(), page
