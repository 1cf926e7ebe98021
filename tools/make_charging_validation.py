"""Regenerate docs/validation_charging.md: bevsim's DC fast charging against published figures
(issue 14: 10-80 % time within +-10 %, peak power within +-15 %; issue 5's +-15 % on times is
shown beside it).

Run from the repository root:  python tools/make_charging_validation.py

Each car is run from its file in the vehicle library, src/bevsim/vehicles/ (built from its
published specification; the published charging figures are never inputs, except where a row
is marked "input check") through ``bevsim charge`` at 23 degC with the cells soaked at 23 degC,
not preconditioned, on a charger stronger than the car (350 kW, 500 A) unless the published
figure names a weaker one, or the session states its own ambient and preconditioning (a cold
session: cells soaked at that ambient). Every row outside its tolerance names its cause in WHY.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import yaml

from bevsim.procedures.dc_charge import dc_charge_test
from bevsim.spec import load_vehicle
from bevsim.validation.reference import vehicle_refs

REFERENCE = Path("tests/data/reference/official/vehicles.yaml")
OUT = Path("docs/validation_charging.md")
TAPER = Path("src/bevsim/chemistry/data/dc_taper/class_default.yaml")
"""The shipped class-default DC taper (tools/derive_dc_taper.py), described on the page."""
TIME_TOLERANCE_PCT = 10.0
"""Issue 14's target for a charging time (and for the average power over a window) [%]."""
ISSUE5_TIME_TOLERANCE_PCT = 15.0
"""The earlier target (issue 5) for a charging time [%], shown beside issue 14's."""
PEAK_TOLERANCE_PCT = 15.0
"""Issue 14's target for the peak DC power [%]."""
CHARGER_KW = 350.0
AMBIENT_C = 23.0
PEAK_WINDOW_PCT = (10, 80)
"""SOC window [%] a peak-only figure is compared over: the peak of bevsim's 10-80 % session."""
FLAT_WINDOWS_PCT = {"dc_10_80_min": (10, 80), "dc_30_80_min": (30, 80)}
"""The reference set's maker-claim keys -> SOC window [%] they cover."""
INPUT_CHECK = "input check"
SESSION_FIELDS = {
    "time_min": "minutes",
    "avg_kw": "avg_kw",
    "wait_min": "first_current_min",
    "charge_min": "charging_minutes",
    "peak_kw": "peak_kw",
}
"""Figure kind -> the key of a published session that gives it: the window's time from plug-in
[min], its average power [kW], the wait from plug-in to the first charge current (a cold pack
being heated) [min], the window's time from the first current on [min], its peak power [kW]."""
TIME_KINDS = ("time_min", "wait_min", "charge_min")
"""Figure kinds that are times, held to the time tolerance."""

