"""The engine's physics, as plain numba functions on named parameter bundles.

Every solver (the drive-cycle kernel, AC and DC charging, full-throttle performance) steps the
car through these: ``road_load`` (aero, rolling, grade and inertia), ``drive_unit`` (motor
envelope and loss map), ``regen`` (every limit on regenerative braking), ``pack`` (equivalent
circuit, current from power, discharge and charge limits), ``thermal`` (cabin, HVAC and
pack temperatures) and ``tires`` (tire temperature and its rolling-resistance factor).
Parameters are read with ``engine.params.param`` by the columns of ``engine.layout.P``, so the
same function runs on one variant's row or on a lane of the kernel's block. SI units inside: W,
A, V, ohm, m/s, rad/s, N m, degC.
"""
