"""Distributed layer maintenance (module 31): district editors propose, the city GIS administrator publishes.

Each function is one transaction's worth of work on the caller's session (the caller commits): the change,
the feature, its version row, the point grid and the audit record commit together or not at all. Version
checks make concurrent edits safe: an edit names the version it started from; proposing or publishing
against a version that is no longer current is refused as a conflict, with the current version named, so
that the editor reloads and nothing is overwritten unseen.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from shapely.geometry import shape
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.gis import GRID_LEVELS, Change, Feature, FeatureVersion, PointGrid, cell_size
from db.meta import touch
from layers import catalog
from layers.spatial import district_at, representative_point, street_at
from security import audit

DATASET = "gis"


class EditError(ValueError):
    """An edit that cannot be accepted; ``errors`` maps form fields to Chinese messages."""

    def __init__(self, message: str, errors: dict[str, str] | None = None):
        super().__init__(message)
        self.errors = errors or {}


class EditConflict(EditError):
    """The feature changed since the editor loaded it."""


@dataclass(frozen=True)
class Actor:
    """Who acts: user name, district scope (None: city-wide) and source address, for checks and audit."""

    username: str
    district: str | None
    ip: str = "-"


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def _audit(s: Session, actor: Actor, action: str, object_id, detail: dict) -> None:
    audit.append(s, username=actor.username, source_ip=actor.ip, action=action, object_type="gis_feature",
                 object_id=str(object_id), detail=detail)


def _check_geometry(layer: catalog.Layer, geometry: dict | None) -> dict:
    if not geometry or geometry.get("type") not in layer.geom_types:
        kinds = "、".join({"Point": "点", "Polygon": "面", "LineString": "线"}[t] for t in layer.geom_types)
        raise EditError(f"{layer.name}的要素应为{kinds}，请在地图上绘制", {"geometry": "几何图形不符合图层要求"})
    try:
        geom = shape(geometry)
    except (KeyError, TypeError, ValueError, IndexError):
        raise EditError("几何图形无法识别", {"geometry": "几何图形无法识别"}) from None
    if geom.is_empty or not geom.is_valid:
        raise EditError("几何图形无效（自相交或为空），请重新绘制", {"geometry": "几何图形无效"})
    return geometry


def submit(s: Session, actor: Actor, *, layer_id: str, action: str, feature_id: int | None = None,
           base_version: int | None = None, name: str | None = None, geometry: dict | None = None,
           properties: dict | None = None) -> Change:
    """Propose a create, update or delete; returns the pending change. District editors may only touch
    features in their district and only place features inside it."""
    layer = catalog.get(layer_id)
    if not layer.editable:
        raise EditError(f"图层“{layer.name}”不可在线维护")
    if action not in ("create", "update", "delete"):
        raise EditError(f"未知操作：{action}")
    current = None
    if action != "create":
        current = s.get(Feature, feature_id) if feature_id else None
        if current is None or current.layer != layer_id or current.deleted:
            raise EditError("要素不存在或已删除")
        if actor.district and current.district_code != actor.district:
            raise EditError("只能维护本区的要素")
        if base_version != current.version:
            raise EditConflict(f"该要素已被修改（当前版本 {current.version}，您编辑的是版本 {base_version}），请刷新后重新编辑")
    change = Change(layer=layer_id, action=action, feature_id=feature_id, base_version=base_version,
                    submitted_by=actor.username, submitted_at=_now(), status="待审核")
    if action == "delete":
        change.district_code = current.district_code
        change.name = current.name
    else:
        errors = {}
        name = (name or "").strip()
        if not name:
            errors["name"] = "请填写名称"
        elif len(name) > 120:
            errors["name"] = "名称不能超过 120 个字"
        clean, field_errors = catalog.validate_properties(layer, properties or {})
        errors.update(field_errors)
        if geometry is None and current is not None:
            geometry = json.loads(current.geometry) if current.geometry else {"type": "Point",
                                                                              "coordinates": [current.lon, current.lat]}
        try:
            geometry = _check_geometry(layer, geometry)
        except EditError as exc:
            errors.update(exc.errors)
        if errors:
            raise EditError("请修正标出的字段", errors)
        lon, lat = representative_point(geometry)
        district = district_at(lon, lat)
        if district is None:
            raise EditError("要素不在上海市范围内", {"geometry": "位置不在上海市范围内"})
        if actor.district and district != actor.district:
            raise EditError("只能在本区范围内绘制要素", {"geometry": "位置不在本区范围内"})
        change.district_code, change.name, change.lon, change.lat = district, name, lon, lat
        change.geom_type = geometry["type"]
        change.geometry = None if geometry["type"] == "Point" else json.dumps(geometry, ensure_ascii=False)
        change.properties = json.dumps(clean, ensure_ascii=False, sort_keys=True)
    s.add(change)
    s.flush()
    _audit(s, actor, "gis.change.submit", feature_id or f"new:{change.id}",
           {"change": change.id, "layer": layer_id, "action": action, "base_version": base_version})
    return change


def _grid(s: Session, layer: str, lon: float, lat: float, sign: int) -> None:
    """Add (+1) or remove (−1) one point in every level of the layer's grid."""
    for level in range(GRID_LEVELS):
        size = cell_size(level)
        key = dict(layer=layer, level=level, cx=int(lon // size), cy=int(lat // size))
        cell = s.get(PointGrid, key)
        if cell is None:
            cell = PointGrid(**key, count=0, lon_sum=0.0, lat_sum=0.0)
            s.add(cell)
        cell.count += sign
        cell.lon_sum += sign * lon
        cell.lat_sum += sign * lat


def _record(s: Session, feature: Feature, action: str, by: str, change_id: int | None) -> None:
    s.add(FeatureVersion(feature_id=feature.id, version=feature.version, action=action, name=feature.name,
                         geom_type=feature.geom_type, geometry=feature.geometry, lon=feature.lon, lat=feature.lat,
                         properties=feature.properties, deleted=feature.deleted, change_id=change_id, by=by,
                         at=feature.updated_at))


def _snapshot_loaded(s: Session, feature: Feature) -> None:
    """Loaded (generated or imported) features have no history row yet: record their current state as it
    was loaded before the first change overwrites it."""
    exists = s.scalar(select(FeatureVersion.id).where(FeatureVersion.feature_id == feature.id,
                                                      FeatureVersion.version == feature.version))
    if exists is None:
        _record(s, feature, "load", feature.updated_by, None)


def _place(s: Session, feature: Feature, *, name, geom_type, geometry, lon, lat, properties, deleted, by) -> None:
    """Write a feature's new state, keeping the point grid in step (points only)."""
    layer = catalog.get(feature.layer)
    if layer.kind == "point" and feature.id is not None and not feature.deleted:
        _grid(s, feature.layer, feature.lon, feature.lat, -1)
    feature.name, feature.geom_type, feature.geometry = name, geom_type, geometry
    feature.lon, feature.lat, feature.properties, feature.deleted = lon, lat, properties, deleted
    feature.district_code, feature.street_code = district_at(lon, lat) or feature.district_code, street_at(lon, lat)
    feature.updated_by, feature.updated_at = by, _now()
    if layer.kind == "point" and not deleted:
        _grid(s, feature.layer, lon, lat, +1)


def approve(s: Session, actor: Actor, change_id: int) -> Feature | None:
    """Publish a pending change: the feature gets a new version. A change made against a version that is no
    longer current is not published: it is marked 冲突 with the reason in ``comment`` (committed with the
    caller's transaction, so the queue shows it) and None is returned."""
    change = s.get(Change, change_id)
    if change is None or change.status != "待审核":
        raise EditError("该变更不存在或已处理")
    change.reviewed_by, change.reviewed_at = actor.username, _now()
    if change.action == "create":
        feature = Feature(layer=change.layer, code=f"{change.layer}-{change.district_code}-c{change.id}",
                          version=1, district_code=change.district_code, deleted=False,
                          name="", geom_type="Point", lon=0.0, lat=0.0, properties="{}", updated_by="",
                          updated_at=_now())
        _place(s, feature, name=change.name, geom_type=change.geom_type, geometry=change.geometry, lon=change.lon,
               lat=change.lat, properties=change.properties, deleted=False, by=change.submitted_by)
        s.add(feature)
        s.flush()
    else:
        feature = s.get(Feature, change.feature_id)
        if feature.version != change.base_version:
            change.status = "冲突"
            change.comment = f"发布时要素已是版本 {feature.version}（提交时为版本 {change.base_version}）"
            _audit(s, actor, "gis.change.conflict", feature.id, {"change": change.id, "current": feature.version})
            return None
        _snapshot_loaded(s, feature)
        # Compare-and-set: a concurrent publisher that got here first makes this update match no row.
        won = s.execute(update(Feature).where(Feature.id == feature.id, Feature.version == change.base_version)
                        .values(version=Feature.version + 1)).rowcount
        if not won:
            raise EditConflict("该要素刚被其他审核发布，请刷新后重试")
        s.refresh(feature)
        if change.action == "delete":
            _place(s, feature, name=feature.name, geom_type=feature.geom_type, geometry=feature.geometry,
                   lon=feature.lon, lat=feature.lat, properties=feature.properties, deleted=True, by=change.submitted_by)
        else:
            _place(s, feature, name=change.name, geom_type=change.geom_type, geometry=change.geometry, lon=change.lon,
                   lat=change.lat, properties=change.properties, deleted=False, by=change.submitted_by)
    _record(s, feature, change.action, change.submitted_by, change.id)
    change.status = "已发布"
    change.feature_id = feature.id
    touch(s, DATASET)
    _audit(s, actor, "gis.change.publish", feature.id,
           {"change": change.id, "action": change.action, "version": feature.version})
    return feature


def reject(s: Session, actor: Actor, change_id: int, comment: str) -> Change:
    """Turn a pending change down with a reason."""
    comment = (comment or "").strip()
    if not comment:
        raise EditError("请填写驳回理由", {"comment": "请填写驳回理由"})
    change = s.get(Change, change_id)
    if change is None or change.status != "待审核":
        raise EditError("该变更不存在或已处理")
    change.status, change.comment = "已驳回", comment[:255]
    change.reviewed_by, change.reviewed_at = actor.username, _now()
    _audit(s, actor, "gis.change.reject", change.feature_id or f"new:{change.id}", {"change": change.id, "comment": comment})
    return change


def rollback(s: Session, actor: Actor, feature_id: int, to_version: int, *, expected_version: int) -> Feature:
    """Publish an earlier version again as a new version (the history keeps everything in between)."""
    feature = s.get(Feature, feature_id)
    if feature is None:
        raise EditError("要素不存在")
    if feature.version != expected_version:
        raise EditConflict(f"该要素已被修改（当前版本 {feature.version}），请刷新后再回退")
    _snapshot_loaded(s, feature)
    old = s.scalars(select(FeatureVersion).where(FeatureVersion.feature_id == feature_id,
                                                 FeatureVersion.version == to_version)).first()
    if old is None or to_version >= feature.version:
        raise EditError(f"没有可回退的版本 {to_version}")
    feature.version += 1
    _place(s, feature, name=old.name, geom_type=old.geom_type, geometry=old.geometry, lon=old.lon, lat=old.lat,
           properties=old.properties, deleted=old.deleted, by=actor.username)
    _record(s, feature, "rollback", actor.username, None)
    touch(s, DATASET)
    _audit(s, actor, "gis.feature.rollback", feature.id, {"to_version": to_version, "version": feature.version})
    return feature
