"""Wildlife protection board data: surveys at real Shanghai sites, wetland plots, monitored indicators,
recovering small populations, invasive species and the epidemic stations' daily reports.

demo ≈ 40,000 rows (3 years of monthly surveys), city ≈ 350,000 (5 years, twice a month, more plots and
stations). Everything follows from the build seed. What is modelled:

* **Sites** – reserves, wetlands, forest parks, lakes and city parks at their approximate WGS84 centres
  (崇明东滩, 九段沙, 南汇东滩, 吴淞炮台湾, 共青森林公园, 世纪公园, 淀山湖 …), each with its habitats.
* **Species** – real birds, plants, mammals, amphibians and reptiles (Chinese and scientific names, national
  protection class); each has a habitat set, a base abundance and a phenology: wintering waterbirds peak
  Dec–Feb, passage shorebirds in Apr–May and Sep–Oct, summer visitors May–Aug, residents all year.
* **Plots** – fixed plots in the wetland sites, clustered around two or three hot spots, counted quarterly
  (demo) or monthly (city).
* **Indicators** – ten years of monthly waterbird counts, vegetation cover and water quality at the wetland
  sites, with trends and a step change after the 2020 restoration at 崇明东滩 and 南汇东滩.
* **Small populations** – 獐 and 扬子鳄 reintroduced, four plants of extremely small populations planted back.
* **Invasive species** – the key-managed species spreading from their foci and pushed back by control work
  (the 加拿大一枝黄花 campaign from 2023, 互花米草 clearance on the coast).
* **Epidemic surveillance** – daily reports of every station (mostly zero reports), sporadic deaths, an
  avian influenza episode at the coastal stations in January 2026, and missing reports (a few at random,
  and one station silent for several days at the end).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
from sqlalchemy import func, select

from datagen.core import BuildContext, plugin
from db.reference import District
from db.wildlife import (KEY_INVASIVE, EpiMonth, EpiReport, EpiStation, Indicator, InvasiveCell, InvasiveRecord,
                         Observation, Plot, PlotCount, PlotYear, Recovery, Site, Species, SurveyMonth, SurveyYear,
                         refresh_rollups)

END = dt.date(2026, 11, 27)  # the data's "today": the last daily report
SURVEY_YEARS = {"demo": 3, "city": 5}
SURVEYS_PER_MONTH = {"demo": 1, "city": 2}
PLOTS_PER_SITE = {"demo": 10, "city": 30}
PLOT_SURVEY_MONTHS = {"demo": (1, 4, 7, 10), "city": tuple(range(1, 13))}
INVASIVE_PER_YEAR = {"demo": 240, "city": 4000}
EPI_DAYS = {"demo": 365, "city": 1095}
EPI_EXTRA_STATIONS = {"demo": 0, "city": 18}
INDICATOR_YEARS = 10

# code, name, kind, district, lon, lat, area (ha), habitats (W coast wetland, L lake/river, P park, F forest)
SITES = [
    ("CMDT", "崇明东滩鸟类国家级自然保护区", "自然保护区", "310151", 121.95, 31.51, 24155, "W"),
    ("JDS", "九段沙湿地国家级自然保护区", "自然保护区", "310115", 121.95, 31.20, 42020, "W"),
    ("NHDT", "南汇东滩湿地", "湿地", "310115", 121.94, 30.88, 8000, "W"),
    ("XSSD", "崇明西沙湿地公园", "湿地", "310151", 121.24, 31.70, 300, "WL"),
    ("DPFP", "东平国家森林公园", "森林公园", "310151", 121.48, 31.68, 358, "FL"),
    ("WSPT", "吴淞炮台湾湿地森林公园", "湿地", "310113", 121.50, 31.39, 107, "WF"),
    ("BJFP", "滨江森林公园", "森林公园", "310115", 121.56, 31.38, 300, "WF"),
    ("GQFP", "共青森林公园", "森林公园", "310110", 121.56, 31.32, 131, "FP"),
    ("XJWC", "新江湾城湿地", "湿地", "310110", 121.51, 31.34, 54, "LP"),
    ("SJGY", "世纪公园", "城市公园", "310115", 121.55, 31.215, 140, "PL"),
    ("SHZW", "上海植物园", "城市公园", "310104", 121.445, 31.15, 82, "PF"),
    ("XJHG", "徐家汇公园", "城市公园", "310104", 121.44, 31.195, 8.5, "P"),
    ("ZSGY", "中山公园", "城市公园", "310105", 121.417, 31.222, 21, "P"),
    ("GCGY", "顾村公园", "城市公园", "310113", 121.38, 31.35, 430, "PF"),
    ("PJJY", "浦江郊野公园", "郊野公园", "310112", 121.52, 31.07, 1500, "FL"),
    ("DSH", "淀山湖", "湖泊", "310118", 120.95, 31.11, 6200, "L"),
    ("QXJY", "青西郊野公园", "郊野公园", "310118", 120.99, 31.10, 2200, "LF"),
    ("CSZW", "辰山植物园", "城市公园", "310117", 121.185, 31.08, 207, "PF"),
    ("XBZB", "松江新浜獐保护地", "自然保护区", "310117", 121.04, 30.95, 160, "FL"),
    ("JSSD", "金山三岛海洋生态自然保护区", "自然保护区", "310116", 121.42, 30.70, 45, "F"),
    ("HWFP", "海湾国家森林公园", "森林公园", "310120", 121.66, 30.86, 1065, "FL"),
    ("JDYY", "嘉北郊野公园", "郊野公园", "310114", 121.24, 31.42, 1400, "FL"),
]
WETLAND_SITES = ["CMDT", "JDS", "NHDT", "XSSD", "WSPT", "DSH", "QXJY", "XJWC"]
PLOT_SITES = ["CMDT", "JDS", "NHDT", "XSSD", "WSPT", "DSH", "QXJY", "XJWC"]

# code, 中文名, scientific name, taxon, protection, phenology, base abundance per survey, habitats
SPECIES = [
    ("B001", "白头鹤", "Grus monacha", "鸟类", "国家一级", "winter", 6, "W"),
    ("B002", "小天鹅", "Cygnus columbianus", "鸟类", "国家二级", "winter", 12, "WL"),
    ("B003", "黑脸琵鹭", "Platalea minor", "鸟类", "国家一级", "passage", 1.5, "W"),
    ("B004", "东方白鹳", "Ciconia boyciana", "鸟类", "国家一级", "winter", 0.6, "WL"),
    ("B005", "大滨鹬", "Calidris tenuirostris", "鸟类", "国家二级", "passage", 40, "W"),
    ("B006", "黑腹滨鹬", "Calidris alpina", "鸟类", None, "winter", 260, "W"),
    ("B007", "环颈鸻", "Charadrius alexandrinus", "鸟类", None, "resident", 60, "W"),
    ("B008", "白鹭", "Egretta garzetta", "鸟类", None, "resident", 25, "WLP"),
    ("B009", "苍鹭", "Ardea cinerea", "鸟类", None, "resident", 10, "WL"),
    ("B010", "绿头鸭", "Anas platyrhynchos", "鸟类", None, "winter", 80, "WL"),
    ("B011", "斑嘴鸭", "Anas zonorhyncha", "鸟类", None, "resident", 70, "WLP"),
    ("B012", "罗纹鸭", "Mareca falcata", "鸟类", None, "winter", 15, "WL"),
    ("B013", "绿翅鸭", "Anas crecca", "鸟类", None, "winter", 120, "WL"),
    ("B014", "反嘴鹬", "Recurvirostra avosetta", "鸟类", None, "winter", 45, "W"),
    ("B015", "青脚鹬", "Tringa nebularia", "鸟类", None, "passage", 30, "WL"),
    ("B016", "斑尾塍鹬", "Limosa lapponica", "鸟类", None, "passage", 35, "W"),
    ("B017", "白腰杓鹬", "Numenius arquata", "鸟类", "国家二级", "winter", 8, "W"),
    ("B018", "普通鸬鹚", "Phalacrocorax carbo", "鸟类", None, "winter", 50, "WL"),
    ("B019", "小䴙䴘", "Tachybaptus ruficollis", "鸟类", None, "resident", 12, "LP"),
    ("B020", "凤头䴙䴘", "Podiceps cristatus", "鸟类", None, "winter", 20, "L"),
    ("B021", "黑水鸡", "Gallinula chloropus", "鸟类", None, "resident", 10, "LP"),
    ("B022", "白骨顶", "Fulica atra", "鸟类", None, "winter", 40, "L"),
    ("B023", "夜鹭", "Nycticorax nycticorax", "鸟类", None, "resident", 15, "LPF"),
    ("B024", "池鹭", "Ardeola bacchus", "鸟类", None, "summer", 8, "LP"),
    ("B025", "震旦鸦雀", "Paradoxornis heudei", "鸟类", "国家二级", "resident", 6, "W"),
    ("B026", "棕扇尾莺", "Cisticola juncidis", "鸟类", None, "resident", 5, "W"),
    ("B027", "白头鹎", "Pycnonotus sinensis", "鸟类", None, "resident", 30, "PF"),
    ("B028", "乌鸫", "Turdus mandarinus", "鸟类", None, "resident", 20, "PF"),
    ("B029", "珠颈斑鸠", "Spilopelia chinensis", "鸟类", None, "resident", 18, "PF"),
    ("B030", "麻雀", "Passer montanus", "鸟类", None, "resident", 45, "PFW"),
    ("B031", "喜鹊", "Pica serica", "鸟类", None, "resident", 8, "PF"),
    ("B032", "八哥", "Acridotheres cristatellus", "鸟类", None, "resident", 6, "P"),
    ("B033", "红嘴蓝鹊", "Urocissa erythroryncha", "鸟类", None, "resident", 3, "F"),
    ("B034", "棕背伯劳", "Lanius schach", "鸟类", None, "resident", 2, "PFW"),
    ("B035", "黑尾蜡嘴雀", "Eophona migratoria", "鸟类", None, "winter", 6, "PF"),
    ("B036", "北红尾鸲", "Phoenicurus auroreus", "鸟类", None, "winter", 3, "PF"),
    ("B037", "红胁蓝尾鸲", "Tarsiger cyanurus", "鸟类", None, "winter", 2, "F"),
    ("B038", "斑鸫", "Turdus eunomus", "鸟类", None, "winter", 4, "PF"),
    ("B039", "鸳鸯", "Aix galericulata", "鸟类", "国家二级", "winter", 0.4, "LP"),
    ("B040", "游隼", "Falco peregrinus", "鸟类", "国家二级", "winter", 0.15, "WF"),
    ("B041", "红隼", "Falco tinnunculus", "鸟类", "国家二级", "resident", 0.3, "WPF"),
    ("B042", "领角鸮", "Otus lettia", "鸟类", "国家二级", "resident", 0.2, "PF"),
    ("P001", "芦苇", "Phragmites australis", "植物", None, "plant", 120, "WL"),
    ("P002", "海三棱藨草", "Bolboschoenus mariqueter", "植物", None, "plant", 150, "W"),
    ("P003", "糙叶薹草", "Carex scabrifolia", "植物", None, "plant", 40, "W"),
    ("P004", "香蒲", "Typha orientalis", "植物", None, "plant", 30, "L"),
    ("P005", "荻", "Miscanthus sacchariflorus", "植物", None, "plant", 25, "WL"),
    ("P006", "水杉", "Metasequoia glyptostroboides", "植物", "国家一级", "plant", 15, "FP"),
    ("P007", "香樟", "Camphora officinarum", "植物", None, "plant", 20, "PF"),
    ("P008", "野大豆", "Glycine soja", "植物", "国家二级", "plant", 1.2, "WL"),
    ("M001", "貉", "Nyctereutes procyonoides", "兽类", "国家二级", "mammal", 1.0, "PF"),
    ("M002", "黄鼬", "Mustela sibirica", "兽类", None, "mammal", 0.8, "PFW"),
    ("M003", "东北刺猬", "Erinaceus amurensis", "兽类", None, "mammal", 0.6, "PF"),
    ("M004", "獐", "Hydropotes inermis", "兽类", "国家二级", "mammal", 0.5, "F"),
    ("A001", "中华蟾蜍", "Bufo gargarizans", "两栖爬行类", None, "summer", 4, "LPF"),
    ("A002", "黑斑侧褶蛙", "Pelophylax nigromaculatus", "两栖爬行类", None, "summer", 6, "LW"),
    ("A003", "赤链蛇", "Lycodon rufozonatus", "两栖爬行类", None, "summer", 0.3, "FW"),
    ("A004", "扬子鳄", "Alligator sinensis", "两栖爬行类", "国家一级", "summer", 0.1, "W"),
]
# Plants of extremely small populations planted back (ex-situ collections at 辰山 and 上海植物园).
SMALL_POPULATION_PLANTS = [
    ("S001", "秤锤树", "Sinojackia xylocarpa", "国家二级"),
    ("S002", "宝华玉兰", "Magnolia zenii", "国家二级"),
    ("S003", "天目铁木", "Ostrya rehderiana", "国家一级"),
    ("S004", "普陀鹅耳枥", "Carpinus putoensis", "国家一级"),
]
# species, site, first year, initial release, yearly releases, birth rate, death rate
RECOVERY = [
    ("M004", "XBZB", 2015, 40, 8, 0.22, 0.08),
    ("M004", "BJFP", 2018, 20, 5, 0.18, 0.12),
    ("A004", "CMDT", 2016, 12, 4, 0.10, 0.06),
    ("S001", "CSZW", 2016, 60, 20, 0.04, 0.07),
    ("S002", "SHZW", 2017, 30, 10, 0.03, 0.05),
    ("S003", "CSZW", 2018, 25, 10, 0.02, 0.09),
    ("S004", "DPFP", 2019, 40, 12, 0.03, 0.10),
]
INVASIVE_TAXON = {"Solidago canadensis": "植物", "Spartina alterniflora": "植物", "Hyphantria cunea": "昆虫",
                  "Alternanthera philoxeroides": "植物", "Pontederia crassipes": "植物",
                  "Pomacea canaliculata": "软体动物", "Solenopsis invicta": "昆虫",
                  "Trachemys scripta elegans": "两栖爬行类"}
# scientific name → (foci districts, records share, yearly growth, control start year, methods)
INVASIVE_SPREAD = {
    "Solidago canadensis": (["310112", "310117", "310114", "310115", "310120"], 0.34, 0.30, 2023,
                            ["人工拔除", "开花前刈割", "药剂防治"]),
    "Spartina alterniflora": (["310151", "310115"], 0.14, 0.12, 2022, ["刈割+水位调控", "刈割+翻耕"]),
    "Hyphantria cunea": (["310113", "310114", "310112", "310117"], 0.16, 0.22, 2023,
                         ["剪除网幕", "释放周氏啮小蜂", "药剂防治"]),
    "Alternanthera philoxeroides": (["310118", "310117", "310116"], 0.14, 0.10, 2024, ["人工打捞", "药剂防治"]),
    "Pontederia crassipes": (["310118", "310112", "310120"], 0.10, 0.15, 2022, ["机械打捞"]),
    "Pomacea canaliculata": (["310118", "310116", "310120"], 0.05, 0.08, 2024, ["人工摘卵", "药剂防治"]),
    "Solenopsis invicta": (["310115", "310112"], 0.04, 0.35, 2024, ["饵剂诱杀", "药剂灌巢"]),
    "Trachemys scripta elegans": (["310104", "310105", "310115"], 0.03, 0.05, 2025, ["人工捕捉"]),
}
INDICATORS = [  # name, unit, base, seasonal amplitude, yearly trend, noise sd, restoration step (2020)
    ("水鸟数量", "只", 5200, 0.65, 0.05, 0.18, 0.25),
    ("植被覆盖度", "%", 62, 0.25, 0.012, 0.05, 0.08),
    ("溶解氧", "mg/L", 7.2, 0.18, 0.004, 0.06, 0.0),
    ("总磷", "mg/L", 0.16, 0.15, -0.035, 0.12, -0.1),
    ("氨氮", "mg/L", 0.55, 0.2, -0.03, 0.15, 0.0),
]
EPI_EPISODE = (dt.date(2026, 1, 8), dt.date(2026, 1, 23))
EPI_EPISODE_STATIONS = ["EPI-CMDT", "EPI-JDS", "EPI-NHDT", "EPI-310151"]
EPI_SILENT_STATION = "EPI-310120"
EPI_SILENT_DAYS = 6


def _estimate(scale: str) -> int:
    return 40_000 if scale == "demo" else 350_000


@plugin("wildlife", order=40,
        tables=[Site.__table__, Species.__table__, Observation.__table__, Plot.__table__, PlotCount.__table__,
                Indicator.__table__, Recovery.__table__, InvasiveRecord.__table__, EpiStation.__table__,
                EpiReport.__table__, SurveyYear.__table__, SurveyMonth.__table__, PlotYear.__table__,
                InvasiveCell.__table__, EpiMonth.__table__],
        datasets=["wildlife"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Reference rows first, then each fact table, then the rollups recomputed from them."""
    site_district = {s[0]: s[3] for s in SITES}
    ctx.insert(Site.__table__, ({"code": c, "name": n, "kind": k, "district_code": d, "lon": lo, "lat": la,
                                 "area_ha": a} for c, n, k, d, lo, la, a, _h in SITES))
    ctx.insert(Species.__table__, _species_rows())
    ctx.insert(Observation.__table__, _observations(ctx, site_district))
    plots = _plots(ctx)
    ctx.insert(Plot.__table__, plots)
    ctx.insert(PlotCount.__table__, _plot_counts(ctx, plots))
    ctx.insert(Indicator.__table__, _indicators(ctx, site_district))
    ctx.insert(Recovery.__table__, _recovery(ctx, site_district))
    ctx.insert(InvasiveRecord.__table__, _invasive(ctx))
    stations = _stations(ctx)
    ctx.insert(EpiStation.__table__, stations)
    ctx.insert(EpiReport.__table__, _epi_reports(ctx, stations))
    refresh_rollups(ctx.conn)
    for rollup in (SurveyYear, SurveyMonth, PlotYear, InvasiveCell, EpiMonth):
        n = ctx.conn.execute(select(func.count()).select_from(rollup.__table__)).scalar_one()
        ctx.counts[rollup.__tablename__] = n
        ctx.advance(n)


