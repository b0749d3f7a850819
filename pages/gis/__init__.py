"""GIS map service pages."""
