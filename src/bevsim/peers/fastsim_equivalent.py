"""bevsim set up as FASTSim's 2022 Tesla Model 3 RWD: the same parameters as a VehicleSpec and
Conditions, and FASTSim's motor model as a bevsim efficiency map (side-by-side peer runs).

Reads the parameters through :func:`bevsim.peers.fastsim_peer.model3_parameters`, so FASTSim
must be installed to call these functions (not to import the module).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from bevsim.peers.fastsim_peer import efficiency_at, model3_parameters

PEER_GEAR_RATIO = 9.0
PEER_MAX_SPEED_RPM = 12000.0
PEER_PEAK_TORQUE_NM = 400.0
"""FASTSim's motor has a power limit only; bevsim's envelope needs a torque and a speed. These
values never bind on UDDS or HWFET (peak need about 110 N m and 7,000 rpm) and keep the
normalised map fine enough (0.01 steps) to resolve FASTSim's 0.02 power-fraction steps."""


def write_peer_motor_map(path: Path, params: dict[str, Any] | None = None) -> Path:
    """Write FASTSim's motor model as a bevsim two-quadrant efficiency map CSV at ``path``.

    Motoring: FASTSim's step-lower lookup of efficiency at power fraction
    x = |P_shaft| / P_peak; generating: FASTSim's fixed regen efficiency. Axes are normalised
    to PEER_MAX_SPEED_RPM and PEER_PEAK_TORQUE_NM.
    """
    p = params or model3_parameters()
    grid_x = p["motor_efficiency_power_fraction"]
    values = p["motor_efficiency"]
    corner_w = PEER_PEAK_TORQUE_NM * PEER_MAX_SPEED_RPM * 2.0 * np.pi / 60.0
    lines = ["speed_fraction,torque_fraction,efficiency"]
    for s in np.linspace(0.0, 1.0, 101):
        for t in np.linspace(-1.0, 1.0, 201):
            if t < 0:
                eff = p["regen_motor_efficiency"]
            else:
                fraction = min(s * t * corner_w / p["motor_peak_power_w"], 1.0)
                eff = efficiency_at(fraction, grid_x, values, "step_lower")
            lines.append(f"{s:.4f},{t:.4f},{eff:.6f}")
    path.write_text("\n".join(lines) + "\n")
    return path


def bevsim_model3_equivalent(map_path: Path) -> tuple[Any, Any]:
    """A bevsim VehicleSpec and Conditions carrying FASTSim's Model 3 parameters.

    Same mass (no test load), drag, air density, rolling resistance, wheel radius and wheel
    inertia, motor power and efficiency model, transmission efficiency, accessory load,
    battery energy, SOC window, start SOC and power limits; regen at all speeds. The battery
    is bevsim's LFP equivalent circuit, so compare terminal (electrical) energy.
    """
    from bevsim.engine.facade import ROLLING_RESISTANCE_REFERENCE_C, Conditions
    from bevsim.spec import vehicle_from_dict

    p = model3_parameters()
    write_peer_motor_map(map_path, p)
    max_power_kw = p["battery_max_power_w"] / 1000.0
    spec = vehicle_from_dict(
        {
            "id": "fastsim-model3-equivalent",
            "name": f"bevsim with FASTSim {p['fastsim_version']} '{p['vehicle']}' parameters",
            "mass": {
                "curb_kg": p["mass_kg"],
                "rotating_equivalent_kg": p["equivalent_wheel_inertia_mass_kg"],
            },
            "body": {
                "drag_coefficient": p["drag_coefficient"],
                "frontal_area_m2": p["frontal_area_m2"],
            },
            "tires": {
                "rolling_resistance_coefficient": p["rolling_resistance_coefficient"],
                "radius_m": p["wheel_radius_m"],
            },
            "drive": {
                "layout": "rwd",
                "motors": [
                    {
                        "axle": "rear",
                        "peak_power_kw": p["motor_peak_power_w"] / 1000.0,
                        "peak_torque_nm": PEER_PEAK_TORQUE_NM,
                        "max_speed_rpm": PEER_MAX_SPEED_RPM,
                        "efficiency_map": str(map_path),
                    }
                ],
                "gear_ratio": PEER_GEAR_RATIO,
                "driveline_efficiency": p["transmission_efficiency"],
                "tire_road_friction": p["wheel_friction_coefficient"],
                "regen_min_speed_kmh": p["regen_min_speed_mps"] * 3.6,
            },
            "battery": {
                "chemistry": "lfp",
                "gross_energy_kwh": p["battery_energy_j"] / 3.6e6,
                "nominal_voltage_v": 340.0,
                "soc_min": p["battery_soc_min"],
                "soc_max": p["battery_soc_max"],
                "max_discharge_power_kw": max_power_kw,
                "max_charge_power_kw": max_power_kw,
            },
            "accessories": {"base_power_w": p["accessory_power_w"]},
        },
        source="FASTSim peer",
    )
    conditions = Conditions(
        added_mass_kg=0.0,
        initial_soc=p["battery_initial_soc"],
        air_density_kg_per_m3=p["air_density_kg_per_m3"],
        # FASTSim's rolling resistance has no temperature term: run at the 25 degC reference
        # of bevsim's tire correction (ISO 28580), where the correction is 1, on warmed-up
        # tires (no warm-up transient).
        ambient_temp_c=ROLLING_RESISTANCE_REFERENCE_C,
        warm_tires=True,
    )
    return spec, conditions
