"""Derive a plating-onset 10-s charge-pulse (regen) limit per cell temperature with PyBaMM.

Usage (from the repository root; needs `pip install pybamm`, PyBaMM 26.10 was used):
    python3 tools/derive_regen_pulse_limits.py [--mesh-check]

MODEL DERIVATION, not a datasheet figure. For each temperature of the chemistry grid and each
start SOC in SOCS, a PyBaMM DFN (isothermal at T: ambient = initial = T, cell at rest, uniform
concentrations from the parameter set's `set_initial_state(SOC)`) takes a constant-current
charge pulse of PULSE_S seconds. A rate is allowed when, for the whole pulse,
  1. the anode's plating overpotential vs Li/Li+ (phi_s - phi_e in the negative electrode,
     PyBaMM "Negative electrode surface potential difference [V]", minimum over x and time,
     together with its value extrapolated to the separator interface) stays >= 0 V, and
  2. the terminal voltage stays <= the set's upper cut-off voltage.
The largest allowed rate [C, per the set's nominal capacity] is found by bisection on
0..C_MAX_C with tolerance C_TOL_C; a solver failure counts as "not allowed". The per-temperature
value is the minimum over SOCS (bevsim's regen limit depends on temperature only).

Parameter sets, used as published: lfp = Prada2013 (A123 LFP/graphite), nmc = OKane2022 (LG M50
NMC811/graphite). The script prints the table, a block to paste into
tools/derive_chemistry_tables.py (REGEN_PULSE_DERIVED_C) and timings; `--mesh-check` repeats
the -10 C points on a doubled mesh. This script is a build tool, not part of the package.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

TEMP_C = [-30.0, -20.0, -10.0, 0.0, 10.0, 25.0, 40.0, 55.0]
SOCS = (0.2, 0.5, 0.8)
PULSE_S = 10.0  # pulse length [s]
C_MAX_C = 10.0  # upper end of the bisection [C]
C_TOL_C = 0.02  # bisection tolerance [C]
PARAMETER_SETS = {"lfp": "Prada2013", "nmc": "OKane2022"}
ETA_VAR = "Negative electrode surface potential difference [V]"
ETA_SEP_VAR = "Negative electrode surface potential difference at separator interface [V]"


def _pybamm():
    """Import PyBaMM lazily (this module stays importable without it), telemetry off."""
    os.environ.setdefault("PYBAMM_DISABLE_TELEMETRY", "true")
    import pybamm

    return pybamm


@dataclass
class PulseCell:
    """A built DFN for one parameter set at one start SOC; current and temperature are inputs."""

    chem: str
    soc: float
    sim: Any  # pybamm.Simulation
    capacity_ah: float  # nominal capacity of the set [Ah]: 1C = capacity_ah [A]
    v_max: float  # upper cut-off voltage of the set [V]


def build_cell(chem: str, soc: float, var_pts: dict | None = None) -> PulseCell:
    """DFN (isothermal, PyBaMM default options) for `chem` at start SOC `soc` [0..1]."""
    pb = _pybamm()
    param = pb.ParameterValues(PARAMETER_SETS[chem])
    capacity_ah = float(param["Nominal cell capacity [A.h]"])
    v_max = float(param["Upper voltage cut-off [V]"])
    param.set_initial_state(soc)
    param.update(
        {
            "Current function [A]": "[input]",
            "Ambient temperature [K]": "[input]",
            "Initial temperature [K]": "[input]",
        }
    )
    sim = pb.Simulation(pb.lithium_ion.DFN(), parameter_values=param, var_pts=var_pts)
    return PulseCell(chem, soc, sim, capacity_ah, v_max)


def pulse_check(cell: PulseCell, temp_c: float, c_rate: float) -> tuple[list[str], float, float]:
    """Run one charge pulse of `c_rate` [C] at `temp_c` [degC].

    Returns (violations, min plating overpotential [V], max terminal voltage [V]); violations
    is empty when the pulse is allowed, else holds "plating", "voltage" and/or "solver".
    """
    pb = _pybamm()
    t_k = temp_c + 273.15
    inputs = {
        "Current function [A]": -c_rate * cell.capacity_ah,  # PyBaMM: discharge positive
        "Ambient temperature [K]": t_k,
        "Initial temperature [K]": t_k,
    }
    try:
        sol = cell.sim.solve([0.0, PULSE_S], inputs=inputs, t_interp=np.linspace(0.0, PULSE_S, 101))
    except Exception as exc:  # noqa: BLE001 - any failure at an extreme rate = not allowed
        if isinstance(exc, pb.SolverError) and "Maximum voltage" in str(exc):
            return ["voltage"], float("nan"), float("nan")
        return ["solver"], float("nan"), float("nan")
    eta = min(float(np.min(sol[ETA_VAR].entries)), float(np.min(sol[ETA_SEP_VAR].entries)))
    v_top = float(np.max(sol["Voltage [V]"].entries))
    bad = []
    if eta < 0.0:
        bad.append("plating")
    if sol.t[-1] < PULSE_S - 1e-6:  # stopped early by an event
        bad.append("voltage" if "Maximum voltage" in str(sol.termination) else "solver")
    elif v_top > cell.v_max + 1e-9:
        bad.append("voltage")
    return bad, eta, v_top


def max_pulse_c_rate(cell: PulseCell, temp_c: float) -> tuple[float, str]:
    """Largest allowed pulse [C] at `temp_c` [degC] by bisection, and what bounds it.

    Returns the lower bracket (last rate found allowed; within C_TOL_C of the limit) and the
    violation(s) at the upper bracket ("cap" when C_MAX_C itself is allowed).
    """
    bad, _, _ = pulse_check(cell, temp_c, C_MAX_C)
    if not bad:
        return C_MAX_C, "cap"
    lo, hi, bound = 0.0, C_MAX_C, "+".join(bad)
    while hi - lo > C_TOL_C:
        mid = 0.5 * (lo + hi)
        bad, _, _ = pulse_check(cell, temp_c, mid)
        if bad:
            hi, bound = mid, "+".join(bad)
        else:
            lo = mid
    return lo, bound


def derive_point(chem: str, temp_c: float, soc: float, var_pts: dict | None = None) -> float:
    """One derived pulse limit [C] (chemistry, temperature [degC], start SOC [0..1])."""
    return max_pulse_c_rate(build_cell(chem, soc, var_pts), temp_c)[0]


def derive(chem: str) -> dict[float, list[tuple[float, str]]]:
    """{SOC: [(limit [C], bound) per TEMP_C]} for one chemistry; prints timings."""
    out: dict[float, list[tuple[float, str]]] = {}
    for soc in SOCS:
        t0 = time.perf_counter()
        cell = build_cell(chem, soc)
        t1 = time.perf_counter()
        out[soc] = [max_pulse_c_rate(cell, t) for t in TEMP_C]
        t2 = time.perf_counter()
        print(f"  {chem} SOC {soc:.1f}: build {t1 - t0:.1f} s, 8 temperatures {t2 - t1:.1f} s")
    return out


def print_table(chem: str, res: dict[float, list[tuple[float, str]]]) -> list[float]:
    """Print per-SOC limits, their minimum and the binding SOC/limit; return the minima [C]."""
    head = " ".join(f"SOC {s:.1f}".rjust(8) for s in SOCS)
    print(f"\n{chem} ({PARAMETER_SETS[chem]}), {PULSE_S:g}-s charge pulse limit [C]")
    print(f"{'T [C]':>6} {head} {'min':>6}  binding")
    mins = []
    for i, t in enumerate(TEMP_C):
        vals = [res[s][i][0] for s in SOCS]
        j = int(np.argmin(vals))
        mins.append(round(vals[j], 2))
        cells = " ".join(f"{v:8.2f}" for v in vals)
        print(f"{t:6g} {cells} {vals[j]:6.2f}  SOC {SOCS[j]:.1f}: {res[SOCS[j]][i][1]}")
    return mins


def mesh_check() -> None:
    """Repeat the -10 C points on a doubled mesh (x and r points x2) to show mesh sensitivity."""
    fine = {k: 40 for k in ("x_n", "x_s", "x_p", "r_n", "r_p")}
    for chem in PARAMETER_SETS:
        for soc in SOCS:
            base = derive_point(chem, -10.0, soc)
            dbl = derive_point(chem, -10.0, soc, fine)
            print(f"mesh check {chem} -10 C SOC {soc:.1f}: {base:.2f} C, x2 mesh {dbl:.2f} C")


def main(argv: list[str]) -> None:
    pb = _pybamm()
    print(f"PyBaMM {pb.__version__}; DFN, isothermal, {PULSE_S:g}-s pulse, SOC {SOCS}")
    t_all = time.perf_counter()
    results = {}
    for chem in PARAMETER_SETS:
        results[chem] = derive(chem)
    block = {}
    for chem, res in results.items():
        print_table(chem, res)
        block[chem] = {s: [round(v, 2) for v, _ in res[s]] for s in SOCS}
    print(f"\ntotal {time.perf_counter() - t_all:.1f} s\n")
    print("# paste into tools/derive_chemistry_tables.py:")
    print("REGEN_PULSE_DERIVED_C = {")
    for chem, per_soc in block.items():
        print(f'    "{chem}": {{')
        for s, vals in per_soc.items():
            print(f"        {s}: [{', '.join(f'{v:g}' for v in vals)}],")
        print("    },")
    print("}")
    if "--mesh-check" in argv:
        mesh_check()


if __name__ == "__main__":
    main(sys.argv[1:])
