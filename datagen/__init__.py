"""Deterministic synthetic Shanghai data at ``demo`` and ``city`` scale."""
