"""Adapters that run peer simulators (test and benchmark dependencies only, never runtime)."""
