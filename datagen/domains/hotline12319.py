"""12319 hotline tickets: 36 months of synthetic tickets, their status events and the board's rollups.

demo ≈ 30,000 tickets, city ≈ 520,000. Everything follows from the build seed (and the installed holiday
calendar, which fixes the window). What is modelled:

* **Window** – the 36 months ending at the last month whose tickets' deadlines (up to 15 working days) the
  holiday calendar can compute (``data_window``): with holidays known through 2026 that is November 2026.
* **Volume** – districts by resident population (7th census) times a complaint propensity (central
  districts higher, Chongming lowest); streets within a district by kind (街道 > 镇 > 乡/园区) and a random
  size factor; days by month (summer peak), weekday, statutory holidays (Spring Festival dip) and a slow
  growth; hours by channel (daytime peak; night categories such as 夜排档 and 夜间施工 peak at night).
* **Typhoons** – 2–3 typhoons a year in July–September, each 2–3 days, multiply the tree categories
  (树木倒伏, 树枝折断) ×8–15 and raise waterlogging, blocked drains and loose signboards.
* **Categories** – seven business lines, 35 categories with 97 subcategories, each with its own seasonal
  profile, problem phrases, impacts and handling units; complaint texts are composed from templates
  (opener, place, time, problem, impact, history, request), 30–150 characters.
* **Handling** – deadlines of 15/5/1 working days for 一般/紧急/特急 (``add_working_days``); dispatch within
  hours (next morning for ordinary tickets received at night), sign-off, reply, closure within the deadline
  for ~92 % (district and street service levels differ), some returns and re-dispatches (退单, ~2 %),
  supervision (督办, ~3 %), a few long-stuck tickets, open tickets near the end of the window.
* **Evaluation** – ~70 % of closed tickets: responded ~95 %, resolved ~85 %, 满意/基本满意/不满意 ≈ 80/12/8 %,
  worse when late or unresolved, and per district and street.
* **Callers** – Chinese names and mobile numbers; frequent callers (mostly about their home street) and
  repeat tickets (~5 %, ``repeat_of`` = the first ticket of the same street and category, often the same
  caller); hot tickets (~2 %) are mostly those with several repeats.

Caller names and phones are encrypted here: bulk COPY bypasses the column type, so the rows go through a
plain-text view of the table (``_raw_table``) on every database, with the blind index and the row hash
computed on the clear values as the importer does.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Text, column, func, select, table

from analytics.workdays import CalendarUnknown, add_working_days, holiday_name, is_working_day, last_known_date
from datagen.core import BuildContext, plugin
from datagen.roads import DISTRICT_ROADS, GENERIC_ROADS
from db.hotline12319 import (RollupCategory, RollupLine, RollupStreet, Ticket, TicketEvent, ticket_row_hash)
from db.reference import District, Street
from security.columns import EncryptedString, blind_index

SIZES = {"demo": 30_000, "city": 520_000}
MONTHS = 36
URGENCY = ["一般", "紧急", "特急"]
DEADLINE_DAYS = {"一般": 15, "紧急": 5, "特急": 1}
CHANNELS = ["电话", "微信", "APP", "网站", "12345转办"]
STATUS = ["已受理", "已派单", "处理中", "已回复", "已办结"]
SATISFACTION = ["满意", "基本满意", "不满意"]
HOTLINE = "12319热线"
SUPERVISOR = "12319热线督办组"
CHUNK = 50_000

# Resident population (10,000 people, 7th census 2020) and complaint propensity per district.
POPULATION = {"310101": 66.2, "310104": 111.3, "310105": 69.3, "310106": 97.6, "310107": 124.0, "310109": 75.8,
              "310110": 124.2, "310112": 265.4, "310113": 223.5, "310114": 183.4, "310115": 568.2, "310116": 82.3,
              "310117": 191.0, "310118": 127.1, "310120": 114.1, "310151": 63.8}
CENTRAL = {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
PROPENSITY = {**{c: 1.25 for c in CENTRAL}, "310151": 0.7}  # others 1.0 (outer suburbs 0.9, below)
OUTER = {"310116", "310118", "310120"}
# Service level per district (positive = better): lateness, responsiveness and satisfaction follow it, so
# the boards' "ten worst" rankings have something to find. Streets add their own random deviation.
SERVICE = {"310101": 0.6, "310104": 0.8, "310105": 0.7, "310106": 0.5, "310107": -0.1, "310109": 0.2,
           "310110": 0.0, "310112": -0.3, "310113": -0.6, "310114": 0.1, "310115": -0.2, "310116": 0.3,
           "310117": -0.4, "310118": -0.2, "310120": -0.7, "310151": 0.4}
STREET_KIND_WEIGHT = {"街道": 1.6, "镇": 1.0, "乡": 0.35}  # others (开发区, 农场, 园区): 0.25

# Seasonal profiles (January … December) of categories; the overall volume has its own month factor.
MONTH_VOLUME = [0.88, 0.82, 0.94, 0.98, 1.04, 1.16, 1.28, 1.28, 1.14, 1.0, 0.95, 0.9]
PROFILES = {
    "flat": [1.0] * 12,
    "summer": [0.7, 0.7, 0.8, 0.9, 1.05, 1.3, 1.45, 1.45, 1.2, 0.95, 0.8, 0.7],
    "winter": [1.5, 1.4, 1.1, 0.9, 0.8, 0.7, 0.7, 0.7, 0.8, 0.9, 1.1, 1.4],
    "spring": [0.7, 0.8, 1.2, 1.5, 1.5, 1.2, 1.0, 0.9, 0.9, 0.9, 0.8, 0.7],
    "rain": [0.6, 0.6, 0.8, 0.9, 1.1, 1.6, 1.6, 1.3, 1.2, 0.8, 0.7, 0.6],
    "leaves": [1.0, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 1.0, 1.1, 1.3, 1.4],
    "dust": [1.1, 1.1, 1.3, 1.2, 1.0, 0.8, 0.8, 0.8, 0.9, 1.1, 1.2, 1.1],
}
WEEKDAY_VOLUME = [1.12, 1.05, 1.02, 1.0, 0.97, 0.78, 0.74]
# Hour-of-day profiles: phone calls peak in office hours; online channels spread into the evening;
# 12345 transfers arrive in office hours; night categories (夜排档, 夜间施工) peak late at night.
HOURS = {
    "phone": [0.5, 0.3, 0.2, 0.15, 0.15, 0.3, 0.8, 2.0, 4.5, 6.5, 6.8, 5.8, 4.0, 5.0, 5.8, 5.8, 5.2, 4.2, 3.2,
              3.0, 2.8, 2.3, 1.6, 0.9],
    "online": [1.2, 0.7, 0.4, 0.3, 0.3, 0.4, 0.8, 1.6, 3.0, 4.0, 4.2, 4.0, 3.6, 3.8, 4.0, 4.0, 3.8, 3.6, 3.6,
               4.2, 4.6, 4.4, 3.4, 2.0],
    "transfer": [0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.3, 1.0, 5.0, 7.0, 7.0, 6.0, 3.0, 6.0, 6.5, 6.5, 5.5, 3.0,
                 0.8, 0.4, 0.3, 0.2, 0.2, 0.1],
    "night": [3.5, 2.5, 1.5, 0.8, 0.4, 0.3, 0.4, 0.8, 1.2, 1.2, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 1.2, 1.8,
              2.6, 3.5, 4.5, 5.0, 4.5],
}


@dataclass
class Category:
    """One problem category (问题大类) of a business line, with its vocabulary and handling units."""

    line: str
    name: str
    weight: float
    season: str
    subs: dict[str, list[str]]  # subcategory -> problem phrases
    impacts: list[str]
    units: list[tuple[str, float]]  # (unit rule, weight)
    urgency: tuple[float, float] | None = None  # (P 紧急, P 特急); None = the calibrated default
    typhoon: float = 1.0  # volume multiplier on typhoon days (tree categories: drawn ×8–15)
    tree: bool = False
    night_subs: tuple[str, ...] = ()
    requests: tuple[str, ...] = ()
    acute: bool = False  # a sudden event ("刚才…"), not a lasting condition ("最近…")
    places: tuple[float, ...] | None = None  # P(door number, estate, junction, landmark, park); None = by line


def _c(line, name, weight, season, subs, impacts, units, **kw) -> Category:
    return Category(line, name, weight, season, subs, impacts, units, **kw)


# Line weights (share of tickets, %) and the categories of each line.
LINE_WEIGHTS = {"市容环卫": 30, "绿化林业": 22, "建设管理": 13, "房屋管理": 14, "燃气供应": 6, "供排水": 8, "交通道路": 7}
_CATEGORIES = [
    # 市容环卫
    _c("市容环卫", "垃圾清运不及时", 18, "summer", {
        "生活垃圾": ["垃圾箱房里的垃圾堆了两三天没人清运", "垃圾桶早就满了，垃圾散落一地", "垃圾收运车好几天没来了"],
        "湿垃圾": ["湿垃圾桶满溢，污水流到了路面上", "湿垃圾没有及时清运，天一热就发臭"],
        "大件垃圾": ["旧沙发、床垫等大件垃圾堆在楼下一直没人收", "大件垃圾堆放点已经堆满，占了半条通道"],
        "装修垃圾": ["装修垃圾堆在楼道口一个多星期了", "装修垃圾袋破了，碎砖块散了一地"],
    }, ["气味很大，苍蝇蚊子很多", "居民进出很不方便", "夏天熏得窗户都不敢开"], [("lr", 6), ("street", 4)]),
    _c("市容环卫", "道路保洁", 14, "leaves", {
        "人行道": ["人行道上烟头纸屑很多，看起来很久没人扫了", "人行道上有大片油污，走路很滑"],
        "车行道": ["车行道边上积了很多泥沙和落叶", "路面上有车辆掉落的油漆和杂物没人清扫"],
        "背街小巷": ["背街小巷长期没人保洁，角落里堆满垃圾", "弄堂里的垃圾没人扫，下雨后到处是污水"],
    }, ["影响市容环境", "路过的人都捂着鼻子走", "老人走路容易滑倒"], [("lr", 5), ("street", 5)]),
    _c("市容环卫", "垃圾分类", 8, "flat", {
        "定时定点": ["垃圾箱房开放时间太短，上班族根本赶不上", "垃圾箱房撤桶太早，晚上回来没地方扔垃圾"],
        "混投混运": ["小区垃圾分类形同虚设，干湿垃圾混在一起", "看到收运车把分好类的垃圾倒在一起运走"],
        "箱房设置": ["垃圾箱房就设在居民窗户底下", "垃圾箱房破损，门一直关不上"],
    }, ["居民意见很大", "打击了大家分类的积极性"], [("street", 7), ("lr", 3)], places=(0.1, 0.9, 0, 0, 0)),
    _c("市容环卫", "乱设摊", 12, "summer", {
        "早点摊": ["早上有好几个早点摊占着人行道经营", "早点摊的油烟直冲居民楼"],
        "夜排档": ["夜排档一直营业到凌晨，划拳喧哗声不断", "烧烤摊晚上油烟很重，垃圾随地乱扔"],
        "流动摊贩": ["流动摊贩在路口卖水果，堵住了非机动车道", "有人推着三轮车在地铁口卖东西，占用了盲道"],
        "跨门营业": ["沿街商铺把货架摆到了门外人行道上", "饭店在店门口摆桌子做生意"],
    }, ["行人只能走到机动车道上", "晚上吵得根本睡不着", "存在交通安全隐患"], [("enforce", 6), ("street", 4)],
        night_subs=("夜排档",), places=(0.4, 0, 0.3, 0.3, 0)),
    _c("市容环卫", "渣土撒漏", 7, "flat", {
        "渣土车": ["渣土车一路撒漏，路面上全是泥块", "夜里渣土车经过，沿途掉落碎石"],
        "工地出入口": ["工地门口车辆带泥上路，下雨天一片泥泞", "工地出口没有冲洗设施，轮胎把泥带得到处都是"],
    }, ["晴天尘土飞扬，雨天一地泥浆", "电动车经过容易打滑"], [("enforce", 6), ("lr", 4)], places=(0.5, 0, 0.5, 0, 0)),
    _c("市容环卫", "公厕管理", 6, "summer", {
        "保洁不到位": ["公厕卫生很差，地上都是污水", "公厕异味很重，好像很久没打扫了"],
        "开放时间": ["公厕没有按公示的时间开放", "公厕晚上八点就锁门了"],
        "设施损坏": ["公厕洗手池坏了好久没人修", "公厕冲水设施坏了，隔间门锁也坏了"],
    }, ["附近游客和居民都很不方便", "气味影响周边商户"], [("lr", 7), ("street", 3)], places=(0.5, 0, 0.2, 0.2, 0.1)),
    _c("市容环卫", "户外招牌", 6, "flat", {
        "破损松动": ["店招破损松动，随时可能掉下来", "广告牌的边框已经锈烂了"],
        "违规设置": ["新装的广告牌挡住了居民的窗户", "屋顶上违规设置了大型广告牌"],
        "灯光扰民": ["广告灯箱晚上太亮，照得家里像白天一样", "沿街的LED屏整夜闪烁"],
    }, ["存在坠落隐患", "影响居民休息"], [("enforce", 4), ("lr", 6)], typhoon=3.0),
    # 绿化林业
    _c("绿化林业", "树木倒伏", 7, "summer", {
        "行道树": ["一棵行道树倒伏，横在了路上", "行道树被连根拔起，压在路边停放的车辆上"],
        "小区树木": ["小区里一棵大树倒了，压住了自行车棚", "小区大树严重倾斜，靠在了居民楼外墙上"],
        "公园绿地": ["绿地里有棵大树倒在了步道上", "公园里的大树倒伏，把围栏压坏了"],
    }, ["车辆和行人无法通行", "随时可能砸到人", "老人小孩经过很危险"], [("lr", 7), ("street", 3)],
        urgency=(0.45, 0.25), tree=True, acute=True),
    _c("绿化林业", "树枝折断", 6, "summer", {
        "行道树": ["行道树的一根大树枝折断，挂在半空中", "断下来的树枝掉在人行道上没人清理"],
        "小区树木": ["小区里的树枝断了，搭在电线上", "断枝砸坏了楼下的雨棚"],
    }, ["下面人来人往很危险", "担心砸到路人"], [("lr", 6), ("street", 4)], urgency=(0.4, 0.1), tree=True, acute=True),
    _c("绿化林业", "树枝遮挡", 9, "spring", {
        "遮挡信号灯": ["行道树枝叶太茂密，挡住了红绿灯", "树枝把路口的交通标志遮住了"],
        "遮挡路灯": ["树枝把路灯完全挡住了，晚上路上很暗", "路灯被茂密的树冠包住，照不到路面"],
        "影响采光": ["树枝伸到居民家窗口，房间白天也要开灯", "树长得比楼还高，低楼层终年晒不到太阳"],
        "碰触电线": ["树枝碰到了电线，刮风时有火花", "树枝缠住了架空线"],
    }, ["存在安全隐患", "影响居民正常生活"], [("lr", 6), ("street", 4)]),
    _c("绿化林业", "行道树修剪", 8, "spring", {
        "修剪不及时": ["行道树好几年没修剪了，树冠压得很低", "树枝垂下来，快碰到公交车顶了"],
        "修剪过度": ["行道树被剪成了光杆，一片叶子都没有", "修剪得太狠，好好的树像被砍了头"],
        "悬铃木飞絮": ["悬铃木飞絮很严重，满天都是毛絮", "飞絮飘进家里，孩子过敏一直咳嗽"],
        "枝叶清运": ["修剪下来的树枝堆在路边好几天没人运走", "修剪后的枝叶占了半条人行道"],
    }, ["周边居民意见很大", "影响行人出行"], [("lr", 8), ("street", 2)]),
    _c("绿化林业", "绿地养护", 10, "summer", {
        "杂草丛生": ["街心绿地里杂草长到了半人高", "绿化带里杂草丛生，蚊虫很多"],
        "缺株断档": ["绿化带里的灌木成片枯死，一直没有补种", "绿化带缺了好大一块，露出了黄土"],
        "浇水不及时": ["绿地里的草坪都晒枯了也没人浇水", "新种的树苗没人浇水，叶子全黄了"],
        "垃圾杂物": ["绿化带里扔满了塑料袋和饮料瓶", "绿地里堆着建筑垃圾没人清理"],
    }, ["影响环境面貌", "晚上蚊子特别多"], [("lr", 5), ("street", 5)], places=(0.35, 0.25, 0.2, 0.0, 0.2)),
    _c("绿化林业", "病虫害", 5, "summer", {
        "美国白蛾": ["树上结了很多白色的网幕，叶子都被吃光了", "树上爬满了毛毛虫，掉得满地都是"],
        "刺蛾": ["树上有刺毛虫掉下来，孩子被蜇得又红又肿", "小区的树上刺毛虫很多"],
        "蚜虫": ["树上蚜虫很多，树下停的车上全是黏液", "蚜虫多得飞进了家里"],
        "天牛": ["树干上有很多虫洞，往外流木屑", "好几棵树被天牛蛀空了"],
    }, ["担心虫害蔓延到别的树", "孩子都不敢在树下玩"], [("lr", 6), ("forestry", 4)]),
    _c("绿化林业", "毁绿占绿", 5, "flat", {
        "私自砍伐": ["有人私自砍伐小区里的大树", "有人把绿地里的树挖走了"],
        "占绿停车": ["绿地被车辆占用停车，草皮全被压坏了", "有人把绿化带铲平当停车位"],
        "毁绿种菜": ["底楼住户把公共绿地改成了菜地", "绿地里被人种上了蔬菜，还浇粪水"],
    }, ["破坏了公共绿化", "希望恢复原状"], [("enforce", 5), ("lr", 5)]),
    _c("绿化林业", "公园管理", 4, "spring", {
        "设施损坏": ["公园里的健身器材坏了很久", "公园步道的地砖翘起来了"],
        "游园秩序": ["公园里广场舞音响声音太大", "有人在公园草坪上遛狗不拴绳"],
        "开放服务": ["公园说好延长开放时间却没有兑现", "公园里的厕所晚上不开放"],
    }, ["影响游客游园", "周边居民不堪其扰"], [("lr", 10)], places=(0, 0, 0, 0, 1)),
    # 建设管理
    _c("建设管理", "工地噪声", 14, "flat", {
        "夜间施工": ["工地晚上十点以后还在施工", "工地通宵浇筑混凝土，机器轰鸣"],
        "机械噪声": ["打桩机声音太大，整栋楼都在震", "工地切割钢筋的声音非常刺耳"],
    }, ["居民晚上睡不着觉", "家里老人孩子休息不好"], [("construction", 5), ("enforce", 5)],
        night_subs=("夜间施工",)),
    _c("建设管理", "工地扬尘", 9, "dust", {
        "裸土未覆盖": ["工地土方没有覆盖，一刮风灰尘漫天", "工地裸土堆了很久也没盖防尘网"],
        "未洒水降尘": ["拆除作业没有洒水降尘，灰尘很大", "工地围挡外的喷淋一直没开"],
    }, ["窗台上每天一层灰", "衣服都不敢晒在外面"], [("construction", 6), ("enforce", 4)]),
    _c("建设管理", "道路开挖", 7, "flat", {
        "开挖未恢复": ["道路开挖后一直没有恢复", "管线施工挖开的路面只用钢板盖着"],
        "围挡不规范": ["开挖现场围挡不全，晚上也没有警示灯", "施工围挡占用了大半条人行道"],
    }, ["车辆通行非常困难", "晚上经过很危险"], [("construction", 8), ("street", 2)]),
    _c("建设管理", "施工安全", 4, "flat", {
        "脚手架": ["工地脚手架上的安全网破了好几处", "外墙脚手架搭得歪歪扭扭"],
        "高空坠物": ["工地上有东西从高处掉下来，差点砸到人", "塔吊吊着材料从居民楼上空经过"],
    }, ["存在安全隐患", "路过的人提心吊胆"], [("construction", 10)], urgency=(0.3, 0.05), acute=True),
    # 房屋管理
    _c("房屋管理", "房屋漏水", 12, "rain", {
        "屋面渗漏": ["顶楼屋面渗漏，一下雨就漏水", "屋顶防水层老化，天花板一直渗水"],
        "外墙渗水": ["外墙渗水，室内墙面发霉起皮", "下雨时雨水从外墙窗框渗进来"],
        "楼上漏水": ["楼上卫生间漏水，我家天花板一直滴水", "楼上水管漏水，楼上住户一直不配合维修"],
    }, ["家里墙面全发霉了", "严重影响正常生活"], [("housing", 6), ("street", 4)]),
    _c("房屋管理", "物业服务", 14, "flat", {
        "维修不及时": ["报修好几次物业都不来修", "小区门禁坏了很久也没人修"],
        "物业收费": ["物业费涨价没有公示，也没有经过业主大会表决", "物业乱收停车费"],
        "秩序维护": ["小区里车辆乱停，消防通道被堵死了", "小区保安形同虚设，外来人员随意进出"],
        "公共保洁": ["楼道里很久没人打扫，堆满了杂物", "小区公共区域卫生很差"],
    }, ["业主意见很大", "物业一直推诿"], [("housing", 6), ("street", 4)]),
    _c("房屋管理", "电梯故障", 6, "flat", {
        "频繁停运": ["电梯三天两头停运", "电梯坏了一个多星期还没修好"],
        "困人": ["电梯困人，物业半个小时才到", "电梯突然停在两层之间，困了好几个人"],
        "运行异响": ["电梯运行时有很大的异响，还会抖动", "电梯门关不严，运行时咣咣响"],
    }, ["楼里老人上下楼非常困难", "居民坐电梯提心吊胆"], [("housing", 7), ("street", 3)], urgency=(0.3, 0.08),
        places=(0.1, 0.9, 0, 0, 0)),
    _c("房屋管理", "违章搭建", 7, "flat", {
        "屋顶搭建": ["楼顶有人违章搭建了一间房", "顶楼住户在屋面上搭了阳光房"],
        "阳台外扩": ["有住户把阳台往外扩建", "楼下住户在外墙上加装了铁架"],
        "底楼扩建": ["底楼住户私自扩建，占用了公共通道", "底楼住户把院子围起来盖了房子"],
    }, ["存在安全隐患", "影响邻居采光和通行"], [("enforce", 5), ("housing", 3), ("street", 2)], places=(0.2, 0.8, 0, 0, 0)),
    _c("房屋管理", "群租", 4, "flat", {
        "群租扰民": ["隔壁房子被隔成好几间群租，住了十几个人", "楼上群租人员进出频繁，半夜还很吵"],
    }, ["存在消防安全隐患", "邻居们不堪其扰"], [("housing", 4), ("street", 6)]),
    # 燃气供应
    _c("燃气供应", "燃气泄漏", 5, "winter", {
        "室内管道": ["厨房里闻到很浓的燃气味", "燃气管接口处有嘶嘶的漏气声"],
        "表具": ["燃气表附近有异味", "燃气表的接头在漏气"],
        "室外管线": ["楼道外的燃气管锈蚀严重，能闻到燃气味", "路边施工挖破了燃气管"],
    }, ["担心发生危险", "居民都不敢开火"], [("gas", 10)], urgency=(0.25, 0.6), acute=True,
        requests=("请立即派人抢修！", "请马上派人来检查！")),
    _c("燃气供应", "燃气费用", 4, "winter", {
        "抄表": ["这个月燃气费比平时高了一倍多，怀疑抄表有误", "燃气公司几个月没来抄表，突然补收一大笔"],
        "收费": ["燃气费已经缴了，系统里却显示欠费", "燃气表换新后计费明显偏高"],
    }, ["要求核实", "希望给个合理解释"], [("gas", 10)]),
    _c("燃气供应", "燃气报修", 4, "winter", {
        "供气压力": ["燃气压力不足，灶头火很小", "晚饭时间燃气火力特别弱"],
        "热水器点火": ["热水器经常打不着火", "燃气热水器用着用着就熄火"],
        "灶具": ["燃气灶打不着火，熄火保护反复跳", "灶具点火后火焰发黄"],
    }, ["冬天没法洗澡", "影响正常做饭"], [("gas", 10)], urgency=(0.2, 0.02)),
    # 供排水
    _c("供排水", "停水", 7, "flat", {
        "突发停水": ["小区突然停水，事先没有任何通知", "整栋楼停水大半天了"],
        "爆管漏水": ["路边水管爆裂，大量自来水往外冒", "小区里的供水管漏水，地面一直是湿的"],
    }, ["全家用水都成问题", "居民生活受到很大影响"], [("water", 10)], urgency=(0.4, 0.05), acute=True,
        places=(0.4, 0.6, 0, 0, 0)),
    _c("供排水", "水压水质", 5, "summer", {
        "水压低": ["高层水压太低，热水器都打不着", "每天早晚用水高峰水压很小"],
        "水质浑浊": ["自来水发黄，还有沉淀", "自来水有一股异味"],
    }, ["不敢直接饮用", "影响日常生活"], [("water", 10)], places=(0.3, 0.7, 0, 0, 0)),
    _c("供排水", "下水道堵塞", 9, "rain", {
        "污水外溢": ["下水道堵塞，污水漫到了路面上", "小区窨井冒污水，臭气熏天"],
        "雨水口堵塞": ["雨水井被垃圾堵住了，下雨积水排不出去", "路边雨水口被落叶和泥沙堵死了"],
        "化粪池满溢": ["化粪池满溢，污水流到楼前空地上", "化粪池很久没清掏，粪水往外冒"],
    }, ["气味难闻", "居民出行很不方便"], [("drain", 7), ("street", 3)], typhoon=2.5),
    _c("供排水", "道路积水", 4, "rain", {
        "路面积水": ["一下雨路口就积水，水深没过了脚踝", "下雨后路面积水很深，车辆经过溅得到处都是"],
        "地道积水": ["下立交积水很深，有车在里面熄火了", "人行地道里积水，行人没法通过"],
    }, ["车辆和行人无法通行", "居民出行非常不便"], [("drain", 8), ("construction", 2)], urgency=(0.3, 0.03),
        typhoon=4.0, acute=True, places=(0.3, 0, 0.5, 0.2, 0)),
    # 交通道路
    _c("交通道路", "路面破损", 9, "flat", {
        "路面坑洼": ["路面坑坑洼洼，电动车很容易摔倒", "路面塌陷出一个大坑"],
        "井盖缺损": ["井盖松动，车压过去哐哐响", "井盖破损缺了一角"],
        "人行道板松动": ["人行道板松动，下雨天一踩就溅水", "人行道的地砖碎了一大片"],
    }, ["存在安全隐患", "晚上看不清很容易摔倒"], [("construction", 8), ("street", 2)]),
    _c("交通道路", "道路照明", 6, "winter", {
        "路灯不亮": ["路灯坏了好几天，晚上一片漆黑", "一整排路灯都不亮"],
        "路灯白天亮": ["路灯白天一直亮着，浪费电", "路灯时亮时灭，一闪一闪的"],
    }, ["晚上走路很不安全", "晚上很容易发生事故"], [("construction", 7), ("street", 3)]),
    _c("交通道路", "非机动车停放", 5, "flat", {
        "共享单车乱停": ["共享单车乱停乱放，把人行道堵死了", "地铁口的共享单车堆成了山"],
        "占用盲道": ["电动车都停在盲道上", "盲道被自行车和杂物占满了"],
    }, ["行人无法正常通行", "影响市容"], [("street", 7), ("enforce", 3)]),
    _c("交通道路", "交通设施", 3, "flat", {
        "护栏损坏": ["道路中间的护栏被撞坏了一直没修", "人行道护栏倒了一大段"],
        "标志标线": ["路口的标线已经磨得看不清了", "交通标志牌被撞歪了"],
    }, ["存在交通安全隐患"], [("construction", 10)]),
]
CATEGORIES: list[Category] = []
for _line, _lw in LINE_WEIGHTS.items():
    _cats = [c for c in _CATEGORIES if c.line == _line]
    _total = sum(c.weight for c in _cats)
    for _cat in _cats:
        _cat.weight = _lw * _cat.weight / _total
        CATEGORIES.append(_cat)

ESTATE_PREFIX = ["阳光", "锦绣", "金色", "绿地", "春江", "东方", "世纪", "康桥", "梅园", "兰馨", "枫林", "银杏", "华庭",
                 "明珠", "和平", "幸福", "康乐", "长青", "悦庭", "海棠", "紫薇", "翠湖", "盛世", "嘉和", "香樟", "云锦"]
ESTATE_SUFFIX = ["新村", "小区", "花园", "公寓", "苑", "家园", "名邸", "大厦"]
POIS = ["地铁站", "公交站", "菜场", "小学", "幼儿园", "商场", "社区医院", "街心花园"]
TIMES = ["最近", "这几天", "近一个星期", "从上个月开始", "连续好几天", "一直以来", "近来"]  # lasting conditions
MOMENTS = ["今天早上", "昨天晚上", "今天下午", "刚才", "今天上午", "昨天夜里"]  # sudden events
NIGHT_TIMES = ["每天晚上", "昨天夜里", "最近每天半夜", "今天凌晨"]
TYPHOON_TIMES = ["台风过后，", "昨夜台风中，", "受台风影响，", "今天大风中，"]
SINCE = ["已经持续一周多了", "已经好几天了", "已有半个多月", "反映多次都没有结果"]
HISTORY = ["之前打过电话，至今没人处理，", "已向居委会反映多次，", "问题已存在很长时间，", "此前已向物业反映过，但没有效果，"]
REQUESTS = ["请尽快处理。", "希望相关部门尽快派人处理。", "请相关部门督促整改。", "要求尽快处理并反馈结果。",
            "请尽快安排人员现场查看。", "希望加强日常管理。", "请给予答复。", "希望彻底解决这个问题。"]
OPENERS = ["市民来电反映：", "来电人反映：", "市民反映，", "来电人称，", ""]
CHANNEL_OPENERS = {"微信": "市民通过微信公众号反映：", "APP": "市民通过“随申办”反映：", "网站": "网友留言：",
                   "12345转办": "12345转来市民诉求："}
REPLIES = ["已联系市民，现场核实后安排处置", "已派员到现场处理，将持续跟进", "已与来电人沟通处理方案",
           "经现场查看，已督促责任单位整改", "已安排作业人员处置完毕，正在复核"]
CLOSE_NOTES = ["已处置完毕，来电人认可", "问题已解决，现场已恢复", "已按规定处理并答复来电人", "已整改到位"]
LATE_NOTES = ["超期办结：涉及多部门协调", "超期办结：需等待施工条件", "超期办结：待第三方维修"]
RETURN_NOTES = ["非本单位职责范围，申请退回", "地址不在本辖区，申请改派", "属物业管理范畴，建议转房管部门"]
SUPERVISE_NOTES = ["市民多次来电反映，请加快办理", "请于2个工作日内办结并反馈", "已列入挂牌督办，请主要领导关注",
                   "媒体关注事项，请从速处置", "已超办理时限，请说明原因并尽快办结"]
# Common surnames with rough frequencies (Shanghai has more 徐, 朱, 沈, 陆, 顾 than the national average).
SURNAMES = {"王": 7.2, "李": 7.0, "张": 6.8, "刘": 5.4, "陈": 4.6, "杨": 3.1, "黄": 2.0, "赵": 2.0, "吴": 2.0, "周": 1.9,
            "徐": 2.6, "孙": 1.5, "马": 1.2, "朱": 1.9, "胡": 1.1, "郭": 1.0, "何": 0.9, "高": 0.9, "林": 0.9, "罗": 0.8,
            "郑": 0.8, "梁": 0.7, "谢": 0.7, "宋": 0.6, "唐": 0.6, "许": 0.6, "韩": 0.5, "冯": 0.5, "邓": 0.5, "曹": 0.5,
            "彭": 0.5, "曾": 0.5, "肖": 0.5, "田": 0.4, "董": 0.4, "袁": 0.4, "潘": 0.4, "蒋": 0.4, "蔡": 0.4, "余": 0.4,
            "杜": 0.4, "叶": 0.4, "程": 0.4, "苏": 0.4, "魏": 0.4, "吕": 0.4, "丁": 0.4, "沈": 1.2, "任": 0.3, "姚": 0.3,
            "卢": 0.3, "顾": 0.8, "陆": 0.9, "钱": 0.5, "汪": 0.4, "金": 0.4}
MALE_GIVEN = ["伟", "强", "磊", "军", "勇", "杰", "涛", "明", "超", "刚", "平", "辉", "鹏", "华", "建国", "志强", "国华",
              "海涛", "俊", "斌", "浩", "宇", "晨", "毅", "峰", "文", "建华", "卫东", "永明", "子轩"]
FEMALE_GIVEN = ["芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "秀英", "桂英", "玉兰", "红", "燕", "琴", "婷", "雪",
                "慧", "佳", "颖", "倩", "萍", "洁", "丹", "玲", "月", "美华", "雅琴", "晓燕", "梓涵", "欣怡"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151", "152", "153",
                   "155", "156", "157", "158", "159", "166", "173", "175", "176", "177", "178", "180", "181", "182",
                   "183", "184", "185", "186", "187", "188", "189", "191", "193", "195", "198", "199"]
GAS = {**{c: "上海燃气市北销售有限公司" for c in ("310106", "310107", "310109", "310110", "310113", "310114")},
       **{c: "上海大众燃气有限公司" for c in ("310101", "310104", "310105", "310112")}, "310115": "上海燃气浦东销售有限公司"}
WATER = {**{c: "上海城投水务（集团）有限公司" for c in CENTRAL | {"310113"}}, "310115": "上海浦东威立雅自来水有限公司"}


# ------------------------------------------------------------------------------------------ window


def data_window(months: int = MONTHS) -> tuple[dt.date, dt.date]:
    """(first day, last day) of the generated period: ``months`` whole months ending at the last month whose
    tickets' longest deadline (15 working days) the holiday calendar can still compute.

    Nothing past the known holiday years is guessed: with the calendar known through December of year Y,
    December tickets would be due in January of Y + 1, so the window ends in November of Y.
    """
    known = last_known_date()
    month = dt.date(known.year, known.month, 1)
    longest = max(DEADLINE_DAYS.values())
    for _ in range(24):
        last = _month_end(month)
        if last <= known:
            try:
                add_working_days(dt.datetime.combine(last, dt.time(23, 59, 59)), longest)
                break
            except CalendarUnknown:
                pass
        month = _add_months(month, -1)
    else:  # pragma: no cover - a calendar that cannot compute two years of deadlines
        raise CalendarUnknown("the holiday calendar covers too little to place the 12319 data")
    return _add_months(month, -(months - 1)), last


def _add_months(day: dt.date, n: int) -> dt.date:
    k = day.year * 12 + day.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def _month_end(month: dt.date) -> dt.date:
    return _add_months(month, 1) - dt.timedelta(days=1)


# ------------------------------------------------------------------------------------------ plug-in


def _estimate(scale: str) -> int:
    n = SIZES[scale]
    return int(n * 6.1) + (36_000 if scale == "demo" else 80_000)  # tickets, ~5.1 events each, rollups


@plugin("hotline12319", order=10, tables=[Ticket.__table__, TicketEvent.__table__, RollupLine.__table__,
                                          RollupCategory.__table__, RollupStreet.__table__],
        datasets=["hotline12319"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Tickets and their events (streamed in chunks), then the rollups recomputed from them."""
    ref = _reference(ctx)
    t = _simulate(ctx, ref, SIZES[ctx.scale])
    raw = _raw_table(Ticket.__table__)
    for lo in range(0, len(t["received"]), CHUNK):
        part = slice(lo, lo + CHUNK)
        ctx.insert(raw, _ticket_rows(t, part))
        ctx.insert(TicketEvent.__table__, _event_rows(t, part))
    refresh_total = _refresh(ctx)
    ctx.advance(refresh_total)