_LFP_MAP = "no measured curve in the file: the generic LFP C-rate map"
_LFP_TAPER = "no measured curve in the file: the LFP class-default taper"
_NMC_TAPER = "no measured curve in the file: the NMC class-default taper"
WHY: dict[str, str] = {
    "tesla-model3-rwd-2024-highland | peak power | S81": (
        f"{_LFP_MAP} gives about 2.1 C (136 kW on the 64 kWh pack) to cells at 23-35 degC (the "
        "class-default taper caps the map, it does not raise it); the car takes about 2.8 C at "
        "low SOC (EVKX max C-rate 2.82), so the 170 kW cap never binds"
    ),
    "tesla-model3-rwd-2024-highland | peak power | S82": (
        f"{_LFP_MAP} caps the warm pack at about 2.1 C (136 kW); the measured car takes 2.8 C"
    ),
    "byd-dolphin-60kwh | 10-80 % time | S83": (
        f"{_LFP_TAPER} holds the 88 kW peak to 55 % SOC and 71-73 % of it above 60 %, as the "
        "derivation cars do; the measured car drops to 51 kW (58 % of its peak) at 32-36 % and "
        "43-47 % and to 59 kW from 48 %, below every derivation car (its BMS steps are in no "
        "input). The maker's 30-80 % claim (29 min) is within: the measured session is slower "
        "than the claim"
    ),
    "hyundai-ioniq6-lr-rwd | 10-80 % time | S42": (
        f"{_NMC_TAPER} falls to 76 % of the peak at 50 % SOC and 39 % at 80 %; this 800 V "
        "E-GMP car holds 233 kW to 46 % and 158 kW (68 %) at 76-81 % (S84), above the "
        "highest derivation car (66 % at 80 %). The claim is 10 % slower than the measured "
        "session"
    ),
    "hyundai-ioniq6-lr-rwd | 10-80 % time | S84": (
        f"{_NMC_TAPER} falls to 76 % of the peak at 50 % SOC and 39 % at 80 %; the measured car "
        "holds 221-234 kW to 46 %, 186 kW (79 %) from 48 % and 158 kW (68 %) from 76 %, above "
        "the highest derivation car at 75-80 % (the EVKX EV6 table, the one E-GMP sibling, is "
        "this car's and is not in the derivation set)"
    ),
    "nissan-leaf-sl-plus-62kwh-2022 | peak power | S89": (
        "the car's DC peak in the file is the maker's 'up to 100 kW' rating; the measured car "
        "takes 72 kW at its best pack temperature (a pack without active thermal "
        f"management, S88b); {_NMC_TAPER} reaches the file's peak at its knee"
    ),
    "tesla-model3-lr-awd-2022 | 10-80 % time | S85": (
        f"{_NMC_TAPER} holds 95-100 % of the peak to 35 % SOC, where the charger's 500 A caps "
        "it at about 189 kW; the measured car tapers from 15 % (164 kW, 66 %, at 30 %; 96 kW, "
        "38 %, at 50 %; 46 kW at 80 %), below the lowest derivation car (the Model Y Long "
        "Range: 42 % at 50 %). The taper is in no input"
    ),
    "tesla-model3-lr-awd-2022 | peak power | S85": (
        "the table's charger gives 500 A (CCS rating); at the pack's 360-400 V that is 180-200 "
        "kW. The measured 250 kW is a Supercharger session, which supplies more current"
    ),
    "tesla-model3-lr-awd-2022 | wait for first current | S92, S93, S94": (
        "the cells take no current at or below 0 degC (NMC map); bevsim's 6 kW heater (HT-TSLA, "
        "another Tesla's CAN readout) puts 3.3 kWh into the 441 kJ/K pack in 33.1 min to get "
        "there; the car drew about 5 kW and spent 2.5-4 kWh (S93), so heater power and heat "
        "capacity agree within the sources' rounding ('about half an hour'; S92 says 45 min). "
        "The pack after 48 h may be warmer than the -25.5 degC minimum (the car showed -22.8 "
        "degC; started there bevsim waits 29.7 min); the ambient was not changed to fit"
    ),
    "tesla-model3-lr-awd-2022 | 35-90 % time after first current | S92, S93, S94": (
        f"{_NMC_TAPER} lets the warming pack (about 1 degC at first current, 22 degC at 60 %) "
        "take 122-141 kW at 50-70 % SOC; this car's own warm curve tapers far below that default "
        "(row 19: -30 % at 23 degC), which is in no input. bevsim's pack is the 2022 car's 82 "
        "kWh against the 2019 Performance's 75-79 kWh, which would make bevsim slower, not faster"
    ),
    "bmw-i3-60ah-2014 | 3-80 % time | S91": (
        "the claim's start SOC is not stated: 30 min at 24 kW is 12 kWh, 64 % of the 18.8 kWh "
        "usable, so the claim cannot start near empty; bevsim's 3-80 % session needs 16.9 kWh "
        "at the inlet"
    ),
}
"""Row key (see row_key) -> why bevsim misses that published figure: the input or the physics."""


