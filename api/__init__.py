"""HTTP endpoints that are not pages: health probes now, the /api/v1 interfaces as they arrive."""
