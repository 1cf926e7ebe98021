"""Every procedure by name, behind one protocol (``bevsim.procedures.protocol``): cycle, cltc,
wltp, epa, winter, everyday, perf, charge and autonomy. The adapters call the procedures' public
functions with the options passed through, and give the traces where a procedure has them (perf:
the launches, charge: the session, cycle: the kernel's). ``bevsim procedures`` lists them; the CLI's
procedure commands (range, winter, perf, charge, simulate, compare, autonomy-cost) and ``bevsim
sweep --procedure NAME --option KEY=VALUE`` run them all through here.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from bevsim.engine.facade import (
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    SURFACE_ROLLING_FACTOR,
    TEST_TRACK,
)
from bevsim.errors import lookup_known
from bevsim.procedures import everyday, range_test, winter
from bevsim.procedures.epa import LABEL_METHODS
from bevsim.procedures.protocol import (
    BatchProcedure,
    Option,
    ProcedureError,
    ProcedureRun,
    parse_procedure_name,
)
from bevsim.spec import VehicleSpec

RANGE_UNITLESS = frozenset({"vehicle_id", "vehicle", "procedure", "cycles_driven", "end_soc"})
"""Range rows without a unit: ids, the procedure, cycles driven [-] and the end SOC [-]."""
EPA_UNITLESS = frozenset(
    {"vehicle_id", "vehicle", "procedure", "label_method", "recharge_ratio", "adjustment_factor"}
)
"""EPA rows without a unit: ids, the label method and its recharge ratio and factor [-]."""


def _load(default_kg: float, what: str) -> Option:
    return Option("load_kg", "float", default_kg, "kg", f"Load added to curb mass ({what}).")


def _initial_soc() -> Option:
    return Option("initial_soc", "float", None, "-", "Start SOC, a fraction (default: soc_max).")


def _ambient(help_text: str = "Ambient (and soaked cell) temperature.") -> Option:
    return Option("ambient_temp_c", "float", 23.0, "degC", help_text)


def _range_procedure(procedures: dict) -> Option:
    names = tuple(procedures)
    return Option("procedure", "str", "cltc", "", "Range procedure.", choices=names)


def _cycle(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
    """The cycle run; with ``traces``, the kernel's per-step traces by vehicle id."""
    from bevsim.procedures.cycle_run import simulate

    args = (o["load_kg"], o["initial_soc"], o["ambient_temp_c"], o["dt_s"])
    result = simulate(specs, o["cycle"], traces, *args)
    return ProcedureRun(result.summary, result.traces)


