"""The one time-stepping kernel, batched over vehicles, and what feeds it."""

from bevsim.engine.cache import drop_stale_numba_cache

drop_stale_numba_cache()
