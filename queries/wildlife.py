"""Reads of the wildlife protection board (modules 230–235): rollups cached by data version, raw rows only
where a page filters them through an index (plots of one site, one site's indicator, the daily reports).

Every public function takes ``scope`` (the user's district, None for the whole city): a district-scoped user
only ever gets rows of their district, whatever the filters ask for.
"""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
from sqlalchemy import case, func, select

from analytics import biodiversity, density, trend
from db.reference import District
from db.wildlife import (CELL_DEG, EpiMonth, EpiReport, EpiStation, Indicator, InvasiveCell, InvasiveRecord, Plot,
                         PlotYear, Recovery, Site, Species, SurveyMonth, SurveyYear)
from queries import read_df, versioned
from queries.reference import effective_district

DATASET = "wildlife"


# ------------------------------------------------------------------------------------------ reference
@versioned(DATASET)
def _sites() -> pd.DataFrame:
    return read_df(select(Site.code, Site.name, Site.kind, Site.district_code, Site.lon, Site.lat, Site.area_ha)
                   .order_by(Site.code))


@versioned(DATASET)
def _species() -> pd.DataFrame:
    return read_df(select(Species).order_by(Species.code))


def sites(district=None, *, scope=None) -> pd.DataFrame:
    """Survey sites (code, name, kind, district_code, lon, lat, area_ha), of one district when given."""
    district = effective_district(district, scope)
    df = _sites()
    return df[df.district_code == district].reset_index(drop=True) if district else df


def species() -> pd.DataFrame:
    """Every species: code, name_zh, name_sci, taxon, protection, invasive, small_population."""
    return _species()


def _names() -> dict[str, str]:
    df = _species()
    return dict(zip(df.code, df.name_zh))


@versioned("reference")
def _district_names() -> dict[str, str]:
    df = read_df(select(District.code, District.name).order_by(District.sort_order))
    return dict(zip(df.code, df.name))


def _scoped(df: pd.DataFrame, district: str | None) -> pd.DataFrame:
    return df[df.district_code == district] if district else df


# ------------------------------------------------------------------------------ 230 biodiversity
@versioned(DATASET)
def _year_rollup() -> pd.DataFrame:
    return read_df(select(SurveyYear))


@versioned(DATASET)
def _month_rollup() -> pd.DataFrame:
    df = read_df(select(SurveyMonth))
    df["month"] = pd.to_datetime(df["month"])
    return df


def survey_years() -> list[int]:
    """Years with surveys, newest first."""
    return sorted(_year_rollup().year.unique().tolist(), reverse=True)


def _survey(year, taxon, district, site) -> pd.DataFrame:
    df = _year_rollup()
    mask = pd.Series(True, index=df.index)
    if year:
        mask &= df.year == int(year)
    if taxon:
        mask &= df.taxon == taxon
    if district:
        mask &= df.district_code == district
    if site:
        mask &= df.site_code == site
    return df[mask]


def diversity_by_site(year, taxon=None, district=None, *, scope=None) -> pd.DataFrame:
    """Diversity indices per site for a year (with the site's name, kind and position)."""
    return _diversity_by_site(year, taxon, effective_district(district, scope))


@versioned(DATASET, "reference")
def _diversity_by_site(year, taxon, district) -> pd.DataFrame:
    df = _survey(year, taxon, district, None)
    out = biodiversity.by_group(df, ["site_code"])
    return out.merge(_sites().rename(columns={"code": "site_code"}), on="site_code").sort_values(
        "shannon", ascending=False).reset_index(drop=True)


def diversity_by_district(year, taxon=None, *, scope=None) -> pd.DataFrame:
    """Diversity indices per district for a year, the district's sites pooled."""
    return _diversity_by_district(year, taxon, scope)


@versioned(DATASET, "reference")
def _diversity_by_district(year, taxon, scope) -> pd.DataFrame:
    out = biodiversity.by_group(_survey(year, taxon, scope, None), ["district_code"])
    out["name"] = out.district_code.map(_district_names())
    return out.sort_values("richness", ascending=False).reset_index(drop=True)


