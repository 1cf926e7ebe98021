"""Lumped thermal models stepped by the kernel: the cabin with its HVAC, and the pack with its
heater and chiller. Temperatures in degC, heat flows and electric powers in W.

Cabin: C dT/dt = Q_hvac + Q_internal - (UA_rest + UA_speed v + UA_vent) (T - T_amb).
HVAC control: the heat that holds the setpoint against the present loss, plus what closes the
gap to it in CABIN_CONTROL_TIME_S, within the system's heating or cooling capacity. Heating
first from the drive unit's recovered waste heat, then from the cells' loss heat while the pack
is warm enough to give it away (that heat leaves the pack), then by a heat pump (a Carnot
fraction of the lift from ambient to the supply air, within a capacity that falls with
ambient) with a PTC topping up what the pump cannot deliver, or by a PTC alone; cooling by the
A/C compressor.
Pack: C dT/dt = Q_cells + Q_heater - Q_chiller - Q_recovered - UA_pack (T - T_amb), with the
cells' ohmic and polarization losses as Q_cells and Q_recovered the part of them the cabin
takes; the heater runs below a threshold, the chiller above another.
The heater has two thresholds, as production battery management does (docs/research/winter.md
section 6): one while driving, where the heat comes from the pack itself (the Nissan Leaf's
warmer switches on only near -17 degC), and one on the plug (AC charging, DC charging,
preconditioning), where the heat comes from the grid and buys charge acceptance.
"""

from __future__ import annotations

from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.params import param
from bevsim.units import KELVIN_OFFSET, S_PER_H

CABIN_CONTROL_TIME_S = 300.0
"""Time over which the HVAC closes the gap between cabin and setpoint (a proportional
controller's time constant; the minutes a car takes to warm up)."""
HEAT_PUMP_CARNOT_FRACTION = 0.33
"""Heat-pump COP over the Carnot COP between ambient and supply air, T_sup / (T_sup - T_amb) in
kelvin: the median of the fractions the measured automotive heat pumps imply
(docs/research/winter.md section 2.1; supply 40 degC where the source gives none): 0.24 Zhang
et al. 2016 (COP 1.25 at -20 degC, Energies 9(11):881), 0.26 SAGE 2019 (1.9 at -1 degC with
41.5 degC supply, DOI 10.1177/1687814019845806), 0.33 Qin et al. 2014 (above 1.7 at -20 degC,
Energy Procedia), 0.46 Tang et al. 2020 (3.2 at -5 degC, Energies), 0.52 steady-state ASHP
bench (3.26 at -10 degC)."""
HEAT_PUMP_CAPACITY_PER_K = 0.026
"""Fall of the heat pump's heating capacity with ambient, as a share of its 0 degC capacity per
kelvin [1/K]: 4.2 kW at -1 degC (SAGE 2019, above), 3.1 kW at -10 degC (steady-state ASHP study,
docs/research/winter.md 2.1), 2.1 kW at -20 degC (Zhang et al. 2016, with vapour injection);
a straight line through them is 4.3 kW x (1 + 0.026 T[degC])."""
SUPPLY_AIR_FLOW_KG_PER_S = 388.0 / S_PER_H
"""Cabin supply-air mass flow [kg/s]: 388 kg/h in the SAGE 2019 heat-pump test (above)."""
AIR_SPECIFIC_HEAT_J_PER_KG_K = 1006.0
"""Specific heat of air at constant pressure near 0 degC [J/(kg K)] (VDI Heat Atlas, D2.2)."""
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
_HP_CAP = P.heat_pump_capacity_at_0c_w
_RECOVERY = P.drive_unit_heat_recovery
_PACK_RECOVERY = P.pack_heat_recovery
_PACK_RECOVERY_ABOVE = P.pack_heat_recovery_above_c
_C_PACK = P.pack_heat_capacity_j_per_k
_UA_PACK = P.pack_conductance_w_per_k
_HEATER = P.battery_heater_w
_HEAT_BELOW = P.battery_heating_below_c
_HEAT_BELOW_DRIVING = P.battery_heating_below_driving_c
_COOL_ABOVE = P.battery_cooling_above_c
_CHILLER = P.battery_chiller_w


@njit(cache=True, error_model="numpy", inline="always")
def heat_pump_cop(ambient_c, cabin_c, heat_w):
    """COP of the heat pump [-] delivering ``heat_w`` [W] into the supply air at this ambient
    and cabin temperature [degC]: the Carnot fraction of the lift from ambient to the supply
    air, which is the cabin plus the heat over the supply flow; never below 1 (the PTC's).

    Written without branches (here and below) so that the kernel's lane loops vectorize."""
    supply_c = cabin_c + heat_w * (1.0 / (SUPPLY_AIR_FLOW_KG_PER_S * AIR_SPECIFIC_HEAT_J_PER_KG_K))
    lift_k = max(supply_c - ambient_c, 1.0)
    return max(PTC_COP, HEAT_PUMP_CARNOT_FRACTION * (supply_c + KELVIN_OFFSET) / lift_k)


