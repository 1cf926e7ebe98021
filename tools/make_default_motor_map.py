"""Write the built-in PMSM + SiC-inverter efficiency map (normalised speed and torque).

Run from the repository root:  python tools/make_default_motor_map.py

The map is a loss model, not a measurement. Losses in per-unit of the motor's corner product
(peak torque x max speed), at normalised speed s = w / w_max and torque t = T / T_peak:

    loss = c_cu t^2           stator copper + inverter conduction (both ~ I^2, I ~ T)
         + c_sw t             inverter switching (~ I)
         + c_0 [s > 0]        inverter and control electronics while the motor turns
         + c_h s + c_e s^2    iron: hysteresis (~ f) and eddy current (~ f^2)
         + c_w s^3            windage

The coefficients are fitted (non-negative least squares) to drive-unit (motor + inverter)
efficiencies at five operating points (src/bevsim/spec/data/motor_maps/benchmarks.yaml,
which cites each), for a torque-to-power ratio T_peak w_max / P_peak of
about 3.3 (the 2022 Model 3's 420 N m, ~17,900 rpm, 239 kW):
  - light load, where range is decided: about 82-83 % in city driving (s 0.10, t 0.04, ~1.3 %
    of rated power) and about 86-87 % at highway cruise (s 0.30, t 0.033, ~3.3 % of rated
    power), after NREL FASTSim 3.1's drive-unit curve for the 2022 Tesla Model 3 RWD
    (efficiency 0.84 / 0.86 / 0.88 at 0 / 2 / 4 % of rated power; docs/peers/fastsim.md);
  - about 91 % at high speed and light torque (s 0.8, t 0.05);
  - peak about 96.5 % at mid speed and torque (s 0.35, t 0.45) and about 93.5 % at the
    base-speed corner (s 0.25, t 1.0), the shape of published benchmark maps of PM drive units
    (e.g. the US EPA ALPHA map packages of the 2018 Chevrolet Bolt drive unit).
"""

from pathlib import Path

import numpy as np

from bevsim.yamlfile import read_yaml_file

OUT = Path("src/bevsim/spec/data/motor_maps/pmsm-sic.csv")
OUT_IGBT = Path("src/bevsim/spec/data/motor_maps/pmsm-igbt.csv")
IGBT_INVERTER_LOSS_FACTOR = 2.0
"""A silicon IGBT inverter loses about twice what a SiC MOSFET inverter does (Bosch, press
release 7 Oct 2019, 'Bosch to make silicon carbide chips': SiC power electronics give off 50 %
less heat and give 6 % more range). The PMSM + IGBT map is the PMSM + SiC map with the
inverter's switching (c_sw) and electronics (c_0) terms doubled; the machine terms and the
conduction share of c_cu are kept."""
BENCHMARKS = Path(__file__).resolve().parents[1] / OUT.parent / "benchmarks.yaml"
"""The sourced drive-unit efficiency points the loss coefficients are fitted to (each cited
there); tests/spec/test_motor_maps.py checks the maps against the same file."""


def named_targets(path: Path = BENCHMARKS) -> dict[str, tuple[float, float, float]]:
    """(speed fraction, torque fraction, drive-unit efficiency) of each sourced point, by name."""
    points = read_yaml_file(path, "motor-map benchmark file")["points"]
    return {p["name"]: (float(p["s"]), float(p["t"]), float(p["efficiency"])) for p in points}


def targets(path: Path = BENCHMARKS) -> list[tuple[float, float, float]]:
    """(speed fraction, torque fraction, drive-unit efficiency) of each sourced point."""
    return list(named_targets(path).values())


TARGETS = targets()
WINDAGE = 0.0015
GRID = np.linspace(0.05, 1.0, 20)


def losses(s, t, coef):
    """Per-unit loss at normalised speed s and torque t."""
    c_cu, c_sw, c_0, c_h, c_e = coef
    turning = 1.0 if s > 0 else 0.0
    return c_cu * t**2 + c_sw * t + c_0 * turning + c_h * s + c_e * s**2 + WINDAGE * s**3


def fit():
    """Non-negative least-squares fit of the four loss coefficients to TARGETS."""
    from scipy.optimize import nnls

    rows, rhs = [], []
    for s, t, eff in TARGETS:
        p = s * t
        rows.append([t**2, t, 1.0, s, s**2])
        rhs.append(p * (1.0 / eff - 1.0) - WINDAGE * s**3)
    weights = np.array([1.0 / (s * t * (1 / e - 1)) for s, t, e in TARGETS])
    coef, _ = nnls(np.array(rows) * weights[:, None], np.array(rhs) * weights)
    return coef


def igbt_coefficients(coef):
    """The loss coefficients with a silicon IGBT inverter: switching (c_sw) and electronics
    (c_0) times IGBT_INVERTER_LOSS_FACTOR."""
    igbt = coef.copy()
    igbt[1:3] *= IGBT_INVERTER_LOSS_FACTOR
    return igbt


def write_grid(path: Path, header: list[str], efficiency) -> None:
    """Write a normalised map: ``header`` comment lines, then ``efficiency(s, t)`` [-] on
    GRID x GRID."""
    lines = [*header, "speed_fraction,torque_fraction,efficiency"]
    for s in GRID:
        for t in GRID:
            lines.append(f"{s:.2f},{t:.2f},{efficiency(s, t):.4f}")
    path.write_text("\n".join(lines) + "\n")


def efficiency(s, t, coef):
    """Drive-unit efficiency [-] at normalised speed s and torque t."""
    p = s * t
    return p / (p + losses(s, t, coef))


def write_map(path: Path, coef, inverter: str) -> None:
    """Write the normalised efficiency map of the loss coefficients ``coef`` to ``path``."""
    header = [
        f"# Built-in PMSM + {inverter} inverter drive-unit efficiency map, normalised",
        "# made by tools/make_default_motor_map.py",
        "# loss coefficients c_cu, c_sw, c_0, c_h, c_e = "
        f"{', '.join(f'{c:.5f}' for c in coef)}; c_w = {WINDAGE}",
    ]
    write_grid(path, header, lambda s, t: efficiency(s, t, coef))


def main():
    coef = fit()
    write_map(OUT, coef, "SiC")
    igbt = igbt_coefficients(coef)
    write_map(OUT_IGBT, igbt, "Si IGBT")
    for s, t, target in TARGETS:
        sic, si = (efficiency(s, t, c) for c in (coef, igbt))
        print(f"s={s} t={t}: target {target}, SiC map {sic:.4f}, IGBT map {si:.4f}")


if __name__ == "__main__":
    main()
