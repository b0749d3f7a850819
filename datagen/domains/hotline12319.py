"""12319 hotline tickets: 36 months with seasonality, typhoon spikes, district volumes, Chinese texts.

demo ≈ 30,000 tickets; city ≥ 500,000. Caller names and phones are encrypted here (bulk COPY bypasses the
column type), with the blind index and the row hash computed on the clear values as the importer does.
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import select

from analytics.workdays import add_working_days
from datagen.core import BuildContext, plugin
from db.hotline12319 import (RollupCategory, RollupLine, RollupStreet, Ticket, TicketEvent, month_of,
                             refresh_rollups, ticket_row_hash)
from db.reference import District, Street
from security.columns import EncryptedString, blind_index

END = dt.date(2026, 10, 31)  # fixed, so that a seed always gives the same data
MONTHS = 36
SIZES = {"demo": 30_000, "city": 520_000}
# Resident population (10,000, 7th census 2020, rounded) as the volume weight of each district.
POPULATION = {"310101": 66, "310104": 111, "310105": 69, "310106": 97, "310107": 124, "310109": 76,
              "310110": 124, "310112": 265, "310113": 223, "310114": 183, "310115": 568, "310116": 82,
              "310117": 191, "310118": 127, "310120": 114, "310151": 64}
# A handling-quality factor per district (1 = average): drives lateness and dissatisfaction.
QUALITY = {"310101": 1.1, "310104": 1.15, "310105": 1.1, "310106": 1.05, "310107": 0.95, "310109": 1.0,
           "310110": 0.95, "310112": 0.9, "310113": 0.85, "310114": 1.0, "310115": 0.95, "310116": 1.05,
           "310117": 0.9, "310118": 1.0, "310120": 0.88, "310151": 1.1}
LINES = {  # line: (weight, {category: (weight, [subcategories], [problem phrases])})
    "市容环卫": (30, {
        "垃圾清运不及时": (20, ["生活垃圾", "建筑垃圾", "大件垃圾"], ["垃圾堆放好几天没人清运", "垃圾桶满了溢出来", "垃圾房周边污水横流"]),
        "道路保洁": (15, ["人行道", "车行道", "绿化带"], ["路面有大量垃圾和落叶", "人行道油污严重", "路边积水发臭"]),
        "乱设摊": (12, ["早点摊", "夜排档", "流动摊贩"], ["占道经营影响通行", "夜间排档油烟噪音扰民", "流动摊贩占用盲道"]),
        "渣土撒漏": (8, ["运输车辆", "工地出入口"], ["渣土车沿路撒漏", "工地门口泥浆带出"]),
        "公厕管理": (6, ["保洁", "开放时间", "设施损坏"], ["公厕卫生条件差", "公厕未按时开放", "公厕冲水设施损坏"]),
        "户外招牌": (6, ["破损", "违规设置"], ["店招破损有坠落隐患", "违规设置的广告牌遮挡窗户"]),
    }),
    "绿化林业": (22, {
        "树木倒伏": (14, ["行道树", "小区树木", "公园树木"], ["大树倒伏压到车辆", "树木倾斜有倒伏危险"]),
        "树枝折断": (10, ["行道树", "小区树木"], ["树枝折断悬挂在半空", "断枝掉落砸到路人"]),
        "行道树修剪": (14, ["遮挡信号灯", "影响采光", "碰触电线"], ["树枝遮挡红绿灯", "树木太高影响楼内采光", "树枝碰到电线"]),
        "绿地养护": (12, ["杂草丛生", "缺株断档", "浇水不及时"], ["绿地杂草丛生无人管理", "绿化带大片枯死"]),
        "病虫害": (8, ["美国白蛾", "蚜虫", "天牛"], ["树上有大量虫子掉落", "树叶被虫吃光"]),
        "毁绿占绿": (6, ["私自砍伐", "占绿停车", "毁绿种菜"], ["有人私自砍伐小区树木", "绿地被占用停车", "绿化带被毁种菜"]),
    }),
    "建设管理": (14, {
        "工地噪声": (16, ["夜间施工", "机械噪声"], ["工地夜间施工噪声扰民", "打桩机声音太大"]),
        "工地扬尘": (10, ["未覆盖", "未洒水"], ["工地扬尘严重未覆盖", "拆除作业扬尘大"]),
        "道路开挖": (8, ["未恢复", "无围挡"], ["道路开挖后迟迟未恢复", "开挖现场没有围挡"]),
    }),
    "房屋管理": (14, {
        "房屋漏水": (14, ["屋顶", "外墙", "管道"], ["楼上漏水导致天花板发霉", "外墙渗水"]),
        "物业服务": (14, ["收费", "保洁", "安保"], ["物业不作为", "物业乱收费"]),
        "电梯故障": (8, ["停运", "困人"], ["电梯经常停运", "电梯困人"]),
        "违章搭建": (8, ["屋顶", "阳台"], ["楼顶违章搭建", "底楼违规扩建"]),
    }),
    "燃气供应": (6, {"燃气泄漏": (6, ["管道", "表具"], ["闻到燃气味道"]), "燃气费用": (6, ["抄表", "收费"], ["燃气费明显偏高"])}),
    "供排水": (8, {"停水": (8, ["计划停水", "爆管"], ["小区突然停水"]), "水质": (6, ["浑浊", "异味"], ["自来水发黄有异味"]),
                 "下水道堵塞": (10, ["污水外溢", "雨水井"], ["下水道堵塞污水外溢", "雨水井堵塞路面积水"])}),
    "交通道路": (6, {"路面破损": (10, ["坑洼", "井盖"], ["路面坑洼影响通行", "井盖松动发出声响"]),
                   "道路照明": (6, ["路灯不亮"], ["路灯不亮晚上很黑"])}),
}
TREE = {"树木倒伏", "树枝折断"}
PLACES = ["路", "街", "弄", "小区门口", "公交站旁", "菜场附近", "学校门口", "地铁站出口", "公园东门", "商场后面"]
ROADS = ["中山", "人民", "建国", "长宁", "淮海", "延安", "南京", "复兴", "四平", "江湾", "浦东", "龙华", "虹桥", "漕溪",
         "肇嘉浜", "武宁", "曹杨", "共和新", "张杨", "世纪", "沪太", "曹安", "松汇", "城中", "公园", "环城"]
REQUESTS = ["请尽快处理。", "希望相关部门尽快派人查看。", "已经反映多次，请给个说法。", "请督促整改。", "影响居民生活，请处理。"]
SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈任姚卢")
GIVEN = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国文辉志红玉兰海燕俊峰晓云凤琴霞鹏")
SATISFACTION = np.array(["满意", "基本满意", "不满意"])


def _estimate(scale: str) -> int:
    n = SIZES[scale]
    return int(n * 6.2)  # tickets, ~5 events each, rollups


def _days(rng: np.random.Generator) -> tuple[pd.DatetimeIndex, np.ndarray]:
    start = (pd.Timestamp(END) - pd.DateOffset(months=MONTHS) + pd.Timedelta(days=1)).normalize()
    days = pd.date_range(start, pd.Timestamp(END), freq="D")
    season = np.select([days.month.isin([6, 7, 8, 9]), days.month == 2, days.month.isin([12, 1])], [1.35, 0.8, 0.9], 1.0)
    weekday = np.where(days.day_of_week >= 5, 0.78, 1.0)
    weights = season * weekday * rng.uniform(0.9, 1.1, len(days))
    return days, weights / weights.sum()


def _typhoons(rng: np.random.Generator, days: pd.DatetimeIndex) -> list[pd.Timestamp]:
    out = []
    for year in sorted(set(days.year)):
        candidates = days[(days.year == year) & days.month.isin([7, 8, 9])]
        if len(candidates) == 0:
            continue
        for first in rng.choice(candidates, size=min(len(candidates), int(rng.integers(2, 4))), replace=False):
            out += [pd.Timestamp(first) + pd.Timedelta(days=k) for k in range(int(rng.integers(2, 4)))]
    return sorted(set(out))


@plugin("hotline12319", order=10, tables=[Ticket.__table__, TicketEvent.__table__, RollupLine.__table__,
                                          RollupCategory.__table__, RollupStreet.__table__],
        datasets=["hotline12319"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Tickets, their events, then the rollups, all from the seed."""
    rng = ctx.rng("tickets")
    streets = pd.DataFrame(ctx.conn.execute(select(Street.code, Street.district_code, Street.name, Street.lon,
                                                   Street.lat)).fetchall(), columns=["code", "district", "name", "lon", "lat"])
    names = dict(ctx.conn.execute(select(District.code, District.name)).fetchall())
    frame = _tickets(rng, SIZES[ctx.scale], streets, names)
    ctx.insert(Ticket.__table__, _ticket_rows(frame))
    ctx.insert(TicketEvent.__table__, _events(frame, rng))
    refresh_rollups(ctx.conn)
    for table in (RollupLine, RollupCategory, RollupStreet):
        n = ctx.conn.execute(select(table.__table__.c.month).select_from(table.__table__)).fetchall()
        ctx.counts[table.__tablename__] = len(n)


