"""Keep numba's on-disk cache of the kernel in step with the engine's sources.

numba invalidates a cached function only when the file that defines it changes, but the kernel
also bakes in constants from other modules (the column layout, the shared step functions that
charging.py uses). Before the kernel is imported, this drops the engine's cached machine code
whenever any engine source differs from the one it was compiled from.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parent
STAMP_NAME = "bevsim-engine-sources.sha256"


def engine_sources_digest() -> str:
    """SHA-256 over the engine's Python sources, in name order."""
    digest = hashlib.sha256()
    for path in sorted(ENGINE_DIR.glob("*.py")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def drop_stale_numba_cache(cache_dir: Path = ENGINE_DIR / "__pycache__") -> bool:
    """Delete cached kernel code compiled from other sources; True when something was dropped."""
    if not cache_dir.is_dir():
        return False
    stamp = cache_dir / STAMP_NAME
    current = engine_sources_digest()
    try:
        if stamp.read_text() == current:
            return False
    except OSError:
        pass
    stale = [*cache_dir.glob("*.nbi"), *cache_dir.glob("*.nbc")]
    for path in stale:
        path.unlink(missing_ok=True)
    try:
        stamp.write_text(current)
    except OSError:
        return bool(stale)
    return bool(stale)
