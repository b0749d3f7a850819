"""Reference queries: known answers, district filter, and cache invalidation by data version."""
from __future__ import annotations

from sqlalchemy import update

from db import db
from db.meta import bump_version
from db.reference import District
from queries import data_version, reference


def test_districts_known_answers(app):
    with app.server.app_context():
        df = reference.districts()
    assert len(df) == 16
    assert list(df.code[:2]) == ["310101", "310104"]  # official order by code
    row = df.set_index("name").loc["浦东新区"]
    assert row.code == "310115" and row.area_km2 > 1000
    assert df.set_index("name").loc["黄浦区"].area_km2 < 30
    assert (df.units == df.subdistricts + df.towns + (df.units - df.subdistricts - df.towns)).all()
    assert df.set_index("name").loc["黄浦区"].towns == 0  # Huangpu has only subdistricts


def test_streets_filtered_by_district(app):
    with app.server.app_context():
        all_streets = reference.streets()
        huangpu = reference.streets("310101")
    assert set(huangpu.district_code) == {"310101"}
    assert "外滩街道" in set(huangpu.name)
    assert len(all_streets) > len(huangpu) > 5


def test_import_invalidates_cached_query(app):
    """A bumped version makes the next call read the database again, without a restart."""
    with app.server.app_context():
        before = reference.districts().set_index("code").at["310101", "name"]
        with db.engine.begin() as conn:
            conn.execute(update(District).where(District.code == "310101").values(name="黄浦区（测试）"))
        assert reference.districts().set_index("code").at["310101", "name"] == before  # still cached
        version = data_version("reference")
        with db.engine.begin() as conn:
            assert bump_version(conn, "reference") == version + 1
        assert reference.districts().set_index("code").at["310101", "name"] == "黄浦区（测试）"
        with db.engine.begin() as conn:
            conn.execute(update(District).where(District.code == "310101").values(name=before))
            bump_version(conn, "reference")
        assert reference.districts().set_index("code").at["310101", "name"] == before


def test_street_features_are_marked_approximate(app):
    with app.server.app_context():
        feats = reference.street_features("310115")
    assert feats and all(f["properties"]["approximate"] for f in feats)
    assert {f["geometry"]["type"] for f in feats} <= {"Polygon", "MultiPolygon"}
