"""Green-space construction (绿建): projects of four programmes, maintenance sites, 24 months of patrols with the
problems they found and their rectification, and supervision events; then the board's rollups.

demo: ~570 projects, 500 sites (~30,000 patrols), 6,000 events; city: the same projects, 4,000 sites
(~240,000 patrols, ~90,000 problems), 40,000 events. What is modelled:

* **Projects** – 环城生态公园带 (along the outer-ring green belt: suburban districts weigh more), 重点绿地,
  大型居住社区绿地 (the districts with large residential communities) and 滨江绿地 (黄浦江 / 苏州河 districts);
  names from the real streets and towns of each district; planned area by programme; start 2021–2026, 1–4
  years to build; status and progress follow the elapsed share of the schedule with a district delay factor.
* **Patrols** – 2–5 maintenance companies per district, each with a diligence level: patrols per site-month
  Poisson(1.2–3.2), so some site-months go unpatrolled (coverage 80–98 %); problems per patrol Poisson
  (~0.35, more in summer), deadlines 3/7/15 days by type, rectification probability and delay by unit.
* **Events** – supervision events by source and type, monthly volume with a summer peak; deadlines 5–15 days;
  closure (and 已核查 after verification) by district service level; open events near the end of the window.
"""
from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np
from sqlalchemy import func, select

from datagen.core import BuildContext, plugin
from db.greenspace import (EVENT_SOURCES, EVENT_TYPES, PROBLEM_TYPES, PROGRAMS, MaintenanceSite, Patrol,
                           PatrolProblem, Project, RollupEvent, RollupPatrol, RollupProblem, SupervisionEvent,
                           refresh_rollups)
from db.reference import District, Street

SITES = {"demo": 500, "city": 4_000}
EVENTS = {"demo": 6_000, "city": 40_000}
MONTHS = 24
LAST_MONTH = dt.date(2026, 11, 1)
NOW = dt.date(2026, 11, 27)  # the data's "today": nothing happens after it
PROJECTS = {"环城生态公园带": 120, "重点绿地": 200, "大型居住社区绿地": 150, "滨江绿地": 100}
# Relative weight of each district per programme (absent = 0).
SUBURBS = {"310112": 3, "310113": 3, "310114": 2, "310115": 4, "310117": 2, "310118": 1.5, "310120": 1.5,
           "310107": 1, "310104": 1, "310105": 0.5, "310110": 0.5}
PROGRAM_DISTRICTS = {
    "环城生态公园带": SUBURBS,
    "重点绿地": {c: 1.0 for c in ["310101", "310104", "310105", "310106", "310107", "310109", "310110", "310112",
                               "310113", "310114", "310115", "310116", "310117", "310118", "310120", "310151"]},
    "大型居住社区绿地": {"310112": 3, "310113": 3, "310114": 2.5, "310115": 4, "310117": 3, "310118": 2, "310120": 2,
                  "310116": 1},
    "滨江绿地": {"310101": 2, "310104": 2, "310115": 3, "310110": 2, "310109": 1.5, "310106": 1, "310107": 1.5,
             "310105": 1, "310112": 1.5, "310113": 1},
}
SUFFIX = {"环城生态公园带": ["生态公园", "郊野公园", "森林公园", "楔形绿地", "生态廊道"],
          "重点绿地": ["城市公园", "中心绿地", "口袋公园", "街心花园", "公共绿地"],
          "大型居住社区绿地": ["大型居住社区绿地", "大居公共绿地", "社区公园", "大居配套绿地"],
          "滨江绿地": ["滨江绿地", "滨江公共空间", "滨河绿带", "苏州河岸线绿地"]}