def _species_rows():
    for code, zh, sci, taxon, prot, _ph, _a, _h in SPECIES:
        yield {"code": code, "name_zh": zh, "name_sci": sci, "taxon": taxon, "protection": prot,
               "invasive": False, "small_population": code in {r[0] for r in RECOVERY}}
    for code, zh, sci, prot in SMALL_POPULATION_PLANTS:
        yield {"code": code, "name_zh": zh, "name_sci": sci, "taxon": "植物", "protection": prot,
               "invasive": False, "small_population": True}
    for i, (sci, zh) in enumerate(KEY_INVASIVE.items(), start=1):
        yield {"code": f"I{i:03d}", "name_zh": zh, "name_sci": sci, "taxon": INVASIVE_TAXON[sci],
               "protection": None, "invasive": True, "small_population": False}


def _invasive_codes() -> dict[str, str]:
    return {sci: f"I{i:03d}" for i, sci in enumerate(KEY_INVASIVE, start=1)}


def season(phenology: str, month) -> np.ndarray:
    """Relative abundance by month (1–12) of a phenology: the migration calendar of the Yangtze estuary."""
    m = np.asarray(month)
    if phenology == "winter":  # arrive Oct–Nov, peak Dec–Feb, leave by April
        return np.select([np.isin(m, [12, 1, 2]), np.isin(m, [11, 3]), np.isin(m, [10, 4])], [1.0, 0.6, 0.2], 0.02)
    if phenology == "passage":  # spring passage Apr–May (the larger), autumn Aug–Oct
        return np.select([np.isin(m, [4, 5]), np.isin(m, [9]), np.isin(m, [3, 8, 10])], [1.0, 0.7, 0.3], 0.03)
    if phenology == "summer":
        return np.select([np.isin(m, [5, 6, 7, 8]), np.isin(m, [4, 9])], [1.0, 0.4], 0.03)
    if phenology == "plant":  # stems counted; autumn die-back of the emergent vegetation
        return np.select([np.isin(m, [6, 7, 8, 9]), np.isin(m, [4, 5, 10])], [1.0, 0.7], 0.35)
    return np.full(m.shape, 1.0)


