"""Raster overlays: a grid of values becomes a PNG (data URL) on a Leaflet ImageOverlay, so a density surface
of ten thousand cells reaches the browser as one small image rather than as polygons."""
from __future__ import annotations

import base64
import struct
import zlib

import dash_leaflet as dl
import numpy as np

# Transparent → yellow → orange → red: light where the density is low, opaque where it peaks.
RAMP = np.array([[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]], dtype=float)


def colorize(values: np.ndarray, *, floor: float = 0.02) -> np.ndarray:
    """RGBA (uint8) of a grid scaled to its maximum; cells under ``floor`` × max are transparent."""
    v = np.asarray(values, float)
    top = float(np.nanmax(v)) if v.size and np.nanmax(v) > 0 else 1.0
    t = np.clip(np.nan_to_num(v / top), 0, 1)
    pos = t * (len(RAMP) - 1)
    lo = np.floor(pos).astype(int).clip(0, len(RAMP) - 2)
    frac = (pos - lo)[..., None]
    rgb = RAMP[lo] * (1 - frac) + RAMP[lo + 1] * frac
    alpha = np.where(t < floor, 0.0, 90 + 150 * t)
    return np.dstack([rgb, alpha]).round().astype(np.uint8)


def png_data_url(rgba: np.ndarray) -> str:
    """A minimal PNG (8-bit RGBA, no filtering) of an image whose first row is the top, as a data URL."""
    h, w, _ = rgba.shape
    raw = b"".join(b"\x00" + rgba[i].tobytes() for i in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def surface_overlay(values: np.ndarray, bounds: list[list[float]], *, layer_id: str, opacity: float = 0.85):
    """A grid whose first row is the southernmost, drawn over ``bounds`` ([[south, west], [north, east]])."""
    return dl.ImageOverlay(id=layer_id, url=png_data_url(colorize(values)[::-1]), bounds=bounds, opacity=opacity)
