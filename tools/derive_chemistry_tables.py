# ruff: noqa: E501
"""Re-derive the shipped chemistry YAML files from the PyBaMM OCV CSVs and the cited figures.

Usage (from the repository root):
    python3 tools/derive_chemistry_tables.py [SHARED_CHEMISTRY_DIR]

SHARED_CHEMISTRY_DIR defaults to /work/shared/data/chemistry (holds ocv_lfp.csv, ocv_naion.csv,
ocv_nmc.csv). Writes lfp.yaml, sodium-ion.yaml and nmc.yaml into src/bevsim/chemistry/data/
(DATA_DIR). Every number used here is explained in SOURCES.md there; the YAML comments repeat
the short form. This script is a build tool, not part of the package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "bevsim" / "chemistry" / "data"
R_GAS_J_PER_MOL_K = 8.314462618
T_REF_K = 298.15
TEMP_C = [-30.0, -20.0, -10.0, 0.0, 10.0, 25.0, 40.0, 55.0]

# Resampling grid for the OCV tables (36 points): dense at the ends, where OCV is steep.
OCV_SOC = np.array(
    [0.0, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.125, 0.15, 0.175, 0.2, 0.25]
    + [round(0.3 + 0.05 * i, 2) for i in range(13)]
    + [0.925, 0.95, 0.96, 0.97, 0.98, 0.985, 0.99, 0.995, 0.9975, 1.0]
)
assert np.all(np.diff(OCV_SOC) > 0)

# SOC grid and class-typical SOC shape factors (relative to 50 % SOC) for the resistances.
R_SOC = [0.0, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 1.0]
R0_SOC_SHAPE = [1.30, 1.12, 1.05, 1.02, 1.00, 1.00, 1.03, 1.08]
R1_SOC_SHAPE = [2.00, 1.40, 1.15, 1.05, 1.00, 1.00, 1.05, 1.15]


# SOC grid of the DC fast-charge map (charge_c_rate_map).
CHARGE_SOC = [round(0.1 * i, 1) for i in range(11)]

# MODEL DERIVATION, not a datasheet figure (tools/derive_naion_cold_dc.py): below 25 C the
# sodium-ion DC map follows an Arrhenius law in the allowed current, x exp(-Ea/R (1/T - 1/T25)),
# with the one Ea at which `bevsim charge ms11-naion --from 30 --to 80 --temp -30` (the pack
# warming by its losses and heater) takes the 30 min of CATL's Naxtra claim [U].
NAION_COLD_CHARGE_EA_J_PER_MOL = 22_620.0


def charge_map(c: dict) -> list[list[float]]:
    """Allowed DC charge C-rate, rows = TEMP_C, columns = CHARGE_SOC:
    min(max_charge_c_rate(T), warm taper(SOC) x cold(T)). The warm taper is the SOC shape of a
    BMS charging map at 25-40 C; in the cold (and hot) the temperature envelope caps it, so its
    row maximum is the envelope wherever the taper reaches it. cold(T) is 1, or with
    ``charge_cold_ea`` the Arrhenius factor 1 / arrhenius_factor(T, Ea) below 25 C.
    """
    assert len(c["charge_taper"]) == len(CHARGE_SOC)
    ea = c.get("charge_cold_ea", 0.0)
    cold = [min(1.0, 1.0 / arrhenius_factor(t, ea)) for t in TEMP_C]
    return [
        [float(f"{min(peak, x * k):.4g}") for x in c["charge_taper"]]
        for peak, k in zip(c["max_charge"], cold, strict=True)
    ]


def cell_charge_minutes(
    c: dict, temp_c: float, soc_from: float, soc_to: float, cap_c: float = 1e9
) -> float:
    """Minutes to charge a cell from soc_from to soc_to following the map at one temperature
    (fine SOC grid, current capped at cap_c [C]): the check printed by main()."""
    row = charge_map(c)[TEMP_C.index(temp_c)]
    soc = np.linspace(soc_from, soc_to, 2001)
    rate = np.minimum(np.interp(soc, CHARGE_SOC, row), cap_c)
    return float(np.trapezoid(1.0 / rate, soc)) * 60.0


def read_csv(path: Path) -> tuple[np.ndarray, np.ndarray]:
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, 0], data[:, 1]


def arrhenius_factor(temp_c: float, ea_j_per_mol: float) -> float:
    """R(T)/R(25 C) = exp(Ea/R (1/T - 1/T_ref))."""
    t_k = temp_c + 273.15
    return float(np.exp(ea_j_per_mol / R_GAS_J_PER_MOL_K * (1.0 / t_k - 1.0 / T_REF_K)))


def ocv_lfp(src: Path) -> np.ndarray:
    """Prada2013 OCV cut to the Blade window: SOC 0 moved to where OCV = 2.6 V, then rescaled."""
    soc, ocv = read_csv(src / "ocv_lfp.csv")
    s_lo = float(np.interp(2.6, ocv, soc))  # 0.030 (SOURCES.md of the CSVs)
    return np.interp(s_lo + OCV_SOC * (1.0 - s_lo), soc, ocv)


def ocv_nmc(src: Path) -> np.ndarray:
    """OKane2022 (LG M50) OCV, 2.5-4.2 V, resampled unchanged."""
    soc, ocv = read_csv(src / "ocv_nmc.csv")
    return np.interp(OCV_SOC, soc, ocv)


NAION_V_LO, NAION_V_HI, NAION_MEAN_TARGET, NAION_SMOOTH_SIGMA = 1.8, 3.95, 3.05, 0.08


def ocv_naion(src: Path) -> tuple[np.ndarray, float]:
    """Commercial-like sloping Na-ion OCV from the Chayambuka2022 (NVPF) shape.

    1. normalise u = (V - 2.0) / (4.2 - 2.0) on a 0.001 SOC grid;
    2. Gaussian-smooth u over SOC (sigma 0.08, edge-reflected) to wash out the NVPF plateaus and
       the step at 50 % SOC, then re-normalise so u(0) = 0 and u(1) = 1;
    3. blend with a straight line: u' = w * u + (1 - w) * SOC, w chosen so that the mean OCV
       after step 4 equals 3.05 V (generic commercial Na-ion nominal, FACTS.md);
    4. map to the commercial-like window: V = 1.8 + (3.95 - 1.8) * u'.
    """
    soc, ocv = read_csv(src / "ocv_naion.csv")
    fine = np.linspace(0.0, 1.0, 1001)
    u = (np.interp(fine, soc, ocv) - 2.0) / 2.2
    pad = 300
    ext = np.concatenate([2 * u[0] - u[pad:0:-1], u, 2 * u[-1] - u[-2 : -pad - 2 : -1]])
    k_soc = np.arange(-pad, pad + 1) * 0.001
    kernel = np.exp(-0.5 * (k_soc / NAION_SMOOTH_SIGMA) ** 2)
    kernel /= kernel.sum()
    us = np.convolve(ext, kernel, mode="same")[pad:-pad]
    us = (us - us[0]) / (us[-1] - us[0])
    target_u = (NAION_MEAN_TARGET - NAION_V_LO) / (NAION_V_HI - NAION_V_LO)
    mean_us = float(np.trapezoid(us, fine))
    w = (target_u - 0.5) / (mean_us - 0.5)
    u_blend = w * us + (1 - w) * fine
    v = NAION_V_LO + (NAION_V_HI - NAION_V_LO) * u_blend
    return np.interp(OCV_SOC, fine, v), w


CHEMS = {
    "lfp": dict(
        # R0/R1 at 25 C and 50 % SOC [ohm*Ah]; tau1 at 25 C [s]; activation energies [J/mol]
        r0=0.060,
        r1=0.025,
        tau1=30.0,
        ea0=17_000.0,
        ea1=35_000.0,
        capacity_fraction=[0.65, 0.78, 0.85, 0.91, 0.96, 1.00, 1.01, 1.01],
        # 0 at and below 0 C: no cell datasheet found gives a sub-zero charge current (survey in SOURCES.md)
        max_charge=[0.0, 0.0, 0.0, 0.0, 0.5, 2.0, 2.0, 0.5],
        max_discharge=[0.5, 1.5, 2.0, 3.0, 4.0, 4.0, 4.0, 2.0],
        # allowed DC charge C-rate over CHARGE_SOC at 25-40 C (the warm taper)
        charge_taper=[1.0, 2.0, 2.0, 2.0, 1.8, 1.5, 1.2, 0.9, 0.7, 0.45, 0.2],
    ),
    "sodium-ion": dict(
        r0=0.065,
        r1=0.030,
        tau1=15.0,
        ea0=15_000.0,
        ea1=25_000.0,
        capacity_fraction=[0.89, 0.91, 0.93, 0.95, 0.97, 1.00, 1.01, 1.01],
        max_charge=[1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 5.0, 3.0],
        max_discharge=[2.0, 3.0, 4.0, 5.0, 5.0, 5.0, 5.0, 3.0],
        charge_taper=[2.5, 3.5, 4.5, 5.0, 4.5, 4.0, 3.5, 3.0, 2.2, 1.2, 0.4],
        charge_cold_ea=NAION_COLD_CHARGE_EA_J_PER_MOL,
    ),
    "nmc": dict(
        r0=0.075,
        r1=0.035,
        tau1=20.0,
        ea0=17_000.0,
        ea1=35_000.0,
        capacity_fraction=[0.60, 0.89, 0.95, 0.975, 0.99, 1.00, 1.01, 1.01],
        # 0 at and below 0 C, as lfp (SOURCES.md survey: NMC/Ni-rich datasheets charge from 0 C only)
        max_charge=[0.0, 0.0, 0.0, 0.0, 1.0, 4.0, 4.0, 1.0],
        max_discharge=[0.5, 1.5, 2.5, 4.0, 5.0, 5.0, 5.0, 3.0],
        charge_taper=[2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 3.6, 3.0, 2.2, 1.2, 0.5],
    ),
}


# MODEL DERIVATION (not a datasheet figure): plating-onset 10-s charge-pulse limit [C] per
# TEMP_C and start SOC, printed by tools/derive_regen_pulse_limits.py (PyBaMM 26.10.1.1 DFN,
# isothermal; lfp = Prada2013, nmc = OKane2022; anode phi_s - phi_e >= 0 V and V <= the set's
# upper cut-off for the whole pulse; bisection 0..10C, tol 0.02C). Re-run that script and paste
# its block here to update. Sodium-ion has none (its sustained limit is > 0 down to -30 C).
REGEN_PULSE_DERIVED_C = {
    "lfp": {
        0.2: [1.68, 2.42, 3.26, 4.14, 5.02, 6.33, 7.81, 9.71],
        0.5: [0.31, 0.53, 0.88, 1.41, 2.13, 3.73, 6, 8.5],
        0.8: [0.1, 0.2, 0.35, 0.57, 0.9, 1.64, 2.77, 4.36],
    },
    "nmc": {
        0.2: [0.61, 0.9, 1.27, 1.74, 2.29, 3.28, 4.45, 5.8],
        0.5: [0.16, 0.27, 0.45, 0.68, 1.02, 1.66, 2.54, 3.65],
        0.8: [0.06, 0.12, 0.2, 0.31, 0.47, 0.84, 1.37, 1.86],
    },
}


PARAMETER_SET_NAMES = {
    "lfp": "PyBaMM set Prada2013 (A123 2.3 Ah 26650, LFP/graphite)",
    "nmc": "PyBaMM set OKane2022 (LG M50 21700, NMC811/graphite)",
}


def derived_pulse_limits(chem_id: str) -> np.ndarray:
    """The derived pulse limit [C] per TEMP_C: the minimum over the SOCs in
    REGEN_PULSE_DERIVED_C."""
    return np.min(list(REGEN_PULSE_DERIVED_C[chem_id].values()), axis=0)


def max_regen(chem_id: str) -> list[float] | None:
    """Regen pulse limit [C] per TEMP_C, or None (the loader then uses max_charge_c_rate):
    max(max_charge(T), min(derived(T), max_discharge(T))), derived as derived_pulse_limits.
    A pulse limit is never below the sustained charge limit and never above the discharge
    pulse rating.
    """
    if chem_id not in REGEN_PULSE_DERIVED_C:
        return None
    c = CHEMS[chem_id]
    caps = zip(derived_pulse_limits(chem_id), c["max_charge"], c["max_discharge"], strict=True)
    return [float(f"{max(ch, min(d, dis)):.4g}") for d, ch, dis in caps]


def regen_yaml(chem_id: str) -> str:
    """The max_regen_c_rate block of one YAML file (comment + list), or "" when there is none."""
    regen = max_regen(chem_id)
    if regen is None:
        return ""
    per_soc = REGEN_PULSE_DERIVED_C[chem_id]
    socs = ", ".join(f"{s:g}" for s in per_soc)
    binding_rows = sorted(set(np.argmin(list(per_soc.values()), axis=0)))
    binding = ", ".join(f"{list(per_soc)[i]:g}" for i in binding_rows)
    return (
        f"# MODEL DERIVATION, not a datasheet figure (SOURCES.md, tools/derive_regen_pulse_limits.py): short (10 s)"
        f" regen charge-pulse limit = max(max_charge_c_rate, min(derived, max_discharge_c_rate)); derived ="
        f" largest 10-s constant-current charge pulse without lithium plating (anode phi_s - phi_e >= 0 V)"
        f" or exceeding the upper cut-off, PyBaMM 26.10 DFN, isothermal at T, {PARAMETER_SET_NAMES[chem_id]},"
        f" minimum over start SOC {socs} (binding SOC {binding}): {fmt_list(derived_pulse_limits(chem_id))}\n"
        f"max_regen_c_rate: {fmt_list(regen)}\n"
    )


def resistance_tables(c: dict) -> dict[str, list[list[float]]]:
    """Rows = TEMP_C, columns = R_SOC. R(T, SOC) = R25 * SOC shape * Arrhenius(T).

    tau1 = tau1_25 * Arrhenius(T; Ea1): the RC capacitance C1 = tau1/R1 is held constant with
    temperature (class-typical choice), so tau1 scales with R1.
    """
    r0, r1, tau = [], [], []
    for t in TEMP_C:
        f0 = arrhenius_factor(t, c["ea0"])
        f1 = arrhenius_factor(t, c["ea1"])
        r0.append([float(f"{c['r0'] * f0 * s:.5g}") for s in R0_SOC_SHAPE])
        r1.append([float(f"{c['r1'] * f1 * s:.5g}") for s in R1_SOC_SHAPE])
        tau.append([float(f"{c['tau1'] * f1:.4g}")] * len(R_SOC))
    return {"r0_ohm_ah": r0, "r1_ohm_ah": r1, "tau1_s": tau}


def fmt_list(values, ndigits: int | None = None) -> str:
    out = []
    for v in values:
        out.append(f"{v:.{ndigits}f}" if ndigits is not None else f"{v:g}")
    return "[" + ", ".join(out) + "]"


def fmt_table(rows, indent: str) -> str:
    lines = [f"{indent}- {fmt_list(r)}   # {t:g} C" for r, t in zip(rows, TEMP_C, strict=True)]
    return "\n" + "\n".join(lines)


def write_yaml(chem_id: str, header: str, ocv: np.ndarray, notes: dict[str, str]) -> None:
    c = CHEMS[chem_id]
    tabs = resistance_tables(c)
    ocv_r = np.round(ocv, 4)
    assert np.all(np.diff(ocv_r) > 0), chem_id
    cold = " x exp(-Ea/R (1/T - 1/T25)) below 25 C" if c.get("charge_cold_ea") else ""
    text = f"""{header.strip()}
