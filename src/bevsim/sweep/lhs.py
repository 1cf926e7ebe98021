"""A Latin hypercube generated block by block: memory flat in the number of points.

Point ``i`` of an ``n``-point hypercube has, in dimension ``j``, the value
``(perm_j(i) + u_ij) / n``: ``perm_j`` is a keyed pseudo-random permutation of ``0 .. n-1`` (a
Feistel network over the next power of four, walked until it lands inside ``n``) and ``u_ij`` a
uniform jitter in [0, 1) hashed from (seed, j, i). Every dimension therefore uses each of its
``n`` strata exactly once (a true Latin hypercube), any block ``[start, stop)`` is computed on
its own in O(stop - start) memory, and the points depend on the seed only, never on the block
size (a resumed sweep with another ``--chunk-size`` finds the same variants).
"""

from __future__ import annotations

import numpy as np

FEISTEL_ROUNDS = 4
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def lhs_block(dims: int, n: int, seed: int, start: int, stop: int) -> np.ndarray:
    """Points ``start .. stop-1`` of the ``n``-point, ``dims``-dimensional hypercube of
    ``seed``, as a (stop - start, dims) array in [0, 1)."""
    if not 0 <= start <= stop <= n:
        raise ValueError(f"block [{start}, {stop}) outside the {n} points")
    index = np.arange(start, stop, dtype=np.uint64)
    out = np.empty((stop - start, dims))
    for j in range(dims):
        key = _hash_int(seed * 1_000_003 + j)
        strata = _permute(index, n, key)
        jitter = _unit(_splitmix(index ^ np.uint64(_hash_int(key + 1))))
        out[:, j] = (strata.astype(np.float64) + jitter) / n
    return np.minimum(out, np.nextafter(1.0, 0.0))


def _permute(index: np.ndarray, n: int, key: int) -> np.ndarray:
    """``perm(index)``: a bijection of 0 .. n-1 keyed by ``key`` (cycle-walking Feistel)."""
    half = max(1, (max(n - 1, 1).bit_length() + 1) // 2)
    out = _feistel(index, half, key)
    outside = out >= n
    while outside.any():
        out[outside] = _feistel(out[outside], half, key)
        outside = out >= n
    return out


def _feistel(x: np.ndarray, half: int, key: int) -> np.ndarray:
    """A balanced Feistel network on ``2 * half``-bit integers (a bijection of that range)."""
    mask = np.uint64((1 << half) - 1)
    shift = np.uint64(half)
    left, right = x >> shift, x & mask
    for r in range(FEISTEL_ROUNDS):
        round_key = np.uint64(_hash_int(key + r))
        left, right = right, left ^ (_splitmix(right ^ round_key) & mask)
    return (left << shift) | right


def _splitmix(x: np.ndarray) -> np.ndarray:
    """SplitMix64's finaliser: a well-mixed 64-bit hash of each element (wrapping arithmetic)."""
    with np.errstate(over="ignore"):
        z = x + _GOLDEN
        z = (z ^ (z >> np.uint64(30))) * _MIX1
        z = (z ^ (z >> np.uint64(27))) * _MIX2
        return z ^ (z >> np.uint64(31))


def _hash_int(value: int) -> int:
    """SplitMix64 of a Python integer (taken modulo 2**64)."""
    return int(_splitmix(np.array([value % (1 << 64)], dtype=np.uint64))[0])


def _unit(bits: np.ndarray) -> np.ndarray:
    """Uniform floats in [0, 1) from the top 53 bits of 64-bit hashes."""
    return (bits >> np.uint64(11)).astype(np.float64) * (1.0 / (1 << 53))
