"""Wildlife protection board (modules 230–235): sites and species, surveys, plots, monitored indicators,
recovering small populations, invasive species, epidemic surveillance, and the per-chart rollups.

Every fact row carries ``district_code`` (copied from its site or station) so that a district-scoped user is
filtered on the row itself, without a join.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import (Boolean, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint, case, delete,
                        func, insert, select)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, mapped_column

from db import Base

TAXA = ["鸟类", "植物", "兽类", "两栖爬行类", "昆虫", "鱼类", "软体动物"]

# 《重点管理外来入侵物种名录》(农业农村部 自然资源部 生态环境部 住房和城乡建设部 海关总署 国家林草局公告
# 第 567 号, 2022): the entries met in Shanghai's green spaces and wetlands. The list is data, not code: a
# species is "key-managed" when its scientific name is here.
KEY_INVASIVE = {
    "Solidago canadensis": "加拿大一枝黄花",
    "Spartina alterniflora": "互花米草",
    "Hyphantria cunea": "美国白蛾",
    "Alternanthera philoxeroides": "空心莲子草",
    "Pontederia crassipes": "凤眼蓝",
    "Pomacea canaliculata": "福寿螺",
    "Solenopsis invicta": "红火蚁",
    "Trachemys scripta elegans": "红耳彩龟",
}

# Response states of an epidemic report, in the order a case moves through them.
RESPONSE_STATES = ["无异常", "待核查", "已采样送检", "处置中", "已处置"]


class Site(Base):
    """A survey site: a nature reserve, wetland, forest park or urban park."""

    __tablename__ = "wildlife_site"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)  # 自然保护区 湿地 森林公园 城市公园 湖泊
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    area_ha: Mapped[float] = mapped_column(Float, nullable=False)


class Species(Base):
    """A species with its Chinese and scientific names, taxon group and protection status."""

    __tablename__ = "wildlife_species"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(32), nullable=False)
    name_sci: Mapped[str] = mapped_column(String(64), nullable=False, unique=True)
    taxon: Mapped[str] = mapped_column(String(8), nullable=False)
    protection: Mapped[str | None] = mapped_column(String(16))  # 国家一级 国家二级 市重点
    invasive: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    small_population: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)  # 极小种群


class Observation(Base):
    """One species counted at a site on a survey date (the biodiversity surveys, module 230)."""

    __tablename__ = "wildlife_observation"
    __table_args__ = (Index("ix_wl_obs_site_date", "site_code", "survey_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("wildlife_site.code"), nullable=False)
    species_code: Mapped[str] = mapped_column(ForeignKey("wildlife_species.code"), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    survey_date: Mapped[date] = mapped_column(Date, nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)


class SurveyYear(Base):
    """Rollup year × site × species: individuals and records (diversity indices and the richness map)."""

    __tablename__ = "wildlife_rollup_year"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    species_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    taxon: Mapped[str] = mapped_column(String(8), nullable=False)
    individuals: Mapped[int] = mapped_column(Integer, nullable=False)
    records: Mapped[int] = mapped_column(Integer, nullable=False)


class SurveyMonth(Base):
    """Rollup month × site × taxon: individuals counted (the migration seasonality chart)."""

    __tablename__ = "wildlife_rollup_month"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    taxon: Mapped[str] = mapped_column(String(8), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    individuals: Mapped[int] = mapped_column(Integer, nullable=False)


class Plot(Base):
    """A fixed wetland survey plot (样地) inside a site, with its area for densities (module 231)."""

    __tablename__ = "wildlife_plot"

    code: Mapped[str] = mapped_column(String(24), primary_key=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("wildlife_site.code"), nullable=False, index=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    habitat: Mapped[str] = mapped_column(String(16), nullable=False)  # 光滩 芦苇带 海三棱藨草带 水塘 林地
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    area_ha: Mapped[float] = mapped_column(Float, nullable=False)


class PlotCount(Base):
    """Individuals of one species counted in one plot on one survey date."""

    __tablename__ = "wildlife_plot_count"
    __table_args__ = (Index("ix_wl_plot_count_plot_date", "plot_code", "survey_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    plot_code: Mapped[str] = mapped_column(ForeignKey("wildlife_plot.code"), nullable=False)
    species_code: Mapped[str] = mapped_column(ForeignKey("wildlife_species.code"), nullable=False)
    survey_date: Mapped[date] = mapped_column(Date, nullable=False)
    count: Mapped[int] = mapped_column(Integer, nullable=False)


class PlotYear(Base):
    """Rollup year × plot × species: individuals summed and surveys held (mean count per survey = density)."""

    __tablename__ = "wildlife_rollup_plot"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    plot_code: Mapped[str] = mapped_column(String(24), primary_key=True)
    species_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    site_code: Mapped[str] = mapped_column(String(16), nullable=False, index=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    individuals: Mapped[int] = mapped_column(Integer, nullable=False)
    surveys: Mapped[int] = mapped_column(Integer, nullable=False)


class Indicator(Base):
    """A monitored indicator's monthly value at a site (module 232): waterbirds, vegetation, water quality."""

    __tablename__ = "wildlife_indicator"
    __table_args__ = (UniqueConstraint("site_code", "indicator", "month", name="uq_wl_indicator"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    site_code: Mapped[str] = mapped_column(ForeignKey("wildlife_site.code"), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    indicator: Mapped[str] = mapped_column(String(32), nullable=False)
    unit: Mapped[str] = mapped_column(String(16), nullable=False)
    month: Mapped[date] = mapped_column(Date, nullable=False)
    value: Mapped[float] = mapped_column(Float, nullable=False)


class Recovery(Base):
    """One year of a reintroduced or recovering small population at a site (module 233)."""

    __tablename__ = "wildlife_recovery"
    __table_args__ = (UniqueConstraint("species_code", "site_code", "year", name="uq_wl_recovery"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    species_code: Mapped[str] = mapped_column(ForeignKey("wildlife_species.code"), nullable=False)
    site_code: Mapped[str] = mapped_column(ForeignKey("wildlife_site.code"), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    start_population: Mapped[int] = mapped_column(Integer, nullable=False)
    released: Mapped[int] = mapped_column(Integer, nullable=False)  # reintroduced or planted this year
    births: Mapped[int] = mapped_column(Integer, nullable=False)  # births, or seedlings recruited
    deaths: Mapped[int] = mapped_column(Integer, nullable=False)
    population: Mapped[int] = mapped_column(Integer, nullable=False)  # year-end census


class InvasiveRecord(Base):
    """An invasive species found at a place, its infested area and the control work done (module 234)."""

    __tablename__ = "wildlife_invasive_record"
    __table_args__ = (Index("ix_wl_inv_species_date", "species_code", "found_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    species_code: Mapped[str] = mapped_column(ForeignKey("wildlife_species.code"), nullable=False)
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    found_date: Mapped[date] = mapped_column(Date, nullable=False)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    area_m2: Mapped[float] = mapped_column(Float, nullable=False)
    controlled: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    control_method: Mapped[str | None] = mapped_column(String(32))
    area_after_m2: Mapped[float | None] = mapped_column(Float)  # re-surveyed area after control


# Map cells of invasive records: 0.02° (about 2 km) squares, so city-scale occurrences reach the browser as
# at most a few thousand aggregated cells.
CELL_DEG = 0.02


class InvasiveCell(Base):
    """Rollup year × species × 0.02° cell: records, infested area and control (spread map and charts)."""

    __tablename__ = "wildlife_rollup_invasive"

    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    species_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    cell_x: Mapped[int] = mapped_column(Integer, primary_key=True)  # floor(lon / CELL_DEG)
    cell_y: Mapped[int] = mapped_column(Integer, primary_key=True)  # floor(lat / CELL_DEG)
    district_code: Mapped[str] = mapped_column(String(6), primary_key=True)
    records: Mapped[int] = mapped_column(Integer, nullable=False)
    area_m2: Mapped[float] = mapped_column(Float, nullable=False)
    controlled: Mapped[int] = mapped_column(Integer, nullable=False)
    controlled_area_m2: Mapped[float] = mapped_column(Float, nullable=False)  # area of controlled records
    area_after_m2: Mapped[float] = mapped_column(Float, nullable=False)  # what remained of it


class EpiStation(Base):
    """A wildlife epidemic surveillance station (野生动物疫源疫病监测站) that reports every day."""

    __tablename__ = "wildlife_epi_station"

    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(64), nullable=False)
    level: Mapped[str] = mapped_column(String(8), nullable=False)  # 国家级 市级
    district_code: Mapped[str] = mapped_column(ForeignKey("district.code"), nullable=False, index=True)
    lon: Mapped[float] = mapped_column(Float, nullable=False)
    lat: Mapped[float] = mapped_column(Float, nullable=False)
    active_from: Mapped[date] = mapped_column(Date, nullable=False)  # the first day a report is due


class EpiReport(Base):
    """A station's daily report: a zero report (零报告) or the dead and sick animals found, and the response."""

    __tablename__ = "wildlife_epi_report"
    __table_args__ = (UniqueConstraint("station_code", "report_date", name="uq_wl_epi_report"),
                      Index("ix_wl_epi_date_district", "report_date", "district_code"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    station_code: Mapped[str] = mapped_column(ForeignKey("wildlife_epi_station.code"), nullable=False)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False)
    report_date: Mapped[date] = mapped_column(Date, nullable=False)
    zero_report: Mapped[bool] = mapped_column(Boolean, nullable=False)
    deaths: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    sick: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    species: Mapped[str | None] = mapped_column(String(64))
    suspected: Mapped[str | None] = mapped_column(String(32))  # suspected disease, e.g. H5N1 高致病性禽流感
    response: Mapped[str] = mapped_column(String(8), nullable=False)  # one of RESPONSE_STATES


class EpiMonth(Base):
    """Rollup month × station: reports received, zero reports, anomalies, dead and sick animals."""

    __tablename__ = "wildlife_rollup_epi"

    month: Mapped[date] = mapped_column(Date, primary_key=True)
    station_code: Mapped[str] = mapped_column(String(16), primary_key=True)
    district_code: Mapped[str] = mapped_column(String(6), nullable=False, index=True)
    reports: Mapped[int] = mapped_column(Integer, nullable=False)
    zero_reports: Mapped[int] = mapped_column(Integer, nullable=False)
    anomalies: Mapped[int] = mapped_column(Integer, nullable=False)
    deaths: Mapped[int] = mapped_column(Integer, nullable=False)
    sick: Mapped[int] = mapped_column(Integer, nullable=False)


ROLLUPS = [SurveyYear, SurveyMonth, PlotYear, InvasiveCell, EpiMonth]


def _year(conn: Connection, col):
    """The calendar year of a date column (the one vendor-specific expression)."""
    if conn.dialect.name == "postgresql":
        return func.cast(func.extract("year", col), Integer)
    return func.cast(func.strftime("%Y", col), Integer)


def _month(conn: Connection, col):
    """The first day of a date column's month."""
    if conn.dialect.name == "postgresql":
        return func.cast(func.date_trunc("month", col), Date)
    return func.date(col, "start of month")


def refresh_rollups(conn: Connection) -> int:
    """Recompute every wildlife rollup from the raw rows; returns rows written.

    Runs inside the caller's transaction, so a build or an import and its rollups commit together. The raw
    tables are small enough (city scale: about a million rows in all) that a full recompute takes seconds.
    """
    written = 0
    for rollup in ROLLUPS:
        conn.execute(delete(rollup.__table__))
    o, sp = Observation.__table__, Species.__table__
    year = _year(conn, o.c.survey_date)
    src = (select(year, o.c.site_code, o.c.species_code, o.c.district_code, sp.c.taxon,
                  func.sum(o.c["count"]), func.count())
           .join(sp, sp.c.code == o.c.species_code)
           .group_by(year, o.c.site_code, o.c.species_code, o.c.district_code, sp.c.taxon))
    written += _insert(conn, SurveyYear, ["year", "site_code", "species_code", "district_code", "taxon",
                                          "individuals", "records"], src)
    month = _month(conn, o.c.survey_date)
    src = (select(month, o.c.site_code, sp.c.taxon, o.c.district_code, func.sum(o.c["count"]))
           .join(sp, sp.c.code == o.c.species_code)
           .group_by(month, o.c.site_code, sp.c.taxon, o.c.district_code))
    written += _insert(conn, SurveyMonth, ["month", "site_code", "taxon", "district_code", "individuals"], src)

    pc, pl = PlotCount.__table__, Plot.__table__
    year = _year(conn, pc.c.survey_date)
    surveys = (select(pc.c.plot_code, _year(conn, pc.c.survey_date).label("year"),
                      func.count(func.distinct(pc.c.survey_date)).label("n"))
               .group_by(pc.c.plot_code, _year(conn, pc.c.survey_date)).subquery())
    src = (select(year, pc.c.plot_code, pc.c.species_code, pl.c.site_code, pl.c.district_code,
                  func.sum(pc.c["count"]), func.max(surveys.c.n))
           .join(pl, pl.c.code == pc.c.plot_code)
           .join(surveys, (surveys.c.plot_code == pc.c.plot_code) & (surveys.c.year == year))
           .group_by(year, pc.c.plot_code, pc.c.species_code, pl.c.site_code, pl.c.district_code))
    written += _insert(conn, PlotYear, ["year", "plot_code", "species_code", "site_code", "district_code",
                                        "individuals", "surveys"], src)

    r = InvasiveRecord.__table__
    year = _year(conn, r.c.found_date)
    cx = func.cast(func.floor(r.c.lon / CELL_DEG), Integer)
    cy = func.cast(func.floor(r.c.lat / CELL_DEG), Integer)
    ctl = r.c.controlled.is_(True)
    src = (select(year, r.c.species_code, cx, cy, r.c.district_code, func.count(), func.sum(r.c.area_m2),
                  func.sum(case((ctl, 1), else_=0)), func.sum(case((ctl, r.c.area_m2), else_=0.0)),
                  func.sum(case((ctl, func.coalesce(r.c.area_after_m2, r.c.area_m2)), else_=0.0)))
           .group_by(year, r.c.species_code, cx, cy, r.c.district_code))
    written += _insert(conn, InvasiveCell, ["year", "species_code", "cell_x", "cell_y", "district_code", "records",
                                            "area_m2", "controlled", "controlled_area_m2", "area_after_m2"], src)

    e = EpiReport.__table__
    month = _month(conn, e.c.report_date)
    anomaly = (e.c.deaths + e.c.sick) > 0
    src = (select(month, e.c.station_code, e.c.district_code, func.count(),
                  func.sum(case((e.c.zero_report.is_(True), 1), else_=0)), func.sum(case((anomaly, 1), else_=0)),
                  func.sum(e.c.deaths), func.sum(e.c.sick))
           .group_by(month, e.c.station_code, e.c.district_code))
    written += _insert(conn, EpiMonth, ["month", "station_code", "district_code", "reports", "zero_reports",
                                        "anomalies", "deaths", "sick"], src)
    return written


def _insert(conn: Connection, rollup, cols: list[str], source) -> int:
    return conn.execute(insert(rollup.__table__).from_select(cols, source)).rowcount or 0
