"""WGS84 ⇄ GCJ-02 ⇄ BD-09 in one place, and a parser for coordinates typed in any of the three.

The bureau keeps its data in WGS84/CGCS2000 (the two agree to centimetres). Chinese web tile services shift
their tiles: GCJ-02 (the national "Mars" offset, used by Gaode/Tencent tiles) and BD-09 (Baidu's further
offset). The forward formulas are the published ones (the same as the open-source eviltransform and
coordtransform libraries); there is no closed-form inverse, so the inverse iterates the forward transform
until the point maps back to within ``TOLERANCE`` degrees. Outside China the shift is not applied: the
published formulas are defined only inside the rough bounding box of the country.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable

CRS = ("WGS84", "GCJ02", "BD09")
CRS_LABELS = {"WGS84": "WGS84 / CGCS2000（本平台）", "GCJ02": "GCJ-02（高德、腾讯）", "BD09": "BD-09（百度）"}
TOLERANCE = 1e-8  # degrees; the iteration stops below this (≈ 1 mm), well inside the 1e-7° requirement
MAX_ITERATIONS = 30

_A = 6378245.0  # Krasovsky 1940 semi-major axis, as the GCJ-02 formulas use it
_EE = 0.00669342162296594323  # its first eccentricity squared
_X_PI = math.pi * 3000.0 / 180.0  # BD-09's angular constant


class CoordinateError(ValueError):
    """Input that is not a coordinate pair the parser understands (the message is shown to the user)."""


def out_of_china(lon: float, lat: float) -> bool:
    """True outside the box in which the GCJ-02 shift is defined (eviltransform's bounds)."""
    return not (72.004 <= lon <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _shift(lon: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset (dlon, dlat) in degrees at a WGS84 point."""
    x, y = lon - 105.0, lat - 35.0
    common = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    t_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x)) + common
             + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
             + (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    t_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x)) + common
             + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
             + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    rad = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = t_lat * 180.0 / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = t_lon * 180.0 / (_A / sqrt_magic * math.cos(rad) * math.pi)
    return d_lon, d_lat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → GCJ-02 (unchanged outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    d_lon, d_lat = _shift(lon, lat)
    return lon + d_lon, lat + d_lat


def gcj02_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu's published formula; unchanged outside China like the GCJ-02 step)."""
    if out_of_china(lon, lat):
        return lon, lat
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def wgs84_to_bd09(lon: float, lat: float) -> tuple[float, float]:
    """WGS84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lon, lat))


def _invert(forward: Callable[[float, float], tuple[float, float]], lon: float, lat: float) -> tuple[float, float]:
    """The point p with forward(p) == (lon, lat), by fixed-point iteration.

    The shifts vary slowly (a few hundred metres over the whole country), so subtracting the residual each
    step converges geometrically; a handful of steps reach the millimetre.
    """
    x, y = lon, lat
    for _ in range(MAX_ITERATIONS):
        fx, fy = forward(x, y)
        dx, dy = fx - lon, fy - lat
        if abs(dx) < TOLERANCE and abs(dy) < TOLERANCE:
            break
        x, y = x - dx, y - dy
    return x, y


def gcj02_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → WGS84 (iterated to < 1e-8°; unchanged outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_gcj02, lon, lat)


def bd09_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → GCJ-02 (iterated; unchanged outside China)."""
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(gcj02_to_bd09, lon, lat)


def bd09_to_wgs84(lon: float, lat: float) -> tuple[float, float]:
    """BD-09 → WGS84 (iterated on the whole chain, so the error does not add up over two steps)."""
    if out_of_china(lon, lat):
        return lon, lat
    return _invert(wgs84_to_bd09, lon, lat)


_TO_WGS84: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "WGS84": lambda lon, lat: (lon, lat), "GCJ02": gcj02_to_wgs84, "BD09": bd09_to_wgs84}
_FROM_WGS84: dict[str, Callable[[float, float], tuple[float, float]]] = {
    "WGS84": lambda lon, lat: (lon, lat), "GCJ02": wgs84_to_gcj02, "BD09": wgs84_to_bd09}


def _crs(name: str) -> str:
    """The canonical name of a system ("bd09", "BD-09" and "BD09" are one); unknown names are refused."""
    key = (name or "").upper().replace("-", "").replace("_", "")
    if key not in CRS:
        raise CoordinateError(f"未知坐标系：{name}")
    return key


def to_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """A point in ``crs`` → WGS84."""
    return _TO_WGS84[_crs(crs)](lon, lat)


def from_wgs84(lon: float, lat: float, crs: str) -> tuple[float, float]:
    """A WGS84 point → ``crs`` (to draw it on a tile service that uses that system)."""
    return _FROM_WGS84[_crs(crs)](lon, lat)


def convert(lon: float, lat: float, source: str, target: str) -> tuple[float, float]:
    """Any of the three systems to any other (through WGS84)."""
    return from_wgs84(*to_wgs84(lon, lat, source), target)


# One coordinate: decimal degrees, or degrees with minutes and seconds (° ' " or 度 分 秒), with an optional
# hemisphere letter (N S E W) or Chinese direction (北纬 南纬 东经 西经) before or after it.
_NUMBER = r"[-+]?\d+(?:\.\d+)?"
_PART = re.compile(
    rf"(?P<pre>北纬|南纬|东经|西经|[NSEWnsew])?\s*"
    rf"(?P<deg>{_NUMBER})\s*(?:[°º度]\s*(?:(?P<min>\d+(?:\.\d+)?)\s*['′’分]\s*)?(?:(?P<sec>\d+(?:\.\d+)?)\s*"
    rf"(?:[\"″”]|''|秒)\s*)?)?"
    rf"(?P<post>[NSEWnsew](?![a-zA-Z]))?")
_HEMISPHERE = {"北纬": "N", "南纬": "S", "东经": "E", "西经": "W"}


def _parse_part(match: re.Match) -> tuple[float, str | None]:
    """(signed degrees, axis 'lat' / 'lon' / None when unmarked) of one matched coordinate."""
    value = float(match["deg"])
    minutes, seconds = float(match["min"] or 0), float(match["sec"] or 0)
    if minutes >= 60 or seconds >= 60:
        raise CoordinateError("分、秒须小于 60")
    magnitude = abs(value) + minutes / 60.0 + seconds / 3600.0
    value = -magnitude if value < 0 else magnitude
    letter = match["pre"] or match["post"]
    letter = _HEMISPHERE.get(letter, letter.upper()) if letter else None
    if letter in ("S", "W"):
        value = -abs(value)
    axis = {"N": "lat", "S": "lat", "E": "lon", "W": "lon"}.get(letter) if letter else None
    return value, axis


def parse_point(text: str, crs: str = "WGS84") -> tuple[float, float]:
    """Typed coordinates in ``crs`` → WGS84 (lon, lat).

    Accepts "121.4737, 31.2304" (longitude first, the GIS order; swapped when the first number can only be a
    latitude in China, e.g. "31.2304, 121.4737"), degrees-minutes-seconds such as 31°13'49"N 121°28'25"E
    or 北纬31度13分49秒 东经121度28分25秒, in either order when hemispheres are marked.
    """
    crs = _crs(crs)
    cleaned = (text or "").strip().replace("，", ",").replace("；", ",").replace(";", ",")
    if not cleaned:
        raise CoordinateError("请输入坐标，例如 121.4737, 31.2304")
    parts = [m for m in _PART.finditer(cleaned) if m["deg"]]
    if len(parts) != 2:
        raise CoordinateError("无法识别坐标：请输入“经度, 纬度”两个数，例如 121.4737, 31.2304")
    (a, axis_a), (b, axis_b) = (_parse_part(m) for m in parts)
    if axis_a == "lat" or axis_b == "lon":
        lon, lat = b, a
    elif axis_a == "lon" or axis_b == "lat":
        lon, lat = a, b
    elif abs(a) <= 90 < abs(b):  # unmarked: a latitude first only when the other number cannot be one
        lon, lat = b, a
    else:
        lon, lat = a, b
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise CoordinateError("坐标超出范围：经度须在 ±180 之间，纬度须在 ±90 之间")
    return _TO_WGS84[crs](lon, lat)