ocv:   # {notes["ocv"]}
  soc: {fmt_list(OCV_SOC)}
  ocv_v: {fmt_list(ocv_r, 4)}
temperature_c: {fmt_list(TEMP_C)}   # grid for every temperature table below
resistance:
  # {notes["resistance"]}
  # SOC shape (x R at 50 % SOC; class-typical U-shape, higher at low SOC, see SOURCES.md):
  #   R0 {fmt_list(R0_SOC_SHAPE)}, R1 {fmt_list(R1_SOC_SHAPE)}
  soc: {fmt_list(R_SOC)}
  r0_ohm_ah:   # ohmic; Arrhenius Ea = {c["ea0"] / 1000:g} kJ/mol{fmt_table(tabs["r0_ohm_ah"], "    ")}
  r1_ohm_ah:   # RC pair; Arrhenius Ea = {c["ea1"] / 1000:g} kJ/mol{fmt_table(tabs["r1_ohm_ah"], "    ")}
  tau1_s:      # tau1(25 C) = {c["tau1"]:g} s, scaled with R1 (C1 = tau1/R1 constant in T){fmt_table(tabs["tau1_s"], "    ")}
# {notes["capacity"]}
capacity_fraction: {fmt_list(c["capacity_fraction"])}
# {notes["charge"]}
max_charge_c_rate: {fmt_list(c["max_charge"])}
# {notes["discharge"]}
max_discharge_c_rate: {fmt_list(c["max_discharge"])}
{regen_yaml(chem_id)}# {notes["charge_map"]}
charge_c_rate_map:
  soc: {fmt_list(CHARGE_SOC)}
  c_rate:   # rows: temperature_c; = min(max_charge_c_rate, warm taper {fmt_list(c["charge_taper"])}{cold}){fmt_table(charge_map(c), "    ")}
