"""Botanical gardens (modules 223–225): gardens, their exhibition areas and specialty gardens, the living
collection (accessions), bonsai, and the rollups the board reads.

Outlines are stored as GeoJSON text (WGS84) like the reference boundaries; a garden belongs to a district,
which is how district scope reaches every garden read.
"""
from __future__ import annotations

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    delete,
    func,
    insert,
    literal_column,
    select,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

AREA_KINDS = ["展区", "专类园"]
IUCN_CATEGORIES = ["CR", "EN", "VU", "NT", "LC", "DD", "NE"]
IUCN_LABELS = {"CR": "极危", "EN": "濒危", "VU": "易危", "NT": "近危", "LC": "无危", "DD": "数据缺乏", "NE": "未评估"}
NATIONAL_PROTECTION = ["一级", "二级", "无"]
BONSAI_KINDS = ["树桩盆景", "山水盆景", "水旱盆景", "微型盆景", "花果盆景"]
BONSAI_STYLES = ["海派", "岭南派", "川派", "扬派", "苏派", "徽派", "浙派"]
AGE_BANDS = [(0, 20, "20年以下"), (20, 50, "20–49年"), (50, 100, "50–99年"), (100, 10_000, "百年以上")]
CELL_DEG = 0.0006  # side of the map's aggregation cells (~60 m north–south at Shanghai's latitude)