def _tickets(rng: np.random.Generator, n: int, streets: pd.DataFrame, district_names: dict) -> pd.DataFrame:
    days, p = _days(rng)
    # categories flattened with their weights
    cats = [(line, cat, lw * cw, subs, phrases) for line, (lw, cs) in LINES.items() for cat, (cw, subs, phrases) in cs.items()]
    cw = np.array([c[2] for c in cats], dtype=float)
    cw /= cw.sum()
    day_idx = rng.choice(len(days), size=n, p=p)
    cat_idx = rng.choice(len(cats), size=n, p=cw)
    # typhoon days: extra tree tickets (×8–15 of their usual daily volume)
    tree_idx = [i for i, c in enumerate(cats) if c[1] in TREE]
    extra_days, extra_cats = [], []
    per_day_tree = n * cw[tree_idx].sum() / len(days)
    for day in _typhoons(rng, days):
        k = int(per_day_tree * rng.uniform(8, 15))
        extra_days += [days.get_loc(day)] * k
        extra_cats += list(rng.choice(tree_idx, size=k))
    day_idx = np.concatenate([day_idx, np.array(extra_days, dtype=int)])
    cat_idx = np.concatenate([cat_idx, np.array(extra_cats, dtype=int)])
    n = len(day_idx)
    hours = rng.choice(24, size=n, p=_hour_weights())
    received = days[day_idx] + pd.to_timedelta(hours, unit="h") + pd.to_timedelta(rng.integers(0, 3600, n), unit="s")
    order = np.argsort(received.values, kind="stable")
    received, cat_idx = received[order], cat_idx[order]
    # district by population, street uniform within the district
    dcodes = np.array(list(POPULATION))
    dw = np.array([POPULATION[c] for c in dcodes], dtype=float)
    district = dcodes[rng.choice(len(dcodes), size=n, p=dw / dw.sum())]
    by_district = {d: g.reset_index(drop=True) for d, g in streets.groupby("district")}
    street_pick = np.empty(n, dtype=object)
    lon, lat = np.full(n, np.nan), np.full(n, np.nan)
    for d in dcodes:
        mask = district == d
        g = by_district[d]
        pick = rng.integers(0, len(g), mask.sum())
        street_pick[mask] = g.code.values[pick]
        lon[mask] = g.lon.values[pick] + rng.normal(0, 0.006, mask.sum())
        lat[mask] = g.lat.values[pick] + rng.normal(0, 0.005, mask.sum())
    missing = rng.random(n) < 0.03
    lon[missing], lat[missing] = np.nan, np.nan
    df = pd.DataFrame({"received_at": received.to_pydatetime(), "district_code": district, "street_code": street_pick,
                       "lon": np.round(lon, 6), "lat": np.round(lat, 6)})
    df["business_line"] = [cats[i][0] for i in cat_idx]
    df["category"] = [cats[i][1] for i in cat_idx]
    df["subcategory"] = [cats[i][3][j % len(cats[i][3])] for i, j in zip(cat_idx, rng.integers(0, 10, n))]
    df["content"] = _texts(rng, cat_idx, cats, df, district_names)
    df["address"] = [f"{district_names[d]}{ROADS[a]}{PLACES[b]}{c}号" for d, a, b, c in
                     zip(df.district_code, rng.integers(0, len(ROADS), n), rng.integers(0, 2, n), rng.integers(1, 999, n))]
    df["channel"] = rng.choice(["电话", "网站", "微信", "APP", "12345转办"], size=n, p=[0.6, 0.08, 0.14, 0.08, 0.1])
    df["urgency"] = rng.choice(["一般", "紧急", "特急"], size=n, p=[0.85, 0.12, 0.03])
    df.loc[df.category.isin(TREE) & (rng.random(n) < 0.5), "urgency"] = "紧急"
    df["supervised"] = rng.random(n) < 0.03
    _numbers(df)
    _deadlines_and_progress(df, rng)
    _evaluations(df, rng)
    _callers(df, rng)
    _repeats_and_hot(df, rng)
    return df


