"""Reads of the botanical garden board (modules 223–225): aggregates computed in SQL on the rollups with the
filters in the WHERE clause, each result memoised per filter combination and data version (a warm call is one
version lookup and one small cache read); plus the raw searches over accessions and bonsai.

District scope: a garden belongs to a district, so a district-scoped user only ever sees the gardens of their
district (and nothing of the others), whatever garden the filters ask for. Every public function normalises
its filters (empty → None, lists → tuples) and passes ``scope`` into the memoised function, so the scope is
part of the cache key.
"""
from __future__ import annotations

import json

import pandas as pd
from sqlalchemy import case, distinct, func, or_, select

from db.gardens import (
    AGE_BANDS,
    IUCN_CATEGORIES,
    IUCN_LABELS,
    Accession,
    Bonsai,
    Garden,
    GardenArea,
    RollupBonsai,
    RollupCell,
    RollupTaxon,
)
from db.reference import District
from queries import read_df, versioned

DATASET = "gardens"
THREATENED = ("CR", "EN", "VU")
STATUS_OPTIONS = {"": "全部保护等级", "一级": "国家一级保护", "二级": "国家二级保护", "threatened": "IUCN 受威胁（CR/EN/VU）",
                  "CR": "IUCN 极危（CR）", "EN": "IUCN 濒危（EN）", "VU": "IUCN 易危（VU）", "NT": "IUCN 近危（NT）"}
COUNT_COLUMNS = ["accessions", "plants"]
BONSAI_DIMENSIONS = ("kind", "style", "age_band")


@versioned(DATASET, "reference")
def _gardens() -> pd.DataFrame:
    return read_df(select(Garden.code, Garden.name, Garden.district_code, District.name.label("district"),
                          Garden.area_ha, Garden.lon, Garden.lat, Garden.boundary)
                   .join(District, District.code == Garden.district_code).order_by(Garden.sort_order))


def allowed_gardens(garden: str | None = None, *, scope: str | None = None) -> list[str]:
    """Garden codes a query may read: the scope's gardens (all without scope), narrowed to ``garden`` if given."""
    df = _gardens()
    if scope:
        df = df[df.district_code == scope]
    codes = df.code.tolist()
    return [garden] if garden in codes else ([] if garden else codes)


def gardens(*, scope: str | None = None) -> pd.DataFrame:
    """Gardens the user may see: code, name, district, area_ha, lon, lat."""
    return _visible_gardens(scope)


@versioned(DATASET, "reference")
def _visible_gardens(scope) -> pd.DataFrame:
    df = _gardens()
    return df[df.code.isin(allowed_gardens(scope=scope))].drop(columns="boundary").reset_index(drop=True)


def garden_features(*, scope: str | None = None) -> list[dict]:
    """Garden outlines as GeoJSON features (code, name, tooltip)."""
    return _garden_features(scope)


@versioned(DATASET, "reference")
def _garden_features(scope) -> list[dict]:
    df = _gardens()
    df = df[df.code.isin(allowed_gardens(scope=scope))]
    return [{"type": "Feature", "geometry": json.loads(r.boundary),
             "properties": {"code": r.code, "name": r.name, "tooltip": f"{r.name}（{r.district}，{r.area_ha:.0f} 公顷）"}}
            for r in df.itertuples()]


def _status_clause(table, status):
    """The WHERE condition of a protection-status filter on a table with ``iucn`` and ``national_protection``."""
    if status in ("一级", "二级"):
        return table.national_protection == status
    if status == "threatened":
        return table.iucn.in_(THREATENED)
    return table.iucn == status


def _filtered(stmt, table, garden, family, status, scope):
    """``stmt`` narrowed to the visible gardens and the family and status filters (all in SQL)."""
    stmt = stmt.where(table.garden_code.in_(allowed_gardens(garden, scope=scope)))
    if family:
        stmt = stmt.where(table.family == family)
    if status:
        stmt = stmt.where(_status_clause(table, status))
    return stmt


def collection_summary(garden=None, family=None, status=None, *, scope=None) -> dict:
    """Accessions, plants, and distinct families, genera and species; protected and threatened species."""
    return _collection_summary(garden or None, family or None, status or None, scope)


