"""Dash pages, one module per page, grouped by subsystem."""