class Garden(Base):
    """A botanical garden (植物园) with its outline."""

    __tablename__ = "garden"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    area_ha: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    boundary: Mapped[str] = mapped_column(Text, nullable=False)
    sort_order: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class GardenArea(Base):
    """An exhibition area (展区) or specialty garden (专类园) inside a garden, with what a visitor sees there."""

    __tablename__ = "garden_area"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    garden_code: Mapped[str] = mapped_column(ForeignKey("garden.code"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    area_ha: Mapped[float] = mapped_column(Float, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    boundary: Mapped[str] = mapped_column(Text, nullable=False)
    opened_year: Mapped[int | None] = mapped_column(Integer)
    highlights: Mapped[str | None] = mapped_column(Text)


class Accession(Base):
    """One accession (登录号) of the living collection: a taxon planted at a place in a garden."""

    __tablename__ = "garden_accession"
    __table_args__ = (
        Index("ix_garden_accession_garden_family", "garden_code", "family"),
        Index("ix_garden_accession_species", "species"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    accession_no: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    garden_code: Mapped[str] = mapped_column(ForeignKey("garden.code"), nullable=False)
    area_id: Mapped[int] = mapped_column(ForeignKey("garden_area.id"), nullable=False, index=True)
    family: Mapped[str] = mapped_column(String(48), nullable=False)
    family_zh: Mapped[str] = mapped_column(String(24), nullable=False)
    genus: Mapped[str] = mapped_column(String(48), nullable=False)
    species: Mapped[str] = mapped_column(String(96), nullable=False)  # binomial (Latin)
    name_zh: Mapped[str] = mapped_column(String(32), nullable=False)
    iucn: Mapped[str] = mapped_column(String(2), nullable=False)
    national_protection: Mapped[str] = mapped_column(String(4), nullable=False)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False)
    planted_year: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)  # 野外引种 / 交换 / 购买 / 自繁
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)


class Bonsai(Base):
    """One bonsai (盆景) of a garden's collection, with kind, school (style) and estimated age."""

    __tablename__ = "garden_bonsai"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    bonsai_no: Mapped[str] = mapped_column(String(24), nullable=False, unique=True)
    garden_code: Mapped[str] = mapped_column(ForeignKey("garden.code"), nullable=False, index=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("garden_area.id"), nullable=False)
    kind: Mapped[str] = mapped_column(String(8), nullable=False)
    style: Mapped[str] = mapped_column(String(8), nullable=False)
    species_zh: Mapped[str] = mapped_column(String(32), nullable=False)
    age_years: Mapped[int] = mapped_column(Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(String(32))  # the work's name (作品名)


class RollupTaxon(Base):
    """Area × family × genus × species × status: the collection's counts, family and status charts."""

    __tablename__ = "garden_rollup_taxon"
    __table_args__ = (Index("ix_garden_rollup_taxon_family", "family", "garden_code"),)

    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    species: Mapped[str] = mapped_column(String(96), primary_key=True)
    garden_code: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    family: Mapped[str] = mapped_column(String(48), nullable=False)
    family_zh: Mapped[str] = mapped_column(String(24), nullable=False)
    genus: Mapped[str] = mapped_column(String(48), nullable=False)
    iucn: Mapped[str] = mapped_column(String(2), nullable=False)
    national_protection: Mapped[str] = mapped_column(String(4), nullable=False)
    accessions: Mapped[int] = mapped_column(Integer, nullable=False)
    plants: Mapped[int] = mapped_column(Integer, nullable=False)


class RollupCell(Base):
    """Garden × map cell × family × status: plant locations aggregated for the map (never raw points)."""

    __tablename__ = "garden_rollup_cell"

    garden_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    cell_x: Mapped[int] = mapped_column(Integer, primary_key=True)
    cell_y: Mapped[int] = mapped_column(Integer, primary_key=True)
    family: Mapped[str] = mapped_column(String(48), primary_key=True)
    iucn: Mapped[str] = mapped_column(String(2), primary_key=True)
    national_protection: Mapped[str] = mapped_column(String(4), primary_key=True)
    accessions: Mapped[int] = mapped_column(Integer, nullable=False)
    lon_sum: Mapped[float] = mapped_column(Float, nullable=False)
    lat_sum: Mapped[float] = mapped_column(Float, nullable=False)


class RollupBonsai(Base):
    """Area × kind × style × age band: the bonsai ledger's counts and distribution."""

    __tablename__ = "garden_rollup_bonsai"

    area_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    style: Mapped[str] = mapped_column(String(8), primary_key=True)
    age_band: Mapped[str] = mapped_column(String(8), primary_key=True)
    garden_code: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
    age_sum: Mapped[int] = mapped_column(Integer, nullable=False)


def age_band_expr(age):
    """The SQL CASE giving an age's band label (``AGE_BANDS``)."""
    from sqlalchemy import case

    return case(*[(age < hi, label) for _lo, hi, label in AGE_BANDS[:-1]], else_=AGE_BANDS[-1][2])


def refresh_rollups(conn: Connection) -> int:
    """Recompute the three rollups from the accessions and bonsai; returns rows written (caller's transaction)."""
    a = Accession.__table__
    written = 0
    conn.execute(delete(RollupTaxon.__table__))
    keys = [a.c.area_id, a.c.species, a.c.garden_code, a.c.family, a.c.family_zh, a.c.genus, a.c.iucn,
            a.c.national_protection]
    src = select(*keys, func.count().label("accessions"), func.sum(a.c.quantity).label("plants")).group_by(*keys)
    written += conn.execute(insert(RollupTaxon.__table__).from_select(
        [k.name for k in keys] + ["accessions", "plants"], src)).rowcount or 0

    conn.execute(delete(RollupCell.__table__))
    # the cell size inlined (not bound) so that the grouped expressions match the selected ones on PostgreSQL
    size = literal_column(repr(CELL_DEG))
    cx, cy = func.floor(a.c.lon / size), func.floor(a.c.lat / size)
    ckeys = [a.c.garden_code, cx, cy, a.c.family, a.c.iucn, a.c.national_protection]
    src = (select(*ckeys, func.count().label("accessions"), func.sum(a.c.lon).label("lon_sum"),
                  func.sum(a.c.lat).label("lat_sum")).group_by(*ckeys))
    written += conn.execute(insert(RollupCell.__table__).from_select(
        ["garden_code", "cell_x", "cell_y", "family", "iucn", "national_protection", "accessions", "lon_sum",
         "lat_sum"], src)).rowcount or 0

    b = Bonsai.__table__
    conn.execute(delete(RollupBonsai.__table__))
    # The band is computed in a subquery and grouped by its column: grouping by the CASE itself puts bound
    # parameters in both SELECT and GROUP BY, which PostgreSQL may not recognise as the same expression.
    banded = select(b.c.area_id, b.c.kind, b.c.style, age_band_expr(b.c.age_years).label("age_band"),
                    b.c.garden_code, b.c.age_years).subquery("banded")
    bkeys = [banded.c.area_id, banded.c.kind, banded.c.style, banded.c.age_band, banded.c.garden_code]
    src = select(*bkeys, func.count().label("count"), func.sum(banded.c.age_years).label("age_sum")).group_by(*bkeys)
    written += conn.execute(insert(RollupBonsai.__table__).from_select(
        ["area_id", "kind", "style", "age_band", "garden_code", "count", "age_sum"], src)).rowcount or 0
    return written
