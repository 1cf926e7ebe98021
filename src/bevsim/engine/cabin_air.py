"""Fresh air the cabin needs when the HVAC recirculates: the least that keeps the windscreen
clear of fog and the occupants' CO2 below its limit. Temperatures in degC, flows in kg/s,
conductances in W/K.

With recirculation the HVAC draws only this much outside air; the rest of the supply air is
cabin air again, so only the fresh share carries heat out (SAE 2013-01-1494, Grady et al.:
more than 85 % recirculation keeps CO2 below 2,000 ppm; in winter the limit is fog, the
occupants' breath condensing on glass at the inner-surface temperature).
"""

from __future__ import annotations

import math

from bevsim.engine.physics.thermal import AIR_SPECIFIC_HEAT_J_PER_KG_K

OCCUPANT_MOISTURE_KG_PER_S = 45.0 / 2.45e6
"""Water an occupant gives off [kg/s]: 45 W latent heat of a person seated at very light work
(ASHRAE Handbook Fundamentals 2017, ch. 18 table 1) over water's latent heat of vaporization,
2.45 MJ/kg at 20 degC; 66 g/h."""
OCCUPANT_CO2_M3_PER_S = 0.0052e-3
"""CO2 an occupant exhales [m^3/s] at 1.2 met (ASHRAE Standard 62.1-2019 User's Manual,
appendix: 0.0052 L/s per person)."""
CO2_ALLOWED_RISE = 2000e-6 - 420e-6
"""CO2 the cabin may gain over outside air [-]: the 2,000 ppm limit of Grady et al. (SAE
2013-01-1494) over 420 ppm outside (NOAA global mean 2023, 419 ppm)."""
FRESH_AIR_DENSITY_KG_PER_M3 = 1.2
"""Density of the exhausted cabin air near 20 degC, 101.325 kPa [kg/m^3] (ideal gas)."""
GLASS_INSIDE_RESISTANCE_SHARE = 0.13 / (0.13 + 0.005 + 0.04)
"""Share of the cabin-to-ambient temperature drop across the glass that lies on its inside
film [-]: surface resistances 0.13 (inside) and 0.04 m^2K/W (outside) of EN ISO 6946:2017
table 7, 5 mm laminated glass at 1.0 W/(m K) (EN 572-1) 0.005 m^2K/W."""
AMBIENT_RELATIVE_HUMIDITY = 0.8
"""Relative humidity of the winter outside air [-]: class-typical, the December-February mean
of central and northern Europe lies at 80-90 % (Deutscher Wetterdienst climate normals
1991-2020, e.g. Berlin 84 %, Munich 82 %); the lower end leaves more margin against fog."""
STANDARD_PRESSURE_PA = 101325.0
WATER_TO_AIR_MOLAR_MASS = 0.622


def saturation_pressure_pa(temp_c: float) -> float:
    """Saturation vapour pressure [Pa] over water (above 0 degC) or ice (below): the Magnus
    forms of Alduchov & Eskridge (J. Appl. Meteorol. 35, 1996), within 0.4 % from -40 to
    50 degC."""
    if temp_c >= 0.0:
        return 610.94 * math.exp(17.625 * temp_c / (temp_c + 243.04))
    return 611.21 * math.exp(22.587 * temp_c / (temp_c + 273.86))


def humidity_ratio(vapour_pa: float) -> float:
    """Water per dry air [kg/kg] at this vapour pressure [Pa] and standard pressure."""
    return WATER_TO_AIR_MOLAR_MASS * vapour_pa / (STANDARD_PRESSURE_PA - vapour_pa)


def fog_limited_fresh_air_kg_per_s(cabin_c: float, ambient_c: float, occupants: int) -> float:
    """Fresh air [kg/s] that carries the occupants' moisture out before the cabin air reaches
    the dew point of the glass's inner surface; 0 when the glass is warmer than the cabin;
    infinite when even outside air is too humid (no fresh share clears the glass)."""
    glass_c = cabin_c - GLASS_INSIDE_RESISTANCE_SHARE * (cabin_c - ambient_c)
    if glass_c >= cabin_c:
        return 0.0
    outside = humidity_ratio(AMBIENT_RELATIVE_HUMIDITY * saturation_pressure_pa(ambient_c))
    margin = humidity_ratio(saturation_pressure_pa(glass_c)) - outside
    if margin <= 0.0:
        return math.inf
    return occupants * OCCUPANT_MOISTURE_KG_PER_S / margin


def co2_limited_fresh_air_kg_per_s(occupants: int) -> float:
    """Fresh air [kg/s] that holds the occupants' CO2 at the allowed rise over outside air."""
    return occupants * OCCUPANT_CO2_M3_PER_S / CO2_ALLOWED_RISE * FRESH_AIR_DENSITY_KG_PER_M3


def recirculated_ventilation_w_per_k(
    cabin_c: float, ambient_c: float, occupants: int, full_fresh_air_w_per_k: float
) -> float:
    """Ventilation conductance [W/K] with recirculation: the larger of the fog and CO2 needs
    times the specific heat of air, never more than the all-fresh-air conductance."""
    need = max(
        fog_limited_fresh_air_kg_per_s(cabin_c, ambient_c, occupants),
        co2_limited_fresh_air_kg_per_s(occupants),
    )
    return min(need * AIR_SPECIFIC_HEAT_J_PER_KG_K, full_fresh_air_w_per_k)
