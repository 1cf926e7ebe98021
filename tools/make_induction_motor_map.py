"""Write the built-in induction-machine (IM) drive-unit efficiency maps (normalised speed, torque).

Run from the repository root:  python tools/make_induction_motor_map.py

An induction machine has no magnets: its flux is made by a magnetising current in the stator at
every load, and its torque current induces a current in the rotor cage (rotor copper loss, which
grows with slip, and slip with torque). A loss-minimising controller lowers the flux at light
load (down to a floor it keeps for torque response) and the field weakens by itself above base
speed. Per unit of the corner product (peak torque x max speed), at normalised speed s and torque
t, with flux level f (fraction of rated) chosen at each point to minimise the loss:

    i_q = t / f, i_d = M f            torque and magnetising current (per unit of rated i_q)
    loss = c_cu (i_q^2 + i_d^2)       stator copper + inverter conduction (the PMSM map's c_cu)
         + K_R c_cu i_q^2             rotor cage copper (~ slip x torque ~ torque^2 / flux^2)
         + c_sw sqrt(i_q^2 + i_d^2)   inverter switching (~ current; the PMSM map's c_sw)
         + c_0 [s > 0]                inverter and control electronics (the PMSM map's)
         + (c_h s + c_e s^2) f^2      iron, at the PMSM map's level at rated flux (~ flux^2)
         + c_w s^3                    windage
    FLUX_MIN <= f <= min(1, s_base / s)   (s_base = 1 / 3.3: the map's corner speed)

The inverter, stator and iron terms are those of tools/make_default_motor_map.py (the same
inverter and stator steel); what is the IM's own is the rotor cage, the magnetising current and
the flux the controller keeps. Sources:
  - IM drive units peak at about 93-95 % against 96-97 % for PMSMs (evpulse.co.in "PMSM vs
    induction vs SRM"; inetic "Comparison, induction vs PM motors for EVs"): a check on the map
    (PEAK_RANGE), not a fitted target;
  - at highway cruise an IM drive unit is about 4 percentage points less efficient than a PM one
    of the same car: Tesla's 2019 Model S/X front drive unit, a PM machine in place of the
    induction machine, "picks up 4 % efficiency" (insideevs.com/news/348504, after Electrek's
    inside source); the same change raised the EPA city MPGe by 14 % and the highway by 5 %, the
    city gain larger, as this model's light-load shape gives. FLUX_MIN is fitted to that gap at
    the PMSM map's highway point (s 0.30, t 0.033): 0.865 - 0.04;
  - K_R = 0.8: rotor cage loss of the order of the stator copper loss at rated load, the IM's
    "cage loss" penalty against a PM machine (Pellegrino et al., IEEE TIA 48(6) 2012,
    "Comparison of induction and PM synchronous motor drives for EV application")
    [unverified: ratio not read from the paper; plausible 0.5-1.2];
  - M = 0.45: magnetising current of traction IMs 30-50 % of the rated torque current
    [class-typical, unverified per machine].
"""

import sys
from pathlib import Path

import numpy as np
from scipy.optimize import brentq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_default_motor_map import (  # noqa: E402
    GRID,
    TARGETS,
    WINDAGE,
    fit,
    igbt_coefficients,
    named_targets,
    write_grid,
)

OUT = {
    "sic": Path("src/bevsim/spec/data/motor_maps/induction-sic.csv"),
    "igbt": Path("src/bevsim/spec/data/motor_maps/induction-igbt.csv"),
}
BASE_SPEED = 1.0 / 3.3
ROTOR_TO_STATOR_COPPER = 0.8
MAGNETISING_CURRENT = 0.45
*HIGHWAY_POINT, PMSM_HIGHWAY_EFFICIENCY = named_targets()["highway cruise"]
HIGHWAY_GAP = 0.04
PEAK_RANGE = (0.93, 0.95)
FLUX_LEVELS = np.linspace(0.02, 1.0, 491)


def im_losses(s, t, coef, flux_min):
    """Least per-unit loss at normalised speed s and torque t over the allowed flux levels."""
    c_cu, c_sw, c_0, c_h, c_e = coef
    flux_max = 1.0 if s <= BASE_SPEED else BASE_SPEED / s
    f = FLUX_LEVELS[(flux_min <= FLUX_LEVELS) & (flux_max >= FLUX_LEVELS)]
    if len(f) == 0:
        f = np.array([flux_max])
    i_q, i_d = t / f, MAGNETISING_CURRENT * f
    current_sq = i_q**2 + i_d**2
    turning = 1.0 if s > 0 else 0.0
    loss = (
        c_cu * current_sq
        + ROTOR_TO_STATOR_COPPER * c_cu * i_q**2
        + c_sw * np.sqrt(current_sq)
        + c_0 * turning
        + (c_h * s + c_e * s**2) * f**2
        + WINDAGE * s**3
    )
    return float(loss.min())


def efficiency(s, t, coef, flux_min):
    """Drive-unit efficiency at normalised speed s and torque t."""
    p = s * t
    return p / (p + im_losses(s, t, coef, flux_min))


def fit_flux_min(coef):
    """The controller's flux floor that puts the highway point HIGHWAY_GAP below the PMSM's."""
    target = PMSM_HIGHWAY_EFFICIENCY - HIGHWAY_GAP
    return brentq(lambda f: efficiency(*HIGHWAY_POINT, coef, f) - target, 0.05, 1.0)


def write_map(path: Path, coef, flux_min: float, inverter: str) -> None:
    """Write the normalised IM efficiency map to ``path``."""
    header = [
        f"# Built-in induction machine + {inverter} inverter drive-unit efficiency map, normalised",
        "# made by tools/make_induction_motor_map.py",
        "# PMSM-map terms c_cu, c_sw, c_0, c_h, c_e = "
        f"{', '.join(f'{c:.5f}' for c in coef)}; rotor/stator copper {ROTOR_TO_STATOR_COPPER}; "
        f"magnetising current {MAGNETISING_CURRENT}; flux floor {flux_min:.3f}",
    ]
    write_grid(path, header, lambda s, t: efficiency(s, t, coef, flux_min))


def main():
    sic = fit()
    igbt = igbt_coefficients(sic)
    flux_min = fit_flux_min(sic)
    peak = max(efficiency(s, t, sic, flux_min) for s in GRID for t in GRID)
    if not PEAK_RANGE[0] <= peak <= PEAK_RANGE[1]:
        raise SystemExit(f"peak efficiency {peak:.4f} outside the sourced {PEAK_RANGE}")
    write_map(OUT["sic"], sic, flux_min, "SiC")
    write_map(OUT["igbt"], igbt, flux_min, "Si IGBT")
    print(f"flux floor {flux_min:.3f}; peak efficiency (SiC) {peak:.4f}")
    for s, t, _ in TARGETS:
        print(
            f"s={s} t={t}: SiC {efficiency(s, t, sic, flux_min):.4f}, "
            f"IGBT {efficiency(s, t, igbt, flux_min):.4f}"
        )


if __name__ == "__main__":
    main()
