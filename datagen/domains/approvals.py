"""Approvals (issue 6): cases of the six catalog items with their steps, certificates, post-approval
supervision, the planned advertising sites library and the non-convention species library.

Cases are realistic by item (plant quarantine is the bulk), district (residents for the city items,
land area for the forestry items), month (plant quarantine peaks in the spring and autumn planting
seasons, outdoor advertising before the Spring Festival, May Day and National Day) and state (every
state present, with overdue, returned and suspended cases). Steps follow the item's flow with the
catalog's working-day limits (``analytics.workdays``, the engine's calendar): each step's due date is
``add_workdays(start, days)``; the legal due date is ``add_workdays(acceptance, time_limit +
suspended_days)`` after the pauses of corrections and suspensions, exactly as the engine computes them.

Certificates: at demo scale every certificate is SM2-signed as the engine signs it (``signed_record``
kind ``approvals.certificate``), so the verify page confirms it. Signing 100,000+ certificates at city
scale would take minutes, so city-scale certificates are marked as imported historical records
(``"record_source": "历史导入"`` in their payload) and carry no signature. Decision letters and fee
notices of generated cases are historical records too: not rendered, not signed.
"""
from __future__ import annotations

import bisect
import calendar
import datetime as dt
import json
import random
from dataclasses import dataclass, field

from shapely.geometry import Point, shape
from sqlalchemy import delete, select, text

from analytics.workdays import is_working_day as is_workday
from datagen.core import BuildContext, plugin
from datagen.roads import DISTRICT_ROADS, GENERIC_ROADS
from db.approvals import (AdSite, Case, CaseStep, Certificate, FeeAssessment, Species, StepRollup,
                          SupervisionRecord, SupervisionTask)
from db.documents import DocumentCounter
from db.reference import District, Street
from db.security import SignedRecord
from db.workflow import Todo
from security import keys
from security.signing import canonical
from security.sm import sm2_sign, sm3
from workflow.approvals import OPEN, rebuild_step_rollup
from workflow.catalog import catalog

SIZES = {"demo": 2500, "city": 262_000}  # top-level cases; composite components come on top (city ≈ 355,000)
AS_OF = dt.date(2026, 11, 27)            # the data's "today" (a Friday, a working day)
FIRST = dt.date(2022, 1, 1)
SHANGHAI = dt.timezone(dt.timedelta(hours=8))
DEMO_DISTRICT = "310104"                 # 徐汇区: the district-scoped demo accounts
IMPORTED = "历史导入"
CERTIFICATE_KIND = "approvals.certificate"
ISSUER = "上海市绿化和市容管理局"
SITES = {"demo": 400, "city": 2000}

# Share of cases by item.
ITEM_SHARE = {"plant_quarantine": 0.40, "outdoor_advertising": 0.25, "vehicle_wash": 0.12, "seed_license": 0.10,
              "forest_land": 0.09, "wildlife_introduction": 0.04}
# Situation mix (situation code → share) and applicant types of each item.
SITUATIONS = {
    "plant_quarantine": {"with_origin_certificate": 0.6, "field_inspection": 0.4},
    "outdoor_advertising": {"first_self": 0.45, "first_agent": 0.2, "renewal_self": 0.25, "renewal_agent": 0.10},
    "vehicle_wash": {"new": 1.0},
    "seed_license": {"new": 0.5, "renewal": 0.25, "change_name": 0.08, "change_site": 0.06, "change_scope": 0.06,
                     "cancel": 0.05},
    "forest_land": {"new": 0.7, "change_area": 0.15, "extension": 0.15},
    "wildlife_introduction": {"research": 0.5, "breeding": 0.5},
}
# Monthly weights (Jan..Dec): planting seasons, pre-holiday advertising, a Spring Festival dip elsewhere.
SEASON = {
    "plant_quarantine": (0.6, 0.8, 1.9, 2.1, 1.2, 0.7, 0.5, 0.5, 0.7, 1.1, 1.4, 0.9),
    "outdoor_advertising": (1.4, 0.8, 1.0, 1.4, 1.0, 0.9, 0.8, 0.9, 1.5, 1.0, 1.1, 1.4),
    "forest_land": (0.7, 0.5, 1.2, 1.2, 1.1, 1.0, 0.9, 0.9, 1.0, 1.1, 1.2, 1.2),
}
FLAT = (0.9, 0.6, 1.1, 1.1, 1.0, 1.0, 1.0, 0.9, 1.0, 0.9, 1.1, 1.1)
YEAR_GROWTH = {2022: 0.8, 2023: 0.9, 2024: 1.0, 2025: 1.08, 2026: 1.15}
# Resident population (10,000, 7th census) for the city items; forestry items weigh land area instead.
POPULATION = {"310101": 66.2, "310104": 111.3, "310105": 69.3, "310106": 97.6, "310107": 123.9, "310109": 75.8,
              "310110": 124.2, "310112": 265.3, "310113": 223.5, "310114": 183.4, "310115": 568.2, "310116": 82.3,
              "310117": 190.9, "310118": 127.1, "310120": 114.1, "310151": 63.7}
BY_AREA = {"plant_quarantine", "seed_license", "forest_land", "wildlife_introduction"}
# Historical outcomes of decided cases.
OUTCOMES = {"approved": 0.84, "rejected": 0.04, "not_accepted": 0.05, "withdrawn": 0.05, "returned": 0.01,
            "suspended": 0.01}
LATE_STEP = 0.07         # share of steps that finish past their due date
CORRECTION = 0.08        # share of cases returned for correction once at their first review
SUSPENSION = 0.03        # share of cases suspended once (hearing, expert appraisal …)
PLACES = ["滨江", "徐家汇", "世纪", "申城", "浦江", "东方", "兴盛", "长风", "锦绣", "新华", "银杏", "香樟", "绿洲", "海湾",
          "金桥", "古华", "天马", "淀山", "明珠", "春申", "江南", "梅园", "玉兰", "广富林", "申绿", "沪森", "华林", "green"]
