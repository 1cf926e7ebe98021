"""The state a run hands to the next: what the kernel carries across a drive cycle, per variant.

A run starts from each variant's compiled conditions (start SOC, cell, cabin and tire
temperature) or from a :class:`VehicleState` given to it, and returns the state it ended in,
so that a test made of legs (bags, a soak, a control step of an ADAS loop) is driven leg by leg
without touching the compiled parameters. Temperatures in degC, state of charge as a fraction
[-]. The tire temperature is optional: a state made without it leaves the compiled tire start
in place.

Not carried: the RC pair's polarization voltage [V] restarts at 0 with each run, and the cell
limits are looked up again at the start temperature. A cycle driven in two legs with the state
handed over therefore matches one run exactly in speed, road loads and (while no pack limit
binds) the powertrain and terminal power, and within about 1e-7 in SOC and 1e-4 K in cell
temperature (the pack's internal losses over a WLTC half at 23 degC); where a cold pack's charge
limit binds, regen depends on the polarization too (about 1e-4 of the energy, WLTC at -5 degC).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from bevsim.engine.layout import TOT, P
from bevsim.errors import BevsimError

STATE_TEMP_RANGE_C = (-60.0, 100.0)
"""Cell, cabin and tire temperatures a state may hold [degC]: beyond them it is not a parked
or driven car (the cell tables clamp at their own ends)."""


_START_COLUMNS = (P.initial_soc, P.cell_temp_c, P.cabin_initial_temp_c, P.tire_initial_temp_c)
_END_COLUMNS = (
    TOT.final_soc,
    TOT.final_cell_temp_c,
    TOT.final_cabin_temp_c,
    TOT.final_tire_temp_c,
)
"""Where the state's fields (soc, cell_temp_c, cabin_temp_c, tire_temp_c) sit in the
parameters and totals."""


class StateError(BevsimError):
    """A run state the engine cannot take (wrong length, a value out of range)."""


@dataclass(frozen=True)
class VehicleState:
    """Per variant: state of charge [-], cell (pack), cabin and tire temperature [degC]; 1-D
    float arrays of one length (tire_temp_c None: the compiled tire start)."""

    soc: np.ndarray
    cell_temp_c: np.ndarray
    cabin_temp_c: np.ndarray
    tire_temp_c: np.ndarray | None = None

    def __post_init__(self) -> None:
        lengths = set()
        names = ("soc", "cell_temp_c", "cabin_temp_c")
        for name in names + (() if self.tire_temp_c is None else ("tire_temp_c",)):
            values = np.array(getattr(self, name), dtype=float, ndmin=1)
            if values.ndim != 1:
                raise StateError(f"{name}: expected one value per variant, got {values.shape}")
            object.__setattr__(self, name, values)
            lengths.add(len(values))
        if len(lengths) != 1:
            raise StateError(
                f"soc, cell_temp_c and cabin_temp_c: expected one length, got "
                f"{len(self.soc)}, {len(self.cell_temp_c)} and {len(self.cabin_temp_c)}"
            )
        _refuse_outside("soc", self.soc, 0.0, 1.0, "")
        low, high = STATE_TEMP_RANGE_C
        _refuse_outside("cell_temp_c", self.cell_temp_c, low, high, " degC")
        _refuse_outside("cabin_temp_c", self.cabin_temp_c, low, high, " degC")
        if self.tire_temp_c is not None:
            _refuse_outside("tire_temp_c", self.tire_temp_c, low, high, " degC")

    def __len__(self) -> int:
        return len(self.soc)

    @classmethod
    def from_totals(cls, totals: np.ndarray) -> VehicleState:
        """The end state of a run from its totals [n_variants, TOTAL_COLUMNS]."""
        return cls(*(totals[:, column] for column in _END_COLUMNS))

    @classmethod
    def from_params(cls, params: np.ndarray) -> VehicleState:
        """The start state compiled into a parameter matrix [n_variants, PARAM_COLUMNS]."""
        return cls(*(params[:, column] for column in _START_COLUMNS))

    def written_into(self, params: np.ndarray) -> np.ndarray:
        """A copy of the parameters [n_variants, PARAM_COLUMNS] that starts from this state."""
        if len(params) != len(self):
            raise StateError(f"soc: state of {len(self)} variants for a batch of {len(params)}")
        out = params.copy()
        fields = (self.soc, self.cell_temp_c, self.cabin_temp_c, self.tire_temp_c)
        for column, values in zip(_START_COLUMNS, fields, strict=True):
            if values is not None:
                out[:, column] = values
        return out


def _refuse_outside(name: str, values: np.ndarray, low: float, high: float, unit: str) -> None:
    """Refuse a state field with a non-finite value or one outside low..high."""
    bad = ~(np.isfinite(values) & (values >= low) & (values <= high))
    if bad.any():
        index = int(np.flatnonzero(bad)[0])
        value = float(values[index])
        shown = "nan" if math.isnan(value) else f"{value:g}"
        raise StateError(
            f"{name}: variant {index} is {shown}{unit}; expected {low:g} to {high:g}{unit}"
        )
