"""Static reference geodata for Shanghai: districts and streets/towns.

A small, pure loader API over the files that live beside this module (see
``README.md`` in this folder for what they contain and where they come from).
Nothing is read at import time; every function takes an optional ``path`` so
that the application can point at replacement files (for example the
bureau's authoritative boundaries) instead of the bundled ones.

Only the standard library is used here.
"""

from __future__ import annotations

import csv
import functools
import json
import os
from pathlib import Path
from typing import Any, TypedDict

__all__ = [
    "DATA_DIR",
    "DEFAULT_DISTRICTS_PATH",
    "DEFAULT_STREETS_GEOJSON_PATH",
    "DEFAULT_STREETS_PATH",
    "STREET_KINDS",
    "Street",
    "clear_cache",
    "district_codes",
    "district_names",
    "districts_geojson",
    "street_kind",
    "streets",
    "streets_geojson",
]

DATA_DIR = Path(__file__).resolve().parent
DEFAULT_DISTRICTS_PATH = DATA_DIR / "districts.geojson"
DEFAULT_STREETS_PATH = DATA_DIR / "streets.csv"
DEFAULT_STREETS_GEOJSON_PATH = DATA_DIR / "streets_approx.geojson"

#: Kinds of township-level units, in display order. "其他" covers units that
#: are neither 街道, 镇 nor 乡 (industrial zones, development zones, farms,
#: 菊园新区 ...).
STREET_KINDS = ("街道", "镇", "乡", "其他")

PathLike = str | os.PathLike[str] | None

_STREET_REQUIRED_COLUMNS = ("code", "name", "district_code", "lon", "lat")


class Street(TypedDict):
    """One township-level unit (街道/镇/乡/其他) as returned by :func:`streets`."""

    code: str  # 9-digit NBS code, e.g. "310101013"
    name: str  # e.g. "外滩街道"
    district_code: str  # 6-digit NBS code, e.g. "310101"
    kind: str  # one of STREET_KINDS
    lon: float  # WGS84, a generated point inside the district (approximate)
    lat: float


def street_kind(name: str) -> str:
    """Return the kind of a township-level unit derived from its name's suffix.

    ``"外滩街道"`` -> ``"街道"``, ``"川沙新镇"`` -> ``"镇"``, ``"横沙乡"`` ->
    ``"乡"``; anything else (e.g. ``"莘庄工业区"``, ``"东海农场"``) -> ``"其他"``.
    """
    name = name.strip()
    if name.endswith("街道"):
        return "街道"
    if name.endswith("镇"):
        return "镇"
    if name.endswith("乡"):
        return "乡"
    return "其他"


def _resolve(path: PathLike, default: Path) -> str:
    if path is None or path == "":
        return str(default)
    return str(Path(path).expanduser().resolve())


@functools.lru_cache(maxsize=16)
def _load_feature_collection(resolved_path: str) -> dict[str, Any]:
    with open(resolved_path, encoding="utf-8") as fh:
        data = json.load(fh)
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ValueError(f"{resolved_path}: not a GeoJSON FeatureCollection")
    for i, feature in enumerate(data.get("features") or []):
        props = feature.get("properties") or {}
        if not feature.get("geometry") or "code" not in props:
            raise ValueError(f"{resolved_path}: feature #{i} lacks a geometry or a 'code' property")
    return data


@functools.lru_cache(maxsize=16)
def _load_streets(resolved_path: str) -> tuple[Street, ...]:
    rows: list[Street] = []
    with open(resolved_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in _STREET_REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{resolved_path}: missing column(s) {', '.join(missing)}")
        for line_no, raw in enumerate(reader, start=2):
            try:
                name = raw["name"].strip()
                rows.append(
                    Street(
                        code=raw["code"].strip(),
                        name=name,
                        district_code=raw["district_code"].strip(),
                        kind=(raw.get("kind") or "").strip() or street_kind(name),
                        lon=float(raw["lon"]),
                        lat=float(raw["lat"]),
                    )
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{resolved_path}, line {line_no}: {exc}") from exc
    return tuple(rows)


def districts_geojson(path: PathLike = None) -> dict[str, Any]:
    """The 16 districts as a GeoJSON FeatureCollection (WGS84).

    Feature properties: ``code`` (6-digit NBS code), ``name``, ``area_km2``;
    the feature ``id`` is the code too.  The result is cached per path and
    shared between callers: treat it as read-only (``copy.deepcopy`` it before
    changing anything).
    """
    return _load_feature_collection(_resolve(path, DEFAULT_DISTRICTS_PATH))


def streets_geojson(path: PathLike = None) -> dict[str, Any]:
    """Approximate street/town cells as a GeoJSON FeatureCollection (WGS84).

    Feature properties: ``code``, ``name``, ``district_code``, ``approximate``
    (always ``true`` for the bundled file: the cells are generated, not real
    boundaries, and must be presented as approximate).  Cached and shared
    like :func:`districts_geojson`: treat as read-only.
    """
    return _load_feature_collection(_resolve(path, DEFAULT_STREETS_GEOJSON_PATH))


def streets(path: PathLike = None) -> list[Street]:
    """All township-level units, in file order, with ``lon``/``lat`` as floats.

    Parsing is cached per path; each call returns a fresh list of fresh dicts,
    so callers may modify the result.
    """
    return [Street(**row) for row in _load_streets(_resolve(path, DEFAULT_STREETS_PATH))]


def district_codes(path: PathLike = None) -> list[str]:
    """Sorted district codes present in the districts file."""
    return sorted(f["properties"]["code"] for f in districts_geojson(path)["features"])


def district_names(path: PathLike = None) -> dict[str, str]:
    """Mapping of district code to name, e.g. ``{"310101": "黄浦区", ...}``."""
    return {
        f["properties"]["code"]: f["properties"].get("name", "") for f in districts_geojson(path)["features"]
    }


def clear_cache() -> None:
    """Forget everything loaded so far (e.g. after a replacement file changed)."""
    _load_feature_collection.cache_clear()
    _load_streets.cache_clear()
