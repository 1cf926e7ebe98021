"""ACC (constant time gap, ISO 15622 style) and AEB (time-to-collision stages) on a lead estimate.

Both controllers see only a :class:`LeadEstimate` - the bumper-to-bumper gap [m] and closing
speed [m/s] that perception produced (from lidar frames, or ideal sampling of the truth) - and
the ego's own speed [m/s]. They return an acceleration request [m/s^2], which
:class:`BrakeActuator` delays like a brake/torque actuator and
:class:`bevsim.autonomy.vehicle.LongitudinalVehicle` turns into the speed the car can reach.

Values and where they come from (tags as in ``shared/research/autonomy.md``):

* ACC envelope - ISO 15622:2018 via a secondary source (autonomy.md D.3) [S]: at v >= 20 m/s
  a in -3.5..+2.0 m/s^2 and jerk <= 2.5 m/s^3; at v <= 5 m/s -5.0..+4.0 m/s^2 and 5.0 m/s^3;
  linear in between. Time gap: selectable 1.0-2.2 s, default 1.8 s [S/U, autonomy.md D.3];
  stop 2-5 m behind the target (standstill distance 4 m) [S, autonomy.md D.3].
* ACC law - constant time gap, ``a = k_gap (gap - max(d0, tau v)) + k_speed (v_lead - v)``
  (autonomy.md D.3 recommends this form); gains 0.2 s^-2 and 0.6 s^-1 are bevsim's tuning for a
  slightly over-damped gap response (damping ratio ~1.1 at tau 1.8 s), not a standard's.
* AEB stages - forward-collision warning at TTC 2.6 s, partial braking at 4 m/s^2 from TTC
  1.6 s, full braking from TTC 0.9 s or as soon as the deceleration needed to stop short of the
  target exceeds the partial level [U: typical staged-AEB timing reported for production
  systems in Euro NCAP AEB development tests (e.g. Hulshof et al., ESV 2013, paper 13-0168);
  the figures were not read in a source here - verify before quoting]. Full braking asks for
  10 m/s^2, more than any tire gives, so the kernel's tire limit (mu m g) sets it.
* Brake build-up - first-order lag of 0.15 s on the request [U: hydraulic brake pressure
  builds in roughly 0.1-0.3 s; an assumption].
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

STAGES = ("off", "warning", "partial", "full", "hold")
"""AEB stages, in rising order of intervention (``hold`` keeps a car stopped by AEB stopped)."""


@dataclass(frozen=True)
class LeadEstimate:
    """What perception says about the lead: bumper gap [m] and closing speed [m/s, + closing]."""

    gap_m: float
    closing_speed_mps: float

    def ttc_s(self) -> float:
        """Time to collision [s] at constant speeds; inf when not closing."""
        if self.closing_speed_mps <= 1e-6:
            return float("inf")
        return max(self.gap_m, 0.0) / self.closing_speed_mps


@dataclass(frozen=True)
class AccSettings:
    """ACC settings: set speed [m/s], time gap [s], standstill distance [m], gains, envelope."""

    set_speed_mps: float
    time_gap_s: float = 1.8
    standstill_m: float = 4.0
    k_gap_per_s2: float = 0.2
    k_speed_per_s: float = 0.6
    k_cruise_per_s: float = 0.4
    # ISO 15622 envelope (autonomy.md D.3): (speed [m/s], a_min, a_max [m/s^2], jerk [m/s^3])
    envelope_low: tuple[float, float, float, float] = (5.0, -5.0, 4.0, 5.0)
    envelope_high: tuple[float, float, float, float] = (20.0, -3.5, 2.0, 2.5)

    def __post_init__(self) -> None:
        if not 0.5 <= self.time_gap_s <= 3.0:
            raise ValueError(f"time_gap_s: expected 0.5..3 s, got {self.time_gap_s}")
        if self.set_speed_mps <= 0:
            raise ValueError(f"set_speed_mps: expected > 0, got {self.set_speed_mps}")

    def limits(self, speed_mps: float) -> tuple[float, float, float]:
        """(a_min, a_max [m/s^2], jerk [m/s^3]) at this speed, linear between the two ends."""
        lo, hi = self.envelope_low, self.envelope_high
        u = float(np.clip((speed_mps - lo[0]) / (hi[0] - lo[0]), 0.0, 1.0))
        return tuple(lo[k] + u * (hi[k] - lo[k]) for k in (1, 2, 3))

    def desired_gap_m(self, speed_mps: float) -> float:
        """Gap the ACC holds [m]: the time gap times speed, never below the standstill distance."""
        return max(self.standstill_m, self.time_gap_s * speed_mps)


@dataclass
class AccController:
    """Constant-time-gap ACC with cruise to the set speed, clipped to the ISO 15622 envelope."""

    settings: AccSettings
    last_cmd_mps2: float = 0.0

    def command(self, speed_mps: float, lead: LeadEstimate | None, dt_s: float) -> float:
        """Acceleration request [m/s^2] for the next ``dt_s`` [s]."""
        s = self.settings
        a_min, a_max, jerk = s.limits(speed_mps)
        want = s.k_cruise_per_s * (s.set_speed_mps - speed_mps)
        if lead is not None:
            lead_speed = speed_mps - lead.closing_speed_mps
            follow = s.k_gap_per_s2 * (
                lead.gap_m - s.desired_gap_m(speed_mps)
            ) + s.k_speed_per_s * (lead_speed - speed_mps)
            want = min(want, follow)
        want = float(np.clip(want, a_min, a_max))
        step = jerk * dt_s
        cmd = float(np.clip(want, self.last_cmd_mps2 - step, self.last_cmd_mps2 + step))
        if speed_mps <= 0.05 and cmd < 0.0 and lead is not None:
            cmd = min(cmd, -1.0)  # stopped behind the target: hold (FSRA)
        self.last_cmd_mps2 = cmd
        return cmd


@dataclass(frozen=True)
class AebSettings:
    """AEB thresholds: TTC [s] of each stage, partial and full deceleration [m/s^2], margin [m]."""

    warning_ttc_s: float = 2.6
    partial_ttc_s: float = 1.6
    full_ttc_s: float = 0.9
    partial_decel_mps2: float = 4.0
    full_decel_mps2: float = 10.0
    stop_margin_m: float = 1.0
    hold_decel_mps2: float = 2.0


@dataclass
class AebController:
    """Staged AEB: warning, partial braking, full braking; latched until no longer closing.

    The stage never drops during an intervention; it ends when the gap stops closing (the lead
    pulls away or the ego has slowed below it). A car stopped by AEB is held (``hold``).
    """

    settings: AebSettings = field(default_factory=AebSettings)
    stage: str = "off"
    warning_time_s: float | None = None
    braking_time_s: float | None = None

    def needed_decel_mps2(self, lead: LeadEstimate) -> float:
        """Deceleration that stops the closing motion ``stop_margin_m`` short [m/s^2]."""
        if lead.closing_speed_mps <= 0.0:
            return 0.0
        room = max(lead.gap_m - self.settings.stop_margin_m, 0.1)
        return lead.closing_speed_mps**2 / (2.0 * room)

    def command(self, speed_mps: float, lead: LeadEstimate | None, time_s: float) -> float | None:
        """Deceleration request [m/s^2, negative] or None when AEB does not intervene."""
        s = self.settings
        rank = STAGES.index(self.stage)
        if self.stage == "hold":
            return -s.hold_decel_mps2
        if lead is None or lead.closing_speed_mps <= 0.05:
            if rank >= STAGES.index("partial") and speed_mps <= 0.05:
                self.stage = "hold"
                return -s.hold_decel_mps2
            self.stage = "off"
            return None
        ttc = lead.ttc_s()
        need = self.needed_decel_mps2(lead)
        new = "off"
        if ttc <= s.warning_ttc_s:
            new = "warning"
        if ttc <= s.partial_ttc_s:
            new = "partial"
        if ttc <= s.full_ttc_s or (new == "partial" and need > s.partial_decel_mps2):
            new = "full"
        if STAGES.index(new) > rank:
            self.stage = new
            if self.warning_time_s is None:
                self.warning_time_s = time_s
            if new in ("partial", "full") and self.braking_time_s is None:
                self.braking_time_s = time_s
        if self.stage == "partial":
            return -s.partial_decel_mps2
        if self.stage == "full":
            return -s.full_decel_mps2
        return None


@dataclass
class BrakeActuator:
    """First-order lag [s] between the acceleration request and what the wheels are asked."""

    time_constant_s: float = 0.15
    value_mps2: float = 0.0

    def apply(self, request_mps2: float, dt_s: float) -> float:
        """The request after the lag over ``dt_s`` [s] (exact for a step held over dt)."""
        alpha = 1.0 - np.exp(-dt_s / self.time_constant_s) if self.time_constant_s > 0 else 1.0
        self.value_mps2 += alpha * (request_mps2 - self.value_mps2)
        return self.value_mps2


def extrapolate(lead: LeadEstimate | None, elapsed_s: float) -> LeadEstimate | None:
    """The last perception estimate carried forward ``elapsed_s`` [s] at its closing speed."""
    if lead is None or elapsed_s <= 0:
        return lead
    return LeadEstimate(lead.gap_m - lead.closing_speed_mps * elapsed_s, lead.closing_speed_mps)