def _survey_dates(scale: str) -> list[dt.date]:
    first_year = END.year - SURVEY_YEARS[scale] + 1
    days = (8, 22) if SURVEYS_PER_MONTH[scale] == 2 else (15,)
    return [dt.date(y, m, d) for y in range(first_year, END.year + 1) for m in range(1, 13) for d in days
            if dt.date(y, m, d) <= END]


def _observations(ctx: BuildContext, site_district: dict[str, str]):
    """Counts per site, survey and species: base abundance × site factor × season × slow trend, Poisson–gamma."""
    rng = ctx.rng("observations")
    dates = _survey_dates(ctx.scale)
    months = np.array([d.month for d in dates])
    years = np.array([d.year - END.year for d in dates], dtype=float)
    for code, _n, _k, _d, _lo, _la, area, habitats in SITES:
        size = np.clip(np.log10(area) / 3.0, 0.35, 1.6)
        for sp_code, _zh, _sci, _t, _p, phen, base, sp_hab in SPECIES:
            if not set(habitats) & set(sp_hab) or rng.random() < 0.12:
                continue
            factor = size * rng.lognormal(0, 0.6)
            trend = np.exp(rng.normal(0.02, 0.06) * years)
            lam = base * factor * season(phen, months) * trend
            counts = rng.poisson(lam * rng.gamma(2.0, 0.5, size=lam.size))
            for day, c in zip(dates, counts.tolist()):
                if c > 0:
                    yield {"site_code": code, "species_code": sp_code, "district_code": site_district[code],
                           "survey_date": day, "count": c}


