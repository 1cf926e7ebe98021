"""Vehicle-level loads while driving and while charging, without HVAC: the defaults and how they
add up to the one HV-side power the engine draws [W].

The low-voltage (12 V) net is fed from the traction pack through the DC-DC converter, so its
load costs ``low_voltage_w / dcdc_efficiency`` on the HV bus; the thermal-management pumps and
fans are counted as the HV-side power they draw:

    P_hv [W] = P_lv [W] / eta_dcdc [-] + P_pumps [W]

A vehicle file may give each component (``accessories.*``) or override the totals:
``accessories.base_power_w`` (driving) and ``charging.standby_power_w`` (charging). Sources of
each default are beside it; ``[unverified]`` marks a figure no stored source confirms.
"""

from __future__ import annotations

DEFAULT_LOW_VOLTAGE_LOAD_W = 250.0
"""12 V-side load while driving at 23 degC without HVAC [W]: ECUs, infotainment and screens,
gateway and telematics, ADAS sensors, electric steering and brake assist. Awake at rest a car
draws 144 W and 226 W on the HV side with HVAC off (ANL, two BEVs at 72 degF, DOE program record
12 Sep 2024, Table 2; docs/research/recharge_and_ube.md) and a Model 3 210-260 W (owner CAN
measurement, docs/research/procedures.md section 4): with the DC-DC loss taken off, about
130-230 W on the 12 V side. Driving adds steering and brake assist, the drive units' controllers
and the ADAS sensors, some tens of watts [unverified]: 250 W. Plausible range 150-400 W."""

DEFAULT_DCDC_EFFICIENCY = 0.88
"""DC-DC converter (HV to 12 V) efficiency at its light driving load [-]. A Model 3's converter
draws 37.4 W plus 1 % of its output (fit of pack power against 12 V output on the CAN bus, u/Wugz
"Model 3 Fact-Finding - An End-to-End Efficiency Analysis", r/teslamotors, Sep 2020): 0.85 at
200 W out, 0.87 at 250 W, 0.88 at 300 W. Isolated 390 V to 12 V converters peak at 94-96.5 %
near their rated load (TI UCC24624 reference design: 96.5 % at 390 V, 10 A) and fall at a few
per cent of it, where a 2-3 kW automotive converter runs while driving [unverified for a
production converter]: 0.88, plausible range 0.80-0.96."""

DEFAULT_THERMAL_PUMPS_W = 50.0
"""Coolant pumps and radiator fan while driving at 23 degC [W]: the drive-unit and battery loop
pumps at part speed, the fan off at that ambient. A small 12 V automotive coolant pump is rated
13 W (Bosch 0 392 023 004) and a main-loop pump draws up to 15 A at full speed (Pierburg CWA 200,
about 200 W), both from the epicEFI wiki "Coolant Pump" datasheet summaries
(content.epicefi.com); an EV's loops at 23 degC need a fraction of full flow [class-typical,
unverified]: 50 W, plausible range 20-150 W."""

DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W = 180.0
"""12 V-side load awake while AC charging [W]: BMS, charger control, gateway and telematics,
screens off. ADAC: 12 V system and control units draw 100-300 W while charging (firmenauto.de,
autozeitung.de, docs/research/procedures.md section 4); a Model 3 awake 210-260 W (same
section); ANL 144-226 W awake at rest (above), all HV-side. 180 W / 0.88 + 40 W of pumps gives
245 W on the HV side, inside each of those ranges. Plausible range 80-300 W."""

DEFAULT_CHARGING_THERMAL_PUMPS_W = 40.0
"""Coolant pumps running while AC charging at 23 degC, heater and chiller off [W]: the on-board
charger and battery loop at low flow (pump ratings as for DEFAULT_THERMAL_PUMPS_W)
[class-typical, unverified]. Plausible range 10-100 W."""


def hv_side_power_w(low_voltage_w: float, dcdc_efficiency: float, pumps_w: float) -> float:
    """HV-side power [W] of a 12 V load ``low_voltage_w`` [W] through a DC-DC converter of
    ``dcdc_efficiency`` [-] plus pumps and fans drawing ``pumps_w`` [W]."""
    return low_voltage_w / dcdc_efficiency + pumps_w
