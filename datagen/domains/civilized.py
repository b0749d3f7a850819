"""Civilized units: associations, departments, ~1,500 units over three cycles, a 40-indicator system of
精神文明建设 themes, applications in every stage, scores, consultations, registry, decisions, records.

Completed cycles are decided with the same analytics as the live process (weighted reviewer scores minus
deductions, bottom-ranked elimination with the tie rule), so the statistics pages show consistent data.
"""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select, text

from analytics import civilized as scoring
from datagen.core import BuildContext, plugin
from db.civilized import (Application, Association, Consultation, Cycle, Decision, Department, EventType,
                          Indicator, IndicatorVersion, NegativeEvent, Record, RegistryEntry, RollupIndicator, Score,
                          Unit, refresh_rollups)
from db.reference import District
from db.workflow import Message, Todo, WorkflowHistory

SIZES = {"demo": 300, "city": 1500}
DEMO_UNIT_ACCOUNT = "unit_user"
DEMO_ASSOCIATION_ACCOUNT = "association_reviewer"
DEMO_DEPARTMENT_ACCOUNT = "consult_department"
DIRECT_INDUSTRY = "局属单位"
INDUSTRIES = ["园林绿化", "环境卫生", "市容景观", "户外广告", "林业", "公园管理", "废弃物处置", "物业服务"]
UNIT_WORDS = {
    "园林绿化": ["园林绿化工程有限公司", "绿化养护有限公司", "苗木有限公司"],
    "环境卫生": ["环境卫生服务有限公司", "环卫作业有限公司", "清洁服务有限公司"],
    "市容景观": ["景观照明工程有限公司", "市容管理服务中心", "景观工程有限公司"],
    "户外广告": ["广告传媒有限公司", "户外广告设施有限公司"],
    "林业": ["林业站", "林场", "生态林养护有限公司"],
    "公园管理": ["公园", "郊野公园管理有限公司", "植物园管理处"],
    "废弃物处置": ["固废处置有限公司", "资源回收利用有限公司", "再生资源有限公司"],
    "物业服务": ["物业管理有限公司", "物业服务中心"],
    DIRECT_INDUSTRY: ["绿化管理所", "市容环境卫生管理所", "城市管理事务中心", "林业工作站"],
}
PLACES = ["滨江", "徐家汇", "世纪", "申城", "浦江", "东方", "兴盛", "长风", "锦绣", "新华", "银杏", "香樟", "绿洲",
          "海湾", "金桥", "古华", "天马", "淀山", "明珠", "春申", "江南", "梅园", "玉兰", "广富林"]
DEPARTMENTS = ["纪检监察", "安全生产", "信访投诉", "市场监管", "生态环境"]
EVENT_TYPES = [("违纪违法案件", "veto", 0.0), ("重大安全生产事故", "veto", 0.0), ("有效投诉", "deduction", 2.0),
               ("环境卫生问题曝光", "deduction", 3.0), ("失信被执行记录", "deduction", 5.0), ("信访事项", "deduction", 1.0)]
# The indicator system: (category, [(name, max score, evidence)]); weighted maxima add up to 100.
TREE = [
    ("组织领导", [("领导班子重视精神文明建设", 3, "党组会议纪要"), ("创建工作纳入年度计划", 3, "年度工作计划"),
              ("创建机构与专人负责", 2, "成立文件"), ("创建经费保障", 2, "经费台账"), ("创建档案规范完整", 2, "档案目录")]),
    ("思想道德建设", [("理论学习制度化", 3, "学习记录"), ("社会主义核心价值观宣传", 3, "宣传照片"),
                ("职业道德教育", 3, "培训记录"), ("道德模范与先进典型选树", 3, "表彰文件"),
                ("家风家教与文明礼仪教育", 2, "活动方案"), ("网络文明建设", 2, "网站截图"), ("法治教育与普法", 2, "普法记录")]),
    ("精神文明创建", [("文明创建活动开展", 3, "活动记录"), ("行业文明规范落实", 3, "规范文件"),
                ("优质服务窗口建设", 3, "服务评价"), ("群众满意度", 4, "满意度测评"),
                ("文化阵地建设", 2, "阵地照片"), ("职工文体活动", 2, "活动照片"), ("创建成效宣传报道", 2, "媒体报道")]),
    ("诚信建设", [("诚信制度建设", 3, "制度文件"), ("信用承诺公示", 2, "公示截图"), ("合同履约与公平竞争", 3, "履约记录"),
              ("无失信记录", 3, "信用报告"), ("诚信教育活动", 2, "活动记录")]),
    ("志愿服务", [("志愿服务队伍建设", 3, "队伍名册"), ("志愿者注册率", 3, "注册统计"), ("志愿服务活动常态化", 3, "活动记录"),
              ("参与城市管理志愿服务", 3, "服务台账"), ("结对共建与帮扶", 2, "共建协议"), ("志愿服务品牌", 2, "品牌材料")]),
    ("环境整洁", [("办公区域整洁有序", 3, "现场照片"), ("作业现场文明规范", 3, "检查记录"), ("垃圾分类落实", 3, "分类台账"),
              ("节能降耗与绿色办公", 2, "能耗统计"), ("周边环境责任区管理", 2, "责任区台账"), ("绿化美化", 2, "绿化照片")]),
    ("安全稳定", [("安全生产责任落实", 3, "责任书"), ("矛盾纠纷排查化解", 1, "排查台账"), ("应急预案与演练", 1, "演练记录"),
              ("无重大安全事故", 2, "安全报告")]),
]
CYCLES = [(2020, "2020—2022年度"), (2023, "2023—2025年度"), (2026, "2026—2028年度")]
# Shares of the current cycle's applications by state (every stage present).
CURRENT_STATES = {"draft": 0.10, "pre_assoc": 0.10, "pre_bureau": 0.10, "returned": 0.05, "rejected": 0.05,
                  "pre_approved": 0.12, "self_assessment": 0.12, "submitted": 0.08, "consultation": 0.07,
                  "material_assoc": 0.06, "comprehensive": 0.05, "awarded": 0.07, "eliminated": 0.03}