"""
    (DATA_DIR / f"{chem_id}.yaml").write_text(text)


def main(src: Path) -> None:
    na_ocv, w = ocv_naion(src)
    print(f"sodium-ion blend weight w = {w:.4f}")
    for cid, ocv in (("lfp", ocv_lfp(src)), ("nmc", ocv_nmc(src)), ("sodium-ion", na_ocv)):
        mean = float(np.trapezoid(ocv, OCV_SOC))
        print(f"{cid}: mean OCV {mean:.4f} V, OCV range {ocv[0]:.3f}-{ocv[-1]:.3f} V")
    lfp, na, nmc = CHEMS["lfp"], CHEMS["sodium-ion"], CHEMS["nmc"]
    print(
        "cell-level checks of the charge maps [min]: "
        f"lfp 30->80 % at 25 C capped at 1.27C (gen-1 Blade, 110 kW / ~86 kWh): "
        f"{cell_charge_minutes(lfp, 25.0, 0.3, 0.8, 1.27):.1f} (claim 30); "
        f"sodium-ion 0->80 % at 25 C: {cell_charge_minutes(na, 25.0, 0.0, 0.8):.1f} (claim 15); "
        f"30->80 % at -30 C held isothermal: {cell_charge_minutes(na, -30.0, 0.3, 0.8):.1f} "
        "(claim 30 with the pack warming: tools/derive_naion_cold_dc.py); "
        f"nmc 10->80 % at 25 C: {cell_charge_minutes(nmc, 25.0, 0.1, 0.8):.1f} (claim 10)"
    )
    for cid, (header, notes) in HEADERS.items():
        ocv = {"lfp": ocv_lfp(src), "nmc": ocv_nmc(src), "sodium-ion": na_ocv}[cid]
        write_yaml(cid, header, ocv, notes)


HEADERS: dict[str, tuple[str, dict[str, str]]] = {
    "lfp": (
        """
