"""One way for the physics functions to read a variant's parameter, wherever it lives.

Scalar code passes a params row (``p[column]``). The kernel's lane loops pass ``(block, lane)``:
the block holds its lanes' parameters as [PARAM_COLUMNS, LANES], so that the same parameter of
neighbouring lanes is contiguous and a SIMD loop over the lanes reads it with one vector load.
"""

from __future__ import annotations

from numba import types
from numba.extending import overload


def param(p, column):
    """Parameter ``column`` (an index of layout.P) of variant ``p``: a params row, or a
    (block [PARAM_COLUMNS, lanes], lane) pair."""
    if isinstance(p, tuple):
        block, lane = p
        return block[column, lane]
    return p[column]


@overload(param, inline="always")
def _param(p, column):
    if isinstance(p, types.BaseTuple):
        return lambda p, column: p[0][column, p[1]]
    return lambda p, column: p[column]
