"""Lumped thermal models stepped by the kernel: the cabin with its HVAC, and the pack with its
heater and chiller. Temperatures in degC, heat flows and electric powers in W.

Cabin: C dT/dt = Q_hvac + Q_internal - (UA_rest + UA_speed v + UA_vent) (T - T_amb).
HVAC control: the heat that holds the setpoint against the present loss, plus what closes the
gap to it in CABIN_CONTROL_TIME_S, within the system's heating or cooling capacity. Heating by a
heat pump (COP falling with ambient; below its lowest ambient a PTC takes over, COP 1) or a PTC;
cooling by the A/C compressor.
Pack: C dT/dt = Q_cells + Q_heater - Q_chiller - UA_pack (T - T_amb), with the cells' ohmic and
polarization losses as Q_cells; the heater runs below a threshold, the chiller above another.
The heater has two thresholds, as production battery management does (docs/research/winter.md
section 6): one while driving, where the heat comes from the pack itself (the Nissan Leaf's
warmer switches on only near -17 degC), and one on the plug (AC charging, DC charging,
preconditioning), where the heat comes from the grid and buys charge acceptance.
"""

from __future__ import annotations

from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.params import param

CABIN_CONTROL_TIME_S = 300.0
"""Time over which the HVAC closes the gap between cabin and setpoint (a proportional
controller's time constant; the minutes a car takes to warm up)."""
HEAT_PUMP_COP_AT_0C = 2.5
HEAT_PUMP_COP_PER_K = 0.06
"""Automotive heat-pump COP at 0 degC and its slope with ambient temperature [1/K] (COP 2.5 at
0 degC, 1.9 at -10 degC, 3.1 at +10 degC); docs/research/winter.md gives the measured figures
these follow."""
AC_COP = 2.5
"""Cooling COP of the A/C (and of the chiller, which uses the same compressor)."""
PTC_COP = 1.0

_AMB = P.ambient_temp_c
_HVAC_ON = P.hvac_on
_SET = P.cabin_setpoint_c
_C_CAB = P.cabin_heat_capacity_j_per_k
_UA_CAB = P.cabin_conductance_w_per_k
_UA_CAB_V = P.cabin_conductance_per_speed_w_per_k_per_mps
_UA_VENT = P.cabin_ventilation_w_per_k
_GAIN = P.cabin_internal_gain_w
_MAX_HEAT = P.hvac_max_heating_w
_MAX_COOL = P.hvac_max_cooling_w
_HEAT_PUMP = P.heat_pump
_HP_MIN = P.heat_pump_min_ambient_c
_C_PACK = P.pack_heat_capacity_j_per_k
_UA_PACK = P.pack_conductance_w_per_k
_HEATER = P.battery_heater_w
_HEAT_BELOW = P.battery_heating_below_c
_HEAT_BELOW_DRIVING = P.battery_heating_below_driving_c
_COOL_ABOVE = P.battery_cooling_above_c
_CHILLER = P.battery_chiller_w


@njit(cache=True, error_model="numpy", inline="always")
def heating_cop(p, ambient_c):
    """COP of cabin heating at this ambient [degC]: heat pump above its limit, else PTC.

    Written without branches (here and below) so that the kernel's lane loops vectorize."""
    pump = (param(p, _HEAT_PUMP) > 0.5) & (ambient_c >= param(p, _HP_MIN))
    pump_cop = max(PTC_COP, HEAT_PUMP_COP_AT_0C + HEAT_PUMP_COP_PER_K * ambient_c)
    return pump_cop if pump else PTC_COP


@njit(cache=True, error_model="numpy", inline="always")
def cabin_conductance_w_per_k(p, speed_mps):
    """Total cabin conductance to ambient [W/K]: shell at rest, its rise with speed, fresh air."""
    return param(p, _UA_CAB) + param(p, _UA_CAB_V) * speed_mps + param(p, _UA_VENT)