def _plots(ctx: BuildContext) -> list[dict]:
    """Fixed plots clustered around two or three hot spots of each wetland site (offsets in km)."""
    rng = ctx.rng("plots")
    out = []
    habitats = ["光滩", "海三棱藨草带", "芦苇带", "水塘", "潮沟"]
    by_code = {s[0]: s for s in SITES}
    for code in PLOT_SITES:
        _c, _n, _k, district, lon, lat, _a, _h = by_code[code]
        spots = rng.normal(0, 2.5, size=(int(rng.integers(2, 4)), 2))
        for i in range(PLOTS_PER_SITE[ctx.scale]):
            dx, dy = spots[i % len(spots)] + rng.normal(0, 0.8, 2)
            out.append({"code": f"{code}-P{i + 1:02d}", "site_code": code, "district_code": district,
                        "habitat": habitats[int(rng.integers(len(habitats)))],
                        "lon": round(lon + dx / (111.32 * np.cos(np.radians(lat))), 6),
                        "lat": round(lat + dy / 110.57, 6), "area_ha": float(rng.choice([0.25, 0.5, 1.0, 2.0]))})
    return out


def _plot_counts(ctx: BuildContext, plots: list[dict]):
    """Waterbirds and wetland plants per plot and survey: a plot's attractiveness × area × season."""
    rng = ctx.rng("plot-counts")
    first_year = END.year - SURVEY_YEARS[ctx.scale] + 1
    dates = [dt.date(y, m, 10) for y in range(first_year, END.year + 1) for m in PLOT_SURVEY_MONTHS[ctx.scale]
             if dt.date(y, m, 10) <= END]
    months = np.array([d.month for d in dates])
    wet = [s for s in SPECIES if set(s[7]) & {"W", "L"} and s[3] in ("鸟类", "植物") and s[6] >= 5]
    site_habitats = {s[0]: set(s[7]) for s in SITES}
    for plot in plots:
        pool = [s for s in wet if site_habitats[plot["site_code"]] & set(s[7])]
        attract = rng.lognormal(0, 0.8)
        for sp_code, _zh, _sci, _t, _p, phen, base, _h in pool:
            if rng.random() < 0.4:
                continue
            lam = 0.15 * base * attract * plot["area_ha"] * season(phen, months)
            for day, c in zip(dates, rng.poisson(lam).tolist()):
                if c > 0:
                    yield {"plot_code": plot["code"], "species_code": sp_code, "survey_date": day, "count": c}