PROGRESS = ["draft", "pre_assoc", "pre_bureau", "pre_approved", "self_assessment", "submitted", "consultation",
            "material_assoc", "comprehensive", "awarded"]


def _estimate(scale: str) -> int:
    return SIZES[scale] * 110


TABLES = [Association.__table__, Department.__table__, EventType.__table__, Cycle.__table__, Unit.__table__,
          IndicatorVersion.__table__, Indicator.__table__, Decision.__table__, Application.__table__,
          Record.__table__, Score.__table__, Consultation.__table__, NegativeEvent.__table__,
          RegistryEntry.__table__, RollupIndicator.__table__, WorkflowHistory.__table__, Todo.__table__,
          Message.__table__]


@dataclass
class _World:
    units: list[dict]
    indicators: dict[int, list[dict]]  # cycle id -> indicators
    registry: dict[int, dict]          # unit id -> active registry row
    next_id: dict[str, int]
    registry_rows: list[dict]          # every registry row, written once all cycles have decided


@plugin("civilized", order=80, tables=TABLES, datasets=["civilized"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Base data, units, three cycles of applications decided by the real rules, then the rollups."""
    rng = ctx.rng("units")
    districts = list(ctx.conn.execute(select(District.code, District.name).order_by(District.sort_order)))
    ctx.insert(Association.__table__, [
        {"id": i + 1, "name": f"上海市{ind}行业协会", "industry": ind, "account": DEMO_ASSOCIATION_ACCOUNT if i == 0 else None}
        for i, ind in enumerate(INDUSTRIES)])
    ctx.insert(Department.__table__, [{"id": i + 1, "name": name, "account": DEMO_DEPARTMENT_ACCOUNT if i == 0 else None}
                                      for i, name in enumerate(DEPARTMENTS)])
    ctx.insert(EventType.__table__, [{"id": i + 1, "name": n, "effect": e, "deduction": d}
                                     for i, (n, e, d) in enumerate(EVENT_TYPES)])
    ctx.insert(Cycle.__table__, [
        {"id": i + 1, "name": name, "start_year": year, "pre_open_from": dt.date(year, 3, 1),
         "pre_open_to": dt.date(year, 4, 30), "eligible_natures": "industry,direct", "quota": SIZES[ctx.scale] // 5,
         "elimination_ratio": 0.1, "elimination_threshold": 60.0, "association_weight": 0.4,
         "pre_open": year == 2026, "formal_open": False, "created_at": dt.datetime(year, 2, 20, tzinfo=dt.timezone.utc)}
        for i, (year, name) in enumerate(CYCLES)])
    units = _units(rng, SIZES[ctx.scale], districts)
    ctx.insert(Unit.__table__, [{k: v for k, v in u.items() if k != "quality"} for u in units])
    world = _World(units, {}, {}, {"indicator": 1, "application": 1, "decision": 1}, [])
    _indicator_versions(ctx, world)
    for cycle_id, (year, name) in enumerate(CYCLES, start=1):
        _cycle(ctx, world, cycle_id, year, name, ctx.rng(f"cycle{cycle_id}"))
    ctx.insert(RegistryEntry.__table__, world.registry_rows)
    _records(ctx, ctx.rng("records"), units)
    refresh_rollups(ctx.conn)
    if ctx.conn.dialect.name == "postgresql":
        for table in ("civ_association", "civ_department", "civ_event_type", "civ_cycle", "civ_unit",
                      "civ_indicator_version", "civ_indicator", "civ_decision", "civ_application"):
            ctx.conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def _units(rng: np.random.Generator, n: int, districts: list) -> list[dict]:
    rows, names = [], set()
    for i in range(n):
        direct = rng.random() < 0.25
        industry = DIRECT_INDUSTRY if direct else INDUSTRIES[int(rng.integers(len(INDUSTRIES)))]
        code, dname = districts[int(rng.integers(len(districts)))]
        words = UNIT_WORDS[industry]
        base = f"上海{dname.removesuffix('区').removesuffix('新')}{PLACES[int(rng.integers(len(PLACES)))]}{words[int(rng.integers(len(words)))]}"
        name = base if base not in names else f"{base}（{i + 1}）"
        names.add(name)
        rows.append({"id": i + 1, "name": name, "credit_code": f"91310{int(code[-2:]):02d}{i + 1:06d}{int(rng.integers(10000)):04d}X",
                     "nature": "direct" if direct else "industry", "industry": industry,
                     "association_id": None if direct else INDUSTRIES.index(industry) + 1, "district_code": code,
                     "headcount": int(rng.lognormal(4.5, 0.9)) + 5, "contact_name": f"{'王李张刘陈杨赵黄周吴'[i % 10]}{'伟芳敏静丽强磊军洋艳'[(i // 10) % 10]}",
                     "contact_phone": f"021-{5000_0000 + i * 37 % 4000_0000:08d}", "account": None,
                     "registered_by": "datagen", "quality": float(rng.beta(8, 2))})
    demo = next(u for u in rows if u["association_id"] == 1)
    demo["account"] = DEMO_UNIT_ACCOUNT
    return rows


def _indicator_versions(ctx: BuildContext, world: _World) -> None:
    versions, indicators = [], []
    for cycle_id, (year, _name) in enumerate(CYCLES, start=1):
        versions.append({"id": cycle_id, "cycle_id": cycle_id, "version": 1, "total_score": 100.0, "published": True,
                         "created_at": dt.datetime(year, 2, 1, tzinfo=dt.timezone.utc)})
        world.indicators[cycle_id] = []
        order = 0
        for c, (category, items) in enumerate(TREE, start=1):
            for k, (name, max_score, evidence) in enumerate(items, start=1):
                order += 1
                row = {"id": world.next_id["indicator"], "version_id": cycle_id, "category": category,
                       "code": f"{c}.{k}", "name": name, "criteria": f"{name}：达到要求得满分，部分达到酌情给分，未开展不得分",
                       "max_score": float(max_score), "weight": 1.0, "evidence": evidence, "sort_order": order}
                world.next_id["indicator"] += 1
                indicators.append(row)
                world.indicators[cycle_id].append(row)
    specs = [scoring.IndicatorSpec(r["code"], r["category"], r["max_score"], r["weight"]) for r in world.indicators[1]]
    problems = scoring.validate_tree(specs)
    if problems:
        raise ValueError(f"the generated indicator tree is invalid: {problems}")
    ctx.insert(IndicatorVersion.__table__, versions)
    ctx.insert(Indicator.__table__, indicators)


def _final_state(rng: np.random.Generator, completed: bool) -> str:
    if completed:
        return "comprehensive" if rng.random() > 0.12 else "rejected"
    states, weights = zip(*CURRENT_STATES.items())
    return str(rng.choice(states, p=np.array(weights) / sum(weights)))


def _cycle(ctx: BuildContext, world: _World, cycle_id: int, year: int, name: str, rng: np.random.Generator) -> None:
    """Applications of one cycle: annual reviews of registry units and new applications."""
    completed = year < 2026
    apps, scores, consults, events, history, todos = [], [], [], [], [], []
    stamp = dt.datetime(year + 2 if completed else 2026, 10, 15, tzinfo=dt.timezone.utc)
    in_registry = set(world.registry)
    candidates = [u for u in world.units if u["id"] not in in_registry and rng.random() < 0.45]
    # Annual reviews happen in a cycle's third year: only completed cycles have them.
    reviews = [(u, "review") for u in world.units if u["id"] in in_registry] if completed else []
    entrants = reviews + [(u, "new") for u in candidates]
    if not completed and not any(u["account"] for u, _k in entrants):
        entrants.append((next(u for u in world.units if u["account"]), "new"))
    inds = world.indicators[cycle_id]
    specs = [scoring.IndicatorSpec(str(i["id"]), i["category"], i["max_score"], i["weight"]) for i in inds]
    decided: dict[str, list[scoring.Entry]] = {"new": [], "review": []}
    by_id = {}
    for unit, kind in entrants:
        state = "comprehensive" if kind == "review" else _final_state(rng, completed)
        app_id = world.next_id["application"]
        world.next_id["application"] += 1
        reached = PROGRESS.index(state) if state in PROGRESS else (2 if state == "rejected" else 0)
        if state == "eliminated":
            reached = PROGRESS.index("comprehensive")
        app = {"id": app_id, "cycle_id": cycle_id, "unit_id": unit["id"], "kind": kind, "state": state,
               "honours": "区级文明单位" if rng.random() < 0.4 else "", "summary": f"{unit['name']}精神文明创建工作情况",
               "reason": "材料不完整，请补充" if state == "returned" else ("不符合申报条件" if state == "rejected" else None),
               "self_score": None, "final_score": None, "rank": None, "outcome": None,
               "submitted_at": stamp if reached >= 1 else None, "updated_at": stamp}
        apps.append(app)
        by_id[app_id] = (app, unit)
        q = unit["quality"]
        stage_scores = {}
        for stage, min_reach, bias in (("self", 5, 0.06), ("association", 8, 0.0), ("bureau", 8, -0.02)):
            if reached < min_reach or (stage == "association" and unit["nature"] != "industry"):
                continue
            if stage == "association" and state == "material_assoc":
                continue
            if stage == "bureau" and state in ("material_assoc",):
                continue
            values = {}
            for ind in inds:
                v = float(np.clip(ind["max_score"] * (q + bias + rng.normal(0, 0.08)), 0, ind["max_score"]))
                v = round(v * 2) / 2  # half points
                values[str(ind["id"])] = v
                scores.append({"application_id": app_id, "indicator_id": ind["id"], "stage": stage, "score": v,
                               "comment": None, "scored_by": "datagen"})
            stage_scores[stage] = scoring.stage_total(values, specs)
        if "self" in stage_scores:
            app["self_score"] = round(stage_scores["self"], 2)
        hits = []
        if reached >= PROGRESS.index("consultation"):
            answered = reached > PROGRESS.index("consultation") or rng.random() < 0.6
            for d in range(len(DEPARTMENTS)):
                hit = answered and rng.random() < 0.02
                etype = int(rng.integers(len(EVENT_TYPES))) + 1 if hit else None
                consults.append({"application_id": app_id, "department_id": d + 1, "answered": answered, "hit": hit,
                                 "event_type_id": etype, "opinion": ("经核查存在负面情形" if hit else "经核查无负面情形") if answered else None,
                                 "answered_by": "datagen" if answered else None, "answered_at": stamp if answered else None})
                if hit:
                    _n, effect, deduction = EVENT_TYPES[etype - 1]
                    hits.append(scoring.Hit(effect, deduction))
                    events.append({"unit_id": unit["id"], "cycle_id": cycle_id, "event_type_id": etype,
                                   "occurred_on": dt.date(year + (2 if completed else 0), 6, 1) + dt.timedelta(days=int(rng.integers(120))),
                                   "description": f"{DEPARTMENTS[d]}征询反馈"})
        if "bureau" in stage_scores and state in ("comprehensive", "awarded", "eliminated"):
            reviewed = scoring.combine_stages({k: v for k, v in stage_scores.items() if k != "self"}, 0.4)
            final, vetoed = scoring.apply_negative(reviewed, hits)
            decided[kind].append(scoring.Entry(app_id, final, vetoed))
        history.append({"item_type": "civ_application", "item_id": app_id, "action": "datagen", "from_state": "draft",
                        "to_state": state, "actor": "datagen", "comment": "历史数据导入", "at": stamp})
        if not completed and state in ("pre_bureau", "pre_approved", "submitted", "consultation", "comprehensive"):
            todos.append({"username": None, "permission": "civilized.admin", "title": f"{unit['name']}：待处理",
                          "link": f"/admin/civilized/applications/{app_id}", "item_type": "civ_application",
                          "item_id": app_id, "created_at": stamp, "done_at": None})
        elif not completed and state in ("pre_assoc", "material_assoc") and unit["association_id"] == 1:
            todos.append({"username": DEMO_ASSOCIATION_ACCOUNT, "permission": None, "title": f"{unit['name']}：待审核",
                          "link": f"/admin/civilized/applications/{app_id}", "item_type": "civ_application",
                          "item_id": app_id, "created_at": stamp, "done_at": None})
    # Decide: every comprehensive application of a completed cycle; the current cycle's decided ones too.
    registry_rows, decisions = [], []
    for kind, entries in decided.items():
        if not completed:
            entries = [e for e in entries if by_id[e.key][0]["state"] in ("awarded", "eliminated")]
        for o in scoring.rank_and_eliminate(entries, 0.1, 60.0):
            app, unit = by_id[o.key]
            app.update(final_score=o.score, rank=o.rank, outcome="eliminated" if o.eliminated else "awarded",
                       state="eliminated" if o.eliminated else "awarded")
            if not completed:
                continue
            if kind == "review" and o.eliminated:
                world.registry.pop(unit["id"]).update(active=False, removed_on=dt.date(year + 2, 12, 20),
                                                       removal_reason="eliminated", removal_note=o.reason)
            elif kind == "new" and not o.eliminated:
                registry_rows.append({"unit_id": unit["id"], "cycle_id": cycle_id, "level": "局级",
                                      "decision_id": world.next_id["decision"], "awarded_on": dt.date(year + 2, 12, 20),
                                      "active": True, "removed_on": None, "removal_reason": None, "removal_note": None})
        if completed and kind == "new":
            winners = [by_id[e.key] for e in entries if by_id[e.key][0]["outcome"] == "awarded"]
            decisions.append({"id": world.next_id["decision"], "cycle_id": cycle_id,
                              "doc_no": f"沪绿容文明〔{year + 2}〕{cycle_id:02d}01号",
                              "title": f"关于授予{len(winners)}家单位{name}局级文明单位称号的决定",
                              "issued_on": dt.date(year + 2, 12, 20), "issued_by": "datagen",
                              "payload": json.dumps([{"name": u["name"], "credit_code": u["credit_code"],
                                                      "score": a["final_score"]} for a, u in winners], ensure_ascii=False)})
            world.next_id["decision"] += 1
    # A few registry units leave between cycles: upgrade to city level or disqualification.
    if completed:
        for unit_id in list(world.registry):
            if rng.random() < 0.04:
                upgrade = rng.random() < 0.6
                world.registry.pop(unit_id).update(active=False, removed_on=dt.date(year + 2, 12, 31),
                                                   removal_reason="upgrade" if upgrade else "disqualified",
                                                   removal_note="获评上海市文明单位" if upgrade else "发生负面清单事项，取消资格")
    ctx.insert(Decision.__table__, decisions)
    ctx.insert(Application.__table__, apps)
    ctx.insert(Score.__table__, scores)
    ctx.insert(Consultation.__table__, consults)
    ctx.insert(NegativeEvent.__table__, events)
    ctx.insert(WorkflowHistory.__table__, history)
    ctx.insert(Todo.__table__, todos)
    # Registry rows stay mutable until every cycle has decided their fate (later eliminations, removals).
    for row in registry_rows:
        world.registry[row["unit_id"]] = row
    world.registry_rows.extend(registry_rows)


def _records(ctx: BuildContext, rng: np.random.Generator, units: list[dict]) -> None:
    rows = []
    per_cycle = max(6, len(units) // 25)
    for cycle_id, (year, _n) in enumerate(CYCLES, start=1):
        span = 3 if year < 2026 else 1
        for i in range(per_cycle):
            u = units[int(rng.integers(len(units)))]
            day = dt.date(year, 1, 10) + dt.timedelta(days=int(rng.integers(330 * span)))
            rows.append({"kind": "inspection", "cycle_id": cycle_id, "unit_id": u["id"], "held_on": day,
                         "place": u["name"], "participants": "文明办检查组 3 人；单位负责人",
                         "findings": str(rng.choice(["台账齐全，现场整洁", "垃圾分类标识不全", "志愿服务记录不完整",
                                                     "宣传阵地内容陈旧", "作业现场围挡破损"])),
                         "follow_up": str(rng.choice(["", "限期一个月整改", "复查已整改"])), "recorded_by": "datagen"})
        for i in range(4 * span):
            day = dt.date(year, 3 + 2 * (i % 4), 15) + dt.timedelta(days=365 * (i // 4))
            rows.append({"kind": "symposium", "cycle_id": cycle_id, "unit_id": None, "held_on": day,
                         "place": "局机关会议室", "participants": "文明办、各行业协会、申报单位代表",
                         "findings": "交流创建经验，部署下阶段测评工作", "follow_up": "各协会汇总意见报文明办",
                         "recorded_by": "datagen"})
    ctx.insert(Record.__table__, rows)
