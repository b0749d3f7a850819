"""Checks of the static Shanghai reference geodata in ``geodata/`` and of its loader.

Only shapely and the standard library are used (shapely is a runtime dependency).
"""

from __future__ import annotations

import csv
import functools
import itertools
import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
import shapely
from shapely.geometry import Point, shape

import geodata

ROOT = Path(__file__).resolve().parents[2]
GEODATA_DIR = ROOT / "geodata"

EXPECTED_DISTRICTS = {
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

#: km² per square degree at Shanghai's latitude, for converting sliver areas.
KM2_PER_DEG2 = 111.320 * math.cos(math.radians(31.2)) * 110.574
#: Tolerance for overlaps and gaps: 100 m².
SLIVER_TOL_KM2 = 1.0e-4


@functools.lru_cache(maxsize=1)
def district_shapes() -> dict[str, object]:
    return {f["properties"]["code"]: shape(f["geometry"]) for f in geodata.districts_geojson()["features"]}


@functools.lru_cache(maxsize=1)
def cell_shapes() -> dict[str, object]:
    return {f["properties"]["code"]: shape(f["geometry"]) for f in geodata.streets_geojson()["features"]}


def km2(geom) -> float:
    return 0.0 if geom.is_empty else geom.area * KM2_PER_DEG2


def all_coordinates(geometry: dict):
    coords = geometry["coordinates"]
    polys = [coords] if geometry["type"] == "Polygon" else coords
    for rings in polys:
        for ring in rings:
            yield from ring


# ------------------------------------------------------------------ files


def test_files_present_and_within_size_limits():
    for name in ("districts.geojson", "streets.csv", "streets_approx.geojson", "README.md"):
        assert (GEODATA_DIR / name).is_file(), name
    assert (GEODATA_DIR / "districts.geojson").stat().st_size <= 300 * 1024
    assert (GEODATA_DIR / "streets_approx.geojson").stat().st_size <= 400 * 1024


def test_streets_csv_is_utf8_with_expected_columns():
    text = (GEODATA_DIR / "streets.csv").read_text(encoding="utf-8")
    header = next(csv.reader([text.splitlines()[0]]))
    assert header == ["code", "name", "district_code", "kind", "lon", "lat"]


# ------------------------------------------------------------------ districts


def test_sixteen_districts_with_codes_and_names():
    features = geodata.districts_geojson()["features"]
    assert len(features) == 16
    got = {f["properties"]["code"]: f["properties"]["name"] for f in features}
    assert got == EXPECTED_DISTRICTS
    assert geodata.district_codes() == sorted(EXPECTED_DISTRICTS)
    assert geodata.district_names() == EXPECTED_DISTRICTS


def test_district_properties():
    for f in geodata.districts_geojson()["features"]:
        props = f["properties"]
        assert f["id"] == props["code"]
        assert isinstance(props["area_km2"], float) and props["area_km2"] > 0
        assert f["geometry"]["type"] in ("Polygon", "MultiPolygon")


def test_district_geometries_valid_and_in_shanghai():
    for code, geom in district_shapes().items():
        assert geom.is_valid, (code, shapely.is_valid_reason(geom))
        assert not geom.is_empty
        minx, miny, maxx, maxy = geom.bounds
        assert 120.8 < minx < maxx < 122.3, code
        assert 30.6 < miny < maxy < 31.9, code


def test_district_coordinates_rounded_to_five_decimals():
    for f in geodata.districts_geojson()["features"]:
        for x, y in all_coordinates(f["geometry"]):
            assert round(x, 5) == x and round(y, 5) == y


def test_no_pairwise_overlaps_between_districts():
    shapes = district_shapes()
    worst = max(km2(shapes[a].intersection(shapes[b])) for a, b in itertools.combinations(shapes, 2))
    assert worst < SLIVER_TOL_KM2


def test_no_gaps_between_districts():
    union = shapely.union_all(list(district_shapes().values()))
    polys = getattr(union, "geoms", [union])
    holes = [km2(shapely.Polygon(r)) for p in polys for r in p.interiors]
    assert all(h < SLIVER_TOL_KM2 for h in holes), holes


def test_area_km2_plausible():
    areas = {
        f["properties"]["code"]: f["properties"]["area_km2"] for f in geodata.districts_geojson()["features"]
    }
    assert areas["310115"] > 20 * areas["310101"]  # Pudong vs Huangpu
    assert 18 < areas["310101"] < 23  # Huangpu is ~20.5 km²
    # Amap-derived outlines include tidal flats: more than the ~6,340 km² of land.
    assert 6000 < sum(areas.values()) < 9000
    for code, geom in district_shapes().items():
        assert areas[code] == pytest.approx(km2(geom), rel=0.02), code


def test_chongming_and_islands_kept():
    shapes = district_shapes()
    chongming = shapes["310151"]
    assert chongming.bounds[2] > 121.9
    # Chongming, Changxing and Hengsha islands (and more).
    assert len(getattr(chongming, "geoms", [chongming])) >= 3
    # Jinshan's offshore islands are small but kept.
    assert len(getattr(shapes["310116"], "geoms", [shapes["310116"]])) >= 2


# ------------------------------------------------------------------ streets


def test_street_count_and_codes():
    rows = geodata.streets()
    assert 200 <= len(rows) <= 260
    codes = [r["code"] for r in rows]
    assert len(set(codes)) == len(codes)
    for r in rows:
        assert len(r["code"]) == 9 and r["code"].isdigit(), r
        assert r["district_code"] in EXPECTED_DISTRICTS, r
        assert r["code"].startswith(r["district_code"]), r


def test_street_fields_typed():
    for r in geodata.streets():
        assert set(r) == {"code", "name", "district_code", "kind", "lon", "lat"}
        assert isinstance(r["lon"], float) and isinstance(r["lat"], float)
        assert r["kind"] in geodata.STREET_KINDS
        assert r["kind"] == geodata.street_kind(r["name"])


def test_every_district_has_streets():
    assert {r["district_code"] for r in geodata.streets()} == set(EXPECTED_DISTRICTS)


def test_known_streets_present():
    by_code = {r["code"]: r for r in geodata.streets()}
    assert by_code["310101013"]["name"] == "外滩街道"
    assert by_code["310101013"]["kind"] == "街道"
    assert by_code["310115103"]["name"] == "川沙新镇"
    assert by_code["310115103"]["kind"] == "镇"
    assert by_code["310151202"]["name"] == "横沙乡"
    assert by_code["310151202"]["kind"] == "乡"
    # Non-street units are kept, as kind "其他".
    assert by_code["310112501"]["name"] == "莘庄工业区"
    assert by_code["310112501"]["kind"] == "其他"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("外滩街道", "街道"),
        ("川沙新镇", "镇"),
        ("新村乡", "乡"),
        ("莘庄工业区", "其他"),
        ("东海农场", "其他"),
        ("菊园新区", "其他"),
        ("张江高科技园区", "其他"),
    ],
)
def test_street_kind(name, kind):
    assert geodata.street_kind(name) == kind


