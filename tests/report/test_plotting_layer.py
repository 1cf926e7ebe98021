"""Plotting lives in bevsim.report only: no other module of the package imports matplotlib
(an AST scan of every source file, so a lazy import inside a function counts too)."""

from __future__ import annotations

import ast
from pathlib import Path

import bevsim

PACKAGE = Path(bevsim.__file__).resolve().parent
REPORT = PACKAGE / "report"


def imported_roots(path: Path) -> set[str]:
    """Top-level package names a module imports anywhere in its body."""
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_the_scan_sees_lazy_imports(tmp_path):
    source = tmp_path / "lazy.py"
    source.write_text("def f():\n    from matplotlib.patches import Polygon\n    return Polygon\n")
    assert "matplotlib" in imported_roots(source)


def test_only_bevsim_report_imports_matplotlib():
    outside = [
        str(path.relative_to(PACKAGE))
        for path in sorted(PACKAGE.rglob("*.py"))
        if REPORT not in path.parents and "matplotlib" in imported_roots(path)
    ]
    assert outside == []


def test_bevsim_report_draws_with_matplotlib():
    drawing = [p.name for p in sorted(REPORT.glob("*.py")) if "matplotlib" in imported_roots(p)]
    assert "figure_file.py" in drawing
