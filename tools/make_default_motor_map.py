"""Write the built-in PMSM + SiC-inverter efficiency map (normalised speed and torque).

Run from the repository root:  python tools/make_default_motor_map.py

The map is a loss model, not a measurement. Losses in per-unit of the motor's corner product
(peak torque x max speed), at normalised speed s = w / w_max and torque t = T / T_peak:

    loss = c_cu t^2           stator copper + inverter conduction (both ~ I^2, I ~ T)
         + c_sw t             inverter switching (~ I, SiC MOSFETs)
         + c_h s + c_e s^2    iron: hysteresis (~ f) and eddy current (~ f^2)
         + c_w s^3            windage

The coefficients are fitted (least squares, non-negative) to four class-typical operating points
of a 2020s interior-PM motor with a SiC inverter, stated as drive-unit (motor + inverter)
efficiency at a torque-to-power ratio T_peak w_max / P_peak = 4 (e.g. 400 Nm, 21,000 rpm,
220 kW):
  - peak about 96.5 % at mid speed and mid torque (s 0.35, t 0.45);
  - about 93.5 % at the base-speed corner (s 0.25, t 1.0);
  - about 85 % at city light load (s 0.10, t 0.04: ~3.5 kW);
  - about 93 % cruising at high speed, light torque (s 0.8, t 0.15).
These are the shape of the published benchmarking maps of modern PM drive units (Oak Ridge
National Laboratory benchmarking reports of the 2017 Prius, BMW i3 and Chevrolet Bolt drives;
the Model 3's drive unit is reported at about 89 % battery-to-wheel; see SOURCES.md).
"""

from pathlib import Path

import numpy as np

OUT = Path("src/bevsim/spec/data/motor_maps/pmsm-sic.csv")
TARGETS = [  # (speed fraction, torque fraction, drive-unit efficiency)
    (0.35, 0.45, 0.965),
    (0.25, 1.00, 0.935),
    (0.10, 0.04, 0.85),
    (0.80, 0.15, 0.93),
]
WINDAGE = 0.0015
GRID = np.linspace(0.05, 1.0, 20)


def losses(s, t, coef):
    """Per-unit loss at normalised speed s and torque t."""
    c_cu, c_sw, c_h, c_e = coef
    return c_cu * t**2 + c_sw * t + c_h * s + c_e * s**2 + WINDAGE * s**3


def fit():
    """Non-negative least-squares fit of the four loss coefficients to TARGETS."""
    from scipy.optimize import nnls

    rows, rhs = [], []
    for s, t, eff in TARGETS:
        p = s * t
        rows.append([t**2, t, s, s**2])
        rhs.append(p * (1.0 / eff - 1.0) - WINDAGE * s**3)
    weights = np.array([1.0 / (s * t * (1 / e - 1)) for s, t, e in TARGETS])
    coef, _ = nnls(np.array(rows) * weights[:, None], np.array(rhs) * weights)
    return coef


def main():
    coef = fit()
    lines = [
        "# Built-in PMSM + SiC inverter drive-unit efficiency map, normalised",
        "# made by tools/make_default_motor_map.py",
        "# loss coefficients c_cu, c_sw, c_h, c_e = "
        f"{', '.join(f'{c:.5f}' for c in coef)}; c_w = {WINDAGE}",
        "speed_fraction,torque_fraction,efficiency",
    ]
    for s in GRID:
        for t in GRID:
            p = s * t
            lines.append(f"{s:.2f},{t:.2f},{p / (p + losses(s, t, coef)):.4f}")
    OUT.write_text("\n".join(lines) + "\n")
    for s, t, target in TARGETS:
        p = s * t
        print(f"s={s} t={t}: target {target}, map {p / (p + losses(s, t, coef)):.4f}")


if __name__ == "__main__":
    main()
