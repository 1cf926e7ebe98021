"""Euro NCAP AEB car-to-car rear (CCRs/CCRm/CCRb): the test matrix, each case's world and run.

Scoring: Euro NCAP AEB C2C v3.0.2 section 6.1.3 as implemented in BeamNG/BeamNG_NCAP_Tests
(``scenarios.py``, classes CCRS/CCRM/CCRB; autonomy.md D.2): the relative impact speed earns
the points of the highest band it is below (e.g. CCRs at 50 km/h: < 40 km/h 0.25, < 30 0.5,
< 15 0.75, < 5 1.0); avoidance earns full points. A case **passes** when it earns full points
(avoided, or an impact below the lowest band). Speeds [km/h] in the case dicts, [m/s] inside.
"""

from __future__ import annotations

from bevsim.autonomy.closed_loop import CaseRun, IdealLead, LidarLead, case_metrics, run_closed_loop
from bevsim.autonomy.scenario_specs import CcrScenario, ScenarioError
from bevsim.autonomy.vehicle import LongitudinalVehicle
from bevsim.autonomy.world import Body, World
from bevsim.units import KMH_PER_MPS

CCR_MAX_DURATION_S = 20.0


def ccr_cases(
    scenario: CcrScenario, speeds_kmh: list[float] | None = None
) -> list[dict[str, float]]:
    """The test matrix: one dict per case (ego/target speed, target decel, headway, offset)."""
    speeds = scenario.ego_speeds_kmh if speeds_kmh is None else speeds_kmh
    if speeds_kmh is not None:
        lo, hi = min(scenario.ego_speeds_kmh), max(scenario.ego_speeds_kmh)
        if len(scenario.ego_speeds_kmh) == 1:
            raise ScenarioError(
                f"--speeds: scenario '{scenario.id}' has one fixed ego speed "
                f"({lo:g} km/h); leave --speeds out"
            )
        bad = [s for s in speeds if not lo - 1e-9 <= s <= hi + 1e-9]
        if bad:
            raise ScenarioError(
                f"--speeds: {', '.join(f'{s:g}' for s in bad)} km/h outside the protocol's "
                f"{lo:g}..{hi:g} km/h for '{scenario.id}'"
            )
    cases = []
    for speed in speeds:
        for decel in scenario.target_decels_mps2:
            for headway in scenario.headways_m or [None]:
                for offset in scenario.offsets_pct:
                    cases.append(
                        {
                            "ego_speed_kmh": float(speed),
                            "target_speed_kmh": scenario.target_speed_kmh,
                            "target_decel_mps2": decel,
                            "headway_m": headway,
                            "offset_pct": offset,
                        }
                    )
    return cases


def ccr_world(scenario: CcrScenario, case: dict) -> tuple[World, float]:
    """The world of one CCR case and its duration [s]."""
    v_ego = case["ego_speed_kmh"] / KMH_PER_MPS
    v_tgt = case["target_speed_kmh"] / KMH_PER_MPS
    ego = scenario.ego
    if case["headway_m"] is not None:
        gap = case["headway_m"]
    else:
        closing = v_ego - v_tgt
        if closing <= 0:
            raise ScenarioError(
                f"{scenario.id}: ego {case['ego_speed_kmh']:g} km/h does not close on the "
                f"target at {case['target_speed_kmh']:g} km/h"
            )
        gap = (scenario.start_ttc_s + scenario.lead_in_s) * closing
    target = scenario.target
    lead_in = scenario.lead_in_s if case["headway_m"] is not None else 0.0
    # the target's centre line is offset by offset % of the ego's width (positive: left)
    y = case["offset_pct"] / 100.0 * ego.size_m[1]
    front = 0.5 * ego.size_m[0]
    body = Body(
        id="target",
        size_m=target.size_m,
        reflectivity=target.reflectivity,
        kind=target.kind,
        x_m=front + gap + 0.5 * target.size_m[0],
        y_m=y,
        speed_mps=v_tgt,
    )
    if case["target_decel_mps2"] > 0:
        body.events.append((lead_in, "speed", -case["target_decel_mps2"], 0.0))
    world = World(3, scenario.lane_width_m, False, ego, 0.0, [body])
    return world, CCR_MAX_DURATION_S


def run_ccr_case(args: tuple) -> tuple[dict, CaseRun]:
    """One CCR case (a top-level function, so process pools can run it)."""
    spec, scn, case, lidar, seed, dt_s, frame_period = args
    world, duration = ccr_world(scn, case)
    car = LongitudinalVehicle(spec, case["ego_speed_kmh"] / KMH_PER_MPS, dt_s)
    sense = LidarLead(lidar, world, seed) if lidar is not None else IdealLead(world)
    label = _case_label(case)
    run = run_closed_loop(
        car,
        world,
        sense,
        frame_period,
        duration,
        None,
        case["ego_speed_kmh"] / KMH_PER_MPS,
        label,
        end_when_slower_than_lead=case["target_speed_kmh"] > 0,
    )
    metrics = case_metrics(run)
    band = scn.band(case["ego_speed_kmh"])
    points = band.points(0.0 if metrics["avoided"] else metrics["impact_speed_kmh"])
    record = {
        "scenario": scn.id,
        "vehicle_id": spec.id,
        "case": label,
        **case,
        **metrics,
        "points": points,
        "passed": bool(points >= max(band.scores) - 1e-9),
    }
    return record, run


def _case_label(case: dict) -> str:
    label = f"{case['ego_speed_kmh']:g} km/h, offset {case['offset_pct']:+g} %"
    if case["target_decel_mps2"]:
        label = f"{case['target_decel_mps2']:g} m/s2, {case['headway_m']:g} m"
    return label