def _refresh(ctx: BuildContext) -> int:
    from db.hotline12319 import refresh_rollups

    refresh_rollups(ctx.conn)
    total = 0
    for rollup in (RollupLine, RollupCategory, RollupStreet):
        n = ctx.conn.execute(select(func.count()).select_from(rollup.__table__)).scalar_one()
        ctx.counts[rollup.__tablename__] = n
        total += n
    return total


def _raw_table(source):
    """``source`` with its encrypted columns as plain text: the rows carry ciphertext already, and neither
    COPY (PostgreSQL) nor executemany (SQLite) may encrypt it again."""
    cols = [column(c.name, Text() if isinstance(c.type, EncryptedString) else c.type)
            for c in source.columns if c.name != "id"]
    return table(source.name, *cols, schema=source.schema)


# ------------------------------------------------------------------------------------------ reference


@dataclass
class _Ref:
    district_codes: list[str]
    district_names: list[str]
    street_codes: np.ndarray
    street_names: list[str]
    street_kind: list[str]
    street_district: np.ndarray  # index into district_codes
    street_lon: np.ndarray
    street_lat: np.ndarray
    street_sigma_km: np.ndarray  # jitter of points around the street centre


def _reference(ctx: BuildContext) -> _Ref:
    districts = ctx.conn.execute(select(District.code, District.name, District.area_km2).order_by(District.code)).all()
    if not districts:
        raise RuntimeError("the 12319 generator needs the reference data (districts and streets) first")
    streets = ctx.conn.execute(select(Street.code, Street.name, Street.kind, Street.district_code, Street.lon,
                                      Street.lat).order_by(Street.code)).all()
    codes = [d.code for d in districts]
    index = {c: i for i, c in enumerate(codes)}
    sd = np.array([index[s.district_code] for s in streets])
    per_district = np.bincount(sd, minlength=len(codes))
    area = np.array([d.area_km2 for d in districts])
    sigma = np.sqrt(area[sd] / np.maximum(per_district[sd], 1) / math.pi) * 0.5
    return _Ref(codes, [d.name for d in districts], np.array([s.code for s in streets]), [s.name for s in streets],
                [s.kind for s in streets], sd, np.array([s.lon for s in streets]), np.array([s.lat for s in streets]),
                sigma)