def diversity_by_year(taxon=None, district=None, site=None, *, scope=None) -> pd.DataFrame:
    """Diversity indices per year (change over time) for the city, a district or a site."""
    return _diversity_by_year(taxon, effective_district(district, scope), site)


@versioned(DATASET, "reference")
def _diversity_by_year(taxon, district, site) -> pd.DataFrame:
    df = _survey(None, taxon, district, site)
    return biodiversity.by_group(df, ["year"])


def top_species(year, taxon=None, district=None, site=None, *, scope=None, n: int = 15) -> pd.DataFrame:
    """The ``n`` most counted species (name_zh, name_sci, taxon, protection, individuals, sites)."""
    return _top_species(year, taxon, effective_district(district, scope), site, n)


@versioned(DATASET, "reference")
def _top_species(year, taxon, district, site, n) -> pd.DataFrame:
    df = _survey(year, taxon, district, site)
    out = df.groupby("species_code", as_index=False).agg(individuals=("individuals", "sum"),
                                                         sites=("site_code", "nunique"))
    out = out.merge(_species().rename(columns={"code": "species_code"}), on="species_code")
    return out.sort_values("individuals", ascending=False).head(n).reset_index(drop=True)


def monthly_by_taxon(taxon=None, district=None, site=None, *, scope=None) -> pd.DataFrame:
    """Individuals counted per month and taxon (the migration calendar)."""
    return _monthly_by_taxon(taxon, effective_district(district, scope), site)


@versioned(DATASET, "reference")
def _monthly_by_taxon(taxon, district, site) -> pd.DataFrame:
    df = _month_rollup()
    df = _scoped(df, district)
    if site:
        df = df[df.site_code == site]
    if taxon:
        df = df[df.taxon == taxon]
    return df.groupby(["month", "taxon"], as_index=False)["individuals"].sum().sort_values("month")


# ------------------------------------------------------------------------------ 231 wetland plots
@versioned(DATASET)
def _plot_rollup(site: str) -> pd.DataFrame:
    return read_df(select(PlotYear, Plot.lon, Plot.lat, Plot.area_ha, Plot.habitat)
                   .join(Plot, Plot.code == PlotYear.plot_code).where(PlotYear.site_code == site))


def plot_sites(*, scope=None) -> pd.DataFrame:
    """Sites that have survey plots (code, name), within the user's district."""
    df = sites(scope=scope)
    codes = set(_plot_site_codes())
    return df[df.code.isin(codes)].reset_index(drop=True)


@versioned(DATASET)
def _plot_site_codes() -> list[str]:
    return read_df(select(Plot.site_code).distinct()).site_code.tolist()


def _site_allowed(site: str | None, scope: str | None) -> bool:
    if not site:
        return False
    row = _sites()[_sites().code == site]
    return not row.empty and (not scope or row.district_code.iloc[0] == scope)


def plot_densities(site, year=None, species_code=None, *, scope=None) -> pd.DataFrame:
    """Per plot: individuals, surveys, mean count per survey and density (individuals/ha per survey)."""
    cols = ["plot_code", "lon", "lat", "area_ha", "habitat", "individuals", "surveys", "mean_count", "density_ha"]
    if not _site_allowed(site, scope):
        return pd.DataFrame(columns=cols)
    df = _plot_rollup(site)
    if year:
        df = df[df.year == int(year)]
    if species_code:
        df = df[df.species_code == species_code]
    if df.empty:
        return pd.DataFrame(columns=cols)
    surveys = df.groupby(["plot_code", "year"])["surveys"].max().groupby("plot_code").sum()
    out = df.groupby(["plot_code", "lon", "lat", "area_ha", "habitat"], as_index=False)["individuals"].sum()
    out["surveys"] = out.plot_code.map(surveys).astype(int)
    out["mean_count"] = out.individuals / out.surveys
    out["density_ha"] = [density.density_per_ha(c, a) for c, a in zip(out.mean_count, out.area_ha)]
    return out[cols].sort_values("density_ha", ascending=False).reset_index(drop=True)