def test_street_centres_inside_their_district():
    shapes = district_shapes()
    for r in geodata.streets():
        assert shapes[r["district_code"]].contains(Point(r["lon"], r["lat"])), r


# ------------------------------------------------------------------ approximate street cells


def test_street_cells_match_streets():
    features = geodata.streets_geojson()["features"]
    rows = {r["code"]: r for r in geodata.streets()}
    assert len(features) == len(rows)
    for f in features:
        props = f["properties"]
        assert props["approximate"] is True
        row = rows[props["code"]]
        assert props["name"] == row["name"]
        assert props["district_code"] == row["district_code"]


def test_street_cells_valid_and_contain_their_centre():
    cells = cell_shapes()
    for r in geodata.streets():
        cell = cells[r["code"]]
        assert cell.is_valid and not cell.is_empty, r["code"]
        assert cell.contains(Point(r["lon"], r["lat"])), r["code"]


def test_street_cells_tile_their_district():
    cells = cell_shapes()
    by_district: dict[str, list[str]] = {}
    for r in geodata.streets():
        by_district.setdefault(r["district_code"], []).append(r["code"])
    for dcode, district in district_shapes().items():
        members = [cells[c] for c in by_district[dcode]]
        for a, b in itertools.combinations(members, 2):
            assert km2(a.intersection(b)) < SLIVER_TOL_KM2, dcode
        union = shapely.union_all(members)
        assert km2(union.symmetric_difference(district)) < SLIVER_TOL_KM2, dcode


