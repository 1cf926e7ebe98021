"""Drive cycles: built-in regulatory cycles and user CSVs, validated at the edge."""

from bevsim.cycles.model import Cycle, list_cycles, load_cycle

__all__ = ["Cycle", "list_cycles", "load_cycle"]