def plot_species(site, *, scope=None) -> pd.DataFrame:
    """Species counted in a site's plots (code, name_zh), most counted first."""
    if not _site_allowed(site, scope):
        return pd.DataFrame(columns=["species_code", "name_zh", "individuals"])
    df = _plot_rollup(site).groupby("species_code", as_index=False)["individuals"].sum()
    df["name_zh"] = df.species_code.map(_names())
    return df.sort_values("individuals", ascending=False).reset_index(drop=True)


def density_surface(site, year=None, species_code=None, *, kernel: str = "gaussian", rule: str = "scott",
                    h: float | None = None, scope=None) -> dict | None:
    """The kernel density of the plots' counts (mean individuals per survey) around a site on a ~96-cell grid:
    values (individuals/km²),
    cell centres in degrees, bounds and the bandwidth used; None without plots."""
    df = plot_densities(site, year, species_code, scope=scope)
    if len(df) < 3 or df.mean_count.sum() <= 0:
        return None
    return _surface(site, year, species_code, kernel, rule, h)


@versioned(DATASET)
def _surface(site, year, species_code, kernel, rule, h) -> dict:
    df = plot_densities(site, year, species_code)
    lon0, lat0 = float(df.lon.mean()), float(df.lat.mean())
    x, y = density.to_metres(df.lon, df.lat, lon0, lat0)
    w = df.mean_count.to_numpy(float)  # individuals per survey at each plot
    if kernel == "quartic":
        sd = density.quartic_sd(x, y, w, rule=rule, h=h)
    else:
        sd = float(np.sqrt(np.trace(density.bandwidth_matrix(x, y, w, rule=rule, h=h)) / 2))
    gx, gy, cell = density.grid_around(x, y, pad=3 * sd, cells=96)
    z = density.kde(x, y, gx, gy, w, kernel=kernel, rule=rule, h=h)
    intensity = z * w.sum() * 1e6  # pdf per m² × individuals → individuals per km²
    lon_edges, lat_edges = density.to_degrees(np.array([gx[0] - cell / 2, gx[-1] + cell / 2]),
                                              np.array([gy[0] - cell / 2, gy[-1] + cell / 2]), lon0, lat0)
    return {"values": intensity, "bounds": [[float(lat_edges[0]), float(lon_edges[0])],
                                            [float(lat_edges[1]), float(lon_edges[1])]],
            "bandwidth_m": sd, "cell_m": cell, "points": len(df)}


# ------------------------------------------------------------------------------ 232 monitoring
@versioned(DATASET)
def _indicator_rows(district: str | None) -> pd.DataFrame:
    stmt = select(Indicator.site_code, Indicator.district_code, Indicator.indicator, Indicator.unit,
                  Indicator.month, Indicator.value)
    if district:
        stmt = stmt.where(Indicator.district_code == district)
    df = read_df(stmt)
    df["month"] = pd.to_datetime(df["month"])
    return df


def indicators(*, scope=None) -> list[str]:
    """The monitored indicators present (in the user's district)."""
    return sorted(_indicator_rows(scope).indicator.unique().tolist())


def monitored_sites(*, scope=None) -> pd.DataFrame:
    """Sites with monitored indicators (code, name)."""
    codes = set(_indicator_rows(scope).site_code)
    return _sites()[_sites().code.isin(codes)].reset_index(drop=True)


def indicator_series(indicator: str, site=None, *, scope=None) -> pd.DataFrame:
    """Monthly values of one indicator (a site's, or the mean over sites): month, value, unit."""
    df = _indicator_rows(scope)
    df = df[df.indicator == indicator]
    if site:
        df = df[df.site_code == site]
    return df.groupby(["month", "unit"], as_index=False)["value"].mean().sort_values("month")


def annual_series(indicator: str, site=None, *, scope=None) -> pd.DataFrame:
    """Annual means of one indicator (complete years only when a later year exists)."""
    df = indicator_series(indicator, site, scope=scope)
    df["year"] = df.month.dt.year
    return df.groupby("year", as_index=False)["value"].mean()


def trends(*, scope=None) -> pd.DataFrame:
    """Mann-Kendall, Sen's slope and Pettitt's change year of every site × indicator on annual means."""
    return _trends(scope)