AREA_HA = {"环城生态公园带": (3.0, 0.6), "重点绿地": (1.2, 0.7), "大型居住社区绿地": (1.5, 0.5), "滨江绿地": (1.8, 0.6)}
DELAY = {"310101": 0.95, "310104": 0.92, "310105": 1.0, "310106": 1.0, "310107": 1.05, "310109": 1.0,
         "310110": 1.02, "310112": 1.1, "310113": 1.15, "310114": 1.05, "310115": 1.12, "310116": 1.0,
         "310117": 1.08, "310118": 1.1, "310120": 1.18, "310151": 1.05}
COMPANY = ["园林绿化", "绿化建设", "景观工程", "生态环境", "市政绿化", "园艺养护"]
SITE_SUFFIX = ["公园", "街头绿地", "道路绿化带", "广场绿地", "防护林带", "公共绿地"]
DEADLINE_DAYS = {"枯死缺株": 15, "病虫害": 7, "杂草丛生": 7, "设施损坏": 15, "垃圾杂物": 3, "积水": 3,
                 "修剪不到位": 7, "土壤裸露": 15}
PROBLEM_WEIGHTS = [0.14, 0.12, 0.2, 0.1, 0.18, 0.06, 0.12, 0.08]
EVENT_WEIGHTS = [0.1, 0.3, 0.12, 0.1, 0.14, 0.06, 0.1, 0.08]
SOURCE_WEIGHTS = [0.5, 0.2, 0.18, 0.04, 0.08]
SUMMER = [0.8, 0.75, 0.95, 1.05, 1.15, 1.25, 1.3, 1.3, 1.15, 1.0, 0.9, 0.8]
EVENT_TEXT = {
    "毁绿占绿": ["绿地被占用堆放杂物", "有人私自铲除绿化改作停车", "绿化带被违规开挖"],
    "养护不到位": ["绿地杂草丛生长期无人养护", "绿篱缺株断档未补种", "草坪大面积枯黄"],
    "施工围挡不规范": ["施工围挡破损倒伏", "围挡占用人行道未设警示", "围挡外堆放建筑材料"],
    "树木倒伏隐患": ["大树严重倾斜存在倒伏隐患", "树木根部裸露松动", "枯枝悬挂未及时清理"],
    "设施破损": ["园路铺装破损", "座椅栏杆损坏", "照明设施损坏"],
    "违规种植": ["绿地内私自种菜", "违规种植高大乔木遮挡采光", "公共绿地被圈占种植"],
    "扬尘污染": ["绿化施工裸土未覆盖", "运输车辆带泥上路", "土方作业未洒水降尘"],
    "进度滞后": ["项目进度明显滞后于计划", "工地长期停工", "节点工程未按期完成"],
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超霞平刚桂英华建国志红玉兰"


def _estimate(scale: str) -> int:
    return sum(PROJECTS.values()) + SITES[scale] * (1 + MONTHS * 3) + EVENTS[scale]


@plugin("greenspace", order=71,
        tables=[Project.__table__, MaintenanceSite.__table__, Patrol.__table__, PatrolProblem.__table__,
                SupervisionEvent.__table__, RollupPatrol.__table__, RollupProblem.__table__, RollupEvent.__table__],
        datasets=["greenspace"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Projects, sites, patrols and problems, events; then the rollups recomputed from them."""
    ref = _reference(ctx)
    _projects(ctx, ctx.rng("projects"), ref)
    sites = _sites(ctx, ctx.rng("sites"), ref, SITES[ctx.scale])
    _patrols(ctx, ctx.rng("patrols"), sites)
    _events(ctx, ctx.rng("events"), ref, sites, EVENTS[ctx.scale])
    refresh_rollups(ctx.conn)
    for rollup in (RollupPatrol, RollupProblem, RollupEvent):
        ctx.counts[rollup.__tablename__] = ctx.conn.execute(
            select(func.count()).select_from(rollup.__table__)).scalar_one()


def _reference(ctx: BuildContext) -> dict:
    """Districts (name, centre, area) and their streets' names and centres."""
    districts = ctx.conn.execute(select(District.code, District.name, District.lon, District.lat,
                                        District.area_km2).order_by(District.code)).all()
    if not districts:
        raise RuntimeError("the green-space generator needs the reference data (districts and streets) first")
    streets = ctx.conn.execute(select(Street.district_code, Street.name, Street.lon, Street.lat)
                               .order_by(Street.code)).all()
    by_district: dict[str, list] = {}
    for s in streets:
        by_district.setdefault(s.district_code, []).append(s)
    return {"districts": {d.code: d for d in districts}, "streets": by_district}


def _place_name(street_name: str) -> str:
    for suffix in ("街道", "镇", "乡", "地区办事处"):
        if street_name.endswith(suffix) and len(street_name) > len(suffix) + 1:
            return street_name[: -len(suffix)]
    return street_name


def _near(rng: np.random.Generator, lon: float, lat: float, km: float) -> tuple[float, float]:
    return (round(lon + rng.normal(0, km) / (111.32 * math.cos(math.radians(lat))), 6),
            round(lat + rng.normal(0, km) / 110.57, 6))


def _outline(rng: np.random.Generator, lon: float, lat: float, area_ha: float) -> str:
    """A rough quadrilateral of about ``area_ha`` around a point (GeoJSON text)."""
    side_km = math.sqrt(area_ha / 100)
    ratio = rng.uniform(0.5, 2.0)
    hx = side_km * math.sqrt(ratio) / 2 / (111.32 * math.cos(math.radians(lat)))
    hy = side_km / math.sqrt(ratio) / 2 / 110.57
    j = rng.uniform(0.85, 1.15, 4)
    ring = [[lon - hx * j[0], lat - hy], [lon + hx * j[1], lat - hy * j[2]], [lon + hx, lat + hy * j[3]],
            [lon - hx, lat + hy]]
    ring = [[round(a, 6), round(b, 6)] for a, b in ring]
    return json.dumps({"type": "Polygon", "coordinates": [ring + [ring[0]]]})


def _pick_district(rng: np.random.Generator, weights: dict[str, float]) -> str:
    codes = sorted(weights)
    w = np.array([weights[c] for c in codes], dtype=float)
    return codes[int(rng.choice(len(codes), p=w / w.sum()))]


def _projects(ctx: BuildContext, rng: np.random.Generator, ref: dict) -> None:
    """Construction projects of the four programmes with schedule, status and progress as of ``NOW``."""
    rows, used = [], set()
    for pi, program in enumerate(PROGRAMS):
        for k in range(PROJECTS[program]):
            code = _pick_district(rng, PROGRAM_DISTRICTS[program])
            d = ref["districts"][code]
            street = ref["streets"][code][int(rng.integers(0, len(ref["streets"][code])))]
            name = f"{_place_name(street.name)}{SUFFIX[program][int(rng.integers(0, len(SUFFIX[program])))]}"
            if name in used:
                name = f"{name}（{['一', '二', '三', '四', '五'][len([u for u in used if u.startswith(name)]) % 5]}期）"
            used.add(name)
            lon, lat = _near(rng, street.lon, street.lat, 0.6)
            mu, sigma = AREA_HA[program]
            area = round(float(np.exp(rng.normal(mu, sigma))), 2)
            start = dt.date(2021, 1, 1) + dt.timedelta(days=int(rng.integers(0, 5 * 365 + 300)))
            years = float(rng.uniform(1, 4 if program == "环城生态公园带" else 3))
            end = start + dt.timedelta(days=int(years * 365))
            elapsed = (NOW - start).days / max(1, (end - start).days)
            progress = float(np.clip(elapsed / DELAY[code] + rng.normal(0, 0.08), 0, 1))
            if elapsed < 0.08 and rng.random() < 0.8:
                progress, status = 0.0, "前期"
            elif progress >= 0.999 or (elapsed > 1.15 and rng.random() < 0.8):
                progress = 1.0
                status = "已开放" if elapsed > 1.1 and rng.random() < 0.75 else "完工"
            else:
                status = "在建"
            rows.append({
                "project_no": f"LJ{start.year}{pi + 1}{k + 1:04d}", "name": name, "program": program,
                "district_code": code, "builder": f"{d.name}绿化和市容管理局" if rng.random() < 0.6 else
                f"上海{d.name.removesuffix('新区').removesuffix('区')}城市建设投资有限公司",
                "planned_area_ha": area, "completed_area_ha": round(area * progress, 2),
                "investment_wan": round(area * float(rng.uniform(250, 900)), 1), "progress": round(progress, 4),
                "status": status, "start_date": start, "planned_end": end, "lon": lon, "lat": lat,
                "boundary": _outline(rng, lon, lat, area),
            })
    ctx.insert(Project.__table__, rows)


def _sites(ctx: BuildContext, rng: np.random.Generator, ref: dict, n: int) -> list[dict]:
    """Maintenance sites spread over districts by area, each under one company with its diligence."""
    codes = sorted(ref["districts"])
    w = np.array([math.sqrt(ref["districts"][c].area_km2) for c in codes])
    per = rng.multinomial(n, w / w.sum())
    sites = []
    for code, count in zip(codes, per.tolist()):
        d = ref["districts"][code]
        short = d.name.removesuffix("新区").removesuffix("区")
        companies = [f"上海{short}{c}有限公司" for c in rng.choice(COMPANY, int(rng.integers(2, 6)), replace=False)]
        diligence = {c: float(rng.uniform(0.55, 1.0)) for c in companies}
        streets = ref["streets"][code]
        for k in range(count):
            street = streets[int(rng.integers(0, len(streets)))]
            unit = companies[int(rng.integers(0, len(companies)))]
            lon, lat = _near(rng, street.lon, street.lat, 0.5)
            sites.append({"code": f"YH{code[-3:]}{k + 1:05d}", "district_code": code, "unit": unit,
                          "name": f"{_place_name(street.name)}{SITE_SUFFIX[k % len(SITE_SUFFIX)]}{k + 1}号",
                          "area_ha": round(float(np.exp(rng.normal(0.3, 0.8))), 2), "lon": lon, "lat": lat,
                          "_diligence": diligence[unit]})
    ctx.insert(MaintenanceSite.__table__, [{k: v for k, v in s.items() if not k.startswith("_")} for s in sites])
    return sites


def _months() -> list[dt.date]:
    out, m = [], LAST_MONTH
    for _ in range(MONTHS):
        out.append(m)
        m = (m - dt.timedelta(days=1)).replace(day=1)
    return out[::-1]


def _month_days(m: dt.date) -> int:
    nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return min((nxt - m).days, (NOW - m).days + 1)


def _person(rng: np.random.Generator) -> str:
    return SURNAMES[int(rng.integers(0, len(SURNAMES)))] + "".join(
        GIVEN[int(i)] for i in rng.integers(0, len(GIVEN), int(rng.integers(1, 3))))


def _patrols(ctx: BuildContext, rng: np.random.Generator, sites: list[dict]) -> None:
    """Patrols per site and month, the problems each found and their rectification."""
    inspectors = [_person(rng) for _ in range(300)]
    patrols, problems = [], []
    seq = 0
    for m in _months():
        days = _month_days(m)
        season = SUMMER[m.month - 1]
        for s in sites:
            dil = s["_diligence"]
            for _ in range(int(rng.poisson(0.8 + 2.4 * dil))):
                seq += 1
                day = m + dt.timedelta(days=int(rng.integers(0, days)))
                found = int(rng.poisson(0.45 * season * (1.4 - 0.6 * dil)))
                no = f"XC{m:%Y%m}{seq:07d}"
                patrols.append({"patrol_no": no, "site_code": s["code"], "district_code": s["district_code"],
                                "unit": s["unit"], "patrol_date": day, "month": m,
                                "inspector": inspectors[int(rng.integers(0, len(inspectors)))], "problems": found})
                for _p in range(found):
                    ptype = PROBLEM_TYPES[int(rng.choice(len(PROBLEM_TYPES), p=PROBLEM_WEIGHTS))]
                    deadline = day + dt.timedelta(days=DEADLINE_DAYS[ptype])
                    delay = int(rng.gamma(2.0, DEADLINE_DAYS[ptype] * (1.1 - 0.6 * dil) / 2))
                    done = day + dt.timedelta(days=delay)
                    fixed = rng.random() < 0.82 + 0.16 * dil and done <= NOW
                    problems.append({"patrol_no": no, "site_code": s["code"], "district_code": s["district_code"],
                                     "unit": s["unit"], "month": m, "found_date": day, "problem_type": ptype,
                                     "deadline": deadline, "rectified_date": done if fixed else None})
        if len(patrols) > 50_000:
            ctx.insert(Patrol.__table__, patrols)
            ctx.insert(PatrolProblem.__table__, problems)
            patrols, problems = [], []
    ctx.insert(Patrol.__table__, patrols)
    ctx.insert(PatrolProblem.__table__, problems)


def _events(ctx: BuildContext, rng: np.random.Generator, ref: dict, sites: list[dict], n: int) -> None:
    """Supervision events at maintenance sites, with deadline, status and closure as of ``NOW``."""
    months = _months()
    w = np.array([SUMMER[m.month - 1] * _month_days(m) / 30 for m in months])
    per_month = rng.multinomial(n, w / w.sum())
    names = {c: d.name for c, d in ref["districts"].items()}
    rows, seq = [], 0
    now = dt.datetime.combine(NOW, dt.time(18, 0))
    for m, count in zip(months, per_month.tolist()):
        for _ in range(count):
            seq += 1
            s = sites[int(rng.integers(0, len(sites)))]
            etype = EVENT_TYPES[int(rng.choice(len(EVENT_TYPES), p=EVENT_WEIGHTS))]
            source = EVENT_SOURCES[int(rng.choice(len(EVENT_SOURCES), p=SOURCE_WEIGHTS))]
            at = dt.datetime.combine(m, dt.time(8)) + dt.timedelta(
                days=int(rng.integers(0, _month_days(m))), minutes=int(rng.integers(0, 600)))
            if at > now:
                at = now - dt.timedelta(hours=int(rng.integers(1, 48)))
            deadline = at + dt.timedelta(days=int(rng.choice([5, 7, 10, 15])))
            dil = s["_diligence"]
            took = dt.timedelta(hours=float(rng.gamma(2.0, (deadline - at).total_seconds() / 3600 * (1.05 - 0.5 * dil) / 2)))
            closed = at + took if rng.random() < 0.9 + 0.08 * dil and at + took <= now else None
            if closed is None:
                status = "处置中" if rng.random() < 0.7 else "待处置"
            else:
                status = "已核查" if (now - closed).days > 5 and rng.random() < 0.7 else "已办结"
            unit = s["unit"] if etype not in ("进度滞后", "施工围挡不规范", "扬尘污染") else f"{names[s['district_code']]}绿化和市容管理局"
            text = EVENT_TEXT[etype][int(rng.integers(0, len(EVENT_TEXT[etype])))]
            rows.append({"event_no": f"JG{at:%Y%m}{seq:06d}", "reported_at": at, "month": m,
                         "district_code": s["district_code"], "event_type": etype, "source": source, "unit": unit,
                         "status": status, "location": f"{names[s['district_code']]}{s['name']}",
                         "description": f"{source}发现：{s['name']}{text}，请责任单位限期处置。",
                         "deadline_at": deadline, "closed_at": closed, "lon": s["lon"], "lat": s["lat"]})
    ctx.insert(SupervisionEvent.__table__, rows)