# BYD Blade-class LFP prismatic cell. Generated by tools/derive_chemistry_tables.py; sources in
# SOURCES.md.
# Cell facts: RWTH Aachen (PEM) teardown, Gorsch et al., Cell Reports Physical Science (2025),
# as reported by Neowin 2025-04-23: 135 Ah, 432 Wh, 3.2 V nominal, 2.6-3.65 V, 160 Wh/kg.
id: lfp
name: BYD Blade-class LFP prismatic cell
nominal_voltage_v: 3.2          # teardown (Gorsch 2025); mean OCV of the table below is 3.22 V
max_voltage_v: 3.65             # charge cut-off, teardown
min_voltage_v: 2.6              # discharge cut-off, teardown
reference_capacity_ah: 135      # teardown; R0 at 25 C, 50 % SOC = 0.060 ohm*Ah / 135 Ah = 0.44 mOhm
specific_energy_wh_per_kg: 160  # cell level, teardown
""",
        dict(
            ocv="PyBaMM Prada2013 (ocv_lfp.csv), SOC 0 moved to OCV = 2.6 V (SOC 0.030 of the set) and rescaled to 0..1; top end unchanged (3.6 V)",
            resistance="R0(25 C, 50 %) 0.060 ohm*Ah (0.44 mOhm at 135 Ah, class-typical for large-format LFP, see SOURCES.md); R1 0.025 ohm*Ah; Ea0 17 kJ/mol (electrolyte, OKane2022 after Ecker 2015), Ea1 35 kJ/mol (charge transfer: graphite 35 kJ/mol in Prada2013; LFP cathode Rct 33.8-40.9 kJ/mol, Electrochim. Acta 60 (2012) 269)",
            capacity="usable capacity vs 25 C: -20 C 0.78 = middle of FACTS.md 70-85 %; 0 C 0.91; -30 C 0.65 class-typical extrapolation (steeper below -20 C); 40/55 C 1.01 class-typical",
            charge="no charging at or below 0 C (lithium plating; FACTS.md sec. 6); 25 C 2C class-typical peak for a gen-1 Blade (30->80 % in 30 min at 110 kW, FACTS.md); 10 C 0.5C and 55 C 0.5C class-typical derates",
            discharge="class-typical peak discharge: 4C at 10-40 C (traction peak), derated in the cold (discharge allowed to -20 C, FACTS.md sec. 6) and at 55 C",
            charge_map="DC fast-charge map [C] over SOC x temperature (what the BMS allows; regen uses max_regen_c_rate above): warm taper 2C to 30 % SOC, falling above 40 %, class-typical shape set so a gen-1 Blade pack capped at ~1.3C (110 kW) charges 30->80 % in ~28 min (claim 30 min at up to 110 kW, FACTS.md sec. 2); 0 at or below 0 C (plating)",
        ),
    ),
    "sodium-ion": (
        """