def _street_weights(ref: _Ref, rng: np.random.Generator) -> np.ndarray:
    """Probability of each street: its district's share (population × propensity) split among its streets."""
    district_w = np.array([POPULATION.get(c, 100.0) * PROPENSITY.get(c, 0.9 if c in OUTER else 1.0)
                           for c in ref.district_codes])
    own = np.array([STREET_KIND_WEIGHT.get(k, 0.25) for k in ref.street_kind])
    own = own * rng.lognormal(0, 0.35, len(own))
    sd = ref.street_district
    own_total = np.bincount(sd, weights=own, minlength=len(ref.district_codes))
    p = district_w[sd] / district_w[np.unique(sd)].sum() * own / own_total[sd]
    return p / p.sum()


# ------------------------------------------------------------------------------------------ simulation


def _simulate(ctx: BuildContext, ref: _Ref, size: int) -> dict:
    """Every ticket as numpy arrays (times in seconds since the epoch, naive Beijing time)."""
    first, last = data_window()
    days = np.arange(np.datetime64(first), np.datetime64(last) + 1)
    day_secs = days.astype("datetime64[s]").astype(np.int64)
    cal_month = (days.astype("datetime64[M]").astype(int) % 12)  # 0 = January
    day_p = _day_weights(ctx.rng("days"), days, cal_month)

    # Category probabilities per month of the window (each category's seasonal profile).
    cat_p = np.array([[c.weight * PROFILES[c.season][m] for c in CATEGORIES] for m in range(12)])
    cat_p /= cat_p.sum(axis=1, keepdims=True)

    rng = ctx.rng("tickets")
    n0 = round(size * 0.935)
    per_day = rng.multinomial(n0, day_p)
    day = np.repeat(np.arange(len(days)), per_day)
    cat = np.empty(n0, dtype=np.int64)
    for m in range(12):
        sel = cal_month[day] == m
        cat[sel] = rng.choice(len(CATEGORIES), size=int(sel.sum()), p=cat_p[m])
    typhoon = np.zeros(n0, dtype=bool)

    # Typhoons: extra tickets of the wind-and-rain categories on 2–3 days of 2–3 typhoons a year.
    extra_day, extra_cat = [], []
    for d, tree_mult in _typhoon_days(ctx.rng("typhoons"), days):
        for ci, c in enumerate(CATEGORIES):
            mult = tree_mult if c.tree else c.typhoon
            if mult > 1:
                lam = n0 * day_p[d] * cat_p[cal_month[d], ci] * (mult - 1)
                k = int(rng.poisson(lam))
                extra_day += [d] * k
                extra_cat += [ci] * k
    day = np.concatenate([day, np.array(extra_day, dtype=np.int64)])
    cat = np.concatenate([cat, np.array(extra_cat, dtype=np.int64)])
    typhoon = np.concatenate([typhoon, np.ones(len(extra_cat), dtype=bool)])
    n = len(day)

    sub = _pick_subcategories(rng, cat)
    street = rng.choice(len(ref.street_codes), size=n, p=_street_weights(ref, ctx.rng("streets")))
    tau = day / max(len(days) - 1, 1)
    channel = _channels(rng, tau)
    received = day_secs[day] + _seconds_of_day(rng, channel, cat, sub)
    urgency = _urgencies(rng, cat)

    # Callers: a small pool of frequent callers (most of their tickets about their home street), the rest
    # one-off callers.
    crng = ctx.rng("callers")
    n_frequent = max(30, int(size * 0.006))
    frequent_w = crng.lognormal(0, 0.8, n_frequent)  # a long tail, but nobody calls daily for three years
    home = crng.choice(len(ref.street_codes), size=n_frequent, p=_street_weights(ref, ctx.rng("streets")))
    is_frequent = crng.random(n) < 0.08
    caller = np.where(is_frequent, crng.choice(n_frequent, size=n, p=frequent_w / frequent_w.sum()), -1)
    at_home = is_frequent & (crng.random(n) < 0.8)
    street[at_home] = home[caller[at_home]]
    caller[caller < 0] = n_frequent + np.arange(int((caller < 0).sum()))
    next_caller = n_frequent + int((~is_frequent).sum())

    t = {"received": received, "cat": cat, "sub": sub, "street": street, "channel": channel, "urgency": urgency,
         "caller": caller, "typhoon": typhoon, "root": np.full(n, -1)}
    t.update(_places(ctx.rng("places"), ref, cat, street))

    # Repeat tickets: the same problem reported again days later (often by the same caller).
    t, next_caller = _add_repeats(ctx.rng("repeats"), t, ref, int(day_secs[-1]) + 86_399, next_caller)
    order = np.argsort(t["received"], kind="stable")
    inverse = np.empty_like(order)
    inverse[order] = np.arange(len(order))
    t = {k: v[order] for k, v in t.items()}
    t["root"] = np.where(t["root"] >= 0, inverse[np.maximum(t["root"], 0)], -1)
    t["district"] = ref.street_district[t["street"]]
    t["district_code"] = np.array(ref.district_codes, dtype=object)[t["district"]]
    t["street_code"] = ref.street_codes.astype(object)[t["street"]]
    t["ticket_no"] = _ticket_numbers(t["received"])
    _callers(ctx.rng("names"), t, next_caller)
    _handle(ctx.rng("handling"), t, ref)
    _evaluate(ctx.rng("evaluation"), t, ref)
    _units(ctx.rng("units"), t, ref)
    _texts(ctx.rng("texts"), t, ref)
    return t