def row_key(vehicle_id: str, figure: str, sources: str) -> str:
    """The name of one published figure: car, figure and its sources."""
    return f"{vehicle_id} | {figure} | {sources}"


def _figure_row(vehicle_id: str, session: dict, kind: str, sources: str) -> dict:
    """One published figure of a session: kind time_min [min], avg_kw or peak_kw [kW]."""
    soc_from, soc_to = session.get("window_pct") or PEAK_WINDOW_PCT
    figure = {
        "time_min": f"{soc_from}-{soc_to} % time",
        "avg_kw": f"{soc_from}-{soc_to} % avg power",
        "wait_min": "wait for first current",
        "charge_min": f"{soc_from}-{soc_to} % time after first current",
        "peak_kw": "peak power",
    }[kind]
    return {
        "key": row_key(vehicle_id, figure, sources),
        "vehicle_id": vehicle_id,
        "basis": session["basis"],
        "kind": kind,
        "figure": figure,
        "from_soc": soc_from / 100.0,
        "to_soc": soc_to / 100.0,
        "charger_kw": float(session.get("charger_kw") or CHARGER_KW),
        "ambient_c": float(session.get("ambient_c", AMBIENT_C)),
        "precondition": bool(session.get("precondition", False)),
        "published": float(session[SESSION_FIELDS[kind]]),
        "unit": "min" if kind in TIME_KINDS else "kW",
        "sources": sources,
        "conditions": session.get("conditions", ""),
    }


def _sessions(vehicle: dict) -> list[dict]:
    """The vehicle's published sessions: its maker-claim keys (dc_10_80_min, dc_30_80_min with
    dc_fast_charge_peak_kw) and its dc_sessions list."""
    official = vehicle.get("official") or {}
    src = vehicle.get("src") or {}
    sessions = []
    for key, window in FLAT_WINDOWS_PCT.items():
        if official.get(key) is None:
            continue
        sessions.append(
            {
                "basis": "maker claim",
                "window_pct": list(window),
                "minutes": official[key],
                "peak_kw": official.get("dc_fast_charge_peak_kw"),
                "conditions": "maker's claim (reference set)",
                "source": src.get(key, []),
                "peak_source": src.get("dc_fast_charge_peak_kw", []),
            }
        )
    return sessions + list(official.get("dc_sessions") or [])


def published_rows(reference: Path = REFERENCE) -> list[dict]:
    """Every published DC figure of the reference set, one row each: time over a SOC window
    [min], average power over a window [kW] or peak power [kW], with basis, charger and sources."""
    data = yaml.safe_load(Path(reference).read_text(encoding="utf-8"))
    rows = []
    for vehicle in data["vehicles"]:
        for session in _sessions(vehicle):
            sources = ", ".join(session.get("source") or [])
            for kind, field in SESSION_FIELDS.items():
                if session.get(field) is None:
                    continue
                if kind == "peak_kw":
                    sources = ", ".join(session.get("peak_source") or []) or sources
                rows.append(_figure_row(vehicle["id"], session, kind, sources))
    return rows


