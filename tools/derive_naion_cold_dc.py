"""Solve the sodium-ion DC map's cold rows with the thermal model in the loop.

Run from the repository root:  python tools/derive_naion_cold_dc.py

CATL's Naxtra claim (30 -> 80 % in 30 min at -30 degC, FACTS.md sec. 1b [U]) was first met
isothermally (a flat 1 C row at -30 degC); but a session at -30 degC warms the pack by its own
losses (ohmic + polarization) and its heater to about +12 degC, so it took 16 min: the claim was
credited twice. One claim fixes one number, so the cold rows get a one-parameter physical
form: below 25 degC the allowed current falls as an Arrhenius law,
    row(T, SOC) = min(max_charge_c_rate(T), warm taper(SOC) x exp(-Ea/R (1/T - 1/T25))),
(the plating-free current scales with the anode's charge-transfer kinetics), and this tool
solves the one Ea at which the session `bevsim charge ms11-naion --from 30 --to 80 --temp -30`
(the only sodium-ion car; cells soaked at -30 degC, its 5 kW heater, 250 kW charger) takes the
claimed 30 min. It prints Ea (to set NAION_COLD_CHARGE_EA_J_PER_MOL in
tools/derive_chemistry_tables.py, which writes the rows), the rows, and the session's heat
balance, and compares Ea with the cell's own charge-transfer activation energy (Ea1).
"""

from __future__ import annotations

import sys
import tempfile
from functools import cache
from pathlib import Path

import yaml

from bevsim.chemistry import load_chemistry
from bevsim.engine.compile import pack_heat_capacity_j_per_k
from bevsim.procedures.dc_charge import dc_charge_run
from bevsim.spec import load_vehicle, pack_of, vehicle_from_dict

sys.path.insert(0, str(Path(__file__).resolve().parent))
import derive_chemistry_tables as TABLES  # noqa: E402

CAR = "ms11-naion"
SESSION = (0.30, 0.80, 250.0, -30.0)
"""From SOC, to SOC [-], charger [kW], ambient and soak temperature [degC] of the claim."""
CLAIM_MIN = 30.0
EA_BRACKET_J_PER_MOL = (0.0, 60_000.0)
TOLERANCE_MIN = 0.02
SHIPPED = Path("src/bevsim/chemistry/data/sodium-ion.yaml")


def cold_rows(ea_j_per_mol: float) -> list[list[float]]:
    """The sodium-ion DC map [C] (rows TABLES.TEMP_C, columns TABLES.CHARGE_SOC) at ``ea``."""
    return TABLES.charge_map(TABLES.CHEMS["sodium-ion"] | {"charge_cold_ea": ea_j_per_mol})


def session(ea_j_per_mol: float, workdir: Path) -> dict:
    """The claim's session of CAR with the map at ``ea_j_per_mol`` [J/mol]: its summary."""
    data = dict(_shipped_chemistry())
    data["charge_c_rate_map"] = dict(data["charge_c_rate_map"], c_rate=cold_rows(ea_j_per_mol))
    path = workdir / f"sodium-ion-ea-{ea_j_per_mol:.3f}.yaml"  # one file per trial (cached)
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    spec = load_vehicle(CAR).model_dump()
    spec["battery"]["chemistry"] = str(path)
    return dc_charge_run(vehicle_from_dict(spec), *SESSION).summary


@cache
def _shipped_chemistry() -> dict:
    """The shipped sodium-ion chemistry file, read once (each trial copies it)."""
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))


def solve(workdir: Path, at_low: dict) -> tuple[float, dict]:
    """Bisect Ea until the session takes CLAIM_MIN (longer sessions at higher Ea); ``at_low``
    is the session at the bracket's low end."""
    low, high = EA_BRACKET_J_PER_MOL
    if not at_low["time_min"] < CLAIM_MIN < session(high, workdir)["time_min"]:
        raise SystemExit(f"the claim's {CLAIM_MIN} min is not inside the Ea bracket")
    while True:
        mid = 0.5 * (low + high)
        summary = session(mid, workdir)
        if abs(summary["time_min"] - CLAIM_MIN) <= TOLERANCE_MIN or high - low < 1.0:
            return mid, summary
        low, high = (mid, high) if summary["time_min"] < CLAIM_MIN else (low, mid)


def main() -> int:
    spec = load_vehicle(CAR)
    chem = load_chemistry("sodium-ion")
    heat_capacity = pack_heat_capacity_j_per_k(pack_of(spec), chem)
    with tempfile.TemporaryDirectory() as tmp:
        before = session(EA_BRACKET_J_PER_MOL[0], Path(tmp))
        ea, after = solve(Path(tmp), before)
    heater_kw = spec.thermal.battery_heater_kw
    print(f"pack heat capacity {heat_capacity / 1e3:.0f} kJ/K, heater {heater_kw:g} kW")
    for label, s in (("without the cold law", before), (f"Ea = {ea:.0f} J/mol", after)):
        print(
            f"{label}: {s['time_min']:.1f} min, cells {SESSION[3]:g} -> "
            f"{s['final_cell_temp_c']:.1f} degC, battery losses {s['battery_loss_kwh']:.2f} "
            f"kWh, heater {s['pack_thermal_kwh']:.2f} kWh"
        )
    ea1 = TABLES.CHEMS["sodium-ion"]["ea1"]
    print(f"Ea = {ea:.0f} J/mol (the cell's charge-transfer Ea1: {ea1:g} J/mol)")
    print(f"set NAION_COLD_CHARGE_EA_J_PER_MOL = {round(ea, -1):.1f} (derive_chemistry_tables.py)")
    for temp_c, row in zip(TABLES.TEMP_C, cold_rows(round(ea, -1)), strict=True):
        print(f"  {temp_c:+5.0f} degC: {row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