@versioned(DATASET)
def _trends(scope: str | None) -> pd.DataFrame:
    df = _indicator_rows(scope)
    df["year"] = df.month.dt.year
    annual = df.groupby(["site_code", "indicator", "unit", "year"], as_index=False)["value"].mean()
    rows = []
    for (site, ind, unit), g in annual.groupby(["site_code", "indicator", "unit"]):
        g = g.sort_values("year")
        mk, pt = trend.mann_kendall(g.value), trend.pettitt(g.value)
        years = g.year.tolist()
        rows.append({"site_code": site, "indicator": ind, "unit": unit, "years": len(g), "s": mk.s, "z": mk.z,
                     "p": mk.p, "sen_slope": mk.slope, "trend": mk.trend,
                     "change_year": years[pt.index + 1] if pt.p < 0.05 and pt.index >= 0 else None,
                     "change_p": pt.p})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    return out.merge(_sites()[["code", "name"]].rename(columns={"code": "site_code", "name": "site"}), on="site_code")


# ------------------------------------------------------------------------------ 233 small populations
def recovery(*, scope=None) -> pd.DataFrame:
    """Every population-year with species and site names and the survival rate 1 − deaths/(start+released)."""
    df = _recovery()
    return _scoped(df, scope).reset_index(drop=True)


@versioned(DATASET)
def _recovery() -> pd.DataFrame:
    df = read_df(select(Recovery, Species.name_zh, Species.name_sci, Species.taxon, Species.protection,
                        Site.name.label("site"), Site.lon, Site.lat)
                 .join(Species, Species.code == Recovery.species_code).join(Site, Site.code == Recovery.site_code)
                 .order_by(Recovery.species_code, Recovery.site_code, Recovery.year))
    at_risk = df.start_population + df.released
    df["survival_rate"] = np.where(at_risk > 0, 1 - df.deaths / at_risk.where(at_risk > 0, 1), np.nan)
    df["population_label"] = df.name_zh + "（" + df.site + "）"
    return df


# ------------------------------------------------------------------------------ 234 invasive species
@versioned(DATASET)
def _invasive_rollup() -> pd.DataFrame:
    return read_df(select(InvasiveCell))


def invasive_species() -> pd.DataFrame:
    """The key-managed invasive species (code, name_zh, name_sci, taxon)."""
    df = _species()
    return df[df.invasive].reset_index(drop=True)


def _invasive(species_code, district, year=None) -> pd.DataFrame:
    df = _invasive_rollup()
    if species_code:
        df = df[df.species_code == species_code]
    if year:
        df = df[df.year == int(year)]
    return _scoped(df, district)


SUMS = ["records", "area_m2", "controlled", "controlled_area_m2", "area_after_m2"]


def _with_control(out: pd.DataFrame) -> pd.DataFrame:
    out["control_rate"] = out.controlled / out.records.where(out.records > 0)
    out["reduction"] = 1 - out.area_after_m2 / out.controlled_area_m2.where(out.controlled_area_m2 > 0)
    return out


def invasive_by_year(species_code=None, district=None, *, scope=None) -> pd.DataFrame:
    """Per year (and species): records, infested area, share controlled and area reduction by control."""
    return _invasive_by_year(species_code, effective_district(district, scope))


@versioned(DATASET, "reference")
def _invasive_by_year(species_code, district) -> pd.DataFrame:
    df = _invasive(species_code, district)
    out = df.groupby(["year", "species_code"], as_index=False)[SUMS].sum()
    out["name_zh"] = out.species_code.map(_names())
    return _with_control(out).sort_values(["year", "species_code"]).reset_index(drop=True)


def invasive_by_district(year, species_code=None, *, scope=None) -> pd.DataFrame:
    """Per district for a year: records, infested area and control."""
    return _invasive_by_district(year, species_code, scope)


@versioned(DATASET, "reference")
def _invasive_by_district(year, species_code, scope) -> pd.DataFrame:
    df = _invasive(species_code, scope, year)
    out = df.groupby("district_code", as_index=False)[SUMS].sum()
    out["name"] = out.district_code.map(_district_names())
    return _with_control(out).sort_values("records", ascending=False).reset_index(drop=True)