def _hour_weights() -> np.ndarray:
    w = np.array([1, 0.6, 0.4, 0.3, 0.3, 0.6, 1.5, 3, 6, 8, 8, 7, 5, 6, 7, 7, 6, 5, 4, 3.5, 3, 2.5, 2, 1.4])
    return w / w.sum()


def _texts(rng, cat_idx, cats, df, district_names) -> list[str]:
    road = rng.integers(0, len(ROADS), len(cat_idx))
    place = rng.integers(0, len(PLACES), len(cat_idx))
    phrase = rng.integers(0, 10, len(cat_idx))
    req = rng.integers(0, len(REQUESTS), len(cat_idx))
    when = rng.choice(["最近", "这几天", "今天早上", "昨天晚上", "一直以来", "近一个月"], size=len(cat_idx))
    return [f"市民反映：{district_names[d]}{ROADS[r]}{PLACES[pl]}附近{w}{cats[i][4][ph % len(cats[i][4])]}，{REQUESTS[q]}"
            for d, r, pl, w, i, ph, q in zip(df.district_code, road, place, when, cat_idx, phrase, req)]


def _numbers(df: pd.DataFrame) -> None:
    day = pd.to_datetime(df.received_at).dt.strftime("%Y%m%d")
    seq = df.groupby(day).cumcount() + 1
    df["ticket_no"] = "12319" + day + seq.map("{:05d}".format)


