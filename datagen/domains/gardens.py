"""Botanical gardens: two gardens modelled on 上海植物园 (Xuhui) and 辰山植物园 (Songjiang), their exhibition
areas and specialty gardens, the living collection and the bonsai, then the board's rollups.

demo ≈ 20,000 accessions and ~1,700 bonsai; city ≈ 32,000 accessions and ~2,600 bonsai. What is modelled:

* **Gardens** – synthetic irregular outlines of about the real area (上海植物园 ~82 ha around 31.150N 121.446E;
  辰山植物园 ~207 ha around 31.080N 121.180E), each with its areas laid out on a jittered grid inside.
* **Areas** – the specialty gardens each garden is known for (月季园, 牡丹园, 盆景园, 兰室, 木兰园, 矿坑花园, …)
  with a theme of genera or families, plus general exhibition areas (展区).
* **Accessions** – real taxa (family, genus, binomial, Chinese name, IUCN Red List category, and the level of
  the 2021 《国家重点保护野生植物名录》 for the wild species); ~70 % of a specialty garden's accessions come from
  its theme, the rest from the general woody pool; positions inside the area's outline; planting years
  1975–2026 (辰山 opened in 2010, so its accessions start in 2007).
* **Bonsai** – 上海植物园's 盆景园 holds most (海派 dominant), 辰山 a small collection: kind, school, species
  (stone for 山水盆景), estimated age (log-normal, a few over a century), a name for some works.
"""
from __future__ import annotations

import json
import math

import numpy as np
from sqlalchemy import func, select

from datagen.core import BuildContext, plugin
from db.gardens import (BONSAI_KINDS, BONSAI_STYLES, Accession, Bonsai, Garden, GardenArea, RollupBonsai, RollupCell, RollupTaxon,
                        refresh_rollups)

SIZES = {"demo": 20_000, "city": 32_000}
BONSAI = {"demo": 1_700, "city": 2_600}

