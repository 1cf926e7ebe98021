"""The base of every vehicle-file model: unknown fields, non-finite numbers and loose types are
errors, and a validated spec is immutable."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class StrictModel(BaseModel):
    """A frozen pydantic model that forbids extra fields, coercion and NaN/inf."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)