_DEADLINE_DAYS = {"一般": 15, "紧急": 5, "特急": 1}


def _deadlines_and_progress(df: pd.DataFrame, rng) -> None:
    cache: dict = {}

    def deadline(moment: dt.datetime, urgency: str) -> dt.datetime:
        key = (moment.date(), urgency)
        if key not in cache:
            cache[key] = add_working_days(dt.datetime.combine(moment.date(), dt.time()), _DEADLINE_DAYS[urgency])
        return cache[key] + (moment - dt.datetime.combine(moment.date(), dt.time()))

    df["deadline_at"] = [deadline(m, u) for m, u in zip(df.received_at, df.urgency)]
    n = len(df)
    received = pd.to_datetime(df.received_at)
    deadline_ts = pd.to_datetime(df.deadline_at)
    quality = df.district_code.map(QUALITY).to_numpy()
    dispatched = received + pd.to_timedelta(rng.uniform(0.2, 6, n), unit="h")
    span = (deadline_ts - received).dt.total_seconds().to_numpy()
    late = rng.random(n) < np.clip(0.08 / quality ** 2, 0.02, 0.2)
    frac = rng.beta(2.2, 2.5, n)
    closed = received + pd.to_timedelta(np.where(late, span + rng.exponential(3 * 86400, n), span * frac), unit="s")
    replied = dispatched + (closed - dispatched) * rng.uniform(0.5, 0.95, n)
    end = pd.Timestamp(END) + pd.Timedelta(days=1)
    still_open = closed > end
    recent = (end - received).dt.days < 14
    still_open |= recent & (rng.random(n) < 0.35)
    df["dispatched_at"] = dispatched.dt.to_pydatetime()
    df["replied_at"] = pd.Series(replied.dt.to_pydatetime(), dtype=object).where(~still_open | (replied < end), None)
    df["closed_at"] = pd.Series(closed.dt.to_pydatetime(), dtype=object).where(~still_open, None)
    df["status"] = np.where(~still_open, "已办结", np.where(df.replied_at.notna(), "已回复",
                                                        np.where(rng.random(n) < 0.5, "处理中", "已派单")))
    units = {d: [f"{name}绿化市容局", f"{name}建设管理委", f"{name}房屋管理局", f"{name}城运中心"]
             for d, name in zip(QUALITY, QUALITY)}
    line_unit = {"市容环卫": 0, "绿化林业": 0, "建设管理": 1, "房屋管理": 2}
    df["handling_unit"] = [_unit(d, line, line_unit) for d, line in zip(df.district_code, df.business_line)]
    df["late"] = late & ~still_open
    del units


