"""Reusable UI pieces built from plain Dash components (no I/O, no callbacks into the database)."""