def _indicators(ctx: BuildContext, site_district: dict[str, str]):
    """Ten years of monthly indicator values per wetland site: level × season × trend × step × noise."""
    rng = ctx.rng("indicators")
    months = [dt.date(y, m, 1) for y in range(END.year - INDICATOR_YEARS + 1, END.year + 1) for m in range(1, 13)
              if dt.date(y, m, 1) <= END]
    mo = np.array([d.month for d in months])
    t = np.array([(d.year - months[0].year) + (d.month - 1) / 12 for d in months])
    after = np.array([d >= dt.date(2020, 7, 1) for d in months])
    for site in WETLAND_SITES:
        restored = site in ("CMDT", "NHDT")
        for name, unit, base, amp, trend, noise, step in INDICATORS:
            level = base * rng.lognormal(0, 0.25)
            slope = trend * rng.uniform(0.3, 1.4) * (1 if rng.random() < 0.85 else -0.5)
            if name == "水鸟数量":
                shape = 1 + amp * np.cos(2 * np.pi * (mo - 1) / 12)  # winter peak
            elif name == "植被覆盖度":
                shape = 1 + amp * np.cos(2 * np.pi * (mo - 8) / 12)  # August peak
            else:
                shape = 1 + amp * np.cos(2 * np.pi * (mo - 2) / 12)  # DO high in cold water
            values = level * shape * np.exp(slope * t) * (1 + step * after * restored) * rng.lognormal(0, noise, t.size)
            if unit == "%":
                values = np.clip(values, 5, 98)
            for m, v in zip(months, values.tolist()):
                yield {"site_code": site, "district_code": site_district[site], "indicator": name, "unit": unit,
                       "month": m, "value": round(v, 3 if base < 10 else 1)}


