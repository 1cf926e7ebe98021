"""Keep numba's on-disk cache of the engine in step with all of the engine's sources.

numba keys a cached function by its own file's timestamp, but the engine's functions inline
physics from other files (engine/physics/*.py) and bake in constants from others (the column
layout, bevsim/units.py). So every engine function is cached in a folder named after the digest
of all those sources: after any change to any of them the engine compiles into a fresh folder,
and code compiled from other sources is never loaded. Nothing is deleted or rewritten, so
processes that share the cache (Ray or process-pool workers, two checkouts) cannot race; old
folders are left for ``rm -r`` (they sit in the engine's ``__pycache__`` folders).

``register()`` (called by ``import bevsim.engine``) puts EngineCacheLocator first in numba's
list of cache locators; it only decides where numba looks, and writes nothing.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from numba.core.caching import CacheImpl, _CacheLocator

ENGINE_DIR = Path(__file__).resolve().parent
UNITS_FILE = ENGINE_DIR.parent / "units.py"
DIGEST_CHARS = 16
"""Hex digits of the sources' SHA-256 in the cache folder's name."""


def engine_sources(engine_dir: Path = ENGINE_DIR) -> list[Path]:
    """The Python files whose content the engine's compiled code depends on: every source under
    engine_dir (physics/ included) and bevsim/units.py next to it."""
    sources = sorted(engine_dir.rglob("*.py"))
    units = engine_dir.parent / UNITS_FILE.name
    return [*sources, units] if units.is_file() else sources


def engine_sources_digest(engine_dir: Path = ENGINE_DIR) -> str:
    """SHA-256 (hex) over the engine's sources' paths (relative to engine_dir's parent) and
    contents, in path order."""
    digest = hashlib.sha256()
    for path in engine_sources(engine_dir):
        digest.update(path.relative_to(engine_dir.parent).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def cache_folder_name(digest: str) -> str:
    """Name of the folder that holds code compiled from sources with this digest."""
    return f"bevsim-engine-{digest[:DIGEST_CHARS]}"


class EngineCacheLocator(_CacheLocator):
    """numba's usual locator for an engine function, its cache path one folder deeper: the
    folder of the engine sources' digest (cache_folder_name). Functions outside the engine
    are left to numba's other locators."""

    digest = ""
    """The digest of the engine's sources, set by register()."""

    def __init__(self, inner: _CacheLocator, digest: str):
        self._inner = inner
        self._cache_path = os.path.join(inner.get_cache_path(), cache_folder_name(digest))

    def get_cache_path(self) -> str:
        """The inner locator's folder / cache_folder_name(digest)."""
        return self._cache_path

    def get_source_stamp(self):
        """The function's own file's stamp, as numba has it."""
        return self._inner.get_source_stamp()

    def get_disambiguator(self) -> str:
        """As numba's locator for the function."""
        return self._inner.get_disambiguator()

    @classmethod
    def from_function(cls, py_func, py_file):
        """A locator for a function defined under the engine's folder, else None."""
        if not cls.digest or not Path(py_file).resolve().is_relative_to(ENGINE_DIR):
            return None
        for other in CacheImpl._locator_classes:
            if other is cls:
                continue
            inner = other.from_function(py_func, py_file)
            if inner is not None:
                break
        else:
            return None
        self = cls(inner, cls.digest)
        try:
            self.ensure_cache_path()
        except OSError:
            return None
        return self


def register() -> None:
    """Cache the engine's functions by the digest of its sources (EngineCacheLocator); once."""
    if EngineCacheLocator not in CacheImpl._locator_classes:
        EngineCacheLocator.digest = engine_sources_digest()
        CacheImpl._locator_classes.insert(0, EngineCacheLocator)