@versioned(DATASET)
def _collection_summary(garden, family, status, scope) -> dict:
    t = RollupTaxon
    stmt = select(func.coalesce(func.sum(t.accessions), 0).label("accessions"),
                  func.coalesce(func.sum(t.plants), 0).label("plants"),
                  func.count(distinct(t.family)).label("families"), func.count(distinct(t.genus)).label("genera"),
                  func.count(distinct(t.species)).label("species"),
                  func.count(distinct(case((t.national_protection != "无", t.species)))).label("protected"),
                  func.count(distinct(case((t.iucn.in_(THREATENED), t.species)))).label("threatened"))
    row = read_df(_filtered(stmt, t, garden, family, status, scope)).iloc[0]
    return {k: int(v) for k, v in row.items()}


def by_family(garden=None, status=None, *, scope=None, n: int = 15) -> pd.DataFrame:
    """The ``n`` families with most accessions: family, family_zh, accessions, plants, species."""
    return _by_family(garden or None, status or None, scope, n)


@versioned(DATASET)
def _by_family(garden, status, scope, n: int) -> pd.DataFrame:
    t = RollupTaxon
    acc = func.sum(t.accessions)
    stmt = (select(t.family, t.family_zh, acc.label("accessions"), func.sum(t.plants).label("plants"),
                   func.count(distinct(t.species)).label("species"))
            .group_by(t.family, t.family_zh).order_by(acc.desc(), t.family).limit(n))
    return read_df(_filtered(stmt, t, garden, None, status, scope))


def by_status(garden=None, family=None, *, scope=None) -> pd.DataFrame:
    """Species and accessions per IUCN category (all categories, in Red List order)."""
    return _by_status(garden or None, family or None, scope)


@versioned(DATASET)
def _by_status(garden, family, scope) -> pd.DataFrame:
    t = RollupTaxon
    stmt = (select(t.iucn, func.sum(t.accessions).label("accessions"), func.count(distinct(t.species)).label("species"))
            .group_by(t.iucn))
    df = read_df(_filtered(stmt, t, garden, family, None, scope)).set_index("iucn")
    out = df.reindex(IUCN_CATEGORIES, fill_value=0).astype(int).rename_axis("iucn").reset_index()
    out["label"] = [f"{IUCN_LABELS[c]}（{c}）" for c in out.iucn]
    return out


def families(*, scope=None) -> pd.DataFrame:
    """Families present (family, family_zh), by accessions: the family filter's options."""
    return by_family(scope=scope, n=1000)[["family", "family_zh"]]


def cells(garden=None, family=None, status=None, *, scope=None) -> pd.DataFrame:
    """Plant locations aggregated into ~60 m cells: lon, lat (the accessions' centroid) and accessions."""
    return _cells(garden or None, family or None, status or None, scope)


@versioned(DATASET)
def _cells(garden, family, status, scope) -> pd.DataFrame:
    c = RollupCell
    acc = func.sum(c.accessions)
    stmt = (select(acc.label("accessions"), func.sum(c.lon_sum).label("lon_sum"), func.sum(c.lat_sum).label("lat_sum"))
            .group_by(c.garden_code, c.cell_x, c.cell_y).order_by(c.garden_code, c.cell_x, c.cell_y))
    df = read_df(_filtered(stmt, c, garden, family, status, scope))
    if df.empty:
        return pd.DataFrame(columns=["lon", "lat", "accessions"])
    df["lon"] = df.lon_sum / df.accessions
    df["lat"] = df.lat_sum / df.accessions
    return df[["lon", "lat", "accessions"]]


SEARCH_COLUMNS = [Accession.accession_no, Garden.name.label("garden"), GardenArea.name.label("area"),
                  Accession.family, Accession.family_zh, Accession.genus, Accession.species, Accession.name_zh,
                  Accession.iucn, Accession.national_protection, Accession.quantity, Accession.planted_year,
                  Accession.source, Accession.lon, Accession.lat]


def search(text: str | None, garden=None, family=None, status=None, *, scope=None, limit: int = 200) -> pd.DataFrame:
    """Accessions matching ``text`` (Latin or Chinese name, genus, family or accession number) and the filters."""
    return _search((text or "").strip(), garden or None, family or None, status or None, scope, limit)


@versioned(DATASET)
def _search(text: str, garden, family, status, scope, limit: int) -> pd.DataFrame:
    stmt = (select(*SEARCH_COLUMNS).join(Garden, Garden.code == Accession.garden_code)
            .join(GardenArea, GardenArea.id == Accession.area_id)
            .order_by(Accession.accession_no).limit(limit))
    if text:
        like = f"%{text}%"
        stmt = stmt.where(or_(Accession.species.ilike(like), Accession.name_zh.like(like),
                              Accession.family_zh.like(like), Accession.family.ilike(like),
                              Accession.accession_no.ilike(like)))
    return read_df(_filtered(stmt, Accession, garden, family, status, scope))