def invasive_cells(year, species_code=None, *, scope=None) -> pd.DataFrame:
    """Occurrence cells (0.02°) for a year: centre lon/lat, records, area (m²) — never the raw points."""
    return _invasive_cells(year, species_code, scope)


@versioned(DATASET, "reference")
def _invasive_cells(year, species_code, scope) -> pd.DataFrame:
    df = _invasive(species_code, scope, year)
    out = df.groupby(["cell_x", "cell_y"], as_index=False)[["records", "area_m2", "controlled"]].sum()
    out["lon"] = (out.cell_x + 0.5) * CELL_DEG
    out["lat"] = (out.cell_y + 0.5) * CELL_DEG
    return out


@versioned(DATASET)
def _methods(species_code: str | None, district: str | None) -> pd.DataFrame:
    r = InvasiveRecord
    stmt = (select(r.control_method.label("method"), func.count().label("records"),
                   func.sum(r.area_m2).label("area_m2"), func.sum(r.area_after_m2).label("area_after_m2"))
            .where(r.controlled.is_(True)).group_by(r.control_method))
    if species_code:
        stmt = stmt.where(r.species_code == species_code)
    if district:
        stmt = stmt.where(r.district_code == district)
    df = read_df(stmt)
    df["reduction"] = 1 - df.area_after_m2 / df.area_m2
    return df.sort_values("records", ascending=False).reset_index(drop=True)


def control_methods(species_code=None, district=None, *, scope=None) -> pd.DataFrame:
    """Control work by method: records, treated area, area remaining and reduction."""
    return _methods(species_code or None, effective_district(district, scope))


# ------------------------------------------------------------------------------ 235 epidemic surveillance
@versioned(DATASET)
def epi_as_of() -> date | None:
    """The newest report date (the board's "today")."""
    value = read_df(select(func.max(EpiReport.report_date).label("d"))).d.iloc[0]
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


@versioned(DATASET)
def _stations() -> pd.DataFrame:
    return read_df(select(EpiStation).order_by(EpiStation.code))


def epi_stations(*, scope=None) -> pd.DataFrame:
    """Monitoring stations (code, name, level, district_code, lon, lat, active_from)."""
    return _scoped(_stations(), scope).reset_index(drop=True)


@versioned(DATASET)
def _daily(first: date, last: date, district: str | None) -> pd.DataFrame:
    e = EpiReport
    stmt = (select(e.report_date.label("day"), func.count().label("reports"),
                   func.sum(case((e.zero_report.is_(True), 1), else_=0)).label("zero_reports"),
                   func.sum(case(((e.deaths + e.sick) > 0, 1), else_=0)).label("anomalies"),
                   func.sum(e.deaths).label("deaths"), func.sum(e.sick).label("sick"))
            .where(e.report_date >= first, e.report_date <= last).group_by(e.report_date))
    if district:
        stmt = stmt.where(e.district_code == district)
    df = read_df(stmt)
    df["day"] = pd.to_datetime(df["day"])
    return df


def epi_daily(days: int = 90, district=None, *, scope=None) -> pd.DataFrame:
    """Per day of the last ``days``: reports received, expected, missing, zero reports, anomalies, deaths."""
    last = epi_as_of()
    if last is None:
        return pd.DataFrame(columns=["day", "reports", "expected", "missing", "zero_reports", "anomalies",
                                     "deaths", "sick"])
    first = last - timedelta(days=days - 1)
    district = effective_district(district, scope)
    df = _daily(first, last, district).set_index("day")
    idx = pd.date_range(first, last, freq="D")
    df = df.reindex(idx, fill_value=0).rename_axis("day").reset_index()
    st = _scoped(_stations(), district)
    active = pd.to_datetime(st.active_from).to_numpy()
    df["expected"] = [int((active <= d.to_datetime64()).sum()) for d in df.day]
    df["missing"] = (df.expected - df.reports).clip(lower=0)
    return df


@versioned(DATASET)
def _recent_reports(first: date, district: str | None) -> pd.DataFrame:
    e = EpiReport
    stmt = select(e.station_code, e.report_date).where(e.report_date >= first)
    if district:
        stmt = stmt.where(e.district_code == district)
    df = read_df(stmt)
    df["report_date"] = pd.to_datetime(df["report_date"])
    return df


