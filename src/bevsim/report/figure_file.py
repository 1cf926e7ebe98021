"""The matplotlib backend of every bevsim figure (Agg: files only, no display) and saving one.

Modules that draw import ``plt`` from here, so the backend is chosen in one place.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

from bevsim.files import write_atomically  # noqa: E402

__all__ = ["plt", "save_figure"]


def save_figure(fig, path: str | Path, dpi: int = 130) -> Path:
    """Save a matplotlib figure atomically (format from the suffix) and close it; ``dpi`` in
    dots per inch."""
    try:
        return write_atomically(path, lambda tmp: fig.savefig(tmp, dpi=dpi))
    finally:
        plt.close(fig)