WORDS = {
    "plant_quarantine": ["苗木有限公司", "园艺有限公司", "花卉种植专业合作社", "绿化工程有限公司", "林业站"],
    "outdoor_advertising": ["广告有限公司", "文化传媒有限公司", "商业管理有限公司", "置业有限公司"],
    "vehicle_wash": ["汽车服务有限公司", "洗车服务部", "汽车美容有限公司"],
    "seed_license": ["种苗有限公司", "林木种子有限公司", "草业有限公司", "良种场"],
    "forest_land": ["建设发展有限公司", "市政工程有限公司", "城市投资有限公司", "交通建设有限公司"],
    "wildlife_introduction": ["野生动物园有限公司", "动物园", "生物科技有限公司", "海洋水族馆有限公司"],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = ["伟", "芳", "敏", "静", "丽", "强", "磊", "军", "洋", "艳", "杰", "娟", "涛", "明", "超", "霞"]
PLANTS = ["香樟", "广玉兰", "银杏", "桂花", "红枫", "水杉", "悬铃木", "樱花", "紫薇", "海桐", "杜鹃", "月季", "茶花",
          "女贞", "无患子", "栾树", "榉树", "金边黄杨", "红叶石楠", "结缕草"]
ORIGINS = ["崇明区港西镇", "松江区泖港镇", "青浦区朱家角镇", "奉贤区庄行镇", "浦东新区合庆镇", "嘉定区华亭镇",
           "金山区廊下镇", "闵行区浦江镇"]
COUNTRIES = ["澳大利亚", "新西兰", "南非", "荷兰", "德国", "美国", "加拿大", "智利", "日本", "泰国"]
SIZES_M = ["18m×6m", "12m×4m", "10m×5m", "6m×3m", "24m×8m", "15m×5m"]
SITE_KINDS = ["单立柱", "屋顶", "墙面", "LED 显示屏", "跨街"]
_USCC = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_W = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ID_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

# The non-convention species library: real terrestrial species commonly introduced to zoos, research and
# breeding that are not listed in the CITES appendices (Chinese name, scientific name, class).
SPECIES = """羊驼,Vicugna pacos,哺乳纲
美洲驼,Lama glama,哺乳纲
赤大袋鼠,Osphranter rufus,哺乳纲
东部灰大袋鼠,Macropus giganteus,哺乳纲
西部灰大袋鼠,Macropus fuliginosus,哺乳纲
红颈袋鼠,Notamacropus rufogriseus,哺乳纲
沙漠袋鼠,Notamacropus agilis,哺乳纲
帚尾袋貂,Trichosurus vulpecula,哺乳纲
蜜袋鼯,Petaurus breviceps,哺乳纲
细尾獴,Suricata suricatta,哺乳纲
黑尾草原犬鼠,Cynomys ludovicianus,哺乳纲
水豚,Hydrochoerus hydrochaeris,哺乳纲
巴塔哥尼亚豚鼠,Dolichotis patagonum,哺乳纲
南美栗鼠,Chinchilla lanigera,哺乳纲
格兰特斑马,Equus quagga boehmi,哺乳纲
查普曼斑马,Equus quagga chapmani,哺乳纲
大羚羊,Taurotragus oryx,哺乳纲
白尾角马,Connochaetes gnou,哺乳纲
斑纹角马,Connochaetes taurinus,哺乳纲
跳羚,Antidorcas marsupialis,哺乳纲
黑斑羚,Aepyceros melampus,哺乳纲
南非剑羚,Oryx gazella,哺乳纲
水羚,Kobus ellipsiprymnus,哺乳纲
捻角羚,Tragelaphus strepsiceros,哺乳纲
白纹牛羚,Connochaetes albojubatus,哺乳纲
非洲水牛,Syncerus caffer,哺乳纲
美洲野牛,Bison bison,哺乳纲
欧洲马鹿,Cervus elaphus,哺乳纲
黇鹿,Dama dama,哺乳纲
驯鹿,Rangifer tarandus,哺乳纲
北美驼鹿,Alces alces,哺乳纲
白尾鹿,Odocoileus virginianus,哺乳纲
骡鹿,Odocoileus hemionus,哺乳纲
欧洲狍,Capreolus capreolus,哺乳纲
摩弗伦羊,Ovis gmelini musimon,哺乳纲
北山羊,Capra sibirica,哺乳纲
侏儒山羊,Capra hircus,哺乳纲
疣猪,Phacochoerus africanus,哺乳纲
红河猪,Potamochoerus porcus,哺乳纲
领西猯,Dicotyles tajacu,哺乳纲
南浣熊,Nasua nasua,哺乳纲
北美浣熊,Procyon lotor,哺乳纲
缟鬣狗,Hyaena hyaena,哺乳纲
斑鬣狗,Crocuta crocuta,哺乳纲
非洲野犬,Lycaon pictus,哺乳纲
郊狼,Canis latrans,哺乳纲
北极狐,Vulpes lagopus,哺乳纲
赤狐,Vulpes vulpes,哺乳纲
蹄兔,Procavia capensis,哺乳纲
非洲冕豪猪,Hystrix cristata,哺乳纲
北美豪猪,Erethizon dorsatum,哺乳纲
土豚,Orycteropus afer,哺乳纲
九带犰狳,Dasypus novemcinctus,哺乳纲
六带犰狳,Euphractus sexcinctus,哺乳纲
二趾树懒,Choloepus didactylus,哺乳纲
欧洲刺猬,Erinaceus europaeus,哺乳纲
非洲迷你刺猬,Atelerix albiventris,哺乳纲
埃及果蝠,Rousettus aegyptiacus,哺乳纲
松鼠猴,Saimiri sciureus,哺乳纲
金色中美松鼠,Sciurus variegatoides,哺乳纲
东美花鼠,Tamias striatus,哺乳纲
欧亚红松鼠,Sciurus vulgaris,哺乳纲
旱獭,Marmota monax,哺乳纲
欧洲兔,Oryctolagus cuniculus,哺乳纲
沙鼠,Meriones unguiculatus,哺乳纲
长尾龙猫鼠,Octodon degus,哺乳纲
斑点臭鼬,Spilogale putorius,哺乳纲
条纹臭鼬,Mephitis mephitis,哺乳纲
欧洲雪貂,Mustela furo,哺乳纲
美洲水貂,Neogale vison,哺乳纲
负鼠,Didelphis virginiana,哺乳纲
小袋獾,Dasyurus viverrinus,哺乳纲
黑天鹅,Cygnus atratus,鸟纲
疣鼻天鹅,Cygnus olor,鸟纲
黑颈天鹅,Cygnus melancoryphus,鸟纲
鸸鹋,Dromaius novaehollandiae,鸟纲
双垂鹤鸵,Casuarius casuarius,鸟纲
蓝孔雀,Pavo cristatus,鸟纲
白孔雀,Pavo cristatus mut. alba,鸟纲
珠鸡,Numida meleagris,鸟纲
鹫珠鸡,Acryllium vulturinum,鸟纲
火鸡,Meleagris gallopavo,鸟纲
环颈雉,Phasianus colchicus,鸟纲
金鸡,Chrysolophus pictus,鸟纲
白冠长尾雉,Syrmaticus reevesii,鸟纲
山齿鹑,Colinus virginianus,鸟纲
加州鹑,Callipepla californica,鸟纲
鹌鹑,Coturnix japonica,鸟纲
石鸡,Alectoris chukar,鸟纲
红腿石鸡,Alectoris rufa,鸟纲
灰山鹑,Perdix perdix,鸟纲
虎皮鹦鹉,Melopsittacus undulatus,鸟纲
鸡尾鹦鹉,Nymphicus hollandicus,鸟纲
桃脸牡丹鹦鹉,Agapornis roseicollis,鸟纲
红领绿鹦鹉,Psittacula krameri,鸟纲
斑胸草雀,Taeniopygia guttata,鸟纲
七彩文鸟,Chloebia gouldiae,鸟纲
白腰文鸟,Lonchura striata,鸟纲
禾雀,Padda oryzivora,鸟纲
金丝雀,Serinus canaria,鸟纲
钻石斑马雀,Stagonopleura guttata,鸟纲
长尾草雀,Poephila acuticauda,鸟纲
橙颊梅花雀,Estrilda melpoda,鸟纲
红梅花雀,Amandava amandava,鸟纲
紫蓝饰雀,Uraeginthus ianthinogaster,鸟纲
丝光椋鸟,Spodiopsar sericeus,鸟纲
紫翅椋鸟,Sturnus vulgaris,鸟纲
家八哥,Acridotheres tristis,鸟纲
笑翠鸟,Dacelo novaeguineae,鸟纲
斑鼠鸟,Colius striatus,鸟纲
绿林戴胜,Phoeniculus purpureus,鸟纲
白脸树鸭,Dendrocygna viduata,鸟纲
鸳鸯,Aix galericulata,鸟纲
林鸳鸯,Aix sponsa,鸟纲
赤麻鸭,Tadorna ferruginea,鸟纲
翘鼻麻鸭,Tadorna tadorna,鸟纲
埃及雁,Alopochen aegyptiaca,鸟纲
加拿大黑雁,Branta canadensis,鸟纲
斑头雁,Anser indicus,鸟纲
雪雁,Anser caerulescens,鸟纲
绿头鸭,Anas platyrhynchos,鸟纲
赤颈鸭,Mareca penelope,鸟纲
紫水鸡,Porphyrio porphyrio,鸟纲
美洲红鹮,Eudocimus ruber,鸟纲
埃及圣鹮,Threskiornis aethiopicus,鸟纲
白鹮,Eudocimus albus,鸟纲
黑冠鹤,Balearica pavonina,鸟纲
大白鹭,Ardea alba,鸟纲
牛背鹭,Bubulcus ibis,鸟纲
白鹈鹕,Pelecanus onocrotalus,鸟纲
澳洲鹈鹕,Pelecanus conspicillatus,鸟纲
非洲企鹅,Spheniscus demersus,鸟纲
巴布亚企鹅,Pygoscelis papua,鸟纲
帝企鹅,Aptenodytes forsteri,鸟纲
王企鹅,Aptenodytes patagonicus,鸟纲
跳岩企鹅,Eudyptes chrysocome,鸟纲
麦哲伦企鹅,Spheniscus magellanicus,鸟纲
黑头鸥,Chroicocephalus ridibundus,鸟纲
斑嘴环企鹅,Spheniscus humboldti,鸟纲
欧亚鸲,Erithacus rubecula,鸟纲
红额金翅雀,Carduelis carduelis,鸟纲
鬃狮蜥,Pogona vitticeps,爬行纲
豹纹守宫,Eublepharis macularius,爬行纲
肥尾守宫,Hemitheconyx caudicinctus,爬行纲
睫角守宫,Correlophus ciliatus,爬行纲
巨人守宫,Rhacodactylus leachianus,爬行纲
蓝舌石龙子,Tiliqua scincoides,爬行纲
红眼鳄蜥,Tribolonotus gracilis,爬行纲
高冠变色龙,Chamaeleo calyptratus,爬行纲
绿安乐蜥,Anolis carolinensis,爬行纲
沙漠鬣蜥,Dipsosaurus dorsalis,爬行纲
黑刺尾鬣蜥,Ctenosaura similis,爬行纲
玉米蛇,Pantherophis guttatus,爬行纲
加州王蛇,Lampropeltis californiae,爬行纲
牛奶蛇,Lampropeltis triangulum,爬行纲
猪鼻蛇,Heterodon nasicus,爬行纲
束带蛇,Thamnophis sirtalis,爬行纲
白化鼠蛇,Pantherophis obsoletus,爬行纲
红耳彩龟,Trachemys scripta elegans,爬行纲
黄耳彩龟,Trachemys scripta scripta,爬行纲
密西西比地图龟,Graptemys pseudogeographica kohnii,爬行纲
麝香龟,Sternotherus odoratus,爬行纲
巨头麝香龟,Sternotherus minor,爬行纲
东部泥龟,Kinosternon subrubrum,爬行纲
鳄龟,Chelydra serpentina,爬行纲
锦龟,Chrysemys picta,爬行纲
纳氏伪龟,Pseudemys nelsoni,爬行纲
甜甜圈蛇颈龟,Chelodina mccordi,爬行纲
长颈龟,Chelodina longicollis,爬行纲
火焰蜥,Plestiodon fasciatus,爬行纲
南美角蛙,Ceratophrys cranwelli,两栖纲
钟角蛙,Ceratophrys ornata,两栖纲
美国牛蛙,Lithobates catesbeianus,两栖纲
非洲爪蟾,Xenopus laevis,两栖纲
老爷树蛙,Ranoia caerulea,两栖纲
白氏树蛙,Ranoidea caerulea,两栖纲
番茄蛙,Dyscophus guineti,两栖纲
东方铃蟾,Bombina orientalis,两栖纲
虎纹钝口螈,Ambystoma tigrinum,两栖纲
美西钝口螈,Ambystoma mexicanum,两栖纲
红腹蝾螈,Cynops pyrrhogaster,两栖纲
欧洲火蝾螈,Salamandra salamandra,两栖纲
粗皮渍螈,Taricha granulosa,两栖纲
红眼树蛙,Agalychnis callidryas,两栖纲
亚马逊牛奶蛙,Trachycephalus resinifictrix,两栖纲
非洲牛蛙,Pyxicephalus adspersus,两栖纲
美洲蟾蜍,Anaxyrus americanus,两栖纲
海蟾蜍,Rhinella marina,两栖纲
智利红玫瑰蜘蛛,Grammostola rosea,蛛形纲
墨西哥火脚蜘蛛,Brachypelma boehmei,蛛形纲
帝王蝎,Pandinus imperator,蛛形纲
大王花金龟,Goliathus goliatus,昆虫纲
长戟大兜虫,Dynastes hercules,昆虫纲
南洋大兜虫,Chalcosoma atlas,昆虫纲
彩虹锹甲,Phalacrognathus muelleri,昆虫纲
马达加斯加发声蟑螂,Gromphadorhina portentosa,昆虫纲
巨型竹节虫,Phobaeticus kirbyi,昆虫纲
兰花螳螂,Hymenopus coronatus,昆虫纲
蓝闪蝶,Morpho peleides,昆虫纲
黑脉金斑蝶,Danaus plexippus,昆虫纲
欧洲熊蜂,Bombus terrestris,昆虫纲
切叶蚁,Atta cephalotes,昆虫纲
巨型非洲蜗牛,Lissachatina fulica,腹足纲"""


# ---------------------------------------------------------------- working days, fast
class Workdays:
    """``analytics.workdays`` over FIRST..year-end of AS_OF, precomputed for millions of look-ups."""

    def __init__(self, first: dt.date, last: dt.date) -> None:
        self.first = first
        n = (last - first).days + 1
        self.days = [first + dt.timedelta(days=i) for i in range(n) if is_workday(first + dt.timedelta(days=i))]
        self._ge: list[int] = []  # calendar offset → index of the first working day on or after it
        j = 0
        for i in range(n + 1):
            day = first + dt.timedelta(days=i)
            while j < len(self.days) and self.days[j] < day:
                j += 1
            self._ge.append(j)

    def ge(self, day: dt.date) -> int:
        """Index of the first working day on or after ``day``."""
        return self._ge[(day - self.first).days]

    def add(self, start: dt.date, n: int) -> dt.date:
        """Same as ``analytics.workdays.add_workdays``."""
        if n == 0:
            return self.days[self.ge(start)]
        return self.days[self.ge(start + dt.timedelta(days=1)) + n - 1]

    def between(self, start: dt.date, end: dt.date) -> int:
        """Same as ``analytics.workdays.workdays_between``."""
        return self.ge(end + dt.timedelta(days=1)) - self.ge(start + dt.timedelta(days=1))


# ---------------------------------------------------------------- codes and names
def uscc(n: int, district: str) -> str:
    """A valid unified social credit code (GB 32100-2015) from a running number."""
    base = f"91{district}{n:09d}"[:17]
    total = sum(_USCC.index(c) * w for c, w in zip(base, _USCC_W))
    return base + _USCC[(31 - total % 31) % 31]


def id_number(n: int, district: str) -> str:
    """A valid resident ID number (GB 11643-1999) from a running number."""
    birth = dt.date(1960, 1, 1) + dt.timedelta(days=n * 37 % 14000)
    base = f"{district}{birth:%Y%m%d}{n % 1000:03d}"
    return base + "10X98765432"[sum(int(c) * w for c, w in zip(base, _ID_W)) % 11]


def _person(r: random.Random) -> str:
    return r.choice(SURNAMES) + r.choice(GIVEN) + (r.choice(GIVEN) if r.random() < 0.5 else "")


def _phone(r: random.Random) -> str:
    return f"1{r.choice('3589')}{r.randrange(10**9):09d}"


# ---------------------------------------------------------------- the build
@dataclass
class _World:
    ctx: BuildContext
    r: random.Random
    wd: Workdays
    districts: list[tuple[str, str, float]]
    streets: dict[str, list[str]]
    sites: dict[str, list[str]]
    species: list[tuple[str, str]]
    demo: bool
    ring: object
    ids: dict[str, int] = field(default_factory=lambda: {"case": 0, "cert": 0, "task": 0})
    counters: dict[tuple[str, int], int] = field(default_factory=dict)
    cases: list[dict] = field(default_factory=list)
    steps: list[dict] = field(default_factory=list)
    certs: list[dict] = field(default_factory=list)
    fees: list[dict] = field(default_factory=list)
    tasks: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    signed: list[dict] = field(default_factory=list)
    todos: list[dict] = field(default_factory=list)
    valid: dict[str, list[dict]] = field(default_factory=dict)  # item → valid certificates (for renewals)
    task_of_cert: dict[int, dict] = field(default_factory=dict)
    applicants: int = 0


def _estimate(scale: str) -> int:
    return SIZES[scale] * 9


TABLES = [AdSite.__table__, Species.__table__, Case.__table__, CaseStep.__table__, Certificate.__table__,
          FeeAssessment.__table__, SupervisionTask.__table__, SupervisionRecord.__table__, StepRollup.__table__]


@plugin("approvals", order=120, tables=TABLES, datasets=["approvals"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Libraries, then cases in date order (renewals and changes follow real earlier certificates)."""
    conn = ctx.conn
    conn.execute(delete(Todo.__table__).where(Todo.__table__.c.item_type == "ap_case"))
    conn.execute(delete(SignedRecord.__table__).where(SignedRecord.__table__.c.kind == CERTIFICATE_KIND))
    prefixes = sorted({s.certificate_prefix for it in catalog().values() for s in it.sub_items
                       if s.certificate_prefix} | {"沪林植恢费"})
    conn.execute(delete(DocumentCounter.__table__).where(DocumentCounter.__table__.c.prefix.in_(prefixes)))
    seed = int(ctx.rng("cases").integers(2**62))
    districts = [(r.code, r.name, r.area_km2) for r in conn.execute(
        select(District.code, District.name, District.area_km2).order_by(District.sort_order))]
    streets: dict[str, list[str]] = {}
    for code, name in conn.execute(select(Street.district_code, Street.name).order_by(Street.code)):
        streets.setdefault(code, []).append(name)
    w = _World(ctx, random.Random(seed), Workdays(FIRST, dt.date(AS_OF.year, 12, 31)), districts, streets, {}, [],
               ctx.scale == "demo", keys.current() if ctx.scale == "demo" else None)
    _species(w)
    _sites(w)
    _cases(w)
    _flush(w, final=True)
    rebuild_step_rollup(conn)
    if conn.dialect.name == "postgresql":
        for table in ("ap_case", "ap_step", "ap_certificate", "ap_fee_assessment", "ap_supervision_task",
                      "ap_supervision_record", "ap_ad_site", "ap_species", "signed_record", "wf_todo"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"))


def _species(w: _World) -> None:
    rows = []
    for i, line in enumerate(SPECIES.splitlines(), start=1):
        name, scientific, category = line.split(",")
        rows.append({"id": i, "name": name, "scientific_name": scientific, "category": category,
                     "protection_level": "非国际公约物种", "note": "常见引进物种，引进后纳入饲养繁育登记"})
    w.species = [(r["name"], r["scientific_name"]) for r in rows]
    w.ctx.insert(Species.__table__, rows)


def _sites(w: _World) -> None:
    """≈2,000 planned advertising sites placed by population, each point inside its district's boundary."""
    r = random.Random(w.r.random())
    rows = []
    total = SITES["demo" if w.demo else "city"]
    weights = [POPULATION[c] for c, _, _ in w.districts]
    shapes = {c: shape(json.loads(b)) for c, b in w.ctx.conn.execute(select(District.code, District.boundary))}
    per = {c: 0 for c, _, _ in w.districts}
    for c in r.choices([c for c, _, _ in w.districts], weights=weights, k=total):
        per[c] += 1
    n = 0
    for code, name, _ in w.districts:
        poly = shapes[code]
        minx, miny, maxx, maxy = poly.bounds
        roads = DISTRICT_ROADS.get(code, GENERIC_ROADS)
        for k in range(1, per[code] + 1):
            while True:
                lon, lat = r.uniform(minx, maxx), r.uniform(miny, maxy)
                if poly.contains(Point(lon, lat)):
                    break
            n += 1
            site_code = f"GG{code}{k:04d}"
            road = roads[k % len(roads)]
            roll = r.random()
            status = "occupied" if roll < 0.55 else ("suspended" if roll < 0.60 else "planned")
            rows.append({"id": n, "code": site_code, "name": f"{name}{road}规划点位{k}",
                         "district_code": code, "street": r.choice(w.streets.get(code) or [road]),
                         "lon": round(lon, 6), "lat": round(lat, 6), "size": r.choice(SIZES_M), "status": status})
            w.sites.setdefault(code, []).append(site_code)
    w.ctx.insert(AdSite.__table__, rows)


def _months(item: str) -> tuple[list[tuple[int, int]], list[float]]:
    season = SEASON.get(item, FLAT)
    months, cum, acc = [], [], 0.0
    y, m = FIRST.year, FIRST.month
    while (y, m) <= (AS_OF.year, AS_OF.month):
        days = calendar.monthrange(y, m)[1]
        share = (AS_OF.day / days) if (y, m) == (AS_OF.year, AS_OF.month) else 1.0
        acc += season[m - 1] * YEAR_GROWTH[y] * share
        months.append((y, m))
        cum.append(acc)
        m += 1
        if m == 13:
            y, m = y + 1, 1
    return months, cum


def _pick(r: random.Random, shares: dict[str, float]) -> str:
    return r.choices(list(shares), weights=list(shares.values()))[0]


def _cases(w: _World) -> None:
    """Sample every case's item, submission day and district, then walk each through its flow in date order."""
    r = w.r
    n = SIZES["demo" if w.demo else "city"]
    items = catalog()
    plan = []
    months = {code: _months(code) for code in ITEM_SHARE}
    dist_weights = {
        True: [area for _, _, area in w.districts],
        False: [POPULATION[c] for c, _, _ in w.districts]}
    codes = [c for c, _, _ in w.districts]
    for item_code in r.choices(list(ITEM_SHARE), weights=list(ITEM_SHARE.values()), k=n):
        ms, cum = months[item_code]
        y, m = ms[bisect.bisect_left(cum, r.random() * cum[-1])]
        last = AS_OF.day if (y, m) == (AS_OF.year, AS_OF.month) else calendar.monthrange(y, m)[1]
        day = dt.date(y, m, r.randint(1, last))
        district = r.choices(codes, weights=dist_weights[item_code in BY_AREA])[0]
        plan.append((day, item_code, district, None))
    if w.demo:
        plan.extend(_demo_work(w))
    plan.sort(key=lambda p: p[0])
    for i, (day, item_code, district, force) in enumerate(plan):
        _case(w, items[item_code], day, district, i, force=force)
        if len(w.steps) > 200_000:
            _flush(w)


def _demo_work(w: _World) -> list[tuple[dt.date, str, str, dict]]:
    """Cases that give each demo account something to do: 徐汇 district steps (some overdue), fee
    assessment and payment confirmation, the applicant's draft, returned and running cases."""
    today = w.wd.ge(AS_OF)
    out = []
    for k in range(36):
        out.append((w.wd.days[today - 1 - k % 12], "plant_quarantine", DEMO_DISTRICT,
                    {"hold": k % 3, "situation": "field_inspection" if k % 2 else "with_origin_certificate",
                     "state": "approved"}))
    for k in range(6):
        out.append((w.wd.days[today - 4 - k], "seed_license", DEMO_DISTRICT, {"hold": 2, "situation": "new",
                                                                             "state": "approved"}))
    for k, hold in enumerate((4, 4, 4, 5, 5, 5)):
        out.append((w.wd.days[today - 20 - k], "forest_land", "310115", {"hold": hold, "situation": "new",
                                                                         "state": "approved"}))
    for k in range(8):
        out.append((w.wd.days[today - 3 - k], "outdoor_advertising", "310101" if k % 2 else "310106",
                    {"hold": 2 + k % 3, "situation": "first_self", "state": "approved"}))
    for k, state in enumerate(("draft", "draft", "returned", "approved")):
        out.append((w.wd.days[today - 3 - k], "plant_quarantine", DEMO_DISTRICT,
                    {"applicant": "applicant", "state": state, "situation": "with_origin_certificate",
                     **({"hold": 1} if state == "approved" else {})}))
    for k in range(3):
        out.append((w.wd.days[today - 3 - k], "vehicle_wash", DEMO_DISTRICT,
                    {"situation": "new", "state": "approved", "component_hold": True}))
    out.append((w.wd.days[today - 2], "outdoor_advertising", "310104",
                {"applicant": "ad_agent", "situation": "first_agent", "state": "draft"}))
    return out


def _applicant(w: _World, item_code: str, district: str, types: tuple[str, ...], index: int) -> dict:
    r = w.r
    w.applicants += 1
    kind = r.choice([t for t in types if t != "agent"] or ["enterprise"])
    username = f"ap_user{w.applicants % 50000:05d}"
    if kind == "individual":
        name = _person(r)
        code = id_number(w.applicants, district)
    else:
        name = f"上海{r.choice(PLACES)}{r.choice(WORDS[item_code])}"
        code = uscc(w.applicants, district)
    if w.demo and index % 40 == 7:
        username = "applicant"
    return {"username": username, "type": kind, "name": name, "code": code}


def _form(w: _World, item, sit_code: str, applicant: dict, district: str, parent_form: dict | None) -> dict:
    r = w.r
    dname = next(name for c, name, _ in w.districts if c == district)
    road = r.choice(DISTRICT_ROADS.get(district, GENERIC_ROADS))
    address = f"上海市{dname}{road}{r.randint(1, 2000)}号"
    phone = _phone(r)
    code = item.code
    if parent_form is not None:
        form = dict(parent_form)
    elif code == "plant_quarantine":
        form = {"consignor": applicant["name"], "consignee": f"{r.choice(['苏州', '杭州', '南京', '嘉兴', '无锡', '上海'])}"
                f"{r.choice(PLACES)}园林绿化有限公司", "origin": r.choice(ORIGINS), "destination": address,
                "plant_name": r.choice(PLANTS), "quantity": str(r.randint(20, 5000)),
                "quantity_unit": r.choice(["株", "株", "千克", "件"]), "packaging": r.choice(["带土球", "散装", "捆扎"]),
                "transport": "汽车", "departure_date": "", "contact_phone": phone}
        if sit_code == "field_inspection":
            form["inspection_address"] = f"{r.choice(ORIGINS)}苗圃"
    elif code == "outdoor_advertising":
        width, height = r.choice([(18, 6), (12, 4), (10, 5), (6, 3)])
        form = {"setter_name": applicant["name"], "site_code": "", "site_address": address,
                "facility_form": r.choice(SITE_KINDS), "width_m": str(width), "height_m": str(height),
                "face_area": str(width * height), "content": r.choice(["公益广告", "商业广告：品牌形象", "商业广告：房地产"]),
                "period_years": str(r.choice([1, 2, 3])), "contact_phone": phone}
    elif code == "seed_license":
        form = {"unit_name": applicant["name"], "legal_representative": _person(r), "residence": address,
                "business_mode": r.choice(["生产", "经营", "生产经营"]),
                "business_scope": r.choice(["林木良种繁殖材料", "普通林木种子", "草种", "林木种子和草种"]),
                "species": "、".join(r.sample(PLANTS, 3)), "site_address": address,
                "storage_area": str(r.randint(50, 2000)), "technicians": str(r.randint(2, 12)), "contact_phone": phone}
    elif code == "forest_land":
        rows = [{"forest_block": f"{r.randint(1, 60)}", "compartment": f"{r.randint(1, 40)}",
                 "area_m2": str(r.randint(200, 20000)),
                 "land_type": r.choice(["乔木林地", "乔木林地", "竹林地", "灌木林地", "苗圃地", "宜林地"]),
                 "forest_category": r.choice(["公益林", "商品林", "商品林"])} for _ in range(r.randint(1, 3))]
        form = {"unit_name": applicant["name"], "project_name": f"{dname}{road}{r.choice(['道路改建', '排水管网', '变电站', '轨道交通配套'])}工程",
                "project_type": r.choice(["基础设施项目", "公共事业和民生项目", "经营性项目", "临时使用林地"]),
                "site_address": address, "use_type": r.choice(["永久占用", "临时占用"]), "contact_phone": phone,
                "sub_compartments": rows}
    elif code == "wildlife_introduction":
        name, scientific = r.choice(w.species)
        form = {"unit_name": applicant["name"], "species_name": name, "scientific_name": scientific,
                "quantity": str(r.randint(2, 60)), "origin_country": r.choice(COUNTRIES),
                "entry_port": r.choice(["浦东国际机场", "虹桥国际机场", "洋山港", "外高桥港区"]),
                "keeping_site": address, "contact_phone": phone}
        if sit_code == "breeding":
            form["breeding_capacity"] = str(r.randint(100, 3000))
    else:  # vehicle_wash
        form = {"enterprise_name": applicant["name"], "legal_representative": _person(r), "station_address": address,
                "contact_phone": phone, "wash_bays": str(r.randint(2, 8)), "site_area": str(r.randint(80, 600)),
                "daily_wastewater": str(r.randint(2, 30)), "sign_text": applicant["name"],
                "sign_area": str(r.randint(2, 12))}
    if code == "outdoor_advertising":
        pool = w.sites.get(district) or [""]
        form["site_code"] = form.get("site_code") or r.choice(pool)
        if sit_code.endswith("agent"):
            form.setdefault("advertiser_name", f"上海{r.choice(PLACES)}{r.choice(['实业', '商贸', '文化'])}有限公司")
            form.setdefault("advertiser_credit_code", uscc(900_000 + w.applicants, district))
    if sit_code == "change_area":
        form["change_reason"] = "项目设计调整，增加占用面积"
        for row in form["sub_compartments"]:
            row["area_m2"] = str(int(float(row["area_m2"]) * 1.2))
    if sit_code == "extension":
        form.update(extension_months=str(r.choice([6, 12, 24])), extension_reason="工程尚未完工")
    if sit_code == "cancel":
        form["cancel_reason"] = r.choice(["停止生产经营", "单位依法终止", "其他"])
    if sit_code.startswith("change_") and code == "seed_license":
        form["unit_name"] = applicant["name"]
    return form


def _at(day: dt.date, r: random.Random, hour: int | None = None) -> dt.datetime:
    """A moment of office hours on ``day`` (Shanghai time)."""
    minute = int(r.random() * 480)
    return dt.datetime(day.year, day.month, day.day, hour if hour is not None else 9 + minute // 60, minute % 60,
                       tzinfo=SHANGHAI)


STAFF = {"approvals.city": ["approver_city"] + [f"city_officer{n:02d}" for n in range(1, 9)],
         "approvals.sign": ["approval_leader", "leader_deputy1", "leader_deputy2"],
         "approvals.fee": ["forestry_fee_officer", "fee_officer2"], "approvals.tax": ["tax_officer", "tax_officer2"]}


def _officer(r: random.Random, permission: str, district: str) -> str:
    if permission == "approvals.district":
        return "approver_district" if district == DEMO_DISTRICT and r.random() < 0.5 else f"district{district}_{r.randint(1, 4)}"
    return r.choice(STAFF[permission])


def _case(w: _World, item, day: dt.date, district: str, index: int, *, parent: dict | None = None,
          component: tuple[str, str, int] | None = None, force: dict | None = None) -> dict:
    """One case walked through its flow; returns its row."""
    r, wd = w.r, w.wd
    force = force or {}
    hold = force.get("hold")
    if component is not None:
        sub_code, sit_code, _n = component
        sub, sit = item.find(sit_code)
    else:
        sit_code = force.get("situation") or _pick(r, SITUATIONS[item.code])
        sub, sit = item.find(sit_code)
    parent_cert = None
    if component is None and sit.kind != "new":
        parent_cert = _take_valid(w, item.code, day)
        if parent_cert is None:  # nothing to renew or change yet: a first application
            sit_code = next(k for k in SITUATIONS[item.code] if item.find(k)[1].kind == "new")
            sub, sit = item.find(sit_code)
    if parent is not None:
        applicant = {"username": parent["applicant_username"], "type": parent["applicant_type"],
                     "name": parent["applicant_name"], "code": parent["applicant_credit_code"]}
    elif parent_cert is not None:
        pc = parent_cert["case"]
        applicant = {"username": pc["applicant_username"], "type": pc["applicant_type"], "name": pc["applicant_name"],
                     "code": pc["applicant_credit_code"]}
        district = pc["district_code"]
    else:
        applicant = _applicant(w, item.code, district, sit.applicant_types, index)
    if force.get("applicant"):
        applicant["username"] = force["applicant"]
    if "agent" in sit.applicant_types:
        applicant = {**applicant, "type": "agent",
                     "username": force.get("applicant") or ("ad_agent" if w.demo and index % 9 == 0 else f"agent{index % 300:03d}")}
    if component is not None:
        wanted = {f.code for f in item.fields(sit_code)}
        form = {k: v for k, v in json.loads(parent["form"]).items() if k in wanted}
    else:
        form = _form(w, item, sit_code, applicant, district,
                     json.loads(parent_cert["case"]["form"]) if parent_cert else None)
        if item.code == "outdoor_advertising" and parent_cert is not None and sit_code.endswith("agent"):
            form["advertiser_name"], form["advertiser_credit_code"] = parent_cert["holder"], parent_cert["holder_credit_code"]
        if item.code == "plant_quarantine":
            form["departure_date"] = (day + dt.timedelta(days=r.randint(3, 15))).isoformat()
    steps = item.steps(sit_code)
    w.ids["case"] += 1
    cid = w.ids["case"]
    submit_day = wd.days[min(wd.ge(day), wd.ge(AS_OF))]
    if submit_day > AS_OF:
        submit_day = wd.days[wd.ge(AS_OF)]
    case_no = f"AP{day:%Y%m%d}{cid:08d}" if component is None else f"{parent['case_no']}-{component[2]}"
    case = {"id": cid, "case_no": case_no, "item_code": item.code, "sub_item_code": sub.code,
            "situation_code": sit_code, "kind": sit.kind,
            "parent_id": parent_cert["case_id"] if parent_cert else None,
            "parent_certificate_id": parent_cert["id"] if parent_cert else None,
            "composite_parent_id": parent["id"] if parent else None,
            "applicant_username": applicant["username"], "applicant_type": applicant["type"],
            "applicant_name": applicant["name"], "applicant_credit_code": applicant["code"],
            "contact_phone": None, "district_code": district, "level": steps[0].level, "state": "draft",
            "current_step": None, "step_permission": None, "step_due": None,
            "form": json.dumps(form, ensure_ascii=False), "channel": _channel(r, parent),
            "created_at": _at(day, r, 8) if component is None else parent["_parallel_at"],
            "submitted_at": None, "accepted_at": None, "decided_at": None, "due_date": None, "paused_on": None,
            "suspended_days": 0, "sync_seq": 0, "version": 1}
    w.cases.append(case)
    recent = wd.between(submit_day, AS_OF) <= sit.time_limit + 12
    if component is None and (force.get("state") == "draft" or (recent and not force and r.random() < 0.07)):
        return case  # still a draft
    outcome = force.get("state") or (_pick(r, OUTCOMES) if component is None else
                                     ("approved" if r.random() < 0.95 else "rejected"))
    if parent is not None and parent.get("_force_component"):
        outcome = parent["_force_component"].pop()
    now = _at(submit_day, r) if component is None else parent["_parallel_at"]
    case["submitted_at"] = now
    case["due_date"] = wd.add(_d(now), sit.time_limit)
    stop_kinds = {"not_accepted": ("receipt", "acceptance"), "rejected": ("review", "expert_review"),
                  "returned": ("receipt", "acceptance", "review", "expert_review"),
                  "suspended": ("review", "expert_review"), "withdrawn": tuple(s.kind for s in steps[:-1])}
    candidates = [i for i, s in enumerate(steps) if s.kind in stop_kinds.get(outcome, ())]
    if item.composite and component is None:  # no suspension or withdrawal while in parallel approval
        candidates = [i for i in candidates if steps[i].kind != "parallel"]
        if outcome == "rejected":
            candidates = [i for i, s in enumerate(steps) if s.kind == "parallel"]
    if outcome != "approved" and not candidates:
        outcome = "approved"
    stop = r.choice(candidates) if outcome != "approved" else len(steps) - 1
    has_acceptance = any(s.kind == "acceptance" for s in steps)
    corrected = suspended_once = False
    seq = 0
    accepted = False
    for i, step in enumerate(steps):
        seq += 1
        start = now
        start_day = _d(start)
        due = wd.add(start_day, step.days)
        late = r.random() < LATE_STEP
        took = (step.days + r.randint(1, 4)) if late else min(step.days, int(r.expovariate(1 / max(step.days * 0.45, 0.3))))
        actor = _officer(r, step.permission, district)
        pause = 0
        if step.kind in ("review", "expert_review") and accepted and not corrected and r.random() < CORRECTION \
                and i != stop:
            corrected = True
            fin_day = wd.add(start_day, min(took, step.days))
            if fin_day <= AS_OF:
                fin = _at(fin_day, r)
                w.steps.append(_step(case["id"], seq, step, start, due, fin, actor, "returned", "材料不齐全，请补正"))
                back = wd.add(fin_day, r.randint(2, 12))
                if back > AS_OF:
                    return _pause(w, case, step, start, due, fin_day, "returned")
                case["suspended_days"] += wd.between(fin_day, back)
                case["due_date"] = wd.add(case["due_date"], wd.between(fin_day, back))
                seq += 1
                start, start_day = _at(back, r), back
                due = wd.add(start_day, step.days)
        if step.kind in ("review", "expert_review") and accepted and not suspended_once and r.random() < SUSPENSION \
                and i != stop:
            suspended_once = True
            pause = r.randint(3, 20)
        if outcome in ("returned", "suspended") and i == stop:
            fin_day = wd.add(start_day, min(took, step.days))
            if fin_day > AS_OF:
                fin_day = AS_OF
            return _pause(w, case, step, start, due, fin_day, outcome, seq=seq, actor=actor)
        fin_day = wd.add(start_day, took + pause)
        if fin_day > AS_OF or (fin_day == AS_OF and r.random() < 0.5):
            if pause and wd.add(start_day, took) <= AS_OF:  # suspended now, the clock stopped
                return _pause(w, case, step, start, due, wd.add(start_day, took), "suspended", seq=seq)
            return _open(w, case, step, start, due, seq)
        if pause:
            case["suspended_days"] += pause
            case["due_date"] = wd.add(case["due_date"], pause)
            due = wd.add(due, pause)
        fin = max(_at(fin_day, r), start + dt.timedelta(minutes=20))
        if hold is not None and i == hold:
            return _open(w, case, step, start, due, seq)
        if i == stop and outcome != "approved" and step.kind != "parallel":
            label = {"not_accepted": "not_accept", "rejected": "reject", "withdrawn": "withdrawn"}[outcome]
            who = case["applicant_username"] if outcome == "withdrawn" else actor
            comment = {"not_accept": "不属于本机关受理范围", "reject": "经审查不符合法定条件", "withdrawn": "申请人主动撤回"}[label]
            w.steps.append(_step(case["id"], seq, step, start, due, fin, who, label, comment))
            case.update(state={"not_accept": "not_accepted", "reject": "rejected", "withdrawn": "withdrawn"}[label],
                        current_step=None, step_permission=None, step_due=None, level=step.level,
                        decided_at=fin if label != "withdrawn" else None)
            return case
        if step.kind == "parallel":
            case["_parallel_at"] = start
            case["_force_component"] = _component_outcomes(r, outcome)
            held = {"hold": 1, "state": "approved"} if force.get("component_hold") else None
            children = [_case(w, item, start_day, district, index, parent=case, force=held,
                              component=(c.split(".")[0], c.split(".")[1], n))
                        for n, c in enumerate(sit.components, start=1)]
            states = {c["state"] for c in children}
            if states & {"rejected"}:
                done = max(c["decided_at"] for c in children if c["state"] == "rejected")
                for child in children:
                    if child["state"] in OPEN:
                        _terminate(w, child, done, actor)
                w.steps.append(_step(case["id"], seq, step, start, due, done, actor, "fail", "组成事项未通过"))
                case.update(state="rejected", current_step=None, step_permission=None, step_due=None,
                            level=step.level, decided_at=done)
                return case
            if states != {"approved"}:
                case.update(state="parallel", current_step=step.code, step_permission=step.permission,
                            level=step.level, step_due=due)
                w.steps.append(_step(case["id"], seq, step, start, due, None, None, None, None))
                return case
            fin = max(c["decided_at"] for c in children) + dt.timedelta(minutes=5)
            fin_day = _d(fin)
        w.steps.append(_step(case["id"], seq, step, start, due, fin, actor, "approved",
                             "同意" if step.kind != "completion" else "办结"))
        if step.kind == "acceptance" or (step.kind == "receipt" and not has_acceptance):
            accepted = True
            case["accepted_at"] = fin
            case["due_date"] = wd.add(fin_day, sit.time_limit)
        if step.kind == "fee_assessment":
            _fee(w, case, form, fin, actor, paid=False)
        if step.kind == "payment_confirmation":
            w.fees[-1].update(paid=True, tax_reference=f"税票{fin_day:%Y%m%d}{case['id'] % 100000:05d}",
                              paid_confirmed_by=actor, paid_at=fin)
        now = fin
    case.update(state="approved", current_step=None, step_permission=None, step_due=None, decided_at=now,
                level=steps[-1].level)
    if component is None and item.issues_certificate(sit_code):
        _certificate(w, case, item, sub, sit, parent_cert, _d(now))
    elif parent_cert is not None:  # cancellation: the original certificate ends
        _end_certificate(w, parent_cert, "cancelled", now)
    return case


def _take_valid(w: _World, item_code: str, day: dt.date) -> dict | None:
    """A random certificate of the item, still valid and issued before ``day``, removed from the pool."""
    pool = w.valid.get(item_code) or []
    for _ in range(8):
        if not pool:
            return None
        k = w.r.randrange(len(pool))
        cert = pool[k]
        if cert["status"] != "valid":
            pool[k] = pool[-1]
            pool.pop()
        elif cert["issued_on"] < day:
            pool[k] = pool[-1]
            pool.pop()
            return cert
    return None


def _d(moment: dt.datetime) -> dt.date:
    return moment.astimezone(SHANGHAI).date()


def _channel(r: random.Random, parent: dict | None) -> str:
    if parent is not None:
        return parent["channel"]
    roll = r.random()
    return "web" if roll < 0.62 else ("mobile" if roll < 0.9 else "api")


def _component_outcomes(r: random.Random, outcome: str) -> list[str]:
    """Forced outcomes of a composite's components, popped from the end (first component first). A failed
    composite: the first approved, the second rejected, the third sent back for correction — still open
    when the composite fails, so it is terminated with it (as the engine does)."""
    if outcome == "rejected":
        return ["returned", "rejected", "approved"]
    return ["approved"] * 3


def _terminate(w: _World, case: dict, at: dt.datetime, actor: str) -> None:
    """A component still open when its composite failed: closed with it (the engine's ``terminate``)."""
    comment = "并联审批未通过，本事项终止办理"
    for step in reversed(w.steps):
        if step["case_id"] != case["id"]:
            continue
        if step["finished_at"] is None:
            step.update(finished_at=max(at, step["started_at"] + dt.timedelta(minutes=1)), actor=actor,
                        outcome="terminate", comment=comment)
        break
    for todo in w.todos[-10:]:  # the components' to-dos were the last ones added
        if todo["item_id"] == case["id"] and todo["done_at"] is None:
            todo["done_at"] = at
    case.update(state="terminated", current_step=None, step_permission=None, step_due=None, paused_on=None)


def _step(case_id: int, seq: int, step, start, due, fin, actor, outcome, comment) -> dict:
    return {"case_id": case_id, "seq": seq, "step": step.code, "label": step.label, "permission": step.permission,
            "started_at": start, "due": due, "finished_at": fin, "actor": actor, "outcome": outcome,
            "comment": comment}


def _open(w: _World, case: dict, step, start, due, seq: int) -> dict:
    """The case is at ``step`` now (in progress; the legal due date moved by any finished pause)."""
    case.update(state="in_progress", current_step=step.code, step_permission=step.permission, level=step.level,
                step_due=due)
    w.steps.append(_step(case["id"], seq, step, start, due, None, None, None, None))
    _todo(w, case, step)
    return case


def _pause(w: _World, case: dict, step, start, due, day: dt.date, state: str, *, seq: int | None = None,
           actor: str | None = None) -> dict:
    """Returned for correction (the step row finished) or suspended (the step row stays open) on ``day``."""
    seq = seq or max((s["seq"] for s in w.steps[-8:] if s["case_id"] == case["id"]), default=0)
    if state == "returned":
        if actor is not None:
            w.steps.append(_step(case["id"], seq, step, start, due, max(_at(day, w.r), start + dt.timedelta(minutes=20)),
                                 actor, "returned", "材料不齐全，请补正"))
    else:
        w.steps.append(_step(case["id"], seq, step, start, due, None, None, None, None))
    case.update(state=state, current_step=step.code, step_permission=step.permission, level=step.level,
                step_due=due, paused_on=day)
    return case


def _todo(w: _World, case: dict, step) -> None:
    w.todos.append({"username": None, "permission": step.permission,
                    "title": f"{catalog()[case['item_code']].name}·{step.label}：{case['case_no']} {case['applicant_name']}",
                    "link": f"/admin/approvals/cases/{case['id']}", "item_type": "ap_case", "item_id": case["id"],
                    "created_at": case["submitted_at"], "done_at": None})


def _fee(w: _World, case: dict, form: dict, at: dt.datetime, actor: str, *, paid: bool) -> None:
    from workflow.approvals import FOREST_FEE_RATES, PUBLIC_WELFARE_FACTOR

    area = amount = 0.0
    types = []
    for row in form.get("sub_compartments") or []:
        rate = FOREST_FEE_RATES[row["land_type"]] * (PUBLIC_WELFARE_FACTOR if row["forest_category"] == "公益林" else 1)
        area += float(row["area_m2"])
        amount += float(row["area_m2"]) * rate
        types.append(row["land_type"])
    year = _d(at).year
    key = ("沪林植恢费", year)
    w.counters[key] = w.counters.get(key, 0) + 1
    w.fees.append({"case_id": case["id"], "area_m2": area, "land_type": "、".join(dict.fromkeys(types)) or "无新增占用",
                   "rate": round(amount / area, 4) if area else 0.0, "amount": round(amount, 2),
                   "notice_no": f"沪林植恢费〔{year}〕{w.counters[key]:06d}号", "sealed": True, "sms_sent": True,
                   "paid": paid, "tax_reference": None, "assessed_by": actor, "assessed_at": at,
                   "paid_confirmed_by": None, "paid_at": None})


def _add_months(d: dt.date, months: int) -> dt.date:
    y, m = divmod(d.month - 1 + months, 12)
    return dt.date(d.year + y, m + 1, min(d.day, calendar.monthrange(d.year + y, m + 1)[1]))


def _certificate(w: _World, case: dict, item, sub, sit, parent: dict | None, today: dt.date) -> None:
    """Number and record the certificate (signed at demo scale), end the parent, open supervision."""
    r = w.r
    key = (sub.certificate_prefix, today.year)
    w.counters[key] = w.counters.get(key, 0) + 1
    number = f"{sub.certificate_prefix}〔{today.year}〕{w.counters[key]:06d}号"
    form = json.loads(case["form"])
    if case["kind"] == "change" and parent is not None:
        valid_until = parent["valid_until"]
    elif case["kind"] == "renewal" and parent is not None and form.get("extension_months"):
        valid_until = _add_months(parent["valid_until"], int(form["extension_months"]))
    else:
        start = max(today, parent["valid_until"] + dt.timedelta(days=1)) if parent is not None else today
        valid_until = (start + dt.timedelta(days=sub.validity_days - 1) if sub.validity_days
                       else _add_months(start, 12 * sub.validity_years) - dt.timedelta(days=1))
    holder = form.get("advertiser_name") or case["applicant_name"]
    holder_code = (form.get("advertiser_credit_code") or case["applicant_credit_code"]).upper()
    fields = {k: (v if isinstance(v, str) else "；".join("，".join(str(x) for x in row.values()) for row in v))
              for k, v in form.items() if k != "contact_phone"}
    payload = {"number": number, "item_code": item.code, "item_name": item.name, "certificate": sub.name,
               "case_no": case["case_no"], "issuer": ISSUER, "issued_on": today.isoformat(),
               "valid_until": valid_until.isoformat(), **fields, "holder": holder, "holder_credit_code": holder_code}
    payload = dict(sorted(payload.items()))
    if w.ring is None:
        payload["record_source"] = IMPORTED
    w.ids["cert"] += 1
    cert = {"id": w.ids["cert"], "number": number, "case_id": case["id"], "item_code": item.code,
            "template": sub.certificate_template, "holder": holder, "holder_credit_code": holder_code,
            "issued_on": today, "valid_until": valid_until, "status": "valid",
            "previous_id": parent["id"] if parent else None,
            "national_code": (f"LC{today:%Y}{w.ids['cert']:010d}" if item.code == "plant_quarantine" and
                              r.random() < 0.97 else None),
            "payload": json.dumps(payload, ensure_ascii=False, sort_keys=True)}
    if w.ring is not None:
        data = canonical(payload)
        w.signed.append({"kind": CERTIFICATE_KIND, "ref": number, "digest": sm3(data).hex(),
                         "signature": sm2_sign(w.ring.sm2_private, data), "public_key": w.ring.sm2_public,
                         "signed_at": case["decided_at"]})
    w.certs.append(cert)
    cert["case"] = case
    if parent is not None:
        _end_certificate(w, parent, {"renewal": "expired", "change": "changed"}[case["kind"]], case["decided_at"])
    if valid_until >= AS_OF:
        w.valid.setdefault(item.code, []).append(cert)
    elif cert["status"] == "valid":
        cert["status"] = "expired"
    if sub.supervision is not None and sit.kind != "cancel":
        _supervision(w, case, cert, sub.supervision, today)


def _end_certificate(w: _World, cert: dict, status: str, at: dt.datetime) -> None:
    cert["status"] = status
    task = w.task_of_cert.get(cert["id"])
    if task is not None and task["state"] != "closed":
        task.update(state="closed", closed_at=at)


SUP_MONTHS = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def _supervision(w: _World, case: dict, cert: dict, rule, today: dt.date) -> None:
    """A supervision task with its inspections (findings and rectifications now and then) up to AS_OF."""
    r = w.r
    months = SUP_MONTHS[rule.frequency]
    w.ids["task"] += 1
    district = case["district_code"]
    who = ("district_supervisor" if district == DEMO_DISTRICT and r.random() < 0.6 else f"supervisor{district}")
    task = {"id": w.ids["task"], "case_id": case["id"], "certificate_id": cert["id"], "district_code": district,
            "frequency": rule.frequency, "note": rule.note, "state": "open", "next_due": _add_months(today, months),
            "created_at": case["decided_at"], "closed_at": None}
    end = min(AS_OF, cert["valid_until"])
    visit = _add_months(today, months)
    state = "open"
    count = 0
    while visit <= end and count < 4:
        day = w.wd.days[min(w.wd.ge(visit), w.wd.ge(AS_OF))]
        at = _at(day, r)
        roll = r.random()
        if state == "rectifying":
            w.records.append(_record(task, "rectification", at, who, "已按要求完成整改，复查合格"))
            state = "open"
        elif roll < 0.12:
            w.records.append(_record(task, "finding", at, who, r.choice(
                ["画面破损，需更换", "设施锈蚀，需安全检测", "档案记录不全", "超出批准范围使用", "种子标签不规范"])))
            state = "rectifying"
        else:
            w.records.append(_record(task, "inspection", at, who, "现场检查，未发现问题"))
            task["next_due"] = _add_months(day, months)
        count += 1
        visit = _add_months(visit, months)
    task["state"] = state
    if cert["valid_until"] < AS_OF and state == "open":
        at = _at(w.wd.days[min(w.wd.ge(cert["valid_until"]), w.wd.ge(AS_OF))], r)
        w.records.append(_record(task, "closure", at, who, "许可期满，监管结案"))
        task.update(state="closed", closed_at=at)
    w.tasks.append(task)
    w.task_of_cert[cert["id"]] = task


def _record(task: dict, kind: str, at: dt.datetime, who: str, text_: str) -> dict:
    return {"task_id": task["id"], "kind": kind, "at": at, "actor": who, "text": text_}


def _flush(w: _World, *, final: bool = False) -> None:
    """Write what is complete: cases and steps as they come; certificates, fees and supervision at the end
    (later cases still change their status)."""
    ctx = w.ctx
    ctx.insert(Case.__table__, ({k: v for k, v in c.items() if not k.startswith("_")} for c in w.cases),
               columns=[c.name for c in Case.__table__.columns])
    ctx.insert(CaseStep.__table__, w.steps, columns=[c.name for c in CaseStep.__table__.columns if c.name != "id"])
    w.cases, w.steps = [], []
    if final:
        ctx.insert(Certificate.__table__, ({k: v for k, v in c.items() if k != "case"} for c in w.certs),
                   columns=[c.name for c in Certificate.__table__.columns])
        ctx.insert(FeeAssessment.__table__, w.fees,
                   columns=[c.name for c in FeeAssessment.__table__.columns if c.name != "id"])
        ctx.insert(SupervisionTask.__table__, w.tasks, columns=[c.name for c in SupervisionTask.__table__.columns])
        ctx.insert(SupervisionRecord.__table__, w.records,
                   columns=[c.name for c in SupervisionRecord.__table__.columns if c.name != "id"])
        ctx.insert(SignedRecord.__table__, w.signed,
                   columns=[c.name for c in SignedRecord.__table__.columns if c.name != "id"])
        ctx.insert(Todo.__table__, w.todos, columns=[c.name for c in Todo.__table__.columns if c.name != "id"])
        ctx.insert(DocumentCounter.__table__, [{"prefix": p, "year": y, "value": v}
                                               for (p, y), v in sorted(w.counters.items())])