def charging_validation_table(reference: Path = REFERENCE, vehicle_dir: Path | None = None):
    """One row per published figure with bevsim's value, error and whether it is within its
    tolerance; cars from the library unless vehicle_dir is given (see vehicle_refs). A peak
    equal to the car's charging.dc_max_power_kw is an input check (bevsim reaches its input)."""
    sessions: dict[tuple, dict] = {}
    rows = []
    for fig in published_rows(reference):
        path = vehicle_refs([fig["vehicle_id"]], vehicle_dir)[0]
        run = (
            path,
            fig["from_soc"],
            fig["to_soc"],
            fig["charger_kw"],
            fig["ambient_c"],
            fig["precondition"],
        )
        if run not in sessions:
            sessions[run] = dc_charge_test(*run)[0]
        summary = sessions[run]
        wait_min = summary["first_current_after_s"] / 60.0
        bevsim = {
            "time_min": summary["time_min"],
            "avg_kw": summary["avg_power_kw"],
            "wait_min": wait_min,
            "charge_min": summary["time_min"] - wait_min,
            "peak_kw": summary["peak_power_kw"],
        }[fig["kind"]]
        basis = fig["basis"]
        if (
            fig["kind"] == "peak_kw"
            and fig["published"] == load_vehicle(path).charging.dc_max_power_kw
        ):
            basis = INPUT_CHECK
        error = 100.0 * (bevsim / fig["published"] - 1.0)
        tolerance = PEAK_TOLERANCE_PCT if fig["kind"] == "peak_kw" else TIME_TOLERANCE_PCT
        rows.append(
            fig
            | {
                "basis": basis,
                "bevsim": bevsim,
                "error_pct": error,
                "tolerance_pct": tolerance,
                "within_tolerance": abs(error) <= tolerance,
                "within_issue5": fig["kind"] in TIME_KINDS
                and abs(error) <= ISSUE5_TIME_TOLERANCE_PCT,
                "bevsim_peak_kw": summary["peak_power_kw"],
                "bevsim_avg_kw": summary["avg_power_kw"],
                "mostly_limited_by": summary["mostly_limited_by"],
                "max_cell_temp_c": summary["max_cell_temp_c"],
            }
        )
    return pd.DataFrame(rows)


def _why(row) -> str:
    if row.within_tolerance:
        return WHY.get(row.key, "")
    if row.key not in WHY:
        raise ValueError(f"{row.key}: outside its tolerance and WHY does not say why")
    return WHY[row.key]


def _tolerance_text(row) -> str:
    if row.kind in TIME_KINDS:
        return f"±{row.tolerance_pct:.0f} % (issue 5: ±{ISSUE5_TIME_TOLERANCE_PCT:.0f} %)"
    return f"±{row.tolerance_pct:.0f} %"


def _ambient_text(row) -> str:
    soak = "preconditioned" if row.precondition else "soaked"
    return f"{row.ambient_c:g} degC, {soak}"


def _within_text(row) -> str:
    text = "yes" if row.within_tolerance else "no"
    if row.kind in TIME_KINDS:
        text += f" ({'yes' if row.within_issue5 else 'no'})"
    return text


def _count_line(table: pd.DataFrame, kinds: tuple[str, ...], label: str, tol: float) -> str:
    rows = table[table["kind"].isin(kinds) & (table["basis"] != INPUT_CHECK)]
    line = (
        f"- {label}: **{int(rows['within_tolerance'].sum())} of {len(rows)} within ±{tol:.0f} %**"
    )
    if "time_min" in kinds:
        times = rows[rows["kind"].isin(TIME_KINDS)]
        line += (
            f" ({int(times['within_issue5'].sum())} of {len(times)} times within issue 5's"
            f" ±{ISSUE5_TIME_TOLERANCE_PCT:.0f} %)"
        )
    return line + "."