def _day_weights(rng: np.random.Generator, days: np.ndarray, cal_month: np.ndarray) -> np.ndarray:
    weekday = (days.astype("datetime64[D]").astype(np.int64) + 3) % 7  # 0 = Monday
    w = np.array([MONTH_VOLUME[m] for m in cal_month]) * np.array([WEEKDAY_VOLUME[d] for d in weekday])
    for i, day in enumerate(days.tolist()):
        name = holiday_name(day)
        if name == "Spring Festival":
            w[i] = 0.5 * MONTH_VOLUME[cal_month[i]]
        elif name is not None:
            w[i] = 0.72 * MONTH_VOLUME[cal_month[i]]
        elif weekday[i] >= 5 and is_working_day(day):  # an adjusted working weekend day (调休)
            w[i] = 0.95 * MONTH_VOLUME[cal_month[i]]
    w *= 1 + 0.035 * np.arange(len(days)) / 365.25  # slow growth
    w *= rng.lognormal(0, 0.1, len(days))
    return w / w.sum()


def _typhoon_days(rng: np.random.Generator, days: np.ndarray) -> list[tuple[int, float]]:
    """(day index, tree multiplier) of every typhoon day: 2–3 typhoons a year in July–September, each 2–3 days
    apart by at least ten days, the tree categories ×8–15 on each of their days."""
    out = []
    dates = days.tolist()
    for year in sorted({d.year for d in dates}):
        season = [i for i, d in enumerate(dates) if d.year == year and dt.date(year, 7, 5) <= d <= dt.date(year, 9, 25)]
        if len(season) < 60:  # the window does not cover this summer
            continue
        starts: list[int] = []
        wanted = int(rng.integers(2, 4))
        while len(starts) < wanted:
            s = int(rng.choice(season))
            if all(abs(s - o) >= 10 for o in starts):
                starts.append(s)
        for s in sorted(starts):
            for k in range(int(rng.integers(2, 4))):
                if s + k < len(dates):
                    out.append((s + k, float(rng.uniform(8, 15))))
    return out