# CATL-class commercial sodium-ion cell (gen-1 2021 / Naxtra 2025 figures, FACTS.md sec. 1).
# Generated by tools/derive_chemistry_tables.py; sources in SOURCES.md. CATL publishes no voltage
# window or cell capacity: those are marked class-typical below.
id: sodium-ion
name: CATL-class sodium-ion cell (gen-1 / Naxtra-like, hard carbon anode)
nominal_voltage_v: 3.05         # generic commercial Na-ion 3.0-3.1 V (FACTS.md); = mean OCV of the table
max_voltage_v: 3.95             # [U] example commercial Na-ion 18650 datasheet 1.8-3.95 V (FACTS.md)
min_voltage_v: 1.8              # [U] same datasheet
reference_capacity_ah: 100      # class-typical choice: CATL publishes no cell capacity [NF]
specific_energy_wh_per_kg: 160  # CATL gen-1, 2021 (Naxtra: 175)
""",
        dict(
            ocv="sloping commercial-like curve: PyBaMM Chayambuka2022 (NVPF) shape normalised, Gaussian-smoothed (sigma 0.08 SOC), blended with a straight line (weight 0.333 on the NVPF shape) so the mean OCV is 3.05 V, mapped to 1.8-3.95 V",
            resistance="R0(25 C, 50 %) 0.065 ohm*Ah (0.65 mOhm at 100 Ah), R1 0.030 ohm*Ah: class-typical (PyBaMM Chayambuka2022 is a 3 mAh lab cell, 0.94 ohm*Ah, not usable); Ea0 15 kJ/mol and Ea1 25 kJ/mol class-typical, set weaker than Li-ion so the cell matches CATL's >90 % at -20 C claim (no published full-cell Na-ion activation energy found)",
            capacity="usable capacity vs 25 C: -20 C 0.91 (CATL gen-1: > 90 % at -20 C); -30 C 0.89 (conservative: Naxtra claims 0.93 at -30 C [U], 0.90 at -40 C); linear between",
            charge="25 C 5C peak (Naxtra); -30 C 1C (Naxtra 30->80 % in 30 min at -30 C [U]); Naxtra fast-charges from -40 to 70 C; intermediate points and 55 C derate class-typical",
            discharge="class-typical peak discharge 5C (high-power cell, cf. Laufen et al. 2024 on a commercial Na-ion 18650), derated below -10 C and at 55 C",
            charge_map="DC fast-charge map [C] over SOC x temperature: warm taper peaks at 5C at 30 % SOC (Naxtra 5C peak) and gives 0->80 % in ~13 min at 25 C (gen-1 claim 80 % in 15 min); below 25 C the taper x exp(-Ea/R (1/T - 1/T25)), Ea 22.6 kJ/mol (MODEL DERIVATION, tools/derive_naion_cold_dc.py: the ms11-naion session at -30 C, warming by its losses and heater, charges 30->80 % in the 30 min of the Naxtra claim [U]; cf. the cell's charge-transfer Ea1 25 kJ/mol), capped by max_charge_c_rate; taper shape class-typical",
        ),
    ),
    "nmc": (
        """