def render(table: pd.DataFrame) -> str:
    """The Markdown page."""
    lines = [
        "# DC fast-charging validation against published figures",
        "",
        "Generated by `python tools/make_charging_validation.py`; do not edit by hand.",
        "",
        "Every published DC charging figure in `tests/data/reference/official/vehicles.yaml`",
        "(maker's claims and independent measured sessions, sources in its `SOURCES.md`, section",
        "J) is compared with bevsim's `bevsim charge` session of the car's library file",
        "(`src/bevsim/vehicles/*.yaml`): at",
        f"{AMBIENT_C:g} degC with the cells soaked at {AMBIENT_C:g} degC, not preconditioned, on a",
        f"{CHARGER_KW:g} kW / 500 A charger unless the figure names a weaker charger; a cold",
        "session runs at its stated ambient with the cells soaked at it and the car's own",
        "heater (`thermal.battery_heater_kw`) warming them from the inlet (column *ambient*). A",
        "wait for first current is the time from plug-in until the pack takes current. A peak is",
        "the highest inlet power of the session over the figure's window (10–80 % where the",
        "source gives a peak only). Cells follow their chemistry's DC map (`charge_c_rate_map`)",
        "and the car's DC power curve: its measured `charging.dc_power_curve` where its file has",
        "one (it replaces the map), else its chemistry's class-default taper times its",
        "`charging.dc_max_power_kw` (it caps the map; see *Class-default DC taper* below), both",
        "capped by `charging.dc_max_power_kw`. Nothing was tuned to these figures.",
        "",
        "Tolerances (issue 14): time, and average power over a window,",
        f"±{TIME_TOLERANCE_PCT:.0f} % (issue 5's ±{ISSUE5_TIME_TOLERANCE_PCT:.0f} % in brackets);",
        f"peak power ±{PEAK_TOLERANCE_PCT:.0f} %. An **{INPUT_CHECK}** compares bevsim with a",
        "figure that is one of the car's inputs (its measured curve, or a peak equal to its",
        "`dc_max_power_kw`): it checks the input is honoured and is not counted as a validation.",
        "",
        "| # | car | basis | figure | ambient | charger kW | published | bevsim | error |"
        " tolerance | within | bevsim peak kW | mostly limited by | sources | why (every miss) |",
        "|---:|---|---|---|---|---:|---:|---:|---:|---|:---:|---:|---|---|---|",
    ]
    notes, first_row = [], {}
    for n, (_, r) in enumerate(table.iterrows(), start=1):
        digits = 1 if r.kind in TIME_KINDS else 0
        lines.append(
            f"| {n} | {r.vehicle_id} | {r.basis} | {r.figure} | {_ambient_text(r)} | "
            f"{r.charger_kw:g} | "
            f"{r.published:.{digits}f} {r.unit} | {r.bevsim:.{digits}f} {r.unit} | "
            f"{r.error_pct:+.1f} % | {_tolerance_text(r)} | {_within_text(r)} | "
            f"{r.bevsim_peak_kw:.0f} | {r.mostly_limited_by} | {r.sources} | {_why(r)} |"
        )
        session = (r.vehicle_id, r.conditions)
        what = f"as row {first_row[session]}" if session in first_row else r.conditions
        first_row.setdefault(session, n)
        notes.append(f"{n}. {r.vehicle_id}, {r.figure}: {what} ({r.sources}).")
    lines += [
        "",
        "Results (input checks not counted):",
        "",
        _count_line(table, (*TIME_KINDS, "avg_kw"), "times and average powers", TIME_TOLERANCE_PCT),
        _count_line(table, ("peak_kw",), "peak powers", PEAK_TOLERANCE_PCT),
        "",
        "What each row compares:",
        "",
        *notes,
        "",
        "Not in the table: the MS11 cars (`ms11-lfp`, `ms11-naion`) are not sold, so nothing is",
        "published for them; no maker's 10–80 % time was found for the Model 3s, Bolt EUV, Leaf,",
        "ID.3 or i3 (see SOURCES.md, section J, for what was searched).",
        "",
        "Cold charging: one published session with its conditions stated was found for a library",
        "car (its sibling): the cold-soaked 2019 Model 3 Performance at −25.5 degC, not",
        "preconditioned (the rows at −25.5 degC above; SOURCES.md section J lists what else was",
        "searched). It checks the wait while the heater warms the pack (cells take no current",
        "at or below 0 degC) and the session once current flows. The chemistry-specific",
        "behaviour is tested in `tests/engine/test_dc_charging_physics.py`: LFP and NMC take no",
        "current below 0 degC until the heater warms the pack, sodium-ion charges at once.",
        "Sodium-ion's cold map rows follow an Arrhenius law in the allowed current whose one",
        "activation energy (22.6 kJ/mol) is solved with the thermal model in the loop: the",
        "`ms11-naion` session at −30 degC, warming by its losses and heater, charges 30→80 % in",
        "the 30 min of CATL's Naxtra claim (FACTS.md, unverified;",
        "`tools/derive_naion_cold_dc.py`).",
        "",
        *taper_section(),
    ]
    return "\n".join(lines)