def _pick_subcategories(rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
    sub = np.empty(len(cat), dtype=np.int64)
    for ci, c in enumerate(CATEGORIES):
        sel = cat == ci
        k = len(c.subs)
        w = 1 / np.sqrt(np.arange(1, k + 1))
        sub[sel] = rng.choice(k, size=int(sel.sum()), p=w / w.sum())
    return sub


def _channels(rng: np.random.Generator, tau: np.ndarray) -> np.ndarray:
    """Channel per ticket; the phone's share slips from 63 % to 57 % over the window as WeChat grows."""
    p = np.stack([0.63 - 0.06 * tau, 0.12 + 0.04 * tau, 0.05 + 0.02 * tau, 0.08 - 0.01 * tau,
                  0.12 + 0.01 * tau], axis=1)
    cum = np.cumsum(p, axis=1)
    return (rng.random(len(tau))[:, None] * cum[:, -1:] > cum).sum(axis=1)


def _seconds_of_day(rng: np.random.Generator, channel: np.ndarray, cat: np.ndarray, sub: np.ndarray) -> np.ndarray:
    night = np.zeros(len(cat), dtype=bool)
    for ci, c in enumerate(CATEGORIES):
        for si, name in enumerate(c.subs):
            if name in c.night_subs:
                night |= (cat == ci) & (sub == si)
    profile = np.where(night, 3, np.select([channel == 0, channel == 4], [0, 2], 1))
    hours = np.empty(len(cat), dtype=np.int64)
    for k, name in enumerate(["phone", "online", "transfer", "night"]):
        sel = profile == k
        w = np.array(HOURS[name])
        hours[sel] = rng.choice(24, size=int(sel.sum()), p=w / w.sum())
    return hours * 3600 + rng.integers(0, 3600, len(cat))


def _urgencies(rng: np.random.Generator, cat: np.ndarray) -> np.ndarray:
    """一般 85 %, 紧急 12 %, 特急 3 % overall; urgent categories (gas leaks, fallen trees…) carry most of it."""
    share = np.bincount(cat, minlength=len(CATEGORIES)) / len(cat)
    fixed = [ci for ci, c in enumerate(CATEGORIES) if c.urgency]
    free = 1 - share[fixed].sum()
    p_urgent = max(0.02, (0.12 - sum(share[ci] * CATEGORIES[ci].urgency[0] for ci in fixed)) / free)
    p_critical = max(0.002, (0.03 - sum(share[ci] * CATEGORIES[ci].urgency[1] for ci in fixed)) / free)
    pu = np.array([c.urgency[0] if c.urgency else p_urgent for c in CATEGORIES])[cat]
    pc = np.array([c.urgency[1] if c.urgency else p_critical for c in CATEGORIES])[cat]
    u = rng.random(len(cat))
    return np.where(u < pc, 2, np.where(u < pc + pu, 1, 0))


def _places(rng: np.random.Generator, ref: _Ref, cat: np.ndarray, street: np.ndarray) -> dict:
    """Address parts and coordinates: a road of the district with a door number, an estate, a junction or a
    landmark; the point is the street centre plus a jitter of the street's size, ~3 % without coordinates."""
    n = len(cat)
    by_line = {"房屋管理": (0.2, 0.7, 0, 0.1, 0), "燃气供应": (0.2, 0.7, 0, 0.1, 0), "交通道路": (0.45, 0.1, 0.35, 0.1, 0),
               "建设管理": (0.6, 0, 0.3, 0.1, 0)}
    kind = np.empty(n, dtype=np.int64)
    u = rng.random(n)
    for ci, c in enumerate(CATEGORIES):
        sel = cat == ci
        p = np.cumsum(c.places or by_line.get(c.line, (0.4, 0.3, 0.15, 0.15, 0)))
        kind[sel] = np.minimum((u[sel, None] * p[-1] > p[None, :]).sum(axis=1), 4)
    road = rng.integers(0, 1_000_000, n)
    road2 = road + rng.integers(1, 1_000_000, n)
    number = np.exp(rng.uniform(0, math.log(1500), n)).astype(np.int64) + 1
    estate = rng.integers(0, len(ESTATE_PREFIX) * len(ESTATE_SUFFIX), n)
    building = rng.integers(1, 40, n)
    poi = rng.integers(0, len(POIS), n)
    sigma = ref.street_sigma_km[street]
    lon = ref.street_lon[street] + np.clip(rng.normal(0, 1, n), -2, 2) * sigma / 95.0
    lat = ref.street_lat[street] + np.clip(rng.normal(0, 1, n), -2, 2) * sigma / 111.0
    missing = rng.random(n) < 0.03
    lon[missing] = np.nan
    lat[missing] = np.nan
    return {"place_kind": kind, "road": road, "road2": road2, "number": number, "estate": estate,
            "building": building, "poi": poi, "lon": np.round(lon, 6), "lat": np.round(lat, 6)}


def _add_repeats(rng: np.random.Generator, t: dict, ref: _Ref, end: int, next_caller: int) -> tuple[dict, int]:
    """~5 % repeat tickets: 3 % of tickets are reported again (1 + geometric times), days later, about the
    same place and problem; ``root`` points at the first ticket."""
    n = len(t["received"])
    eligible = np.flatnonzero(t["received"] < end - 2 * 86400)
    roots = rng.choice(eligible, size=int(n * 0.031), replace=False)
    k = rng.geometric(0.6, len(roots))
    src = np.repeat(roots, k)
    delay = np.clip(rng.lognormal(math.log(4), 0.9, len(src)), 0.3, 60) * 86400
    day_start = (t["received"][src] + delay).astype(np.int64) // 86400 * 86400
    w = np.array(HOURS["phone"])
    received = day_start + rng.choice(24, size=len(src), p=w / w.sum()) * 3600 + rng.integers(0, 3600, len(src))
    received = np.maximum(received, t["received"][src] + 3600)
    keep = received <= end
    src, received = src[keep], received[keep]
    m = len(src)
    rep = {key: v[src].copy() for key, v in t.items()}
    rep["received"] = received
    rep["root"] = src
    rep["typhoon"] = np.zeros(m, dtype=bool)
    rep["channel"] = _channels(rng, np.full(m, 0.5))
    rep["urgency"] = np.where((rep["urgency"] == 0) & (rng.random(m) < 0.15), 1, rep["urgency"])
    ok = ~np.isnan(rep["lon"])
    rep["lon"][ok] = np.round(rep["lon"][ok] + rng.normal(0, 0.0003, ok.sum()), 6)
    rep["lat"][ok] = np.round(rep["lat"][ok] + rng.normal(0, 0.0003, ok.sum()), 6)
    other = rng.random(m) >= 0.65
    rep["caller"][other] = next_caller + np.arange(int(other.sum()))
    merged = {key: np.concatenate([t[key], rep[key]]) for key in t}
    return merged, next_caller + int(other.sum())


def _ticket_numbers(received: np.ndarray) -> np.ndarray:
    """12319 + date + a 5-digit running number per day (tickets sorted by receipt)."""
    day = received // 86400
    start = np.r_[0, np.flatnonzero(np.diff(day)) + 1]
    seq = np.arange(len(day)) - np.repeat(start, np.diff(np.r_[start, len(day)])) + 1
    dates = received.astype("datetime64[s]").astype("datetime64[D]").astype(str)
    return np.array([f"12319{d.replace('-', '')}{s:05d}" for d, s in zip(dates.tolist(), seq.tolist())], dtype=object)


def _callers(rng: np.random.Generator, t: dict, count: int) -> None:
    """Names and unique mobile numbers for every caller id; ~4 % of tickets leave no name."""
    used = np.unique(t["caller"])
    phones: set[str] = set()
    numbers = []
    prefixes = np.array(MOBILE_PREFIXES)
    while len(numbers) < len(used):
        batch = np.char.add(prefixes[rng.integers(0, len(prefixes), len(used))],
                            np.char.zfill(rng.integers(0, 10**8, len(used)).astype(str), 8))
        for p in batch.tolist():
            if p not in phones and len(numbers) < len(used):
                phones.add(p)
                numbers.append(p)
    sw = np.array(list(SURNAMES.values()))
    surname = np.array(list(SURNAMES))[rng.choice(len(SURNAMES), size=len(used), p=sw / sw.sum())]
    female = rng.random(len(used)) < 0.55
    given = np.where(female, np.array(FEMALE_GIVEN)[rng.integers(0, len(FEMALE_GIVEN), len(used))],
                     np.array(MALE_GIVEN)[rng.integers(0, len(MALE_GIVEN), len(used))])
    double = (rng.random(len(used)) < 0.45) & (np.char.str_len(given) == 1)
    second = np.where(female, np.array(FEMALE_GIVEN)[rng.integers(0, len(FEMALE_GIVEN), len(used))],
                      np.array(MALE_GIVEN)[rng.integers(0, len(MALE_GIVEN), len(used))])
    given = np.where(double & (np.char.str_len(second) == 1), np.char.add(given, second), given)
    pos = np.searchsorted(used, t["caller"])
    t["phone"] = np.array(numbers, dtype=object)[pos]
    t["surname"] = surname[pos]
    t["female"] = female[pos]
    name = np.char.add(surname, given)[pos].astype(object)
    name[rng.random(len(pos)) < 0.04] = None
    t["name"] = name


def _deadlines(received: np.ndarray, urgency: np.ndarray) -> np.ndarray:
    """``add_working_days(received, n)`` for every ticket, computed once per day and urgency."""
    day = received // 86400 * 86400
    out = np.empty(len(received), dtype=np.int64)
    epoch = dt.datetime(1970, 1, 1)
    for u, name in enumerate(URGENCY):
        sel = urgency == u
        days, inv = np.unique(day[sel], return_inverse=True)
        due = np.array([int((add_working_days(epoch + dt.timedelta(seconds=int(d)), DEADLINE_DAYS[name]) - epoch)
                            .total_seconds()) for d in days.tolist()], dtype=np.int64)
        out[sel] = due[inv] + (received[sel] - day[sel])
    return out


def _handle(rng: np.random.Generator, t: dict, ref: _Ref) -> None:
    """Deadlines, dispatch, sign-off, returns, replies, closure, supervision and the status at the end."""
    rec, urg = t["received"], t["urgency"]
    n = len(rec)
    snapshot = int(rec.max())  # the data's "now": the newest receipt
    t["snapshot"] = snapshot
    deadline = _deadlines(rec, urg)
    hour = rec % 86400 // 3600

    # Dispatch: within the hour for urgent tickets; ordinary ones received at night wait for the morning.
    delay = np.clip(rng.lognormal(math.log(4000), 0.7, n) * np.array([1.0, 0.4, 0.15])[urg], 300, 8 * 3600)
    night = (urg == 0) & ((hour >= 20) | (hour < 7))
    morning = rec // 86400 * 86400 + 8 * 3600 + (hour >= 20) * 86400 + rng.integers(0, 5400, n)
    dispatched = np.where(night, morning, rec + delay).astype(np.int64)
    returned = rng.random(n) < 0.02
    returned_at = dispatched + np.clip(rng.lognormal(math.log(3 * 3600), 0.8, n), 1200, 30 * 3600).astype(np.int64)
    redispatched = returned_at + rng.integers(1200, 3 * 3600, n)
    sign_delay = np.clip(rng.lognormal(math.log(2400), 0.8, n) * np.array([1.0, 0.5, 0.25])[urg], 120, 10 * 3600)
    signed = np.where(returned, redispatched, dispatched) + sign_delay.astype(np.int64)

    # Closure: within the deadline unless late (a street-level service factor; returns make it likelier).
    street_service = np.array([SERVICE.get(c, 0.0) for c in ref.district_codes])[ref.street_district]
    street_service = street_service + rng.normal(0, 0.45, len(street_service))
    t["service"] = service = street_service[t["street"]]
    p_late = np.array([0.062, 0.085, 0.15])[urg] * np.exp(-0.7 * service) * np.where(returned, 2.5, 1.0)
    late = rng.random(n) < np.clip(p_late, 0, 0.6)
    span = deadline - rec
    on_time = rec + (span * rng.beta(1.7, 3.0, n)).astype(np.int64)
    on_time = np.maximum(on_time, signed + 1800)
    overrun = np.clip(rng.lognormal(0, 0.8, n) * np.array([2.5 * 86400, 1.5 * 86400, 10 * 3600])[urg], 1800, 40 * 86400)
    closed = np.where(late, np.maximum(deadline, signed) + overrun.astype(np.int64), on_time)
    late = closed > deadline
    stuck = (rec < snapshot - 30 * 86400) & (rng.random(n) < 0.002)  # long-standing cases still open
    replied = signed + ((closed - signed) * rng.uniform(0.45, 0.9, n)).astype(np.int64)
    replied = np.where(stuck, signed + (rng.lognormal(math.log(3), 0.6, n) * 86400).astype(np.int64), replied)
    closed = np.where(stuck, np.iinfo(np.int64).max, closed)

    # Supervision (督办): mostly late, repeatedly reported or very urgent tickets.
    repeats = np.bincount(t["root"][t["root"] >= 0], minlength=n)
    p_sup = 0.016 + 0.12 * late + 0.1 * (repeats >= 2) + 0.04 * (urg == 2) + 0.2 * stuck
    supervised = rng.random(n) < p_sup
    end = np.minimum(closed, snapshot)
    sup_at = np.where(late | stuck, np.maximum(deadline, signed) + rng.integers(2 * 3600, 2 * 86400, n),
                      signed + ((end - signed) * rng.uniform(0.2, 0.6, n)).astype(np.int64))
    sup_at = np.minimum(sup_at, np.minimum(closed, snapshot) - 60)
    supervised &= (sup_at > signed) & (sup_at <= snapshot)

    status = np.select([closed <= snapshot, replied <= snapshot, signed <= snapshot, dispatched <= snapshot],
                       [4, 3, 2, 1], 0)
    t.update(deadline=deadline, dispatched=dispatched, returned=returned & (returned_at <= snapshot),
             returned_at=returned_at, redispatched=redispatched, signed=signed, replied=replied, closed=closed,
             late=late, supervised=supervised, supervised_at=sup_at, status=status, repeats=repeats,
             hot=_hot(rng, t, repeats))


def _hot(rng: np.random.Generator, t: dict, repeats: np.ndarray) -> np.ndarray:
    """Hot tickets (~2 %): mostly problems reported again and again, some typhoon tickets, a few others."""
    p = np.select([repeats >= 2, repeats == 1, t["typhoon"]], [0.6, 0.25, 0.05], 0.008)
    return rng.random(len(p)) < p


def _evaluate(rng: np.random.Generator, t: dict, ref: _Ref) -> None:
    """Third-party return visits (回访) of ~70 % of closed tickets, a few days after closure."""
    n = len(t["received"])
    closed = t["status"] == 4
    settled = t["closed"] <= t["snapshot"] - 2 * 86400
    evaluated = closed & (rng.random(n) < np.where(settled, 0.7, 0.25))
    z, late = t["service"], t["late"]
    responded = rng.random(n) < np.clip(0.95 + 0.025 * z, 0.8, 0.995)
    p_resolved = np.clip(0.875 + 0.06 * z - 0.22 * late - 0.15 * ~responded, 0.3, 0.98)
    resolved = rng.random(n) < p_resolved
    p_bad = np.where(resolved, 0.025 * np.exp(-0.6 * z), 0.32 * np.exp(-0.3 * z)) + 0.05 * late
    p_basic = np.where(resolved, 0.085, 0.3)
    u = rng.random(n)
    sat = np.where(u < p_bad, 2, np.where(u < p_bad + p_basic, 1, 0))
    t["evaluated"], t["responded"], t["resolved"], t["satisfaction"] = evaluated, responded, resolved, sat


def _unit_name(rule: str, district: str, district_name: str, street_name: str, street_kind: str) -> str:
    short = district_name.removesuffix("新区").removesuffix("区")
    if rule == "lr":
        return f"{district_name}绿化市容局"
    if rule == "street":
        return f"{street_name}管委会" if street_kind not in STREET_KIND_WEIGHT else f"{street_name}城运中心"
    if rule == "enforce":
        return f"{district_name}城管执法局"
    if rule == "construction":
        return f"{district_name}建设管理委"
    if rule == "housing":
        return f"{district_name}房屋管理局"
    if rule == "forestry":
        return "上海市林业总站"
    if rule == "gas":
        return GAS.get(district, f"上海{short}燃气有限公司")
    if rule == "water":
        return WATER.get(district, f"上海{short}自来水有限公司")
    if rule == "drain":
        return "上海市城市排水有限公司" if district in CENTRAL else f"{district_name}水务局"
    raise ValueError(rule)


def _units(rng: np.random.Generator, t: dict, ref: _Ref) -> None:
    """The handling unit per ticket (by category), and for returned tickets the unit that returned it."""
    n = len(t["received"])
    rules = sorted({r for c in CATEGORIES for r, _ in c.units})
    rule = np.empty(n, dtype=np.int64)
    wrong = np.empty(n, dtype=np.int64)
    for ci, c in enumerate(CATEGORIES):
        sel = t["cat"] == ci
        w = np.array([x for _, x in c.units], dtype=float)
        own = [rules.index(r) for r, _ in c.units]
        rule[sel] = np.array(own)[rng.choice(len(own), size=int(sel.sum()), p=w / w.sum())]
    street_rule, lr_rule = rules.index("street"), rules.index("lr")
    wrong[:] = np.where(rule == street_rule, lr_rule, street_rule)
    names: dict[tuple[int, int], str] = {}

    def name(r: int, s: int) -> str:
        key = (r, s)
        if key not in names:
            d = ref.street_district[s]
            names[key] = _unit_name(rules[r], ref.district_codes[d], ref.district_names[d], ref.street_names[s],
                                    ref.street_kind[s])
        return names[key]

    t["unit"] = np.array([name(r, s) for r, s in zip(rule.tolist(), t["street"].tolist())], dtype=object)
    t["wrong_unit"] = np.array([name(r, s) for r, s in zip(wrong.tolist(), t["street"].tolist())], dtype=object)


def _texts(rng: np.random.Generator, t: dict, ref: _Ref) -> None:
    """Address and complaint text (30–150 characters) from templates and the category's vocabulary."""
    n = len(t["received"])
    pick = rng.integers(0, 1 << 30, size=(n, 8))
    out_address, out_content = [], []
    estates = [p + s for p in ESTATE_PREFIX for s in ESTATE_SUFFIX]
    nos = t["ticket_no"]
    for i in range(n):
        c = CATEGORIES[t["cat"][i]]
        s = int(t["street"][i])
        d = int(ref.street_district[s])
        dname = ref.district_names[d]
        roads = DISTRICT_ROADS.get(ref.district_codes[d], GENERIC_ROADS)
        road = roads[t["road"][i] % len(roads)]
        road2 = roads[t["road2"][i] % len(roads)]
        if road2 == road:
            road2 = roads[(t["road"][i] + 1) % len(roads)]
        r = pick[i]
        kind = t["place_kind"][i]
        if kind == 0:
            address = f"{dname}{road}{t['number'][i]}号"
            place = f"{road}{t['number'][i]}号" + ("附近", "门口", "对面", "旁边")[r[0] % 4]
        elif kind == 1:
            estate = estates[t["estate"][i]]
            address = f"{dname}{road}{t['number'][i] % 999 + 1}弄{estate}"
            place = (f"{estate}{t['building'][i]}号楼", f"{estate}门口", f"{estate}里", f"{road}{estate}")[r[0] % 4]
        elif kind == 2:
            address = f"{dname}{road}{road2}路口"
            place = f"{road}{road2}路口" + ("", "附近", "东北角", "西南角")[r[0] % 4]
        elif kind == 3:
            poi = POIS[t["poi"][i]]
            address = f"{dname}{road}{poi}"
            place = f"{road}{poi}" + ("附近", "旁边", "门口")[r[0] % 3]
        else:
            park = road.removesuffix("公路").removesuffix("大道").removesuffix("大街").removesuffix("路") + "公园"
            address = f"{dname}{park}"
            place = park + ("里", "东门附近", "南门口", "")[r[0] % 4]
        sub = list(c.subs)[t["sub"][i]]
        problem = c.subs[sub][r[1] % len(c.subs[sub])]
        impact = c.impacts[r[2] % len(c.impacts)]
        requests = c.requests or REQUESTS
        request = requests[r[3] % len(requests)]
        if t["typhoon"][i]:
            when = TYPHOON_TIMES[r[4] % len(TYPHOON_TIMES)]
        elif sub in c.night_subs:
            when = NIGHT_TIMES[r[4] % len(NIGHT_TIMES)]
        elif c.acute:
            when = MOMENTS[r[4] % len(MOMENTS)]
        else:
            when = TIMES[r[4] % len(TIMES)]
        channel = CHANNELS[t["channel"][i]]
        if t["root"][i] >= 0:
            opener = ("市民再次来电反映：", "来电人再次反映：")[r[5] % 2] if channel == "电话" else "市民再次反映："
            history = f"此前已反映过（工单号{nos[t['root'][i]]}），至今未解决，"
            template = 1 + 2 * (r[6] % 2)
        else:
            if channel != "电话" and r[5] % 3 == 0:
                opener = CHANNEL_OPENERS[channel]
            elif channel == "电话" and t["name"][i] is not None and r[5] % 3 == 1:
                opener = f"{t['surname'][i]}{'女士' if t['female'][i] else '先生'}来电反映："
            else:
                opener = OPENERS[r[5] % len(OPENERS)]
            history = HISTORY[r[7] % (len(HISTORY) if kind == 1 else len(HISTORY) - 1)] if r[7] % 4 == 0 else ""
            template = r[6] % 4
        if template == 2 and (t["typhoon"][i] or c.acute):  # a sudden event has not "lasted a week"
            template = 0
        if template == 0:
            text = f"{opener}{place}{when}{problem}，{impact}，{request}"
        elif template == 1:
            text = f"{opener}{when}{place}{problem}，{impact}。{history}{request}"
        elif template == 2:
            text = f"{opener}{place}{problem}，{SINCE[r[4] % len(SINCE)]}，{impact}。{request}"
        else:
            text = f"{opener}{place}{when}{problem}。{history}{request}"
        if len(text) < 30:
            text = text[:-1] + f"，{impact}。" if impact not in text else text + "希望尽快解决。"
        if len(text) > 150:
            text = text[:149] + "。"
        out_address.append(address)
        out_content.append(text)
    t["address"] = np.array(out_address, dtype=object)
    t["content"] = np.array(out_content, dtype=object)


# ------------------------------------------------------------------------------------------ rows


def _datetimes(secs: np.ndarray, mask: np.ndarray | None = None) -> list:
    """Seconds since the epoch as naive datetimes (None where ``mask`` is False)."""
    values = secs.astype("datetime64[s]").tolist()
    if mask is None:
        return values
    return [v if m else None for v, m in zip(values, mask.tolist())]


def _ticket_rows(t: dict, part: slice):
    """Ticket rows with the clear values hashed, then name and phone encrypted and the phone blind-indexed."""
    name_type = EncryptedString("hotline12319.caller_name")
    phone_type = EncryptedString("hotline12319.caller_phone")
    snap = t["snapshot"]
    g = {k: v[part].tolist() for k, v in t.items() if isinstance(v, np.ndarray) and v.dtype == object}
    g.update({k: t[k][part].tolist() for k in ("channel", "urgency", "supervised", "hot", "status")})
    a = {k: t[k][part] for k in ("received", "deadline", "dispatched", "replied", "closed")}
    received = _datetimes(a["received"])
    deadline = _datetimes(a["deadline"])
    dispatched = _datetimes(a["dispatched"], a["dispatched"] <= snap)
    replied = _datetimes(a["replied"], a["replied"] <= snap)
    closed = _datetimes(np.minimum(a["closed"], snap), a["closed"] <= snap)
    evaluated, responded = t["evaluated"][part].tolist(), t["responded"][part].tolist()
    resolved, sat = t["resolved"][part].tolist(), t["satisfaction"][part].tolist()
    root = t["root"][part].tolist()
    lon, lat = t["lon"][part].tolist(), t["lat"][part].tolist()
    cats, subs = t["cat"][part].tolist(), t["sub"][part].tolist()
    index_cache: dict[str, str] = {}
    for i in range(len(received)):
        c = CATEGORIES[cats[i]]
        phone = g["phone"][i]
        row = {
            "ticket_no": g["ticket_no"][i], "received_at": received[i], "channel": CHANNELS[g["channel"][i]],
            "caller_name": g["name"][i], "caller_phone": phone, "address": g["address"][i],
            "district_code": g["district_code"][i], "street_code": g["street_code"][i],
            "lon": None if lon[i] != lon[i] else lon[i], "lat": None if lat[i] != lat[i] else lat[i],
            "business_line": c.line, "category": c.name, "subcategory": list(c.subs)[subs[i]],
            "content": g["content"][i], "urgency": URGENCY[g["urgency"][i]], "supervised": g["supervised"][i],
            "hot": g["hot"][i], "deadline_at": deadline[i], "handling_unit": g["unit"][i],
            "status": STATUS[g["status"][i]], "dispatched_at": dispatched[i], "replied_at": replied[i],
            "closed_at": closed[i],
            "eval_responded": responded[i] if evaluated[i] else None,
            "eval_resolved": resolved[i] if evaluated[i] else None,
            "eval_satisfaction": SATISFACTION[sat[i]] if evaluated[i] else None,
            "repeat_of": str(t["ticket_no"][root[i]]) if root[i] >= 0 else None,
        }
        row["row_hash"] = ticket_row_hash(row)
        row["received_month"] = received[i].date().replace(day=1)
        if phone not in index_cache:
            index_cache[phone] = blind_index(phone, context="hotline12319.caller_phone")
        row["caller_phone_index"] = index_cache[phone]
        row["caller_name"] = name_type.process_bind_param(row["caller_name"], None)
        row["caller_phone"] = phone_type.process_bind_param(phone, None)
        row["batch_id"] = None
        yield row


def _event_rows(t: dict, part: slice):
    """The status transitions of each ticket in time order, up to the data's "now"."""
    snap = t["snapshot"]
    g = {k: t[k][part].tolist() for k in ("ticket_no", "unit", "wrong_unit")}
    g.update({k: t[k][part] for k in ("received", "dispatched", "returned_at", "redispatched", "signed", "replied",
                                      "closed", "supervised_at", "returned", "supervised", "late", "status")})
    names = ["received", "dispatched", "returned_at", "redispatched", "signed", "replied", "closed", "supervised_at"]
    cols = {k: g[k].tolist() for k in names}
    dts = {k: _datetimes(np.minimum(g[k], snap)) for k in names}
    flags = {k: g[k].tolist() for k in ("returned", "supervised", "late", "status")}
    pick = (g["received"] % 9973).tolist()
    for i in range(len(cols["received"])):
        no, unit = g["ticket_no"][i], g["unit"][i]
        r = pick[i]
        yield {"ticket_no": no, "at": dts["received"][i], "action": "受理", "actor": HOTLINE, "note": None}
        if flags["status"][i] == 0:
            continue
        if flags["returned"][i]:
            wrong = g["wrong_unit"][i]
            yield {"ticket_no": no, "at": dts["dispatched"][i], "action": "派单", "actor": HOTLINE, "note": f"派至{wrong}"}
            yield {"ticket_no": no, "at": dts["returned_at"][i], "action": "退单", "actor": wrong,
                   "note": RETURN_NOTES[r % len(RETURN_NOTES)]}
            if cols["redispatched"][i] > snap:
                continue
            yield {"ticket_no": no, "at": dts["redispatched"][i], "action": "派单", "actor": HOTLINE,
                   "note": f"改派至{unit}"}
        else:
            yield {"ticket_no": no, "at": dts["dispatched"][i], "action": "派单", "actor": HOTLINE, "note": f"派至{unit}"}
        if cols["signed"][i] > snap:
            continue
        yield {"ticket_no": no, "at": dts["signed"][i], "action": "签收", "actor": unit, "note": None}
        later = []
        if flags["supervised"][i] and cols["supervised_at"][i] <= snap:
            note = SUPERVISE_NOTES[4] if flags["late"][i] and r % 2 else SUPERVISE_NOTES[r % 4]
            later.append((cols["supervised_at"][i], {"ticket_no": no, "at": dts["supervised_at"][i], "action": "督办",
                                                      "actor": SUPERVISOR, "note": note}))
        if cols["replied"][i] <= snap:
            later.append((cols["replied"][i], {"ticket_no": no, "at": dts["replied"][i], "action": "回复",
                                                "actor": unit, "note": REPLIES[r % len(REPLIES)]}))
        if cols["closed"][i] <= snap:
            note = LATE_NOTES[r % len(LATE_NOTES)] if flags["late"][i] else CLOSE_NOTES[r % len(CLOSE_NOTES)]
            later.append((cols["closed"][i] + 1, {"ticket_no": no, "at": dts["closed"][i], "action": "办结",
                                                   "actor": unit, "note": note}))
        for _, event in sorted(later, key=lambda e: e[0]):
            yield event
