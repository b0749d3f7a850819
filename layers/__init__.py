"""Map layers: pure functions from data to dash-leaflet components, and the base map."""
