"""One way for the physics functions to read a variant's parameter, wherever it lives.

Scalar code passes a params row (``p[column]``). The kernel's lane loops pass ``(block, lane)``:
the block is one flat array that starts with its lanes' parameters, parameter j of lane k at
``block[j * LANES + k]``, so that the same parameter of neighbouring lanes is contiguous and a
SIMD loop over the lanes reads it with one vector load at a constant offset.
"""

from __future__ import annotations

from numba import types
from numba.extending import overload

LANES = 32
"""Variants the kernel steps side by side in one block (engine/kernel.py)."""


def param(p, column):
    """Parameter ``column`` (an index of layout.P) of variant ``p``: a params row, or a
    (block, lane) pair."""
    if isinstance(p, tuple):
        block, lane = p
        return block[column * LANES + lane]
    return p[column]


@overload(param, inline="always")
def _param(p, column):
    if isinstance(p, types.BaseTuple):
        return lambda p, column: p[0][column * LANES + p[1]]
    return lambda p, column: p[column]
