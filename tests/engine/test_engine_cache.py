"""The engine's numba cache: keyed by the digest of all engine sources, nothing deleted."""

import shutil
import subprocess
import sys
from pathlib import Path

from numba import njit

import bevsim.engine.kernel as kernel
from bevsim.engine import cache

PACKAGE = Path(cache.__file__).resolve().parents[1]


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(root)): (path.stat().st_mtime_ns, path.stat().st_size)
        for path in root.rglob("*")
        if path.is_file()
    }


def test_importing_the_engine_deletes_and_rewrites_nothing(tmp_path):
    """A stale cache file from other sources stays where it is: workers importing the engine
    side by side cannot pull files from under each other."""
    shutil.copytree(PACKAGE, tmp_path / "bevsim", ignore=shutil.ignore_patterns("__pycache__"))
    stale = tmp_path / "bevsim" / "engine" / "__pycache__" / "kernel.run_batch-1.py311.nbi"
    stale.parent.mkdir()
    stale.write_bytes(b"compiled from other sources")
    before = _files(tmp_path)
    code = "import bevsim.engine, bevsim.engine.kernel, bevsim.engine.charging"
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=tmp_path)
    after = _files(tmp_path)
    assert {name: after.get(name) for name in before} == before
    assert stale.read_bytes() == b"compiled from other sources"


def test_a_change_in_any_engine_source_gives_another_cache_folder(tmp_path):
    engine = tmp_path / "bevsim" / "engine"
    shutil.copytree(PACKAGE / "engine", engine, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PACKAGE / "units.py", engine.parent / "units.py")
    sources = {p.relative_to(engine.parent).as_posix() for p in cache.engine_sources(engine)}
    assert {"engine/kernel.py", "engine/physics/regen.py", "units.py"} <= sources
    original = cache.engine_sources_digest(engine)
    assert original == cache.engine_sources_digest(PACKAGE / "engine")
    for changed in (engine / "physics" / "regen.py", engine.parent / "units.py"):
        text = changed.read_text()
        changed.write_text(text + "\n# changed\n")
        digest = cache.engine_sources_digest(engine)
        assert digest != original
        assert cache.cache_folder_name(digest) != cache.cache_folder_name(original)
        changed.write_text(text)
    assert cache.engine_sources_digest(engine) == original


def test_engine_functions_are_cached_in_their_sources_folder():
    folder = cache.cache_folder_name(cache.engine_sources_digest())
    assert Path(kernel.run_batch._cache._cache_path).name == folder


def test_functions_outside_the_engine_keep_numbas_own_locator():
    @njit(cache=True)
    def outside(x):
        return x + 1

    assert cache.EngineCacheLocator.from_function(outside.py_func, __file__) is None
