"""Shared lookup tables on uniform grids: motor loss maps and cell chemistries.

Variants refer to them by index (``motor_map_index``, ``chemistry_index``), so a million variants
share a handful of tables. Uniform grids make each lookup two multiplies and a gather.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from bevsim.chemistry import Chemistry
from bevsim.spec.loss_map import LossMap, loss_map
from bevsim.spec.motor_map import EfficiencyMap

SOC_GRID = np.linspace(0.0, 1.0, 101)
TEMP_GRID_LO_C = -40.0
TEMP_GRID_HI_C = 60.0
TEMP_GRID_STEP_C = 5.0
TEMP_GRID_C = np.arange(TEMP_GRID_LO_C, TEMP_GRID_HI_C + 1e-9, TEMP_GRID_STEP_C)
"""The chemistry tables' cell-temperature grid [degC] (uniform: the kernel finds a temperature's
cell from TEMP_GRID_LO_C and TEMP_GRID_STEP_C)."""


class Tables(NamedTuple):
    """Stacked tables: motor loss maps [n_maps, speed, torque], chemistry tables [n_chem, ...]."""

    motor_loss_pu: np.ndarray  # [n_maps, motoring|generating, speed, |torque|], per-unit loss
    ocv_v: np.ndarray  # [n_chem, soc]
    r0_ohm_ah: np.ndarray  # [n_chem, temp, soc]
    r1_ohm_ah: np.ndarray
    tau1_s: np.ndarray
    max_charge_c_rate: np.ndarray  # [n_chem, temp]
    max_discharge_c_rate: np.ndarray
    max_regen_c_rate: np.ndarray
    min_voltage_v: np.ndarray  # [n_chem]
    max_voltage_v: np.ndarray
    charge_c_rate_map: np.ndarray  # [n_chem, temp, soc], allowed DC charge C-rate


def build_tables(maps: list[EfficiencyMap | LossMap], chemistries: list[Chemistry]) -> Tables:
    """Resample the given (normalised) efficiency maps, or take the given loss maps, and the
    chemistries onto the kernel grids."""
    chem = [c.resampled(SOC_GRID, TEMP_GRID_C) for c in chemistries]
    return Tables(
        motor_loss_pu=np.stack(
            [m.loss_pu if isinstance(m, LossMap) else loss_map(m) for m in maps]
        ),
        ocv_v=np.stack([c["ocv_v"] for c in chem]),
        r0_ohm_ah=np.stack([c["r0_ohm_ah"] for c in chem]),
        r1_ohm_ah=np.stack([c["r1_ohm_ah"] for c in chem]),
        tau1_s=np.stack([c["tau1_s"] for c in chem]),
        max_charge_c_rate=np.stack([c["max_charge_c_rate"] for c in chem]),
        max_discharge_c_rate=np.stack([c["max_discharge_c_rate"] for c in chem]),
        max_regen_c_rate=np.stack([c["max_regen_c_rate"] for c in chem]),
        min_voltage_v=np.array([c.min_voltage_v for c in chemistries]),
        max_voltage_v=np.array([c.max_voltage_v for c in chemistries]),
        charge_c_rate_map=np.stack([c["charge_c_rate_map"] for c in chem]),
    )