# ------------------------------------------------------------------------------------------- areas (225)

AREA_FIELDS = [GardenArea.id, GardenArea.garden_code, GardenArea.name, GardenArea.kind, GardenArea.area_ha,
               GardenArea.lon, GardenArea.lat, GardenArea.opened_year, GardenArea.highlights]
AREA_COUNTS = ("accessions", "plants", "species", "families", "protected")


def areas(garden=None, kind: str | None = None, *, scope=None) -> pd.DataFrame:
    """Areas with their collection: id, garden, name, kind, area_ha, opened_year, highlights, accessions, plants,
    species, families, protected (species under national protection)."""
    return _areas(garden or None, kind or None, scope)


@versioned(DATASET)
def _areas(garden, kind, scope) -> pd.DataFrame:
    t = RollupTaxon
    stats = (select(t.area_id, func.sum(t.accessions).label("accessions"), func.sum(t.plants).label("plants"),
                    func.count(distinct(t.species)).label("species"), func.count(distinct(t.family)).label("families"),
                    func.count(distinct(case((t.national_protection != "无", t.species)))).label("protected"))
             .group_by(t.area_id).subquery())
    stmt = (select(*AREA_FIELDS, *[func.coalesce(stats.c[k], 0).label(k) for k in AREA_COUNTS],
                   Garden.name.label("garden"))
            .join(Garden, Garden.code == GardenArea.garden_code).outerjoin(stats, stats.c.area_id == GardenArea.id)
            .where(GardenArea.garden_code.in_(allowed_gardens(garden, scope=scope)))
            .order_by(GardenArea.garden_code, GardenArea.id))
    if kind:
        stmt = stmt.where(GardenArea.kind == kind)
    df = read_df(stmt)
    for col in AREA_COUNTS:
        df[col] = df[col].astype(int)
    return df


def area_features(garden=None, kind: str | None = None, *, scope=None) -> list[dict]:
    """Area outlines as GeoJSON features carrying id, name, kind and a tooltip."""
    return _area_features(garden or None, kind or None, scope)


@versioned(DATASET)
def _area_features(garden, kind, scope) -> list[dict]:
    a = GardenArea
    stmt = (select(a.id, a.name, a.kind, a.area_ha, a.boundary)
            .where(a.garden_code.in_(allowed_gardens(garden, scope=scope))).order_by(a.garden_code, a.id))
    if kind:
        stmt = stmt.where(a.kind == kind)
    return [{"type": "Feature", "geometry": json.loads(r.boundary),
             "properties": {"id": int(r.id), "code": str(r.id), "name": r.name, "kind": r.kind,
                            "tooltip": f"{r.name}（{r.kind}，{r.area_ha:.1f} 公顷）"}}
            for r in read_df(stmt).itertuples()]


def area_detail(area_id: int, *, scope=None) -> dict | None:
    """One area's information panel: its facts, collection counts and top taxa; None outside the scope."""
    return _area_detail(int(area_id), scope)


@versioned(DATASET)
def _area_detail(area_id: int, scope) -> dict | None:
    df = areas(scope=scope)
    row = df[df.id == area_id]
    if row.empty:
        return None
    t = RollupTaxon
    acc = func.sum(t.accessions)
    names = (select(Accession.species, func.min(Accession.name_zh).label("name_zh"))
             .where(Accession.area_id == area_id).group_by(Accession.species).subquery())
    top = read_df(select(t.species, names.c.name_zh, acc.label("accessions"))
                  .outerjoin(names, names.c.species == t.species).where(t.area_id == area_id)
                  .group_by(t.species, names.c.name_zh).order_by(acc.desc(), t.species).limit(5))
    out = row.iloc[0].to_dict()
    out["top_taxa"] = [f"{r.name_zh or ''} {r.species}" for r in top.itertuples()]
    return out


# ------------------------------------------------------------------------------------------- bonsai (224)


def _bonsai_filtered(stmt, garden, kind, style, scope):
    b = RollupBonsai
    stmt = stmt.where(b.garden_code.in_(allowed_gardens(garden, scope=scope)))
    if kind:
        stmt = stmt.where(b.kind == kind)
    if style:
        stmt = stmt.where(b.style == style)
    return stmt