def _range(name: str):
    def run(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
        if name == "epa":
            return ProcedureRun(range_test.range_test(specs, name, label_method=o["label_method"]))
        return ProcedureRun(range_test.range_test(specs, name))

    return run


def _keyed_by_id(batch):
    """``batch`` run on specs with distinct ids (a sweep's variants share their base car's id,
    and winter and autonomy match rows by id), the rows given their own ids back (traces, if
    any, stay under the distinct ids)."""

    def run(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
        ids = [s.id for s in specs]
        if len(set(ids)) == len(ids):
            return batch(specs, o, traces)
        tagged = [s.model_copy(update={"id": f"{s.id}#{i}"}) for i, s in enumerate(specs)]
        result = batch(tagged, o, traces)
        base_of = {t.id: s.id for t, s in zip(tagged, specs, strict=True)}
        result.table["vehicle_id"] = result.table["vehicle_id"].map(base_of)
        return result

    return run


def _winter(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
    args = (o["temps_c"], o["procedure"], o["precondition"], o["hvac_on"])
    road = (o["road_surface"], o["winter_tires"], o["wind_speed_mps"])
    return ProcedureRun(winter.winter_test(specs, *args, *road))


def _everyday(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
    return ProcedureRun(everyday.everyday_test(specs, **o))


def _road_surface(default: str) -> Option:
    return Option(
        "road_surface",
        "str",
        default,
        "",
        "The road's surface, for the tyres' rolling resistance.",
        choices=tuple(SURFACE_ROLLING_FACTOR),
    )


def _perf(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
    """The performance run; with ``traces``, the launch traces by vehicle id."""
    from bevsim.procedures.performance import performance_run

    args = (o["load_kg"], o["initial_soc"], o["ambient_temp_c"], o["dt_s"])
    result = performance_run(specs, *args)
    table = result.summary
    table.insert(3, "ambient_temp_c", o["ambient_temp_c"])
    return ProcedureRun(table, result.traces if traces else {})


def _charge(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
    """One DC session per vehicle, with the lowest and highest pack voltage of its trace [V];
    with ``traces``, each session's 1-s trace by vehicle id."""
    from bevsim.procedures.dc_charge import dc_charge_run

    rows, sessions = [], {}
    for spec in specs:
        result = dc_charge_run(
            spec,
            o["from_soc"],
            o["to_soc"],
            o["charger_kw"],
            o["ambient_temp_c"],
            o["precondition"],
            o["charger_max_current_a"],
        )
        voltage_v = result.trace["voltage_v"]
        rows.append(
            result.summary
            | {"min_voltage_v": float(voltage_v.min()), "max_voltage_v": float(voltage_v.max())}
        )
        sessions[spec.id] = result.trace
    return ProcedureRun(pd.DataFrame(rows), sessions if traces else {})


def _autonomy(specs: list[VehicleSpec], o: dict[str, Any], traces: bool) -> ProcedureRun:
    from bevsim.autonomy.energy import autonomy_cost

    return ProcedureRun(autonomy_cost(specs, o["procedure"]))


def _registry() -> dict[str, BatchProcedure]:
    from bevsim.engine.facade import DEFAULT_DT_S
    from bevsim.procedures.cycle_run import DEFAULT_LOAD_KG, UNDEFINED_WITHOUT_DISTANCE
    from bevsim.procedures.dc_charge import (
        DEFAULT_CHARGER_MAX_CURRENT_A,
        UNDEFINED_WITHOUT_CURRENT,
    )
    from bevsim.procedures.performance import DEFAULT_DT_S as LAUNCH_DT_S
    from bevsim.procedures.performance import DRIVER_KG, UNDEFINED_WHEN_NOT_REACHED

    cycle_unitless = frozenset(
        {"vehicle_id", "vehicle", "cycle", "start_soc", "end_soc", "followed_trace"}
    )
    perf_limiters = {
        f"{name}_limited_by"
        for name in (
            "accel_0_100_kmh",
            "accel_0_60_mph",
            "accel_80_120_kmh",
            "quarter_mile",
            "top_speed",
            "top_speed_physical",
            "grade_0kmh",
            "grade_30kmh",
            "grade_80kmh",
        )
    }
    label = Option(
        "label_method", "str", "two-cycle", "", "EPA label adjustment.", choices=LABEL_METHODS
    )
    procedures = [
        BatchProcedure(
            "cycle",
            "One drive cycle from full (or initial_soc): energy, consumption and losses.",
            (
                Option("cycle", "str", None, "", "Drive cycle name or CSV path.", required=True),
                _load(DEFAULT_LOAD_KG, "driver and luggage"),
                _initial_soc(),
                _ambient(),
                Option("dt_s", "float", DEFAULT_DT_S, "s", "Kernel time step."),
            ),
            _cycle,
            cycle_unitless,
            frozenset(UNDEFINED_WITHOUT_DISTANCE),
        ),
        BatchProcedure(
            "cltc",
            "GB/T 18386.1 CLTC-P range: driven to depletion, recharged from the grid.",
            (),
            _range("cltc"),
            RANGE_UNITLESS,
        ),
        BatchProcedure(
            "wltp",
            "UN R154 WLTP range (class 3b): driven to depletion, recharged from the grid.",
            (),
            _range("wltp"),
            RANGE_UNITLESS,
        ),
        BatchProcedure(
            "epa",
            "SAE J1634 UDDS + HWFET label range, adjusted by the label method.",
            (label,),
            _range("epa"),
            EPA_UNITLESS,
        ),
        BatchProcedure(
            "winter",
            "A range procedure at cold temperatures with the cabin heated; retention vs 23 degC.",
            (
                Option(
                    "temps_c", "floats", (-20.0, -7.0, 0.0, 23.0), "degC", "Ambient temperatures."
                ),
                _range_procedure(winter.PROCEDURES),
                Option("precondition", "bool", False, "", "Warm cabin and cells on the plug."),
                Option("hvac_on", "bool", True, "", "Hold the cabin at its setpoint."),
                _road_surface(TEST_TRACK),
                Option("winter_tires", "bool", False, "", "Winter tyres instead of the car's own."),
                Option("wind_speed_mps", "float", 0.0, "m/s", "Mean wind at the car's height."),
            ),
            _keyed_by_id(_winter),
            RANGE_UNITLESS | EPA_UNITLESS | {"precondition", "hvac_on", "range_retained"},
            condition="temps_c",
        ),
        BatchProcedure(
            "everyday",
            "A day of short trips, parked and cooling between them: battery and wall kWh/100 km.",
            (
                _ambient("Ambient temperature (car parked and soaked there)."),
                Option(
                    "trips_per_day",
                    "int",
                    everyday.DEFAULT_TRIPS_PER_DAY,
                    "-",
                    "Trips in the day.",
                ),
                Option("trip_km", "float", everyday.DEFAULT_TRIP_KM, "km", "Length of each trip."),
                Option(
                    "parked_h",
                    "float",
                    everyday.DEFAULT_PARKED_H,
                    "h",
                    "Parked between two trips of the day.",
                ),
                Option("hvac_on", "bool", True, "", "Hold the cabin at its setpoint."),
                Option("precondition", "bool", False, "", "Warm cabin and cells before each day."),
                _road_surface(PUBLIC_ASPHALT),
                Option("winter_tires", "bool", False, "", "Winter tyres instead of the car's own."),
                Option(
                    "wind_speed_mps",
                    "float",
                    PUBLIC_ROAD_WIND_SPEED_MPS,
                    "m/s",
                    "Mean wind at the car's height.",
                ),
                _load(everyday.DEFAULT_LOAD_KG, "driver and luggage"),
            ),
            _everyday,
            frozenset({"vehicle_id", "vehicle", "procedure", "trips_per_day"}),
        ),
        BatchProcedure(
            "perf",
            "Full-throttle performance: acceleration, quarter mile, top speed, gradeability.",
            (
                _load(DRIVER_KG, "one driver"),
                _initial_soc(),
                _ambient(),
                Option("dt_s", "float", LAUNCH_DT_S, "s", "Launch time step."),
            ),
            _perf,
            frozenset({"vehicle_id", "vehicle", "start_soc"}) | perf_limiters,
            frozenset(UNDEFINED_WHEN_NOT_REACHED),
        ),
        BatchProcedure(
            "charge",
            "DC fast charge from one SOC to another: time, energy, power, losses.",
            (
                Option("from_soc", "float", 0.10, "-", "Start SOC, a fraction."),
                Option("to_soc", "float", 0.80, "-", "Target SOC, a fraction."),
                Option("charger_kw", "float", 250.0, "kW", "Charger power."),
                _ambient("Ambient temperature (cells soaked there)."),
                Option("precondition", "bool", False, "", "Cells warmed on the way."),
                Option(
                    "charger_max_current_a",
                    "float",
                    DEFAULT_CHARGER_MAX_CURRENT_A,
                    "A",
                    "Charger current limit.",
                ),
            ),
            _charge,
            frozenset({"vehicle_id", "vehicle", "chemistry", "mostly_limited_by", "precondition"}),
            frozenset(UNDEFINED_WITHOUT_CURRENT),
        ),
        BatchProcedure(
            "autonomy",
            "Range cost of the autonomy stack: the range test with and without it.",
            (_range_procedure(range_test.PROCEDURES),),
            _keyed_by_id(_autonomy),
            frozenset({"vehicle_id", "procedure"}),
            needs=lambda spec: spec.autonomy is not None,
        ),
    ]
    return {p.name: p for p in procedures}


REGISTRY: dict[str, BatchProcedure] = _registry()
"""The registered procedures by name, in the order ``bevsim procedures`` lists them."""


def get_procedure(name: str) -> BatchProcedure:
    """The registered procedure called ``name`` (a ProcedureError naming the known ones)."""
    return lookup_known(REGISTRY, name, "procedure", ProcedureError)


def parse_options(procedure: BatchProcedure, texts: dict[str, str]) -> dict[str, Any]:
    """Options given as text (``{"temps_c": "-7,-20"}``) in their kinds, checked."""
    return procedure.resolve(**{k: procedure.option(k).parse(v) for k, v in texts.items()})


def from_procedure_name(text: str) -> tuple[BatchProcedure, dict[str, Any]]:
    """The procedure and resolved options a results-store procedure text names (``cltc``,
    ``cycle:UDDS``, ``winter[temps_c=-7.0]``)."""
    name, texts = parse_procedure_name(text)
    procedure = get_procedure(name)
    return procedure, parse_options(procedure, texts)


def run_named(specs: list[VehicleSpec], text: str) -> pd.DataFrame:
    """Result rows of the procedure a results-store text names (``from_procedure_name``)."""
    procedure, options = from_procedure_name(text)
    return procedure.batch(specs, options, False).table