def station_status(days: int = 7, district=None, *, scope=None) -> pd.DataFrame:
    """Per station over the last ``days``: reports due, received, missing, last report, and the dates missing."""
    last = epi_as_of()
    district = effective_district(district, scope)
    st = _scoped(_stations(), district).copy()
    if last is None or st.empty:
        return st.assign(due=0, received=0, missing=0, last_report=None, missing_days="")
    first = last - timedelta(days=days - 1)
    rep = _recent_reports(first, district)
    window = pd.date_range(first, last, freq="D")
    got = rep.groupby("station_code")["report_date"].apply(set).to_dict()
    latest = _latest_reports(district)
    rows = []
    for s in st.itertuples():
        due = [d for d in window if d.date() >= s.active_from]
        missing = [d for d in due if d not in got.get(s.code, set())]
        rows.append({"due": len(due), "received": len(due) - len(missing), "missing": len(missing),
                     "last_report": latest.get(s.code),
                     "missing_days": "、".join(f"{d:%m-%d}" for d in missing)})
    out = pd.concat([st.reset_index(drop=True), pd.DataFrame(rows)], axis=1)
    out["district"] = out.district_code.map(_district_names())
    return out.sort_values(["missing", "code"], ascending=[False, True]).reset_index(drop=True)


@versioned(DATASET)
def _latest_reports(district: str | None) -> dict:
    stmt = select(EpiMonth.station_code, func.max(EpiMonth.month).label("m")).group_by(EpiMonth.station_code)
    if district:
        stmt = stmt.where(EpiMonth.district_code == district)
    months = read_df(stmt)
    if months.empty:
        return {}
    first = pd.Timestamp(months.m.min()).date()
    e = EpiReport
    stmt = (select(e.station_code, func.max(e.report_date).label("d")).where(e.report_date >= first)
            .group_by(e.station_code))
    if district:
        stmt = stmt.where(e.district_code == district)
    df = read_df(stmt)
    return {r.station_code: pd.Timestamp(r.d).date() for r in df.itertuples()}


@versioned(DATASET)
def _anomalies(first: date, district: str | None, limit: int) -> pd.DataFrame:
    e, s = EpiReport, EpiStation
    stmt = (select(e.report_date, e.station_code, s.name.label("station"), e.district_code, e.deaths, e.sick,
                   e.species, e.suspected, e.response, s.lon, s.lat)
            .join(s, s.code == e.station_code)
            .where(e.report_date >= first, e.zero_report.is_(False))
            .order_by(e.report_date.desc(), e.station_code).limit(limit))
    if district:
        stmt = stmt.where(e.district_code == district)
    df = read_df(stmt)
    df["report_date"] = pd.to_datetime(df["report_date"])
    return df


def anomalies(days: int = 90, district=None, *, scope=None, limit: int = 500) -> pd.DataFrame:
    """Non-zero reports (dead or sick animals) of the last ``days``, newest first, with their response."""
    last = epi_as_of()
    if last is None:
        return pd.DataFrame(columns=["report_date", "station_code", "station", "district_code", "deaths", "sick",
                                     "species", "suspected", "response", "lon", "lat"])
    return _anomalies(last - timedelta(days=days - 1), effective_district(district, scope), limit)


@versioned(DATASET)
def _epi_months(district: str | None) -> pd.DataFrame:
    stmt = select(EpiMonth.month, func.sum(EpiMonth.reports).label("reports"),
                  func.sum(EpiMonth.anomalies).label("anomalies"), func.sum(EpiMonth.deaths).label("deaths"),
                  func.sum(EpiMonth.sick).label("sick")).group_by(EpiMonth.month).order_by(EpiMonth.month)
    if district:
        stmt = stmt.where(EpiMonth.district_code == district)
    df = read_df(stmt)
    df["month"] = pd.to_datetime(df["month"])
    return df


def epi_monthly(district=None, *, scope=None) -> pd.DataFrame:
    """Reports, anomalies, dead and sick animals per month over the whole record."""
    return _epi_months(effective_district(district, scope))