def bonsai_summary(garden=None, kind=None, style=None, *, scope=None) -> dict:
    """Bonsai count, kinds and styles present, mean age and works of a century or more."""
    return _bonsai_summary(garden or None, kind or None, style or None, scope)


@versioned(DATASET)
def _bonsai_summary(garden, kind, style, scope) -> dict:
    b = RollupBonsai
    present = b.count > 0
    stmt = select(func.coalesce(func.sum(b.count), 0).label("count"),
                  func.count(distinct(case((present, b.kind)))).label("kinds"),
                  func.count(distinct(case((present, b.style)))).label("styles"),
                  func.coalesce(func.sum(b.age_sum), 0).label("age_sum"),
                  func.coalesce(func.sum(case((b.age_band == AGE_BANDS[-1][2], b.count), else_=0)), 0)
                  .label("centenarian"))
    row = read_df(_bonsai_filtered(stmt, garden, kind, style, scope)).iloc[0]
    total = int(row["count"])
    return {"count": total, "kinds": int(row.kinds), "styles": int(row.styles),
            "mean_age": float(row.age_sum) / total if total else float("nan"), "centenarian": int(row.centenarian)}


def bonsai_by(dimension: str, garden=None, kind=None, style=None, *, scope=None) -> pd.DataFrame:
    """Bonsai counted by ``kind``, ``style`` or ``age_band`` (age bands in age order, others largest first)."""
    if dimension not in BONSAI_DIMENSIONS:
        raise ValueError(f"unknown bonsai dimension: {dimension}")
    return _bonsai_by(dimension, garden or None, kind or None, style or None, scope)


@versioned(DATASET)
def _bonsai_by(dimension, garden, kind, style, scope) -> pd.DataFrame:
    col = getattr(RollupBonsai, dimension)
    total = func.sum(RollupBonsai.count)
    stmt = select(col.label(dimension), total.label("count")).group_by(col).order_by(total.desc(), col)
    out = read_df(_bonsai_filtered(stmt, garden, kind, style, scope))
    out["count"] = out["count"].astype(int)
    if dimension == "age_band":
        order = [label for _lo, _hi, label in AGE_BANDS]
        return out.set_index("age_band").reindex(order, fill_value=0).rename_axis("age_band").reset_index()
    return out


def bonsai_distribution(garden=None, kind=None, style=None, *, scope=None) -> pd.DataFrame:
    """Bonsai per garden and exhibition area and kind: garden, area, kind, count."""
    return _bonsai_distribution(garden or None, kind or None, style or None, scope)


@versioned(DATASET)
def _bonsai_distribution(garden, kind, style, scope) -> pd.DataFrame:
    b = RollupBonsai
    stmt = (select(Garden.name.label("garden"), GardenArea.name.label("area"), b.kind,
                   func.sum(b.count).label("count"))
            .join(GardenArea, GardenArea.id == b.area_id).join(Garden, Garden.code == b.garden_code)
            .group_by(b.area_id, Garden.name, GardenArea.name, b.kind).order_by(b.area_id, b.kind))
    out = read_df(_bonsai_filtered(stmt, garden, kind, style, scope))
    out["count"] = out["count"].astype(int)
    return out


def _bonsai_list_stmt(codes: list, kind, style, limit: int):
    stmt = (select(Bonsai.bonsai_no, Garden.name.label("garden"), GardenArea.name.label("area"), Bonsai.kind,
                   Bonsai.style, Bonsai.species_zh, Bonsai.age_years, Bonsai.title)
            .join(Garden, Garden.code == Bonsai.garden_code).join(GardenArea, GardenArea.id == Bonsai.area_id)
            .where(Bonsai.garden_code.in_(codes)).order_by(Bonsai.age_years.desc(), Bonsai.bonsai_no).limit(limit))
    if kind:
        stmt = stmt.where(Bonsai.kind == kind)
    if style:
        stmt = stmt.where(Bonsai.style == style)
    return stmt


def bonsai_list(garden=None, kind=None, style=None, *, scope=None, limit: int = 300) -> pd.DataFrame:
    """The oldest bonsai for the filters (the ledger's grid)."""
    return _bonsai_list(garden or None, kind or None, style or None, scope, limit)


@versioned(DATASET)
def _bonsai_list(garden, kind, style, scope, limit: int) -> pd.DataFrame:
    return read_df(_bonsai_list_stmt(allowed_gardens(garden, scope=scope), kind, style, limit))