def _unit(district: str, line: str, line_unit: dict) -> str:
    from_district = {"310101": "黄浦区", "310104": "徐汇区", "310105": "长宁区", "310106": "静安区", "310107": "普陀区",
                     "310109": "虹口区", "310110": "杨浦区", "310112": "闵行区", "310113": "宝山区", "310114": "嘉定区",
                     "310115": "浦东新区", "310116": "金山区", "310117": "松江区", "310118": "青浦区", "310120": "奉贤区",
                     "310151": "崇明区"}[district]
    if line in ("燃气供应",):
        return "上海燃气有限公司"
    if line in ("供排水",):
        return "上海城投水务（集团）有限公司"
    if line == "交通道路":
        return f"{from_district}建设管理委"
    return f"{from_district}{['绿化市容局', '建设管理委', '房屋管理局'][line_unit.get(line, 0)]}"


def _evaluations(df: pd.DataFrame, rng) -> None:
    n = len(df)
    closed = df.closed_at.notna().to_numpy()
    evaluated = closed & (rng.random(n) < 0.7)
    quality = df.district_code.map(QUALITY).to_numpy()
    late = df.late.to_numpy()
    p_bad = np.clip(0.08 / quality ** 3 + late * 0.25, 0.01, 0.6)
    p_basic = np.full(n, 0.12)
    u = rng.random(n)
    sat = np.where(u < p_bad, 2, np.where(u < p_bad + p_basic, 1, 0))
    df["eval_satisfaction"] = pd.Series(SATISFACTION[sat], dtype=object).where(evaluated, None)
    df["eval_responded"] = pd.Series(rng.random(n) < 0.95, dtype=object).where(evaluated, None)
    df["eval_resolved"] = pd.Series(rng.random(n) < np.where(late, 0.6, 0.87), dtype=object).where(evaluated, None)


def _callers(df: pd.DataFrame, rng) -> None:
    n = len(df)
    pool = max(50, int(n * 0.8))
    prefixes = np.array(["130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "155", "158", "159",
                         "177", "180", "186", "188", "189", "199"])
    phone_pool = np.char.add(prefixes[rng.integers(0, len(prefixes), pool)],
                             np.char.zfill(rng.integers(0, 10 ** 8, pool).astype(str), 8))
    # about one caller in ten calls again: a heavy tail of repeat callers
    who = np.where(rng.random(n) < 0.1, rng.zipf(1.6, n) % pool, rng.integers(0, pool, n))
    df["caller_phone"] = phone_pool[who]
    surname = np.array(SURNAMES)[(who * 7919) % len(SURNAMES)]
    given = np.array(GIVEN)[(who * 104729) % len(GIVEN)]
    second = np.where(who % 3 == 0, np.array(GIVEN)[(who * 31) % len(GIVEN)], "")
    df["caller_name"] = np.char.add(np.char.add(surname, given), second)
    anonymous = rng.random(n) < 0.05
    df.loc[anonymous, "caller_name"] = None