def taper_section(table_path: Path = TAPER) -> list[str]:
    """The page's section on the class-default DC taper: its values, spread and errors per
    chemistry, from the shipped table (tools/derive_dc_taper.py)."""
    table = yaml.safe_load(Path(table_path).read_text(encoding="utf-8"))
    lines = [
        "## Class-default DC taper",
        "",
        "A car whose file has no measured curve takes its chemistry's class-default taper: the",
        "DC inlet power as a fraction of the car's peak against SOC, the median over measured",
        "curves (EVKX tables, warm pack, unlimiting charger) of production cars that are not",
        "validation cars, non-increasing above its knee and 1 there",
        "(`tests/data/reference/dc_taper/measured_curves.yaml`, derived by",
        "`python tools/derive_dc_taper.py` into",
        "`src/bevsim/chemistry/data/dc_taper/class_default.yaml`). At other cell temperatures",
        "the chemistry's map derates it, as it does a measured curve. Sodium-ion has no",
        "default: no sodium-ion car with a measured curve was found, so its cars follow the",
        "chemistry's map alone. Error: each derivation car's 10-80 % time from its own peak",
        "and energy against its table's time; leave one car out (and one make out) derives the",
        "default without the car (its make). The alternative form, a C-rate envelope (power",
        "per kWh of the car, capped at its peak), has the larger leave-one-car-out error.",
        "",
    ]
    for chemistry, entry in table.items():
        socs = " | ".join(f"{100 * soc:.0f} %" for soc in entry["soc"])
        lines += [
            f"**{chemistry.upper()}** ({len(entry['cars'])} cars):",
            "",
            f"| SOC | {socs} |",
            "|---|" + "---:|" * len(entry["soc"]),
            "| power / peak | " + " | ".join(f"{v:.2f}" for v in entry["power_fraction"]) + " |",
            "| lowest car | " + " | ".join(f"{v:.2f}" for v in entry["spread_min"]) + " |",
            "| highest car | " + " | ".join(f"{v:.2f}" for v in entry["spread_max"]) + " |",
            "",
            "| derivation car | make | 10-80 % min (EVKX) | in sample | leave one car out |"
            " leave one make out |",
            "|---|---|---:|---:|---:|---:|",
        ]
        for car in entry["cars"]:
            make_out = car["leave_one_make_out_error_pct"]
            make_out_text = "-" if make_out is None else f"{make_out:+.1f} %"
            lines.append(
                f"| {car['car']} | {car['make']} | {car['published_10_80_min']:.1f} | "
                f"{car['in_sample_error_pct']:+.1f} % | "
                f"{car['leave_one_car_out_error_pct']:+.1f} % | {make_out_text} |"
            )
        by_form = entry["rms_leave_one_car_out_error_pct_by_form"]
        lines += [
            "",
            f"RMS error: in sample {entry['rms_in_sample_error_pct']:.1f} %, leave one car out "
            f"{entry['rms_leave_one_car_out_error_pct']:.1f} %, leave one make out "
            f"{entry['rms_leave_one_make_out_error_pct']:.1f} % (C-rate envelope: leave one car "
            f"out {by_form['c_rate_per_h']:.1f} %). Each car's table read at 5 % steps gives its "
            "own time within about 5 % (EVKX books about 4 % more time per kWh than energy over "
            "power), the floor of these errors.",
            "",
        ]
    return lines


def main() -> int:
    table = charging_validation_table()
    OUT.write_text(render(table), encoding="utf-8")
    columns = ["vehicle_id", "basis", "figure", "published", "bevsim", "error_pct"]
    print(table[columns].to_string())
    print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
