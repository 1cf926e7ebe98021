"""Column layout of the kernel's struct-of-arrays: parameters, totals and trace channels.

Each vehicle variant is one row of a float64 matrix; these names give the columns. The kernel
reads them as compile-time constants, so it never sees a pydantic object or a dict.
"""

from collections import namedtuple

PARAM_COLUMNS = (
    "mass_kg",  # test mass (curb + load)
    "inertial_mass_kg",  # test mass + equivalent mass of rotating parts
    "drag_area_m2",  # Cd * A
    "air_density_kg_per_m3",  # from the ambient temperature and pressure of the test
    "rolling_resistance_coefficient",  # of the warmed-up tires at ambient (equilibrium)
    "use_road_load",  # 1.0 when coast-down coefficients replace drag/rolling/driveline spin
    "f0_n",  # with the warmed-up tires at ambient
    "f1_n_per_mps",
    "f2_n_per_mps2",
    "wind_drag_force_n",  # a mean wind's extra drag while moving (engine/road_conditions.py)
    "wheel_radius_m",
    "gear_ratio",
    "driveline_efficiency",
    "traction_force_max_n",  # tire-road friction x load on the driven axles
    "braking_force_max_n",  # tire-road friction x the whole weight (all four wheels brake)
    "motor_peak_power_w",
    "motor_peak_torque_nm",
    "motor_max_speed_radps",
    "motor_map_index",
    "motor_loss_scale_w",  # the map's per-unit losses times this are watts
    "regen_min_speed_mps",
    "accessory_power_w",
    "chemistry_index",
    "cells_in_series",
    "cells_in_parallel",
    "cell_capacity_ah",
    "soc_min",
    "soc_max",
    "pack_max_discharge_power_w",
    "pack_max_charge_power_w",
    "cell_temp_c",  # at the start: soaked at ambient, or preconditioned
    "initial_soc",
    "ambient_temp_c",
    "hvac_on",  # 1.0: the cabin is held at its setpoint (heating or cooling)
    "cabin_setpoint_c",
    "cabin_initial_temp_c",
    "cabin_heat_capacity_j_per_k",
    "cabin_conductance_w_per_k",
    "cabin_conductance_per_speed_w_per_k_per_mps",
    "cabin_ventilation_w_per_k",
    "cabin_internal_gain_w",
    "hvac_max_heating_w",  # heat into the cabin
    "hvac_max_cooling_w",
    "heat_pump",  # 1.0: heat pump, else PTC only
    "heat_pump_min_ambient_c",
    "heat_pump_capacity_at_0c_w",  # heat it delivers at most at 0 degC ambient
    "drive_unit_heat_recovery",  # share of the drive unit's losses that heats the cabin
    "pack_heat_recovery",  # share of the cells' losses that heats the cabin, pack warm enough
    "pack_heat_recovery_above_c",  # cell temperature above which the pack gives heat away
    "pack_heat_capacity_j_per_k",
    "pack_conductance_w_per_k",  # to ambient
    "battery_heater_w",
    "battery_heating_below_c",  # on the plug: charging, preconditioning
    "battery_heating_below_driving_c",
    "battery_cooling_above_c",
    "battery_chiller_w",  # heat removed at most
    "tire_initial_temp_c",  # at the start: soaked at ambient, or warmed up
    "tire_warm_temp_c",  # the warmed-up tires' equilibrium at the compiled ambient
    "tire_rise_k",  # that equilibrium's rise over ambient
    "tire_share_of_rolling",  # the tires' share of the rolling force (of f0; 1 without)
)

TOTAL_COLUMNS = (
    "distance_m",
    "trace_distance_m",
    "chemical_energy_j",  # OCV x current: energy taken from the cells' chemistry
    "terminal_energy_j",  # at the pack terminals (net: discharge minus charge)
    "terminal_discharge_energy_j",
    "terminal_charge_energy_j",
    "wheel_positive_energy_j",
    "wheel_negative_energy_j",
    "aero_energy_j",
    "rolling_energy_j",  # rolling resistance, or f0 + f1 v of coast-down coefficients
    "grade_energy_j",
    "kinetic_energy_change_j",
    "driveline_loss_j",
    "motor_loss_j",
    "battery_ohmic_loss_j",
    "battery_polarization_loss_j",
    "friction_brake_energy_j",
    "accessory_energy_j",  # base low-voltage loads
    "cabin_hvac_energy_j",  # electric energy for cabin heating or cooling
    "battery_thermal_energy_j",  # electric energy for the pack heater and chiller
    "cabin_heat_j",  # heat put into the cabin by the HVAC (thermal)
    "battery_heater_heat_j",  # heat put into the pack by its heater (- chiller)
    "battery_heat_generated_j",  # ohmic and polarization heat in the cells
    "pack_heat_to_ambient_j",
    "pack_heat_recovered_j",  # heat taken from the pack to the cabin (thermal)
    "final_cell_temp_c",
    "final_cabin_temp_c",
    "regen_energy_j",  # mechanical energy recovered at the motor shaft
    "final_soc",
    "min_soc",
    "max_speed_shortfall_mps",
    "time_off_trace_s",  # seconds more than TRACE_TOLERANCE below the requested speed
    "min_terminal_voltage_v",
    "max_terminal_voltage_v",
    "final_speed_mps",
    "final_polarization_v",
    "steps",  # steps driven (fewer than the trace's when the run broke off)
    "broke_off",  # 1.0 when the run stopped at the break-off criterion
    "final_tire_temp_c",
)

ENERGY_SINKS = (
    "aero_energy_j",
    "rolling_energy_j",
    "grade_energy_j",
    "kinetic_energy_change_j",
    "driveline_loss_j",
    "motor_loss_j",
    "battery_ohmic_loss_j",
    "battery_polarization_loss_j",
    "friction_brake_energy_j",
    "accessory_energy_j",
    "cabin_hvac_energy_j",
    "battery_thermal_energy_j",
)
"""The totals that add up to the chemical energy drawn from the cells (energy balance)."""

TRACE_COLUMNS = (
    "speed_requested_mps",
    "speed_achieved_mps",
    "wheel_power_w",
    "motor_mech_power_w",
    "motor_elec_power_w",
    "battery_power_w",  # terminal, + = discharge
    "battery_current_a",
    "terminal_voltage_v",
    "open_circuit_voltage_v",
    "soc",
    "cell_temp_c",
    "aero_power_w",
    "rolling_power_w",
    "grade_power_w",
    "inertia_power_w",
    "driveline_loss_w",
    "motor_loss_w",
    "battery_loss_w",
    "friction_brake_power_w",
    "accessory_power_w",
    "cabin_hvac_power_w",
    "battery_thermal_power_w",
    "cabin_temp_c",
    "max_discharge_power_w",
    "max_charge_power_w",
)

P = namedtuple("ParamIndex", PARAM_COLUMNS)(*range(len(PARAM_COLUMNS)))
TOT = namedtuple("TotalIndex", TOTAL_COLUMNS)(*range(len(TOTAL_COLUMNS)))
TR = namedtuple("TraceIndex", TRACE_COLUMNS)(*range(len(TRACE_COLUMNS)))