@njit(cache=True, error_model="numpy", inline="always")
def cabin_hvac(p, cabin_c, speed_mps):
    """HVAC heat into the cabin [W] (+ heating, - cooling) and its electric power [W]."""
    ambient = param(p, _AMB)
    loss = cabin_conductance_w_per_k(p, speed_mps) * (cabin_c - ambient) - param(p, _GAIN)
    need = loss + param(p, _C_CAB) * (param(p, _SET) - cabin_c) / CABIN_CONTROL_TIME_S
    heat = min(max(need, 0.0), param(p, _MAX_HEAT))
    cool = min(max(-need, 0.0), param(p, _MAX_COOL))
    on = param(p, _HVAC_ON) > 0.5
    heat_w = heat - cool if on else 0.0
    power_w = heat / heating_cop(p, ambient) + cool / AC_COP if on else 0.0
    return heat_w, power_w


@njit(cache=True, error_model="numpy", inline="always")
def cabin_temp_next(p, cabin_c, speed_mps, hvac_heat_w, dt_per_capacity):
    """Cabin temperature after one step [degC]; ``dt_per_capacity``: step / heat capacity."""
    loss = cabin_conductance_w_per_k(p, speed_mps) * (cabin_c - param(p, _AMB))
    return cabin_c + (hvac_heat_w + param(p, _GAIN) - loss) * dt_per_capacity


@njit(cache=True, error_model="numpy", inline="always")
def _pack_heater_and_chiller(p, cell_c, heating_below_c):
    """Heat the pack's heater or chiller puts in [W] (+ heating, - cooling) and its electric
    power [W]: the heater below ``heating_below_c`` [degC], the chiller above the cooling
    threshold, by the cell temperature [degC]."""
    heating = (cell_c < heating_below_c) & (param(p, _HEATER) > 0.0)
    cooling = (cell_c > param(p, _COOL_ABOVE)) & (param(p, _CHILLER) > 0.0)
    heat_w = param(p, _HEATER) if heating else (-param(p, _CHILLER) if cooling else 0.0)
    power_w = (
        param(p, _HEATER) / PTC_COP
        if heating
        else (param(p, _CHILLER) / AC_COP if cooling else 0.0)
    )
    return heat_w, power_w


@njit(cache=True, error_model="numpy", inline="always")
def pack_thermal_management(p, cell_c):
    """Pack heater or chiller while driving: heat in [W] (+ heating, - cooling) and electric
    power from the pack [W]. The heater runs below the driving threshold
    (``battery_heating_below_driving_c`` [degC])."""
    return _pack_heater_and_chiller(p, cell_c, param(p, _HEAT_BELOW_DRIVING))


@njit(cache=True, error_model="numpy", inline="always")
def pack_thermal_management_plugged(p, cell_c):
    """Pack heater or chiller on the plug (AC or DC charging): heat in [W] (+ heating,
    - cooling) and electric power from the inlet [W]. The heater runs below the charging
    threshold (``battery_heating_below_c`` [degC])."""
    return _pack_heater_and_chiller(p, cell_c, param(p, _HEAT_BELOW))


@njit(cache=True, error_model="numpy", inline="always")
def pack_heat_to_ambient_w(p, cell_c):
    """Heat the pack loses to the ambient air [W]."""
    return param(p, _UA_PACK) * (cell_c - param(p, _AMB))


@njit(cache=True, error_model="numpy", inline="always")
def pack_temp_next(p, cell_c, cells_heat_w, management_heat_w, dt_per_capacity):
    """Cell (pack) temperature after one step [degC]; ``dt_per_capacity``: step / heat
    capacity [K/W]."""
    net = cells_heat_w + management_heat_w - pack_heat_to_ambient_w(p, cell_c)
    return cell_c + net * dt_per_capacity


@njit(cache=True, error_model="numpy", inline="always")
def step_per_capacity(p, dt):
    """Step over heat capacity [K/W] of the cabin and of the pack, for the two updates above."""
    return dt / param(p, _C_CAB), dt / param(p, _C_PACK)
