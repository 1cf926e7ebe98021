"""NREL FASTSim 3.1 built from EPA Test Car List rows, to run beside bevsim on the same inputs.

FASTSim models road load as rolling resistance ``m g Crr`` plus drag ``0.5 rho Cd A v^2``; a
TCL row gives the coast-down curve ``f0 + f1 v + f2 v^2`` instead. The curve is mapped onto
FASTSim's two terms by least squares over 0-130 km/h (:func:`fastsim_road_load`). Everything
else is FASTSim's own 2022 Model 3 RWD (its one shipped Model 3, thermal model stripped), with
the test weight, rated power and drive of the row. FASTSim is a test/benchmark dependency; it is
imported inside functions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from bevsim.peers.fastsim_peer import GRAVITY_M_PER_S2, fastsim_module, load_model3_vehicle
from bevsim.validation.epa_tcl import TclRow

AIR_DENSITY_KG_PER_M3 = 1.172
"""FASTSim 3.1's air density at its default 180 m elevation (``Air.get_density``)."""
FIT_SPEEDS_KMH = np.linspace(0.0, 130.0, 27)
FASTSIM_DRIVE = {"FWD": "FWD", "RWD": "RWD", "AWD": "AWD"}
PACK_ENERGY_J = 75.0 * 3.6e6
"""Usable pack energy given to every car (FASTSim's label needs one; raw per-mile results do
not depend on it); the same 75 kWh class default as the bevsim side."""


def fastsim_road_load(row: TclRow, frontal_area_m2: float) -> tuple[float, float]:
    """(Crr [-], Cd [-]) whose FASTSim road load best matches the row's coast-down curve
    over 0-130 km/h, for a frontal area [m^2] (least squares in newtons)."""
    v_kmh = FIT_SPEEDS_KMH
    force_n = row.f0_n + row.f1_n_per_kmh * v_kmh + row.f2_n_per_kmh2 * v_kmh**2
    v_mps = v_kmh / 3.6
    basis = np.column_stack(
        [np.full_like(v_mps, row.etw_kg * GRAVITY_M_PER_S2), 0.5 * AIR_DENSITY_KG_PER_M3 * v_mps**2]
    )
    (crr, cda), *_ = np.linalg.lstsq(basis, force_n, rcond=None)
    return float(crr), float(cda / frontal_area_m2)


def fastsim_vehicle_dict(row: TclRow) -> dict[str, Any]:
    """FASTSim's Model 3 RWD as a dict, with the row's test weight, road load, power, drive."""
    d = load_model3_vehicle(thermal=False).to_dict()
    chassis = d["chassis"]
    crr, cd = fastsim_road_load(row, chassis["frontal_area_square_meters"])
    chassis["wheel_rr_coef"] = crr
    chassis["drag_coef"] = cd
    chassis["drive_type"] = FASTSIM_DRIVE[row.drive]
    d["mass_kilograms"] = row.etw_kg
    bev = d["pt_type"]["BEV"]
    bev["em"]["pwr_out_max_watts"] = 1000.0 * row.rated_power_kw
    bev["res"]["pwr_out_max_watts"] = 1.1 * 1000.0 * row.rated_power_kw
    bev["res"]["energy_capacity_joules"] = PACK_ENERGY_J
    d["name"] = row.vehicle_id
    return d


def fastsim_results(rows: Sequence[TclRow]) -> pd.DataFrame:
    """FASTSim 3.1's raw UDDS and HWFET wall consumption [kWh/100 mi] for each row: its label
    routine's unadjusted battery energy per mile over its fixed charger efficiency."""
    fsim = fastsim_module()
    out = []
    for row in rows:
        veh = fsim.Vehicle.from_dict(fastsim_vehicle_dict(row))
        label = json.loads(fsim.get_label_fe(veh).to_json())
        charger_efficiency = label["adj_comb_ess_kwh_per_mi"] / label["adj_comb_kwh_per_mi"]
        out.append(
            {
                "vehicle_id": row.vehicle_id,
                "udds": 100.0 * label["lab_udds_kwh_per_mi"] / charger_efficiency,
                "hwy": 100.0 * label["lab_hwy_kwh_per_mi"] / charger_efficiency,
            }
        )
    return pd.DataFrame(out)