# (family, 科, binomial, Chinese name, IUCN category, national protection level of wild plants (2021 list)).
TAXA = [
    ("Ginkgoaceae", "银杏科", "Ginkgo biloba", "银杏", "EN", "一级"),
    ("Cycadaceae", "苏铁科", "Cycas revoluta", "苏铁", "LC", "一级"),
    ("Cycadaceae", "苏铁科", "Cycas panzhihuaensis", "攀枝花苏铁", "VU", "一级"),
    ("Cycadaceae", "苏铁科", "Cycas debaoensis", "德保苏铁", "CR", "一级"),
    ("Zamiaceae", "泽米铁科", "Zamia furfuracea", "鳞秕泽米铁", "EN", "无"),
    ("Araucariaceae", "南洋杉科", "Araucaria heterophylla", "异叶南洋杉", "VU", "无"),
    ("Podocarpaceae", "罗汉松科", "Podocarpus macrophyllus", "罗汉松", "LC", "二级"),
    ("Pinaceae", "松科", "Pinus massoniana", "马尾松", "LC", "无"),
    ("Pinaceae", "松科", "Pinus thunbergii", "黑松", "LC", "无"),
    ("Pinaceae", "松科", "Pinus parviflora", "日本五针松", "LC", "无"),
    ("Pinaceae", "松科", "Cedrus deodara", "雪松", "LC", "无"),
    ("Pinaceae", "松科", "Pseudolarix amabilis", "金钱松", "VU", "二级"),
    ("Pinaceae", "松科", "Abies beshanzuensis", "百山祖冷杉", "CR", "一级"),
    ("Pinaceae", "松科", "Cathaya argyrophylla", "银杉", "VU", "一级"),
    ("Cupressaceae", "柏科", "Metasequoia glyptostroboides", "水杉", "EN", "一级"),
    ("Cupressaceae", "柏科", "Glyptostrobus pensilis", "水松", "CR", "一级"),
    ("Cupressaceae", "柏科", "Taxodium distichum", "落羽杉", "LC", "无"),
    ("Cupressaceae", "柏科", "Cupressus funebris", "柏木", "LC", "无"),
    ("Cupressaceae", "柏科", "Juniperus chinensis", "圆柏", "LC", "无"),
    ("Taxaceae", "红豆杉科", "Taxus wallichiana", "红豆杉", "EN", "一级"),
    ("Taxaceae", "红豆杉科", "Torreya grandis", "榧树", "LC", "二级"),
    ("Magnoliaceae", "木兰科", "Magnolia grandiflora", "荷花玉兰", "LC", "无"),
    ("Magnoliaceae", "木兰科", "Magnolia denudata", "玉兰", "LC", "无"),
    ("Magnoliaceae", "木兰科", "Magnolia sinica", "华盖木", "CR", "一级"),
    ("Magnoliaceae", "木兰科", "Magnolia officinalis", "厚朴", "LC", "二级"),
    ("Magnoliaceae", "木兰科", "Liriodendron chinense", "鹅掌楸", "NT", "二级"),
    ("Magnoliaceae", "木兰科", "Michelia figo", "含笑花", "LC", "无"),
    ("Magnoliaceae", "木兰科", "Michelia maudiae", "深山含笑", "LC", "无"),
    ("Lauraceae", "樟科", "Cinnamomum camphora", "樟", "LC", "无"),
    ("Lauraceae", "樟科", "Phoebe chekiangensis", "浙江楠", "VU", "二级"),
    ("Lauraceae", "樟科", "Phoebe zhennan", "楠木", "VU", "二级"),
    ("Lauraceae", "樟科", "Lindera glauca", "山胡椒", "LC", "无"),
    ("Lauraceae", "樟科", "Sassafras tzumu", "檫木", "LC", "无"),
    ("Calycanthaceae", "蜡梅科", "Chimonanthus praecox", "蜡梅", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Prunus serrulata", "山樱花", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Prunus mume", "梅", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Prunus persica", "桃", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Malus halliana", "垂丝海棠", "NE", "无"),
    ("Rosaceae", "蔷薇科", "Malus spectabilis", "海棠花", "NE", "无"),
    ("Rosaceae", "蔷薇科", "Chaenomeles speciosa", "皱皮木瓜", "NE", "无"),
    ("Rosaceae", "蔷薇科", "Rosa chinensis", "月季花", "NE", "无"),
    ("Rosaceae", "蔷薇科", "Rosa rugosa", "玫瑰", "EN", "二级"),
    ("Rosaceae", "蔷薇科", "Rosa banksiae", "木香花", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Rosa multiflora", "野蔷薇", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Photinia serratifolia", "石楠", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Eriobotrya japonica", "枇杷", "LC", "无"),
    ("Rosaceae", "蔷薇科", "Pyracantha fortuneana", "火棘", "LC", "无"),
    ("Theaceae", "山茶科", "Camellia japonica", "山茶", "LC", "无"),
    ("Theaceae", "山茶科", "Camellia sasanqua", "茶梅", "DD", "无"),
    ("Theaceae", "山茶科", "Camellia petelotii", "金花茶", "VU", "二级"),
    ("Theaceae", "山茶科", "Camellia sinensis", "茶", "DD", "无"),
    ("Ericaceae", "杜鹃花科", "Rhododendron simsii", "杜鹃", "LC", "无"),
    ("Ericaceae", "杜鹃花科", "Rhododendron pulchrum", "锦绣杜鹃", "NE", "无"),
    ("Ericaceae", "杜鹃花科", "Rhododendron fortunei", "云锦杜鹃", "LC", "无"),
    ("Ericaceae", "杜鹃花科", "Rhododendron molle", "羊踯躅", "LC", "无"),
    ("Paeoniaceae", "芍药科", "Paeonia suffruticosa", "牡丹", "NE", "无"),
    ("Paeoniaceae", "芍药科", "Paeonia lactiflora", "芍药", "LC", "无"),
    ("Paeoniaceae", "芍药科", "Paeonia rockii", "紫斑牡丹", "VU", "二级"),
    ("Paeoniaceae", "芍药科", "Paeonia ostii", "凤丹", "NE", "二级"),
    ("Oleaceae", "木樨科", "Osmanthus fragrans", "木樨", "LC", "无"),
    ("Oleaceae", "木樨科", "Ligustrum lucidum", "女贞", "LC", "无"),
    ("Oleaceae", "木樨科", "Jasminum nudiflorum", "迎春花", "LC", "无"),
    ("Oleaceae", "木樨科", "Forsythia suspensa", "连翘", "LC", "无"),
    ("Oleaceae", "木樨科", "Fraxinus chinensis", "白蜡树", "LC", "无"),
    ("Sapindaceae", "无患子科", "Acer palmatum", "鸡爪槭", "LC", "无"),
    ("Sapindaceae", "无患子科", "Acer buergerianum", "三角槭", "LC", "无"),
    ("Sapindaceae", "无患子科", "Acer truncatum", "元宝槭", "LC", "无"),
    ("Sapindaceae", "无患子科", "Acer elegantulum", "秀丽槭", "LC", "无"),
    ("Sapindaceae", "无患子科", "Dipteronia dyeriana", "云南金钱槭", "EN", "二级"),
    ("Sapindaceae", "无患子科", "Sapindus saponaria", "无患子", "LC", "无"),
    ("Sapindaceae", "无患子科", "Koelreuteria bipinnata", "复羽叶栾", "LC", "无"),
    ("Fagaceae", "壳斗科", "Quercus acutissima", "麻栎", "LC", "无"),
    ("Fagaceae", "壳斗科", "Quercus glauca", "青冈", "LC", "无"),
    ("Fagaceae", "壳斗科", "Castanopsis sclerophylla", "苦槠", "LC", "无"),
    ("Fagaceae", "壳斗科", "Lithocarpus glaber", "柯", "LC", "无"),
    ("Juglandaceae", "胡桃科", "Pterocarya stenoptera", "枫杨", "LC", "无"),
    ("Betulaceae", "桦木科", "Ostrya rehderiana", "天目铁木", "CR", "一级"),
    ("Betulaceae", "桦木科", "Carpinus turczaninowii", "鹅耳枥", "LC", "无"),
    ("Ulmaceae", "榆科", "Ulmus parvifolia", "榔榆", "LC", "无"),
    ("Ulmaceae", "榆科", "Zelkova schneideriana", "大叶榉树", "NT", "二级"),
    ("Cannabaceae", "大麻科", "Celtis sinensis", "朴树", "LC", "无"),
    ("Hamamelidaceae", "金缕梅科", "Loropetalum chinense", "檵木", "LC", "无"),
    ("Hamamelidaceae", "金缕梅科", "Parrotia subaequalis", "银缕梅", "EN", "一级"),
    ("Hamamelidaceae", "金缕梅科", "Distylium racemosum", "蚊母树", "LC", "无"),
    ("Altingiaceae", "蕈树科", "Liquidambar formosana", "枫香树", "LC", "无"),
    ("Nyssaceae", "蓝果树科", "Davidia involucrata", "珙桐", "NT", "一级"),
    ("Nyssaceae", "蓝果树科", "Camptotheca acuminata", "喜树", "LC", "无"),
    ("Cercidiphyllaceae", "连香树科", "Cercidiphyllum japonicum", "连香树", "LC", "二级"),
    ("Eucommiaceae", "杜仲科", "Eucommia ulmoides", "杜仲", "VU", "无"),
    ("Fabaceae", "豆科", "Styphnolobium japonicum", "槐", "LC", "无"),
    ("Fabaceae", "豆科", "Cercis chinensis", "紫荆", "LC", "无"),
    ("Fabaceae", "豆科", "Wisteria sinensis", "紫藤", "LC", "无"),
    ("Fabaceae", "豆科", "Albizia julibrissin", "合欢", "LC", "无"),
    ("Fabaceae", "豆科", "Ormosia hosiei", "红豆树", "EN", "二级"),
    ("Fabaceae", "豆科", "Gleditsia sinensis", "皂荚", "LC", "无"),
    ("Lythraceae", "千屈菜科", "Lagerstroemia indica", "紫薇", "LC", "无"),
    ("Lythraceae", "千屈菜科", "Punica granatum", "石榴", "LC", "无"),
    ("Malvaceae", "锦葵科", "Hibiscus syriacus", "木槿", "LC", "无"),
    ("Malvaceae", "锦葵科", "Hibiscus mutabilis", "木芙蓉", "NE", "无"),
    ("Malvaceae", "锦葵科", "Firmiana simplex", "梧桐", "LC", "无"),
    ("Cactaceae", "仙人掌科", "Echinocactus grusonii", "金琥", "CR", "无"),
    ("Cactaceae", "仙人掌科", "Carnegiea gigantea", "巨人柱", "LC", "无"),
    ("Cactaceae", "仙人掌科", "Opuntia ficus-indica", "梨果仙人掌", "DD", "无"),
    ("Cactaceae", "仙人掌科", "Mammillaria elongata", "金手指", "LC", "无"),
    ("Asparagaceae", "天门冬科", "Agave americana", "龙舌兰", "LC", "无"),
    ("Asparagaceae", "天门冬科", "Dracaena trifasciata", "虎尾兰", "NE", "无"),
    ("Asparagaceae", "天门冬科", "Yucca gloriosa", "凤尾丝兰", "NE", "无"),
    ("Asphodelaceae", "阿福花科", "Aloe vera", "库拉索芦荟", "NE", "无"),
    ("Asphodelaceae", "阿福花科", "Haworthia cooperi", "玉露", "NE", "无"),
    ("Crassulaceae", "景天科", "Echeveria elegans", "月影", "NE", "无"),
    ("Crassulaceae", "景天科", "Crassula ovata", "燕子掌", "NE", "无"),
    ("Crassulaceae", "景天科", "Sedum sarmentosum", "垂盆草", "LC", "无"),
    ("Euphorbiaceae", "大戟科", "Euphorbia milii", "铁海棠", "NE", "无"),
    ("Welwitschiaceae", "百岁兰科", "Welwitschia mirabilis", "百岁兰", "LC", "无"),
    ("Orchidaceae", "兰科", "Cymbidium goeringii", "春兰", "NE", "二级"),
    ("Orchidaceae", "兰科", "Cymbidium ensifolium", "建兰", "NE", "二级"),
    ("Orchidaceae", "兰科", "Dendrobium officinale", "铁皮石斛", "CR", "二级"),
    ("Orchidaceae", "兰科", "Paphiopedilum armeniacum", "杏黄兜兰", "EN", "一级"),
    ("Orchidaceae", "兰科", "Bletilla striata", "白及", "EN", "二级"),
    ("Orchidaceae", "兰科", "Phalaenopsis aphrodite", "蝴蝶兰", "NE", "二级"),
    ("Nepenthaceae", "猪笼草科", "Nepenthes mirabilis", "奇异猪笼草", "LC", "二级"),
    ("Nymphaeaceae", "睡莲科", "Nymphaea tetragona", "睡莲", "LC", "无"),
    ("Nymphaeaceae", "睡莲科", "Victoria amazonica", "亚马逊王莲", "NE", "无"),
    ("Nymphaeaceae", "睡莲科", "Euryale ferox", "芡实", "LC", "无"),
    ("Nelumbonaceae", "莲科", "Nelumbo nucifera", "莲", "DD", "无"),
    ("Pontederiaceae", "雨久花科", "Pontederia cordata", "梭鱼草", "LC", "无"),
    ("Iridaceae", "鸢尾科", "Iris tectorum", "鸢尾", "LC", "无"),
    ("Iridaceae", "鸢尾科", "Iris ensata", "玉蝉花", "LC", "无"),
    ("Iridaceae", "鸢尾科", "Iris japonica", "蝴蝶花", "LC", "无"),
    ("Amaryllidaceae", "石蒜科", "Lycoris radiata", "石蒜", "NE", "无"),
    ("Amaryllidaceae", "石蒜科", "Lycoris longituba", "长筒石蒜", "NE", "二级"),
    ("Amaryllidaceae", "石蒜科", "Narcissus tazetta", "水仙", "NE", "无"),
    ("Arecaceae", "棕榈科", "Trachycarpus fortunei", "棕榈", "LC", "无"),
    ("Arecaceae", "棕榈科", "Phoenix canariensis", "加那利海枣", "LC", "无"),
    ("Arecaceae", "棕榈科", "Livistona chinensis", "蒲葵", "LC", "无"),
    ("Poaceae", "禾本科", "Phyllostachys edulis", "毛竹", "NE", "无"),
    ("Poaceae", "禾本科", "Phyllostachys nigra", "紫竹", "NE", "无"),
    ("Poaceae", "禾本科", "Indocalamus tessellatus", "箬竹", "NE", "无"),
    ("Poaceae", "禾本科", "Pseudosasa amabilis", "茶秆竹", "NE", "无"),
    ("Poaceae", "禾本科", "Bambusa ventricosa", "佛肚竹", "NE", "无"),
    ("Aquifoliaceae", "冬青科", "Ilex cornuta", "枸骨", "LC", "无"),
    ("Buxaceae", "黄杨科", "Buxus sinica", "黄杨", "LC", "无"),
    ("Berberidaceae", "小檗科", "Nandina domestica", "南天竹", "LC", "无"),
    ("Rhamnaceae", "鼠李科", "Sageretia thea", "雀梅藤", "LC", "无"),
    ("Rubiaceae", "茜草科", "Serissa japonica", "六月雪", "NE", "无"),
    ("Rubiaceae", "茜草科", "Gardenia jasminoides", "栀子", "LC", "无"),
    ("Caprifoliaceae", "忍冬科", "Heptacodium miconioides", "七子花", "VU", "二级"),
    ("Viburnaceae", "荚蒾科", "Viburnum macrocephalum", "绣球荚蒾", "NE", "无"),
    ("Hydrangeaceae", "绣球科", "Hydrangea macrophylla", "绣球", "NE", "无"),
    ("Platanaceae", "悬铃木科", "Platanus acerifolia", "二球悬铃木", "NE", "无"),
    ("Salicaceae", "杨柳科", "Salix babylonica", "垂柳", "LC", "无"),
    ("Moraceae", "桑科", "Ficus microcarpa", "榕树", "LC", "无"),
    ("Apocynaceae", "夹竹桃科", "Trachelospermum jasminoides", "络石", "LC", "无"),
    ("Elaeocarpaceae", "杜英科", "Elaeocarpus decipiens", "杜英", "LC", "无"),
    ("Anacardiaceae", "漆树科", "Pistacia chinensis", "黄连木", "LC", "无"),
    ("Ebenaceae", "柿科", "Diospyros kaki", "柿", "NE", "无"),
    ("Cyatheaceae", "桫椤科", "Alsophila spinulosa", "桫椤", "NE", "二级"),
    ("Osmundaceae", "紫萁科", "Osmunda japonica", "紫萁", "LC", "无"),
    ("Pteridaceae", "凤尾蕨科", "Adiantum capillus-veneris", "铁线蕨", "LC", "无"),
    ("Polypodiaceae", "水龙骨科", "Platycerium bifurcatum", "二歧鹿角蕨", "NE", "无"),
    ("Aspleniaceae", "铁角蕨科", "Asplenium nidus", "巢蕨", "LC", "无"),
]

# Specialty gardens' themes: genera (capitalised) or families they are planted with.
THEMES = {
    "月季园": ["Rosa"], "蔷薇园": ["Rosa", "Rosaceae"], "牡丹园": ["Paeonia"], "杜鹃园": ["Rhododendron"],
    "桂花园": ["Osmanthus"], "松柏园": ["Pinaceae", "Cupressaceae", "Taxaceae", "Podocarpaceae"],
    "槭树园": ["Acer", "Dipteronia"], "竹园": ["Poaceae"], "兰室": ["Orchidaceae"],
    "蕨类园": ["Cyatheaceae", "Osmundaceae", "Pteridaceae", "Polypodiaceae", "Aspleniaceae"],
    "木兰园": ["Magnoliaceae"], "樱花园": ["Prunus"], "海棠园": ["Malus", "Chaenomeles"],
    "鸢尾园": ["Iridaceae"], "水生植物园": ["Nymphaeaceae", "Nelumbonaceae", "Pontederiaceae"],
    "沙生植物馆": ["Cactaceae", "Asparagaceae", "Asphodelaceae", "Crassulaceae", "Euphorbiaceae",
                 "Welwitschiaceae"],
    "珍奇植物馆": ["Cycadaceae", "Zamiaceae", "Nepenthaceae", "Orchidaceae", "Arecaceae"],
    "矿坑花园": ["Iridaceae", "Amaryllidaceae", "Crassulaceae", "Pteridaceae"],
    "药用植物园": ["Eucommia", "Magnolia", "Ginkgo", "Bletilla", "Gardenia", "Euryale"],
    "珍稀植物园": ["Metasequoia", "Glyptostrobus", "Davidia", "Ostrya", "Parrotia", "Abies", "Cathaya", "Taxus",
                 "Heptacodium", "Phoebe", "Ormosia"],
    "盆景园": ["Pinus", "Ulmus", "Sageretia", "Serissa", "Podocarpus", "Juniperus", "Pyracantha"],
    "展览温室": ["Cycadaceae", "Arecaceae", "Cactaceae", "Orchidaceae", "Moraceae"],
}
HIGHLIGHTS = {
    "月季园": "收集古老月季、现代月季品种，春秋两季盛花", "蔷薇园": "蔷薇属与蔷薇科观花树种",
    "牡丹园": "中原、江南牡丹品种群与芍药，四月花期", "杜鹃园": "锦绣杜鹃、云锦杜鹃等，四五月花海",
    "桂花园": "金桂、银桂、丹桂、四季桂四个品种群，秋季飘香", "松柏园": "松科、柏科与红豆杉科针叶树",
    "槭树园": "鸡爪槭、三角槭等槭树类，秋色叶景观", "竹园": "刚竹属、箬竹属等竹类与竹径",
    "兰室": "春兰、建兰等国兰及热带兰", "蕨类园": "桫椤等蕨类植物与林下湿生景观",
    "木兰园": "玉兰、含笑、鹅掌楸等木兰科植物", "樱花园": "早樱与晚樱品种，三四月花期",
    "海棠园": "垂丝海棠、西府海棠等", "鸢尾园": "鸢尾属品种与湿地景观",
    "水生植物园": "睡莲、王莲、荷花等水生植物", "沙生植物馆": "仙人掌、多肉植物与百岁兰",
    "珍奇植物馆": "苏铁、猪笼草、兰花等珍奇植物", "矿坑花园": "废弃采石坑修复而成的岩生与宿根植物景观",
    "药用植物园": "杜仲、厚朴、白及等药用植物", "珍稀植物园": "水杉、珙桐、银缕梅等国家重点保护植物",
    "盆景园": "海派盆景精品，树桩、山水、微型盆景", "展览温室": "热带、亚热带植物与季节花展",
}
# (code, name, district, centre lon, lat, area ha, radii km (east, north), opened, areas (specialty, general)).
GARDENS = [
    ("SBG", "上海植物园", "310104", 121.4460, 31.1505, 81.86, (0.55, 0.48), 1978,
     ["盆景园", "月季园", "牡丹园", "杜鹃园", "桂花园", "松柏园", "槭树园", "竹园", "兰室", "蕨类园", "木兰园",
      "蔷薇园", "药用植物园", "展览温室"], ["植物进化区", "绿化示范区", "环境保护区", "黄道婆纪念区"]),
    ("CSBG", "辰山植物园", "310117", 121.1800, 31.0800, 207.63, (0.95, 0.72), 2010,
     ["矿坑花园", "月季园", "水生植物园", "沙生植物馆", "珍奇植物馆", "蕨类园", "木兰园", "樱花园", "海棠园",
      "鸢尾园", "珍稀植物园", "药用植物园", "盆景园", "槭树园"], ["中心展示区", "植物分类区", "华东区系园",
                                                           "外围缓冲林带"]),
]
SOURCES = ["野外引种", "种质交换", "购买", "自繁", "捐赠"]
BONSAI_SPECIES = {
    "树桩盆景": ["日本五针松", "黑松", "榔榆", "雀梅藤", "六月雪", "三角槭", "罗汉松", "圆柏", "紫薇", "黄杨", "榕树"],
    "山水盆景": ["英石", "斧劈石", "砂积石", "芦管石", "太湖石", "龟纹石"],
    "水旱盆景": ["榔榆", "六月雪", "雀梅藤", "三角槭", "黄杨"],
    "微型盆景": ["六月雪", "黄杨", "雀梅藤", "火棘", "圆柏"],
    "花果盆景": ["火棘", "石榴", "梅", "垂丝海棠", "枸骨"],
}
KIND_WEIGHTS = [0.55, 0.12, 0.1, 0.15, 0.08]
STYLE_WEIGHTS = {"SBG": [0.55, 0.1, 0.08, 0.08, 0.1, 0.05, 0.04], "CSBG": [0.35, 0.15, 0.1, 0.1, 0.15, 0.08, 0.07]}
TITLES = ["苍龙探海", "江山多娇", "古木逢春", "松涛", "秋韵", "峥嵘岁月", "云山图", "春江水暖", "虬枝",
          "岁寒三友", "高风亮节", "独秀", "归帆", "翠云", "听泉", "老当益壮"]


def _estimate(scale: str) -> int:
    return SIZES[scale] + BONSAI[scale] + 60


def _blob(rng: np.random.Generator, lon: float, lat: float, rx_km: float, ry_km: float, n: int = 28) -> dict:
    """An irregular closed polygon (GeoJSON) around a centre with radii in km."""
    ang = np.linspace(0, 2 * math.pi, n, endpoint=False)
    r = 1 + 0.12 * np.sin(3 * ang + rng.uniform(0, 6)) + rng.normal(0, 0.03, n)
    dx = rx_km * r * np.cos(ang) / (111.32 * math.cos(math.radians(lat)))
    dy = ry_km * r * np.sin(ang) / 110.57
    ring = [[round(lon + float(a), 6), round(lat + float(b), 6)] for a, b in zip(dx, dy)]
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def _polygon_area_ha(geom: dict, lat: float) -> float:
    """Shoelace area of a lon/lat ring in hectares (local equirectangular projection)."""
    ring = np.asarray(geom["coordinates"][0])
    x = ring[:, 0] * 111.32 * math.cos(math.radians(lat))
    y = ring[:, 1] * 110.57
    return float(abs(np.dot(x[:-1], y[1:]) - np.dot(x[1:], y[:-1])) / 2 * 100)


@plugin("gardens", order=70, tables=[Garden.__table__, GardenArea.__table__, Accession.__table__, Bonsai.__table__,
                                     RollupTaxon.__table__, RollupCell.__table__, RollupBonsai.__table__],
        datasets=["gardens"], estimate=_estimate)
def generate(ctx: BuildContext) -> None:
    """Gardens and areas, accessions and bonsai, then the rollups recomputed from them."""
    rng = ctx.rng("layout")
    areas = _gardens_and_areas(ctx, rng)
    _accessions(ctx, ctx.rng("accessions"), areas, SIZES[ctx.scale])
    _bonsai(ctx, ctx.rng("bonsai"), areas, BONSAI[ctx.scale])
    refresh_rollups(ctx.conn)
    for rollup in (RollupTaxon, RollupCell, RollupBonsai):
        ctx.counts[rollup.__tablename__] = ctx.conn.execute(
            select(func.count()).select_from(rollup.__table__)).scalar_one()


def _gardens_and_areas(ctx: BuildContext, rng: np.random.Generator) -> list[dict]:
    """Insert both gardens and their areas; return the areas (with centre, radii and theme) for placement."""
    gardens, areas = [], []
    next_id = 1
    for order, (code, name, district, lon, lat, area_ha, (rx, ry), opened, special, general) in enumerate(GARDENS):
        outline = _blob(rng, lon, lat, rx, ry)
        gardens.append({"code": code, "name": name, "district_code": district, "area_ha": area_ha, "lon": lon,
                        "lat": lat, "boundary": json.dumps(outline), "sort_order": order})
        names = special + general
        cols = math.ceil(math.sqrt(len(names) * rx / ry))
        rows = math.ceil(len(names) / cols)
        slots = [(i, j) for j in range(rows) for i in range(cols)]
        chosen = [slots[s] for s in rng.permutation(len(slots))[:len(names)]]
        for area_name, (i, j) in zip(names, chosen):
            # slot centres inside the inner 75 % of the garden ellipse, jittered a little
            fx = (i + 0.5) / cols * 2 - 1
            fy = (j + 0.5) / rows * 2 - 1
            sx, sy = 0.72 * rx * fx, 0.72 * ry * fy
            scale = 0.75 / max(1.0, math.hypot(fx, fy))
            cx = lon + sx * scale / (111.32 * math.cos(math.radians(lat))) + rng.normal(0, 0.00015)
            cy = lat + sy * scale / 110.57 + rng.normal(0, 0.00015)
            arx, ary = 0.34 * rx / cols * 1.6, 0.34 * ry / rows * 1.6
            shape = _blob(rng, cx, cy, arx, ary, n=18)
            kind = "专类园" if area_name in special else "展区"
            year = int(rng.integers(opened, 2024)) if kind == "专类园" else opened
            areas.append({"id": next_id, "garden_code": code, "name": area_name, "kind": kind,
                          "area_ha": round(_polygon_area_ha(shape, cy), 2), "lon": round(cx, 6), "lat": round(cy, 6),
                          "boundary": json.dumps(shape), "opened_year": year,
                          "highlights": HIGHLIGHTS.get(area_name, "乡土与引种乔灌木，四季景观"),
                          "_rx": arx, "_ry": ary, "_opened": opened})
            next_id += 1
    ctx.insert(Garden.__table__, gardens)
    ctx.insert(GardenArea.__table__, [{k: v for k, v in a.items() if not k.startswith("_")} for a in areas])
    return areas


def _theme_taxa(area_name: str) -> np.ndarray:
    """Indices into TAXA of the area's theme (empty for general exhibition areas)."""
    keys = THEMES.get(area_name, [])
    return np.array([i for i, t in enumerate(TAXA) if t[0] in keys or t[2].split()[0] in keys], dtype=int)


def _points_in(rng: np.random.Generator, area: dict, n: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` points spread inside an area's ellipse (uniform in area)."""
    r = np.sqrt(rng.uniform(0, 0.85, n))
    ang = rng.uniform(0, 2 * math.pi, n)
    lat = area["lat"]
    lon = area["lon"] + area["_rx"] * r * np.cos(ang) / (111.32 * math.cos(math.radians(lat)))
    return np.round(lon, 6), np.round(lat + area["_ry"] * r * np.sin(ang) / 110.57, 6)


def _accessions(ctx: BuildContext, rng: np.random.Generator, areas: list[dict], n: int) -> None:
    """Accessions spread over the areas: larger gardens and specialty gardens hold more."""
    weights = np.array([a["area_ha"] * (1.6 if a["kind"] == "专类园" else 1.0)
                        * (1.3 if a["garden_code"] == "CSBG" else 1.0) for a in areas])
    per_area = rng.multinomial(n, weights / weights.sum())
    general = np.array([i for i, t in enumerate(TAXA) if t[0] not in
                        ("Cactaceae", "Orchidaceae", "Nymphaeaceae", "Nepenthaceae", "Welwitschiaceae", "Cyatheaceae",
                         "Asphodelaceae", "Crassulaceae")], dtype=int)
    rows, seq = [], {"SBG": 0, "CSBG": 0}
    for area, count in zip(areas, per_area.tolist()):
        theme = _theme_taxa(area["name"])
        themed = rng.random(count) < (0.7 if len(theme) else 0.0)
        taxa = np.where(themed, theme[rng.integers(0, max(len(theme), 1), count)] if len(theme) else 0,
                        general[rng.integers(0, len(general), count)])
        lons, lats = _points_in(rng, area, count)
        first_year = area["_opened"] - 3
        years = rng.integers(first_year, 2027, count)
        qty = np.maximum(1, rng.geometric(0.35, count))
        sources = rng.choice(len(SOURCES), count, p=[0.35, 0.25, 0.2, 0.15, 0.05])
        for k in range(count):
            family, family_zh, species, name_zh, iucn, level = TAXA[int(taxa[k])]
            seq[area["garden_code"]] += 1
            rows.append({
                "accession_no": f"{area['garden_code']}{int(years[k])}{seq[area['garden_code']]:06d}",
                "garden_code": area["garden_code"], "area_id": area["id"], "family": family, "family_zh": family_zh,
                "genus": species.split()[0], "species": species, "name_zh": name_zh, "iucn": iucn,
                "national_protection": level, "quantity": int(qty[k]), "planted_year": int(years[k]),
                "source": SOURCES[int(sources[k])], "lon": float(lons[k]), "lat": float(lats[k]),
            })
    ctx.insert(Accession.__table__, rows)


def _bonsai(ctx: BuildContext, rng: np.random.Generator, areas: list[dict], n: int) -> None:
    """Bonsai: most in 上海植物园's 盆景园, some in its exhibition greenhouse and in 辰山's 盆景园."""
    homes = [a for a in areas if a["name"] in ("盆景园", "展览温室")]
    weights = np.array([(0.72 if a["garden_code"] == "SBG" else 0.18) if a["name"] == "盆景园" else 0.1
                        for a in homes])
    place = rng.choice(len(homes), n, p=weights / weights.sum())
    kinds = rng.choice(len(BONSAI_KINDS), n, p=KIND_WEIGHTS)
    ages = np.clip(np.round(rng.lognormal(math.log(28), 0.75, n)), 3, 320).astype(int)
    rows = []
    for k in range(n):
        area = homes[int(place[k])]
        kind = BONSAI_KINDS[int(kinds[k])]
        styles = STYLE_WEIGHTS[area["garden_code"]]
        style = BONSAI_STYLES[int(rng.choice(len(BONSAI_STYLES), p=styles))]
        species = BONSAI_SPECIES[kind][int(rng.integers(0, len(BONSAI_SPECIES[kind])))]
        age = int(ages[k]) if kind != "微型盆景" else int(min(ages[k], 40))
        rows.append({"bonsai_no": f"{area['garden_code']}-PJ{k + 1:05d}", "garden_code": area["garden_code"],
                     "area_id": area["id"], "kind": kind, "style": style, "species_zh": species, "age_years": age,
                     "title": TITLES[int(rng.integers(0, len(TITLES)))] if rng.random() < 0.3 else None})
    ctx.insert(Bonsai.__table__, rows)
