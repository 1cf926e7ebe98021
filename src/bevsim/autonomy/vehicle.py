"""The ego car's longitudinal motion for closed-loop ADAS, stepped through the energy kernel.

There is no second vehicle model here: each control interval drives the numba kernel
(:func:`bevsim.engine.facade.run_cycle`) over a two-sample speed request ``[v, v + a dt]``, so
motor torque and power, driven-axle traction, pack power, regen and the friction brakes' tire
limit (mu m g on all four wheels) decide the speed actually reached. The state a run ends in
(SOC, cell and cabin temperature, :class:`bevsim.engine.facade.VehicleState`) is the next
interval's start; the RC-pair polarization restarts at 0 V each interval (a few mV; it does not
change what the car can do).

Units: speed [m/s], acceleration [m/s^2], position [m], time [s], power [W], energy [J].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bevsim.cycles import Cycle
from bevsim.engine.facade import Conditions, compile_vehicles, run_cycle
from bevsim.spec import VehicleSpec, load_vehicle
from bevsim.units import GRAVITY_MPS2

DEFAULT_DT_S = 0.05
"""Control interval [s]: 20 Hz, twice the lidar's frame rate."""
ADAS_LOAD_KG = 100.0
"""Driver and instrumentation on board in the ADAS tests [kg] (Euro NCAP test mass: curb mass
plus driver and equipment, about 100 kg [U: the protocol's exact figure was not read here])."""
ADAS_INITIAL_SOC = 0.8
"""Start SOC of the ADAS runs [-]: below full, so regen can take charge while braking."""


@dataclass(frozen=True)
class StepResult:
    """One control interval: speed at its end [m/s], mean acceleration [m/s^2], distance [m],
    battery terminal power [W, + = discharge] and friction-brake power [W]."""

    speed_mps: float
    accel_mps2: float
    distance_m: float
    battery_power_w: float
    friction_brake_power_w: float


class LongitudinalVehicle:
    """The ego car driven one control interval at a time through the kernel.

    ``step(accel_cmd_mps2)`` asks for a speed change ``a dt`` and returns what the car did.
    A braking request beyond the tire limit decelerates at the limit; a driving request beyond
    the powertrain (motor, traction, pack) is cut to what it can deliver.
    """

    def __init__(
        self,
        vehicle: str | VehicleSpec,
        speed_mps: float = 0.0,
        dt_s: float = DEFAULT_DT_S,
        conditions: Conditions | None = None,
    ) -> None:
        self.spec = load_vehicle(vehicle)
        cond = (
            conditions
            if conditions is not None
            else Conditions(added_mass_kg=ADAS_LOAD_KG, initial_soc=ADAS_INITIAL_SOC)
        )
        self.batch = compile_vehicles([self.spec], cond)
        self.state = self.batch.start_state
        self.dt_s = float(dt_s)
        self._speed_buf = np.zeros(2)
        self._cycle = Cycle(
            "adas-step", np.array([0.0, self.dt_s]), self._speed_buf, np.zeros(2), "adas"
        )
        self.speed_mps = float(speed_mps)
        self.position_m = 0.0
        self.time_s = 0.0
        self.energy_j = 0.0

    @property
    def soc(self) -> float:
        """State of charge now [-]."""
        return float(self.state.soc[0])

    @property
    def braking_limit_mps2(self) -> float:
        """Deceleration at the tire limit on a level road, road loads aside [m/s^2]."""
        braking_n = self.batch.column("braking_force_max_n")[0]
        return float(braking_n / self.batch.column("inertial_mass_kg")[0])

    @property
    def friction_limit_mps2(self) -> float:
        """mu g [m/s^2]."""
        return float(self.spec.drive.tire_road_friction * GRAVITY_MPS2)

    def step(self, accel_cmd_mps2: float) -> StepResult:
        """Drive one interval asking for ``accel_cmd_mps2`` [m/s^2]; returns what was achieved."""
        v0 = self.speed_mps
        self._speed_buf[0] = v0
        self._speed_buf[1] = max(v0 + accel_cmd_mps2 * self.dt_s, 0.0)
        out = run_cycle(self.batch, self._cycle, traces=True, dt_s=self.dt_s, state=self.state)
        self.state = out.state
        v1 = float(out.trace("speed_achieved_mps")[0, 1])
        battery_w = float(out.trace("battery_power_w")[0, 1])
        distance = 0.5 * (v0 + v1) * self.dt_s
        self.speed_mps = v1
        self.position_m += distance
        self.time_s += self.dt_s
        self.energy_j += battery_w * self.dt_s
        return StepResult(
            speed_mps=v1,
            accel_mps2=(v1 - v0) / self.dt_s,
            distance_m=distance,
            battery_power_w=battery_w,
            friction_brake_power_w=float(out.trace("friction_brake_power_w")[0, 1]),
        )

    def reset(self, speed_mps: float) -> None:
        """Back to the start: position 0 m, time 0 s, speed ``speed_mps`` (SOC kept)."""
        self.speed_mps = float(speed_mps)
        self.position_m = 0.0
        self.time_s = 0.0
        self.energy_j = 0.0