# CATL Qilin-class NCM cell (CTP 3.0), curve shape from the LG M50 (NMC811/graphite) in PyBaMM
# OKane2022. CATL publishes no Qilin NCM cell data [NF] (FACTS.md sec. 3). Generated by
# tools/derive_chemistry_tables.py; sources in SOURCES.md.
id: nmc
name: CATL Qilin-class NCM cell (LG M50 / OKane2022 curve shape)
nominal_voltage_v: 3.7          # NMC ~3.6-3.7 V (FACTS.md; 4680 teardown 3.7 V); mean OCV of table 3.72 V
max_voltage_v: 4.2              # LG M50 window 2.5-4.2 V (PyBaMM Chen2020/OKane2022)
min_voltage_v: 2.5              # LG M50
reference_capacity_ah: 150      # class-typical large prismatic NCM cell (Qilin cell capacity [NF])
specific_energy_wh_per_kg: 241  # NMC811 reference cell: Tesla 4680 teardown (Gorsch 2025); Qilin cell [NF]
""",
        dict(
            ocv="PyBaMM OKane2022 (ocv_nmc.csv, LG M50), 2.5-4.2 V, resampled unchanged",
            resistance="R0(25 C, 50 %) 0.075 ohm*Ah (0.50 mOhm at 150 Ah), R1 0.035 ohm*Ah: 10-s DCIR 0.089 ohm*Ah, about half the OKane2022 LG M50 value (0.175 ohm*Ah at 0.5C), class-typical for a 4C-capable pack cell (10->80 % in 10 min); Ea0 17 kJ/mol (electrolyte) and Ea1 35 kJ/mol (graphite exchange current), both OKane2022",
            capacity="usable capacity vs 25 C: PyBaMM OKane2022 0.5C isothermal capacity ratio vs 25 C (temperature_nmc.csv), rounded; 55 C held at the 40 C value",
            charge="no charging at or below 0 C without heating (graphite anode, same plating rule as LFP; class-typical); 25-40 C 4C (Qilin 10->80 % in 10 min); 10 C 1C and 55 C 1C class-typical derates",
            discharge="class-typical peak discharge 5C, derated in the cold (OKane2022 loses most capacity at >= 1C below -10 C) and at 55 C",
            charge_map="DC fast-charge map [C] over SOC x temperature: warm taper 4C from 10 to 50 % SOC (the envelope), falling above 60 %: 10->80 % in ~12 min at 25 C (Qilin claim 10 min; '4C-rated pack, about 15 min' [U], FACTS.md sec. 3); 0 at or below 0 C (plating); taper shape class-typical",
        ),
    ),
}

if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/data/chemistry"))