# ------------------------------------------------------------------ loader API


def test_import_does_no_work_and_pulls_no_heavy_modules():
    code = (
        "import sys, geodata\n"
        "assert geodata._load_feature_collection.cache_info().currsize == 0\n"
        "assert geodata._load_streets.cache_info().currsize == 0\n"
        "assert not hasattr(geodata, 'DISTRICT_CODES')\n"
        "print(sorted(m for m in ('shapely', 'numpy', 'pandas') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_geojson_cached_per_path():
    default = geodata.districts_geojson()
    assert geodata.districts_geojson(None) is default
    assert geodata.districts_geojson(geodata.DEFAULT_DISTRICTS_PATH) is default
    assert geodata.districts_geojson(str(geodata.DEFAULT_DISTRICTS_PATH)) is default
    assert geodata.streets_geojson() is geodata.streets_geojson(geodata.DEFAULT_STREETS_GEOJSON_PATH)


def test_streets_returns_fresh_copies():
    first = geodata.streets()
    first[0]["name"] = "changed"
    first.clear()
    assert geodata.streets()[0]["name"] != "changed"


def test_replacement_files(tmp_path):
    districts = tmp_path / "districts.geojson"
    districts.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"code": "310101", "name": "黄浦区", "area_km2": 1.0},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[121.4, 31.2], [121.5, 31.2], [121.5, 31.3], [121.4, 31.2]]],
                        },
                    }
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    assert geodata.district_codes(districts) == ["310101"]
    assert geodata.districts_geojson(districts) is not geodata.districts_geojson()

    streets_csv = tmp_path / "streets.csv"
    streets_csv.write_text(
        "code,name,district_code,lon,lat\n310101013,外滩街道,310101,121.49,31.24\n", encoding="utf-8"
    )
    rows = geodata.streets(streets_csv)
    assert rows == [
        {
            "code": "310101013",
            "name": "外滩街道",
            "district_code": "310101",
            "kind": "街道",  # derived when the column is absent
            "lon": 121.49,
            "lat": 31.24,
        }
    ]


def test_replacement_files_rejected_when_malformed(tmp_path):
    bad_csv = tmp_path / "streets.csv"
    bad_csv.write_text("code,name\n310101013,外滩街道\n", encoding="utf-8")
    with pytest.raises(ValueError, match="district_code"):
        geodata.streets(bad_csv)
    bad_number = tmp_path / "streets2.csv"
    bad_number.write_text("code,name,district_code,lon,lat\n1,x,310101,east,31\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 2"):
        geodata.streets(bad_number)
    bad_json = tmp_path / "d.geojson"
    bad_json.write_text('{"type": "Feature"}', encoding="utf-8")
    with pytest.raises(ValueError, match="FeatureCollection"):
        geodata.districts_geojson(bad_json)


# ------------------------------------------------------------------ build script helpers


# Public test vectors of the standard GCJ-02 transform (eviltransform): (wgs lon/lat, gcj lon/lat).
GCJ_VECTORS = [
    ((121.5272106, 31.1774276), (121.531541859215, 31.17530398364597)),  # Shanghai
    ((113.912316, 22.543847), (113.9171764808363, 22.540796131694766)),  # Shenzhen
    ((116.377817, 39.911954), (116.38404722455657, 39.91334545536069)),  # Beijing
]


@pytest.mark.parametrize(("wgs", "gcj"), GCJ_VECTORS)
def test_gcj02_transform_and_iterative_inverse(wgs, gcj):
    pytest.importorskip("numpy")  # always present with shapely; the build script needs it
    from tools.build_geodata import gcj02_to_wgs84, wgs84_to_gcj02

    lon, lat = wgs84_to_gcj02(wgs[0], wgs[1])
    assert float(lon) == pytest.approx(gcj[0], abs=1e-9)
    assert float(lat) == pytest.approx(gcj[1], abs=1e-9)
    back_lon, back_lat, residual_m = gcj02_to_wgs84(gcj[0], gcj[1])
    # Sub-metre (in fact sub-millimetre) inverse.
    assert abs(float(back_lon) - wgs[0]) * 111_320 < 1e-3
    assert abs(float(back_lat) - wgs[1]) * 110_574 < 1e-3
    assert residual_m < 1e-3