def _recovery(ctx: BuildContext, site_district: dict[str, str]):
    """Year-by-year populations: releases, births (or recruits), deaths (binomial) and the year-end census."""
    rng = ctx.rng("recovery")
    for sp, site, first, initial, yearly, birth, death in RECOVERY:
        population = 0
        for year in range(first, END.year + 1):
            released = initial if year == first else (yearly if rng.random() < 0.7 else 0)
            at_risk = population + released
            deaths = int(rng.binomial(at_risk, min(0.9, death * rng.lognormal(0, 0.3))))
            births = int(rng.poisson(birth * population))
            start = population
            population = at_risk - deaths + births
            yield {"species_code": sp, "site_code": site, "district_code": site_district[site], "year": year,
                   "start_population": start, "released": released, "births": births, "deaths": deaths,
                   "population": population}


def _invasive(ctx: BuildContext):
    """Records per species and year growing from their foci, slowed and pushed back once control starts."""
    rng = ctx.rng("invasive")
    districts = {r.code: (r.lon, r.lat) for r in ctx.conn.execute(select(District.code, District.lon, District.lat))}
    codes = _invasive_codes()
    years = list(range(END.year - 5, END.year + 1))
    total = INVASIVE_PER_YEAR[ctx.scale]
    for sci, (foci, share, growth, control_from, methods) in INVASIVE_SPREAD.items():
        spread_to = [d for d in districts if d not in foci]
        rng.shuffle(spread_to)
        level = total * share
        for k, year in enumerate(years):
            controlling = year >= control_from
            if k:
                level *= np.exp(growth - (0.25 * (year - control_from + 1) if controlling else 0.0))
            n = max(3, int(level))
            reach = foci + spread_to[: min(len(spread_to), k)]
            p_ctl = 0.3 if not controlling else min(0.95, 0.6 + 0.1 * (year - control_from))
            day_span = 334 if year == END.year else 365
            for _ in range(n):
                d = reach[int(rng.integers(len(reach)))] if rng.random() < 0.8 or len(reach) == len(foci) \
                    else foci[int(rng.integers(len(foci)))]
                lon, lat = districts[d]
                controlled = bool(rng.random() < p_ctl)
                area = float(round(rng.lognormal(4.0, 1.1), 1))
                method = methods[int(rng.integers(len(methods)))] if controlled else None
                yield {"species_code": codes[sci], "district_code": d,
                       "found_date": dt.date(year, 1, 1) + dt.timedelta(days=int(rng.integers(day_span))),
                       "lon": round(lon + rng.normal(0, 0.05), 5), "lat": round(lat + rng.normal(0, 0.04), 5),
                       "area_m2": area, "controlled": controlled, "control_method": method,
                       "area_after_m2": round(area * float(rng.beta(1.5, 8)), 1) if controlled else None}


