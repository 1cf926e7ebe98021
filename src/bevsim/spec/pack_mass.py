"""Pack mass from the cells: cell mass (gross energy over the cells' specific energy) over the
cell-to-pack mass ratio of the pack type.

A vehicle file's ``mass.curb_kg`` already holds its own pack. When a sweep changes the pack
(energy, cells, chemistry or pack type), the variant's curb mass follows the pack:
``curb_kg + pack_mass_kg(variant) - pack_mass_kg(base)`` (``bevsim.sweep.pack_axes``).
"""

from __future__ import annotations

from bevsim.chemistry import Chemistry

CELL_TO_PACK_MASS_RATIO = {
    "cell_to_pack": 0.80,
    "module": 0.70,
}
"""Mass of the cells as a share of the whole pack's mass [-], by pack type.

- ``module`` 0.70: the Tesla Model 3's module pack is put at "around 70 %" cells by mass
  (valipod.com, "Cell to Pack Mass Ratio in Battery Pack Design and Performance"; batterydesign.net
  defines the metric, "Cell to Pack Mass Ratio") [U: secondary estimate].
- ``cell_to_pack`` 0.80: CATL gives a "system integration efficiency" above 80 % for its
  cell-to-pack sodium-ion pack (shared/data/chemistry/FACTS.md 1a) [U: whether by mass is not
  stated]; cell-to-pack packs gain 10-20 % pack energy density over module packs (evkx.net,
  "Cell-to-Pack (CTP)"), 0.70 x 1.10-1.20 = 0.77-0.84 [D]. The BYD Blade's ~140-150 Wh/kg pack
  on 160 Wh/kg cells (FACTS.md 2) would be 0.88-0.94 [U: pack figure of unclear level].
"""


def pack_mass_kg(gross_energy_wh: float, chemistry: Chemistry, pack_type: str) -> float:
    """Pack mass [kg] of a pack of ``gross_energy_wh`` [Wh]: cell mass from the chemistry's
    cell specific energy [Wh/kg] over the pack type's cell-to-pack mass ratio [-]."""
    cell_mass_kg = gross_energy_wh / chemistry.specific_energy_wh_per_kg
    return cell_mass_kg / CELL_TO_PACK_MASS_RATIO[pack_type]