def _repeats_and_hot(df: pd.DataFrame, rng) -> None:
    n = len(df)
    previous = df.groupby(["street_code", "category"]).ticket_no.shift(1)
    repeat = (rng.random(n) < 0.12) & previous.notna()
    df["repeat_of"] = previous.where(repeat, None)
    targets = set(df.repeat_of.dropna())
    is_target = df.ticket_no.isin(targets).to_numpy()
    df["hot"] = (is_target & (rng.random(n) < 0.3)) | (rng.random(n) < 0.005)


def _ticket_rows(df: pd.DataFrame):
    name_type = EncryptedString("hotline12319.caller_name")
    phone_type = EncryptedString("hotline12319.caller_phone")
    cols = ["ticket_no", "received_at", "channel", "caller_name", "caller_phone", "address", "district_code",
            "street_code", "lon", "lat", "business_line", "category", "subcategory", "content", "urgency",
            "supervised", "hot", "deadline_at", "handling_unit", "status", "dispatched_at", "replied_at",
            "closed_at", "eval_responded", "eval_resolved", "eval_satisfaction", "repeat_of"]
    for rec in df[cols].itertuples(index=False, name=None):
        row = {k: (None if isinstance(v, float) and v != v else v) for k, v in zip(cols, rec)}
        for key in ("caller_name", "caller_phone"):
            row[key] = None if row[key] is None else str(row[key])
        for key in ("eval_responded", "eval_resolved"):
            row[key] = None if row[key] is None else bool(row[key])
        row["supervised"], row["hot"] = bool(row["supervised"]), bool(row["hot"])
        row["row_hash"] = ticket_row_hash(row)
        row["received_month"] = month_of(row["received_at"])
        row["caller_phone_index"] = blind_index(row["caller_phone"], context="hotline12319.caller_phone")
        row["caller_name"] = name_type.process_bind_param(row["caller_name"], None)
        row["caller_phone"] = phone_type.process_bind_param(row["caller_phone"], None)
        row["batch_id"] = None
        yield row


def _events(df: pd.DataFrame, rng):
    minutes = rng.integers(5, 90, len(df))
    for rec, m in zip(df[["ticket_no", "received_at", "dispatched_at", "replied_at", "closed_at", "supervised",
                          "handling_unit", "late"]].itertuples(index=False), minutes):
        yield {"ticket_no": rec.ticket_no, "at": rec.received_at, "action": "受理", "actor": "12319 热线", "note": None}
        yield {"ticket_no": rec.ticket_no, "at": rec.dispatched_at, "action": "派单", "actor": "12319 热线",
               "note": f"派至{rec.handling_unit}"}
        yield {"ticket_no": rec.ticket_no, "at": rec.dispatched_at + dt.timedelta(minutes=int(m)), "action": "签收",
               "actor": rec.handling_unit, "note": None}
        if rec.supervised:
            yield {"ticket_no": rec.ticket_no, "at": rec.dispatched_at + dt.timedelta(days=1), "action": "督办",
                   "actor": "市绿化市容局", "note": "请加快办理并按时反馈"}
        if rec.replied_at is not None:
            yield {"ticket_no": rec.ticket_no, "at": rec.replied_at, "action": "回复", "actor": rec.handling_unit,
                   "note": "已联系市民并现场处置"}
        if rec.closed_at is not None:
            yield {"ticket_no": rec.ticket_no, "at": rec.closed_at, "action": "办结", "actor": rec.handling_unit,
                   "note": "超期办结" if rec.late else None}