def _stations(ctx: BuildContext) -> list[dict]:
    """National stations at the three coastal reserves and a municipal station in every district."""
    rng = ctx.rng("stations")
    first = END - dt.timedelta(days=EPI_DAYS[ctx.scale] - 1)
    rows = [{"code": f"EPI-{c}", "name": f"{n.removesuffix('鸟类国家级自然保护区').removesuffix('湿地国家级自然保护区')}"
             f"国家级野生动物疫源疫病监测站", "level": "国家级", "district_code": d, "lon": lo, "lat": la,
             "active_from": first} for c, n, _k, d, lo, la, _a, _h in SITES if c in ("CMDT", "JDS", "NHDT")]
    districts = ctx.conn.execute(select(District.code, District.name, District.lon, District.lat)
                                 .order_by(District.sort_order)).all()
    for r in districts:
        rows.append({"code": f"EPI-{r.code}", "name": f"{r.name}野生动物疫源疫病监测站", "level": "市级",
                     "district_code": r.code, "lon": r.lon, "lat": r.lat, "active_from": first})
    for i in range(EPI_EXTRA_STATIONS[ctx.scale]):
        r = districts[i % len(districts)]
        rows.append({"code": f"EPI-{r.code}-{i // len(districts) + 2}",
                     "name": f"{r.name}第{i // len(districts) + 2}监测点", "level": "市级", "district_code": r.code,
                     "lon": round(r.lon + rng.normal(0, 0.04), 5), "lat": round(r.lat + rng.normal(0, 0.03), 5),
                     "active_from": first + dt.timedelta(days=int(rng.integers(0, 120)))})
    return rows


