"""Validation of bevsim against published official figures."""
