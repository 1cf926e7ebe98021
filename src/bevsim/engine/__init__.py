"""The one time-stepping kernel, batched over vehicles, and what feeds it."""

from bevsim.engine.cache import register

register()
