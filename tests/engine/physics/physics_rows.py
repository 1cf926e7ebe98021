"""Hand-made parameter rows and tables for the physics unit tests."""

from __future__ import annotations

import numpy as np

from bevsim.engine.layout import PARAM_COLUMNS, P
from bevsim.engine.tables import TEMP_GRID_C, Tables


def row(**values: float) -> np.ndarray:
    """A kernel parameter row: zeros but for the named columns (layout.P names)."""
    p = np.zeros(len(PARAM_COLUMNS))
    for name, value in values.items():
        p[getattr(P, name)] = value
    return p


def flat_tables(
    discharge_c: float = 3.0, charge_c: float = 1.0, regen_c: float = 2.0, n_soc: int = 11
) -> Tables:
    """One chemistry with flat tables: OCV 3.3 V + 0.8 V x SOC, R0 0.1 and R1 0.05 ohm Ah,
    tau 20 s, C-rate limits constant over temperature (regen limit 0 below 0 degC)."""
    n_temp = len(TEMP_GRID_C)
    soc = np.linspace(0.0, 1.0, n_soc)
    regen = np.where(TEMP_GRID_C < 0.0, 0.0, regen_c)
    return Tables(
        motor_loss_pu=np.zeros((1, 2, 3, 3)),
        ocv_v=(3.3 + 0.8 * soc)[None, :],
        r0_ohm_ah=np.full((1, n_temp, n_soc), 0.1),
        r1_ohm_ah=np.full((1, n_temp, n_soc), 0.05),
        tau1_s=np.full((1, n_temp, n_soc), 20.0),
        max_charge_c_rate=np.full((1, n_temp), charge_c),
        max_discharge_c_rate=np.full((1, n_temp), discharge_c),
        max_regen_c_rate=regen[None, :],
        min_voltage_v=np.array([2.5]),
        max_voltage_v=np.array([4.2]),
        charge_c_rate_map=np.ones((1, n_temp, n_soc)),
    )
