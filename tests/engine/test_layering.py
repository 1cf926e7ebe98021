"""Import layering, read from the source with ast (every import, also those inside functions):
outside bevsim.engine no module reaches into the kernel, the column layout or a private engine
name, and callers see the engine through its facade only; the data layers (spec,
chemistry, cycles) build on neither the engine nor autonomy."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
ENGINE_INTERNALS = ("bevsim.engine.layout", "bevsim.engine.kernel", "bevsim.engine.physics")
LAYOUT_OBJECTS = {"P", "TOT", "TR", "layout", "kernel"}
FACADE = "bevsim.engine.facade"


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / "bevsim").rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(path: Path, module: str) -> list[tuple[str, str | None, int]]:
    """(imported module, imported name or None, line) of every import in the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.extend((alias.name, None, node.lineno) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.extend((base, alias.name, node.lineno) for alias in node.names)
    return found


def _outside(prefix: str) -> list[tuple[str, Path]]:
    return [
        (m, p) for m, p in _modules().items() if not (m == prefix or m.startswith(prefix + "."))
    ]


def _engine_imports(prefix_exempt: str) -> list[tuple[str, str, str | None, int]]:
    rows = []
    for module, path in _outside("bevsim.engine"):
        if module.startswith(prefix_exempt):
            continue
        for target, name, line in _imports(path, module):
            if target == "bevsim.engine" or target.startswith("bevsim.engine."):
                rows.append((module, target, name, line))
    return rows


def test_the_scan_sees_the_callers():
    callers = {m for m, *_ in _engine_imports("bevsim.engine")}
    assert {"bevsim.autonomy.vehicle", "bevsim.procedures.dc_charge"} <= callers


def test_no_module_outside_the_engine_imports_its_internals():
    bad = []
    for module, target, name, line in _engine_imports("bevsim.engine"):
        internal = target.startswith(ENGINE_INTERNALS)
        private = name is not None and name.startswith("_")
        layout = name in LAYOUT_OBJECTS
        if internal or private or layout:
            bad.append(f"{module}:{line} imports {name or ''} from {target}")
    assert not bad, "\n".join(bad)


def test_callers_use_the_engine_through_its_facade():
    bad = [
        f"{module}:{line} imports {name or target} from {target}"
        for module, target, name, line in _engine_imports("bevsim.spec")
        if target != FACADE
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lower", ["bevsim.spec", "bevsim.chemistry", "bevsim.cycles"])
def test_the_data_layers_below_the_engine_do_not_import_it(lower):
    """spec, chemistry and cycles describe vehicles, cells and cycles; the engine builds on them
    (the per-unit loss map a drive unit is run from is spec's, spec/loss_map.py)."""
    bad = [
        f"{module}:{line} imports {target}"
        for module, path in _modules().items()
        if module.startswith(lower)
        for target, _, line in _imports(path, module)
        if target == "bevsim.engine" or target.startswith("bevsim.engine.")
    ]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("lower", ["bevsim.spec", "bevsim.chemistry", "bevsim.cycles"])
def test_lower_layers_do_not_import_autonomy(lower):
    bad = [
        f"{module}:{line} imports {target}"
        for module, path in _modules().items()
        if module.startswith(lower)
        for target, _, line in _imports(path, module)
        if target.startswith("bevsim.autonomy")
    ]
    assert not bad, "\n".join(bad)


def test_no_module_outside_the_engine_touches_compiled_parameter_rows():
    """Callers read a batch's parameters by name (CompiledBatch.column, a copy) and hand state
    to a run (VehicleState); the parameter matrix itself stays the engine's."""
    bad = [
        f"{module}:{node.lineno}"
        for module, path in _outside("bevsim.engine")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute) and node.attr == "params"
    ]
    assert not bad, "\n".join(bad)
