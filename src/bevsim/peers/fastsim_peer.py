"""NREL FASTSim 3.1 as a peer: the 2022 Tesla Model 3 RWD, its parameters, runs and timing.

FASTSim is a test and benchmark dependency only (``pip install 'fastsim==3.1.*'``); this module
imports it inside functions, so ``import bevsim.peers.fastsim_peer`` works without it.

What FASTSim computes each step, and which conventions bevsim must copy to agree with it, is
written out with source citations in ``docs/peers/fastsim.md``. In short (FASTSim 3.1.0):

- road load per step ``i`` with ``dt = t[i] - t[i-1]`` [s] and ``v_avg = (v[i-1] + v[i]) / 2``:
  drag ``0.5 rho Cd A v_avg^3`` with ``rho = fastsim.Air.get_density()`` (1.1728 kg/m3, not 1.2);
  rolling ``m g Crr v_avg`` with ``g = 9.80``; acceleration ``m (v[i]^2 - v[i-1]^2) / (2 dt)``;
  wheel inertia ``0.5 I n_wheels ((v[i]/r)^2 - (v[i-1]/r)^2) / dt``;
- transmission: ``P_in = P_out / eta`` when ``P_out > 0`` else ``P_out * eta``;
- motor: efficiency is a *step* (left-nearest) lookup over ``P_shaft / P_peak`` clipped at 0, so
  regen always uses the efficiency at zero load (0.84 for this car); ``P_elec = P_shaft / eff``
  motoring, ``P_shaft * eff`` regenerating; all braking is regenerated up to the power limits
  (no minimum speed, no friction-brake share);
- battery: terminal power ``P_term = P_elec + P_aux``; chemical ``P_term / eta`` when
  discharging, ``P_term * eta`` when charging (constant one-way ``eta``); ``SOC -= P_chem dt / E``;
  a BEV run starts at ``max_soc``.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

FASTSIM_MODEL3_RESOURCE: str = "2022 Tesla Model 3 RWD thrml.yaml"
"""FASTSim 3.1 vehicle resource for the 2022 Tesla Model 3 RWD (the only Model 3 it ships; it
carries a cabin/HVAC/battery thermal model, which at the built-in cycles' 22 degC ambient adds no
HVAC load; ``thermal=False`` in :func:`run_model3` strips it and gives identical energies)."""

FASTSIM_CYCLES: dict[str, str] = {"udds": "udds.csv", "hwfet": "hwfet.csv", "hwy": "hwfet.csv"}
"""bevsim cycle name -> FASTSim built-in cycle resource."""

GRAVITY_M_PER_S2: float = 9.80
"""Gravity [m/s2] compiled into FASTSim 3.1 (``fastsim-core/src/uc.rs:78-84``, "9.8015... rounded
to 3 sig figs"); not exposed to Python, so stated here."""

_MOTOR_STRATEGY_NAMES = {
    "LeftNearest": "step_lower",
    "Lower": "step_lower",
    "RightNearest": "step_upper",
    "Upper": "step_upper",
    "Linear": "linear",
    "Nearest": "nearest",
}


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def fastsim_module():
    """Import and return the ``fastsim`` module, with an install hint when missing."""
    try:
        import fastsim
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError(
            "FASTSim is a test/benchmark dependency of bevsim: pip install 'fastsim==3.1.*'"
        ) from err
    return fastsim


def _cycle_resource(cycle: str) -> str:
    """Map a bevsim cycle name ('udds', 'hwfet') to a FASTSim built-in cycle resource name."""
    from bevsim.errors import CycleError, did_you_mean

    key = cycle.lower().removesuffix(".csv")
    if key not in FASTSIM_CYCLES:
        raise CycleError(
            f"FASTSim peer: unknown cycle '{cycle}'; FASTSim 3.1 ships {sorted(FASTSIM_CYCLES)}."
            + did_you_mean(key, sorted(FASTSIM_CYCLES))
        )
    return FASTSIM_CYCLES[key]


def _plain(x: Any) -> list[float]:
    """FASTSim array (a list, or msgpack's ``{'v','dim','data'}`` ndarray form) -> list."""
    if isinstance(x, dict) and "data" in x:
        x = x["data"]
    return [float(v) for v in x]


def _scalar_eff(x: Any, what: str) -> float:
    """A constant FASTSim efficiency (``0.98`` or ``{'Constant': 0.98}``) -> float."""
    if isinstance(x, int | float):
        return float(x)
    if isinstance(x, dict) and "Constant" in x:
        return float(x["Constant"])
    raise NotImplementedError(f"FASTSim peer: {what} is not a constant efficiency: {x!r}")


def _strategy_name(strategy: Any) -> str:
    """FASTSim/ninterp 1-D strategy (``{'Step': 'Lower'}``, ``'LeftNearest'``, ...) -> name."""
    if isinstance(strategy, dict):
        ((_, inner),) = strategy.items()
        strategy = inner
    return _MOTOR_STRATEGY_NAMES.get(str(strategy), str(strategy))


def efficiency_at(fraction: float, grid: list[float], values: list[float], strategy: str) -> float:
    """Evaluate the motor efficiency table at ``fraction`` [-] the way FASTSim does."""
    g = np.asarray(grid)
    v = np.asarray(values)
    if strategy == "step_lower":
        return float(v[max(int(np.searchsorted(g, fraction, side="right")) - 1, 0)])
    if strategy == "linear":
        return float(np.interp(fraction, g, v))
    raise NotImplementedError(f"FASTSim peer: motor efficiency strategy '{strategy}'")


def load_model3_vehicle(thermal: bool = True, initial_soc: float | None = None):
    """Build the FASTSim Model 3 ``Vehicle``; optionally strip the thermal model / set SOC."""
    fsim = fastsim_module()
    veh = fsim.Vehicle.from_resource(FASTSIM_MODEL3_RESOURCE)
    if thermal and initial_soc is None:
        return veh
    d = veh.to_dict()
    if not thermal:
        d["cabin"] = "None"
        d["hvac"] = "None"
        d["pt_type"]["BEV"]["res"]["thrml"] = "None"
    if initial_soc is not None:
        res = d["pt_type"]["BEV"]["res"]
        lo, hi = float(res["min_soc"]), float(res["max_soc"])
        if not lo <= initial_soc <= hi:
            raise ValueError(
                f"FASTSim peer: initial_soc={initial_soc} is outside FASTSim's [{lo}, {hi}]"
            )
        res["state"]["soc"] = float(initial_soc)
    return fsim.Vehicle.from_dict(d)


class FastsimRun(dict):
    """Result of :func:`run_model3`: a plain dict (picklable) whose ``str()`` is a summary."""

    def __str__(self) -> str:
        km = self["distance_m"] / 1e3
        kwh = self["battery_electrical_energy_j"] / 3.6e6
        return (
            f"FASTSim {self['fastsim_version']} | {self['vehicle']} | {self['cycle']}: "
            f"{km:.3f} km, battery terminal {kwh:.4f} kWh net "
            f"({self['battery_electrical_kwh_per_100km']:.2f} kWh/100 km), "
            f"chemical {self['battery_chemical_energy_j'] / 3.6e6:.4f} kWh, "
            f"aux {self['accessory_energy_j'] / 3.6e6:.4f} kWh, "
            f"SOC {self['initial_soc']:.4f} -> {self['final_soc']:.4f}, "
            f"trace met: {self['trace_met']}"
        )


# --------------------------------------------------------------------------------------------
# public API
# --------------------------------------------------------------------------------------------


def model3_parameters(thermal: bool = True) -> dict[str, Any]:
    """Every parameter bevsim needs to reproduce FASTSim's Model 3 runs, read from FASTSim now.

    SI units, unit in each key name. Keys:

    - ``mass_kg`` [kg]: the mass the sim uses (``Vehicle.mass``, given directly; no cargo or
      component masses are added). ``gravity_m_per_s2`` [m/s2] (compiled constant, 9.80).
    - ``drag_coefficient`` [-], ``frontal_area_m2`` [m2], ``air_density_kg_per_m3`` [kg/m3]: the
      density drag uses (``Air::get_density(None, None)``: 180 m, 22 degC -> 1.1728);
      ``air_density_speed_solver_kg_per_m3`` [kg/m3]: 1.2, used only by the trace-miss solver.
    - ``rolling_resistance_coefficient`` [-] (applied to ``mass_kg``, no speed dependence).
    - ``wheel_radius_m`` [m], ``wheel_inertia_kg_m2`` [kg m2] per wheel, ``num_wheels`` [-],
      ``equivalent_wheel_inertia_mass_kg`` [kg] = ``num_wheels * I / r^2`` (derived).
    - ``motor_peak_power_w`` [W] (shaft), ``motor_efficiency_power_fraction`` [-] (shaft power /
      peak), ``motor_efficiency`` [-] (same length), ``motor_efficiency_interpolation``
      (``'step_lower'``: left-nearest table value), ``regen_motor_efficiency`` [-] (efficiency
      applied to all regen: the table at fraction 0).
    - ``transmission_efficiency`` [-] (constant; divides when motoring, multiplies in regen).
    - ``battery_energy_j`` [J] (SOC 0..1), ``battery_usable_energy_j`` [J],
      ``battery_efficiency`` [-] (one-way, constant), ``battery_round_trip_efficiency`` [-]
      (= one-way squared), ``battery_soc_min``/``battery_soc_max``/``battery_initial_soc`` [-],
      ``battery_max_power_w`` [W] (terminal, charge and discharge).
    - ``accessory_power_w`` [W] (constant, drawn at the battery terminals).
    - ``regen_fraction_of_braking`` [-] (1.0), ``regen_min_speed_mps`` [m/s] (0.0),
      ``regen_max_shaft_power_w`` [W] (static limit: motor peak).
    - ``wheel_friction_coefficient`` [-], ``drive_axle_weight_fraction`` [-], ``cg_height_m``
      [m], ``wheelbase_m`` [m], ``drive_type``, ``max_traction_accel_m_per_s2`` [m/s2] (the
      traction speed ceiling's acceleration, derived as FASTSim does).
    - provenance: ``fastsim_version``, ``resource``, ``vehicle``, ``thermal_model``.
    """
    fsim = fastsim_module()
    veh = load_model3_vehicle(thermal=thermal)
    d = veh.to_dict()
    bev = d["pt_type"]["BEV"]
    ch = d["chassis"]
    em = bev["em"]
    res = bev["res"]

    mass_kg = d.get("mass_kilograms")
    if mass_kg is None:  # derived mass: read what the sim itself uses
        sd = fsim.SimDrive(veh, fsim.Cycle.from_resource("udds.csv"))
        sd.run()
        mass_kg = sd.to_dict()["veh"]["state"]["mass_kilograms"]
    mass_kg = float(mass_kg)

    grid = _plain(em["eff_interp_achieved"]["data"]["grid"][0])
    values = _plain(em["eff_interp_achieved"]["data"]["values"])
    strategy = _strategy_name(em["eff_interp_achieved"]["strategy"])
    eta_b = _scalar_eff(res["eff_interp"], "battery eff_interp")

    r = float(ch["wheel_radius_meters"])
    inertia = float(ch["wheel_inertia_kilogram_square_meters"])
    n_wheels = int(ch["num_wheels"])
    mu = float(ch["wheel_fric_coef"])
    drive_frac = float(ch["drive_axle_weight_frac"])
    cg = abs(float(ch["cg_height_meters"]))
    wheelbase = float(ch["wheel_base_meters"])
    drive_type = str(ch["drive_type"])
    sign = {"FWD": 1.0, "RWD": -1.0}.get(drive_type, 0.0)  # vehicle_model.rs:976-980
    sim_params = fsim.SimParams.default().to_dict()
    max_trac_accel = mu * drive_frac * GRAVITY_M_PER_S2 / (1.0 + sign * cg * mu / wheelbase)

    return {
        "fastsim_version": fsim.__version__,
        "resource": FASTSIM_MODEL3_RESOURCE,
        "vehicle": d["name"],
        "thermal_model": thermal,
        # chassis / road load
        "mass_kg": mass_kg,
        "gravity_m_per_s2": GRAVITY_M_PER_S2,
        "drag_coefficient": float(ch["drag_coef"]),
        "frontal_area_m2": float(ch["frontal_area_square_meters"]),
        "air_density_kg_per_m3": float(fsim.Air.get_density(None, None)),
        "air_density_speed_solver_kg_per_m3": 1.2 if sim_params["f2_const_air_density"] else None,
        "rolling_resistance_coefficient": float(ch["wheel_rr_coef"]),
        "wheel_radius_m": r,
        "wheel_inertia_kg_m2": inertia,
        "num_wheels": n_wheels,
        "equivalent_wheel_inertia_mass_kg": n_wheels * inertia / r**2,
        # motor + driveline
        "motor_peak_power_w": float(em["pwr_out_max_watts"]),
        "motor_efficiency_power_fraction": grid,
        "motor_efficiency": values,
        "motor_efficiency_interpolation": strategy,
        "regen_motor_efficiency": efficiency_at(0.0, grid, values, strategy),
        "transmission_efficiency": _scalar_eff(
            bev["transmission"]["eff_interp"], "transmission eff_interp"
        ),
        # battery
        "battery_energy_j": float(res["energy_capacity_joules"]),
        "battery_usable_energy_j": float(res["energy_capacity_joules"])
        * (float(res["max_soc"]) - float(res["min_soc"])),
        "battery_efficiency": eta_b,
        "battery_round_trip_efficiency": eta_b**2,
        "battery_soc_min": float(res["min_soc"]),
        "battery_soc_max": float(res["max_soc"]),
        "battery_initial_soc": float(res["max_soc"]),  # SimDrive::run for a BEV
        "battery_max_power_w": float(res["pwr_out_max_watts"]),
        # accessories
        "accessory_power_w": float(d["pwr_aux_base_watts"]),
        # regen / brakes
        "regen_fraction_of_braking": 1.0,
        "regen_min_speed_mps": 0.0,
        "regen_max_shaft_power_w": float(em["pwr_out_max_watts"]),
        # traction limit
        "wheel_friction_coefficient": mu,
        "drive_axle_weight_fraction": drive_frac,
        "cg_height_m": cg,
        "wheelbase_m": wheelbase,
        "drive_type": drive_type,
        "max_traction_accel_m_per_s2": max_trac_accel,
    }


def run_model3(cycle: str, initial_soc: float | None = None, thermal: bool = True) -> FastsimRun:
    """Run FASTSim 3.1 on the 2022 Tesla Model 3 RWD over a built-in cycle ('udds', 'hwfet').

    ``initial_soc`` [-]: None runs ``SimDrive.run()`` (a BEV starts at ``max_soc`` = 0.98);
    a value runs ``SimDrive.run_once()`` from that SOC. ``thermal=False`` strips the
    cabin/HVAC/battery thermal model (same energies at the cycles' 22 degC ambient).

    Totals (energies [J] are sums of power x dt over steps 1..N-1, FASTSim's own convention):
    ``distance_m`` [m], ``battery_electrical_energy_j`` (terminal, net = discharge - charge),
    ``battery_discharge_energy_j`` / ``battery_charge_energy_j`` (both >= 0),
    ``battery_chemical_energy_j`` (net, what SOC integrates), ``traction_energy_j`` (net at the
    wheels), ``motor_mech_energy_j`` (net at the motor shaft), ``accessory_energy_j``,
    ``excess_braking_energy_j`` (braking beyond the regen limit, dissipated), ``initial_soc``,
    ``final_soc`` [-], ``battery_electrical_kwh_per_100km`` [kWh/100 km], ``trace_met``.
    Per-step arrays (length N, numpy): ``time_s``, ``speed_cycle_mps``, ``speed_achieved_mps``,
    ``traction_power_w``, ``motor_mech_power_w``, ``motor_efficiency``,
    ``battery_electrical_power_w``, ``battery_chemical_power_w``, ``accessory_power_w``, ``soc``.
    ``str(result)`` is a one-line summary.
    """
    fsim = fastsim_module()
    cyc = fsim.Cycle.from_resource(_cycle_resource(cycle))
    veh = load_model3_vehicle(thermal=thermal, initial_soc=initial_soc)
    veh.set_save_interval(1)
    sd = fsim.SimDrive(veh, cyc)
    if initial_soc is None:
        sd.run()
    else:
        sd.run_once()
    d = sd.to_dict()

    v = d["veh"]
    bev = v["pt_type"]["BEV"]
    res, em = bev["res"], bev["em"]
    vh, rh, eh = v["history"], res["history"], em["history"]

    def arr(h: dict, key: str) -> np.ndarray:
        return np.asarray(_plain(h[key]), dtype=float)

    t = arr(vh, "time_seconds")
    dt = np.concatenate([[0.0], np.diff(t)])
    p_term = arr(rh, "pwr_out_electrical_watts")
    soc = arr(rh, "soc")
    dist_m = float(v["state"]["dist_meters"])
    e_term = float(res["state"]["energy_out_electrical_joules"])

    return FastsimRun(
        fastsim_version=fsim.__version__,
        vehicle=v["name"],
        resource=FASTSIM_MODEL3_RESOURCE,
        cycle=cycle.lower().removesuffix(".csv"),
        thermal_model=thermal,
        mass_kg=float(v["state"]["mass_kilograms"]),
        distance_m=dist_m,
        battery_electrical_energy_j=e_term,
        battery_discharge_energy_j=float(np.sum(np.maximum(p_term, 0.0) * dt)),
        battery_charge_energy_j=float(np.sum(np.maximum(-p_term, 0.0) * dt)),
        battery_chemical_energy_j=float(res["state"]["energy_out_chemical_joules"]),
        traction_energy_j=float(v["state"]["energy_tractive_joules"]),
        motor_mech_energy_j=float(em["state"]["energy_mech_prop_out_joules"]),
        accessory_energy_j=float(v["state"]["energy_aux_joules"]),
        excess_braking_energy_j=float(em["state"]["energy_mech_dyn_brake_joules"]),
        initial_soc=float(soc[0]),
        final_soc=float(res["state"]["soc"]),
        battery_electrical_kwh_per_100km=e_term / 3.6e6 / (dist_m / 1e5),
        trace_met=bool(v["state"]["cyc_met_overall"]),
        time_s=t,
        speed_cycle_mps=np.asarray(_plain(d["cyc"]["speed_meters_per_second"]), dtype=float),
        speed_achieved_mps=arr(vh, "speed_ach_meters_per_second"),
        traction_power_w=arr(vh, "pwr_tractive_watts"),
        motor_mech_power_w=arr(eh, "pwr_mech_prop_out_watts"),
        motor_efficiency=arr(eh, "eff"),
        battery_electrical_power_w=p_term,
        battery_chemical_power_w=arr(rh, "pwr_out_chemical_watts"),
        accessory_power_w=arr(vh, "pwr_aux_watts"),
        soc=soc,
    )


def time_model3(cycle: str = "udds", repeats: int = 20, save_interval: int | None = 1) -> float:
    """FASTSim throughput [vehicle-cycles/s] for the Model 3 on ``cycle``, on one core.

    The vehicle, cycle and one ``SimDrive`` are built once (not timed); ``repeats`` fresh
    (never-run) copies are made with ``SimDrive.copy()`` (not timed); one warm-up run is done;
    then only ``SimDrive.run()`` of each copy is timed, serially in this process (FASTSim runs
    one simulation on one thread). ``run()`` includes FASTSim's whole step (thermal model,
    power limits, powertrain, cumulative energies) and, with ``save_interval=1`` (the
    resource's default), recording every step's history; ``save_interval=None`` records none.
    Returns ``repeats / elapsed_seconds``.
    """
    if repeats < 1:
        raise ValueError(f"time_model3: repeats must be >= 1, got {repeats}")
    fsim = fastsim_module()
    cyc = fsim.Cycle.from_resource(_cycle_resource(cycle))
    veh = load_model3_vehicle()
    veh.set_save_interval(save_interval)
    sd0 = fsim.SimDrive(veh, cyc)
    sd0.copy().run()  # warm-up
    sims = [sd0.copy() for _ in range(repeats)]
    start = time.perf_counter()
    for sd in sims:
        sd.run()
    elapsed = time.perf_counter() - start
    return repeats / elapsed


def label_model3() -> dict[str, float]:
    """FASTSim 3.1's EPA label (``fastsim.get_label_fe``) for the Model 3.

    ``lab_*_kwh_per_mi`` [kWh/mi]: unadjusted, battery *chemical* energy per mile on UDDS/HWFET
    (combined = 0.55 city + 0.45 highway); ``adj_*_kwh_per_mi`` [kWh/mi]: EPA 5-cycle-adjusted
    and divided by FASTSim's fixed 0.86 charger efficiency (wall energy); ``adj_*_ess_kwh_per_mi``
    [kWh/mi]: adjusted at the battery (x 0.86); ``net_range_miles`` [mi] = usable battery energy /
    ``adj_comb_ess_kwh_per_mi``; ``net_accel`` [s] 0-60 mph. Also ``adj_comb_kwh_per_100mi`` and
    ``net_range_km`` for convenience.
    """
    import json

    fsim = fastsim_module()
    label = fsim.get_label_fe(load_model3_vehicle())
    raw = json.loads(label.to_json())
    out = {k: float(val) for k, val in raw.items() if isinstance(val, int | float)}
    out["adj_comb_kwh_per_100mi"] = 100.0 * out["adj_comb_kwh_per_mi"]
    out["net_range_km"] = out["net_range_miles"] * 1.609344
    return out


if __name__ == "__main__":  # pragma: no cover - manual check
    for name in ("udds", "hwfet"):
        print(run_model3(name))
    print(f"FASTSim throughput: {time_model3():.1f} vehicle-cycles/s (UDDS, one core)")