@njit(cache=True, error_model="numpy", inline="always")
def heat_pump_capacity_w(p, ambient_c):
    """Heat the heat pump can deliver at this ambient [degC] [W]; 0 for a PTC-only car and
    below the pump's lowest ambient."""
    pump = (param(p, _HEAT_PUMP) > 0.5) & (ambient_c >= param(p, _HP_MIN))
    capacity = param(p, _HP_CAP) * max(1.0 + HEAT_PUMP_CAPACITY_PER_K * ambient_c, 0.0)
    return capacity if pump else 0.0


@njit(cache=True, error_model="numpy", inline="always")
def heating_power_w(p, ambient_c, cabin_c, heat_w, waste_w):
    """Electric power [W] for ``heat_w`` [W] of cabin heat: recovered drive-unit waste heat
    ``waste_w`` [W] first (free), then the heat pump up to its capacity, the PTC for the rest."""
    need = max(heat_w - param(p, _RECOVERY) * waste_w, 0.0)
    pump_w = min(need, heat_pump_capacity_w(p, ambient_c))
    return pump_w / heat_pump_cop(ambient_c, cabin_c, pump_w) + (need - pump_w) / PTC_COP


@njit(cache=True, error_model="numpy", inline="always")
def pack_heat_offered_w(p, cell_c, cells_heat_w):
    """Heat the pack can give the cabin [W]: the car's share of the cells' loss heat
    ``cells_heat_w`` [W] while the cells [degC] are above the recovery threshold; 0 below it,
    where the pack needs its own heat."""
    warm = cell_c > param(p, _PACK_RECOVERY_ABOVE)
    return param(p, _PACK_RECOVERY) * max(cells_heat_w, 0.0) if warm else 0.0


@njit(cache=True, error_model="numpy", inline="always")
def cabin_conductance_w_per_k(p, speed_mps):
    """Total cabin conductance to ambient [W/K]: shell at rest, its rise with speed, fresh air."""
    return param(p, _UA_CAB) + param(p, _UA_CAB_V) * speed_mps + param(p, _UA_VENT)


@njit(cache=True, error_model="numpy", inline="always")
def cabin_hvac(p, cabin_c, speed_mps, waste_w, cell_c, cells_heat_w):
    """HVAC heat into the cabin [W] (+ heating, - cooling), its electric power [W] and the heat
    it takes from the pack [W]. ``waste_w``: the drive unit's losses [W], of which the car
    recovers its share first; ``cells_heat_w``: the cells' losses [W] at ``cell_c`` [degC], of
    which it takes what pack_heat_offered_w offers, up to the heat still needed (the rest
    stays in the pack)."""
    ambient = param(p, _AMB)
    loss = cabin_conductance_w_per_k(p, speed_mps) * (cabin_c - ambient) - param(p, _GAIN)
    need = loss + param(p, _C_CAB) * (param(p, _SET) - cabin_c) / CABIN_CONTROL_TIME_S
    heat = min(max(need, 0.0), param(p, _MAX_HEAT))
    cool = min(max(-need, 0.0), param(p, _MAX_COOL))
    on = param(p, _HVAC_ON) > 0.5
    after_drive_unit = max(heat - param(p, _RECOVERY) * waste_w, 0.0)
    pack_w = min(pack_heat_offered_w(p, cell_c, cells_heat_w), after_drive_unit)
    heat_w = heat - cool if on else 0.0
    power_w = (
        heating_power_w(p, ambient, cabin_c, heat - pack_w, waste_w) + cool / AC_COP if on else 0.0
    )
    return heat_w, power_w, pack_w if on else 0.0


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
    """Cell (pack) temperature after one step [degC]; ``management_heat_w`` [W]: heater (+),
    chiller and heat taken to the cabin (-); ``dt_per_capacity``: step / heat capacity [K/W]."""
    net = cells_heat_w + management_heat_w - pack_heat_to_ambient_w(p, cell_c)
    return cell_c + net * dt_per_capacity


@njit(cache=True, error_model="numpy", inline="always")
def step_per_capacity(p, dt):
    """Step over heat capacity [K/W] of the cabin and of the pack, for the two updates above."""
    return dt / param(p, _C_CAB), dt / param(p, _C_PACK)