def _epi_reports(ctx: BuildContext, stations: list[dict]):
    """One report a day per station (zero reports mostly), sporadic deaths, the January 2026 avian influenza
    episode at the coastal stations, ~1 % missing days and one station silent for the last few days."""
    rng = ctx.rng("epi")
    first = END - dt.timedelta(days=EPI_DAYS[ctx.scale] - 1)
    days = [first + dt.timedelta(days=i) for i in range(EPI_DAYS[ctx.scale])]
    start, stop = EPI_EPISODE
    for st in stations:
        for day in days:
            if day < st["active_from"] or rng.random() < 0.01:
                continue
            if st["code"] == EPI_SILENT_STATION and (END - day).days < EPI_SILENT_DAYS:
                continue
            deaths = sick = 0
            species = suspected = None
            response = "无异常"
            age = (END - day).days
            if st["code"] in EPI_EPISODE_STATIONS and start <= day <= stop:
                peak = 1 - abs((day - start).days - 6) / 9
                deaths = int(rng.poisson(4 + 30 * max(peak, 0.05)))
                sick = int(rng.poisson(2 + 8 * max(peak, 0.05)))
                species = ["绿头鸭", "斑嘴鸭", "绿翅鸭", "小天鹅"][int(rng.integers(4))]
                suspected = "H5N1 高致病性禽流感"
                response = "已处置"
            elif rng.random() < 0.012:
                deaths = int(rng.integers(1, 4))
                sick = int(rng.random() < 0.3)
                species = ["珠颈斑鸠", "麻雀", "白鹭", "夜鹭", "黑水鸡", "貉"][int(rng.integers(6))]
                suspected = ["撞击致死", "中毒待排查", "饥饿衰竭", "犬瘟热待排查"][int(rng.integers(4))]
                response = "待核查" if age < 2 else ("已采样送检" if age < 5 else ("处置中" if age < 8 else "已处置"))
            yield {"station_code": st["code"], "district_code": st["district_code"], "report_date": day,
                   "zero_report": deaths + sick == 0, "deaths": deaths, "sick": sick, "species": species,
                   "suspected": suspected, "response": response}
