"""Cell chemistries as sourced, validated data: OCV(SOC) + R0 + one RC pair vs temperature.

Shipped ids: ``lfp`` (BYD Blade-class), ``sodium-ion`` (CATL-class), ``nmc`` (CATL Qilin-class,
LG M50 curve shape). Sources and derivations: ``data/SOURCES.md``.

>>> chem = load_chemistry("lfp")
>>> round(float(chem.r0_at(25.0, 0.5, 135.0)) * 1e3, 3)   # [mOhm], 135 Ah cell
0.444
"""

from .loader import ChemistryError, list_chemistries, load_chemistry
from .model import Chemistry, OcvTable, ResistanceTable

__all__ = [
    "Chemistry",
    "ChemistryError",
    "OcvTable",
    "ResistanceTable",
    "list_chemistries",
    "load_chemistry",
]
