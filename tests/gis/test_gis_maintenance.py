"""Distributed layer maintenance (module 31): propose → review → publish, versions, history, rollback,
conflicts, district scope, the point grid kept in step, and every step audited in its own transaction."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from db import db
from db.gis import Change, Feature, PointGrid, cell_size
from db.security import AuditLog
from layers import maintenance as m
from queries import gis as q

XUHUI = m.Actor("gis_editor", "310104", "10.0.0.8")
HUANGPU = m.Actor("editor_hp", "310101")
ADMIN = m.Actor("gis_admin", None)
XUJIAHUI = {"type": "Point", "coordinates": [121.4365, 31.1880]}  # Xuhui
PEOPLES_SQUARE = {"type": "Point", "coordinates": [121.4737, 31.2304]}  # Huangpu
PROPS = {"address": "漕溪北路1号", "owner": "张三", "length_m": 12, "grade": "A"}


def _audits(action: str) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == action))


def _cell(layer: str, lon: float, lat: float, level: int = 7) -> int:
    size = cell_size(level)
    with db.session() as s:
        cell = s.get(PointGrid, {"layer": layer, "level": level, "cx": int(lon // size), "cy": int(lat // size)})
        return cell.count if cell else 0


def _submit(actor, **kw):
    with db.session() as s:
        return m.submit(s, actor, **kw).id


@pytest.mark.module(31)
def test_create_review_publish_edit_and_rollback(app):
    before_submit = _audits("gis.change.submit")
    change_id = _submit(XUHUI, layer_id="door_duty", action="create", name="测试便利店", geometry=XUJIAHUI,
                        properties=PROPS)
    assert _audits("gis.change.submit") == before_submit + 1
    with db.session() as s:
        change = s.get(Change, change_id)
        assert (change.status, change.district_code) == ("待审核", "310104")
        assert s.scalar(select(func.count()).select_from(Feature).where(Feature.name == "测试便利店")) == 0  # not yet live

    cell_before = _cell("door_duty", 121.4365, 31.1880)
    with db.session() as s:
        feature_id = m.approve(s, ADMIN, change_id).id
    assert _cell("door_duty", 121.4365, 31.1880) == cell_before + 1
    f = q.feature(feature_id)
    assert f["properties"]["version"] == 1 and f["properties"]["owner"] == "张三"
    assert f["properties"]["district"] == "徐汇区"

    # an update moves it and changes an attribute; the grid follows the point
    moved = {"type": "Point", "coordinates": [121.4400, 31.1900]}
    update_id = _submit(XUHUI, layer_id="door_duty", action="update", feature_id=feature_id, base_version=1,
                        name="测试便利店", geometry=moved, properties={**PROPS, "grade": "B"})
    with db.session() as s:
        m.approve(s, ADMIN, update_id)
    f = q.feature(feature_id)
    assert f["properties"]["version"] == 2 and f["properties"]["grade"] == "B"
    assert f["geometry"]["coordinates"] == [121.44, 31.19]
    assert _cell("door_duty", 121.4365, 31.1880) == cell_before

    # rollback publishes version 1 again as version 3; history keeps all three
    with db.session() as s:
        m.rollback(s, ADMIN, feature_id, 1, expected_version=2)
    f = q.feature(feature_id)
    assert f["properties"]["version"] == 3 and f["properties"]["grade"] == "A"
    assert f["geometry"]["coordinates"] == [121.4365, 31.188]
    history = q.history(feature_id)
    assert history["version"].tolist() == [3, 2, 1]
    assert history["action"].tolist() == ["rollback", "update", "create"]

    # delete: the feature leaves the map and the grid, the history stays
    delete_id = _submit(XUHUI, layer_id="door_duty", action="delete", feature_id=feature_id, base_version=3)
    with db.session() as s:
        m.approve(s, ADMIN, delete_id)
    assert q.feature(feature_id)["properties"]["deleted"] is True
    assert _cell("door_duty", 121.4365, 31.1880) == cell_before
    assert q.search("测试便利店", ["door_duty"]) == []
    assert _audits("gis.change.publish") >= 3 and _audits("gis.feature.rollback") >= 1


@pytest.mark.module(31)
def test_concurrent_edits_conflict_and_nothing_is_lost(app):
    with db.session() as s:
        target = s.scalars(select(Feature).where(Feature.layer == "wash_station", Feature.district_code == "310104",
                                                 Feature.deleted.is_(False)).order_by(Feature.id)).first()
        fid, version, target_name = target.id, target.version, target.name
        geometry = {"type": "Point", "coordinates": [target.lon, target.lat]}
        props = json.loads(target.properties)
    first = _submit(XUHUI, layer_id="wash_station", action="update", feature_id=fid, base_version=version,
                    name="清洗站甲", geometry=geometry, properties=props)
    second = _submit(XUHUI, layer_id="wash_station", action="update", feature_id=fid, base_version=version,
                     name="清洗站乙", geometry=geometry, properties=props)
    with db.session() as s:
        m.approve(s, ADMIN, first)
    with db.session() as s:
        assert m.approve(s, ADMIN, second) is None  # not published
    with db.session() as s:
        change = s.get(Change, second)
        assert change.status == "冲突" and f"已是版本 {version + 1}" in change.comment
    assert _audits("gis.change.conflict") >= 1
    assert q.feature(fid)["properties"]["name"] == "清洗站甲"
    # the generated feature's state before its first edit is kept as a "load" version
    history = q.history(fid)
    assert history["action"].tolist() == ["update", "load"] and history["name"].tolist()[1] == target_name
    # proposing against a stale version is refused at once, naming the current version
    with pytest.raises(m.EditConflict, match=f"当前版本 {version + 1}"):
        _submit(XUHUI, layer_id="wash_station", action="update", feature_id=fid, base_version=version,
                name="清洗站丙", geometry=geometry, properties=props)


def test_district_editors_stay_in_their_district(app):
    with pytest.raises(m.EditError, match="本区范围"):
        _submit(XUHUI, layer_id="door_duty", action="create", name="越界商户", geometry=PEOPLES_SQUARE, properties=PROPS)
    with db.session() as s:
        other = s.scalars(select(Feature).where(Feature.layer == "door_duty", Feature.district_code == "310101")).first()
    with pytest.raises(m.EditError, match="只能维护本区"):
        _submit(XUHUI, layer_id="door_duty", action="delete", feature_id=other.id, base_version=other.version)
    assert q.feature(other.id, scope="310104") is None  # and cannot even read it
    _submit(HUANGPU, layer_id="door_duty", action="delete", feature_id=other.id, base_version=other.version)


def test_bad_input_gets_field_errors_and_saves_nothing(app):
    with db.session() as s:
        before = s.scalar(select(func.count()).select_from(Change))
    with pytest.raises(m.EditError) as caught:
        _submit(XUHUI, layer_id="door_duty", action="create", name="", geometry={"type": "Polygon", "coordinates": []},
                properties={"owner": "", "length_m": "abc", "grade": "A"})
    assert caught.value.errors == {"name": "请填写名称", "address": "请填写地址", "owner": "请填写责任人",
                                   "length_m": "责任区长度（米）应为数字", "geometry": "几何图形不符合图层要求"}
    with pytest.raises(m.EditError, match="不可在线维护"):
        _submit(ADMIN, layer_id="districts", action="create", name="x", geometry=XUJIAHUI)
    with pytest.raises(m.EditError, match="驳回理由"):
        with db.session() as s:
            m.reject(s, ADMIN, 1, "  ")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Change)) == before


def test_reject_keeps_the_feature_and_records_why(app):
    change_id = _submit(XUHUI, layer_id="ad_site", action="create", name="宜山路广告点位测试",
                        geometry={"type": "Point", "coordinates": [121.4300, 31.1800]},
                        properties={"kind": "墙面", "area_m2": 24, "status": "规划中"})
    with db.session() as s:
        m.reject(s, ADMIN, change_id, "与已有点位重复")
    with db.session() as s:
        change = s.get(Change, change_id)
        assert (change.status, change.comment, change.reviewed_by) == ("已驳回", "与已有点位重复", "gis_admin")
    with pytest.raises(m.EditError, match="已处理"):
        with db.session() as s:
            m.approve(s, ADMIN, change_id)


def test_grid_counts_match_the_features(app):
    """Every level of the pyramid counts each live point exactly once."""
    with db.session() as s:
        live = s.scalar(select(func.count()).select_from(Feature).where(Feature.layer == "wash_station",
                                                                      Feature.deleted.is_(False)))
        for level in (0, 3, 7):
            total = s.scalar(select(func.sum(PointGrid.count)).where(PointGrid.layer == "wash_station",
                                                                    PointGrid.level == level))
            assert total == live
