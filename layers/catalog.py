"""The layer catalog: every spatial dataset of the map service as one entry (module 32).

An entry says what the map needs to draw, explain and query a layer: name, group, kind, colour and legend,
the zoom from which it shows, the attributes its popup lists, the permission that opens it, and where its
features come from. Features always travel by URL and bounding box (``/api/gis/layers/<id>/features``), never
inside a page; point layers arrive aggregated into grid cells until the view is small enough for raw points.
A new dataset joins the map by adding an entry here (and, for its own table, a ``TableSource``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

# Zoom from which point layers come as raw points (below it: grid cells with counts), and the most raw
# points one response carries (a denser view falls back to the finest grid).
RAW_ZOOM = 16
RAW_LIMIT = 4000


@dataclass(frozen=True)
class EditField:
    """An attribute an editor fills in: text, number or choice, with its limits."""

    key: str
    label: str
    kind: str = "text"  # text, number, choice
    required: bool = False
    choices: tuple[str, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = 120


@dataclass(frozen=True)
class TableSpec:
    """Where a layer kept in another domain's table finds its columns (``source="table"``)."""

    table: str
    dataset: str  # whose data version keys the cache
    id: str = "id"
    name: str = "name"
    lon: str = "lon"
    lat: str = "lat"
    district: str | None = "district_code"  # None: the table has no district (hidden from district users)
    street: str | None = None  # street code column: the popup's ``street`` shows the street's name
    # (parent table, column here, key there): the district and ``parent_columns`` are read from a parent row
    parent: tuple[str, str, str] | None = None
    parent_columns: tuple[tuple[str, str], ...] = ()  # (popup key, parent column)
    labels: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()  # (column, ((stored, shown), ...))


@dataclass(frozen=True)
class Layer:
    """One catalog entry."""

    id: str
    name: str
    group: str
    kind: str  # polygon, point
    color: str
    source: str  # boundary:district, boundary:street, feature (gis_feature), table (``table`` below)
    permission: str = "gis.view"
    min_zoom: int = 8
    popup: tuple[tuple[str, str], ...] = ()
    legend: str = ""
    default_on: bool = False
    editable: bool = False
    geom_types: tuple[str, ...] = ("Point",)
    fields: tuple[EditField, ...] = field(default_factory=tuple)
    approximate: bool = False
    table: TableSpec | None = None


LAYERS: list[Layer] = [
    Layer("districts", "区界", "行政区划", "polygon", "#2e7d5b", "boundary:district", default_on=True,
          popup=(("name", "区"), ("code", "区划代码"), ("area_km2", "轮廓面积（km²）")), legend="16 个区的界线"),
    Layer("streets", "街镇（近似）", "行政区划", "polygon", "#7a8f3a", "boundary:street", min_zoom=10,
          popup=(("name", "街镇"), ("code", "区划代码"), ("district", "所属区")), approximate=True,
          legend="街道、镇、乡的近似范围（按中心点生成，仅供参考）"),
    Layer("park", "公园绿地", "绿化", "polygon", "#3aa35b", "feature", min_zoom=10, editable=True,
          geom_types=("Polygon",), popup=(("name", "名称"), ("kind", "类型"), ("area_ha", "面积（公顷）"),
                                          ("open", "是否开放"), ("district", "所在区"), ("version", "版本")),
          fields=(EditField("kind", "类型", "choice", True, ("城市公园", "社区公园", "口袋公园", "街心绿地")),
                  EditField("open", "是否开放", "choice", True, ("是", "否"))),
          legend="城市公园、社区公园、口袋公园与街心绿地"),
    Layer("door_duty", "门责区", "市容", "point", "#d9822b", "feature", min_zoom=8, editable=True,
          popup=(("name", "商户名称"), ("address", "地址"), ("owner", "责任人"), ("length_m", "责任区长度（米）"),
                 ("grade", "评级"), ("district", "所在区"), ("street", "街镇"), ("version", "版本")),
          fields=(EditField("address", "地址", required=True, max_length=120),
                  EditField("owner", "责任人", required=True, max_length=20),
                  EditField("length_m", "责任区长度（米）", "number", True, minimum=1, maximum=500),
                  EditField("grade", "评级", "choice", True, ("A", "B", "C"))),
          legend="沿街商户门责区（门前责任区）"),
    Layer("wash_station", "车辆清洗站", "市容", "point", "#2b7bd9", "feature", default_on=True, editable=True,
          popup=(("name", "名称"), ("address", "地址"), ("operator", "运营单位"), ("equipment", "冲洗设备"),
                 ("status", "状态"), ("district", "所在区"), ("version", "版本")),
          fields=(EditField("address", "地址", required=True),
                  EditField("operator", "运营单位", required=True, max_length=60),
                  EditField("equipment", "冲洗设备", "choice", True, ("自动冲洗", "人工冲洗", "自动+人工")),
                  EditField("status", "状态", "choice", True, ("运行", "停用"))),
          legend="工地及渣土运输车辆清洗站"),
    Layer("ad_site", "户外广告规划点位", "市容", "point", "#9b4dca", "feature", editable=True,
          popup=(("name", "点位名称"), ("kind", "类型"), ("area_m2", "面积（m²）"), ("status", "状态"),
                 ("district", "所在区"), ("version", "版本")),
          fields=(EditField("kind", "类型", "choice", True, ("大型立柱", "墙面", "屋顶", "候车亭", "道路指示")),
                  EditField("area_m2", "面积（m²）", "number", True, minimum=1, maximum=2000),
                  EditField("status", "状态", "choice", True, ("已设置", "规划中", "已撤除"))),
          legend="户外广告设施设置规划点位"),
    Layer("cameras", "视频监控", "视频", "point", "#c0392b", "table", default_on=False,
          popup=(("name", "名称"), ("kind", "类型"), ("status", "状态"), ("district", "所在区")),
          table=TableSpec("camera", "cameras", id="code"), legend="摄像头点位（点击播放视频）"),
    Layer("trees", "行道树与公园树木", "绿化", "point", "#2f9e6e", "table", min_zoom=9,
          popup=(("name", "树种"), ("tree_code", "树木编号"), ("site", "生境"), ("road", "道路"),
                 ("planted_year", "种植年份"), ("street", "街镇"), ("district", "所在区")),
          table=TableSpec("carbon_tree", "carbon_sink", name="species", street="street_code",
                          labels=(("site", (("street", "行道树"), ("park", "公园树木"), ("forest", "林地树木"))),)),
          legend="碳汇监测树木（行道树、公园与林地树木）"),
    Layer("rw_points", "装修垃圾收运点", "市容", "point", "#8d6e63", "table",
          popup=(("name", "名称"), ("kind", "类型"), ("address", "地址"), ("capacity_t", "容量（吨）"),
                 ("active", "是否启用"), ("opened_on", "启用日期"), ("street", "街镇"), ("district", "所在区")),
          table=TableSpec("rw_collection_point", "renovation_waste", id="code", street="street_code"),
          legend="装修垃圾收运点（投放点）"),
    Layer("garden_areas", "植物园展区与专类园", "植物园", "point", "#b5651d", "table", min_zoom=10,
          popup=(("name", "名称"), ("kind", "类型"), ("garden", "所属植物园"), ("area_ha", "面积（公顷）"),
                 ("opened_year", "开放年份"), ("highlights", "看点"), ("district", "所在区")),
          table=TableSpec("garden_area", "gardens", parent=("garden", "garden_code", "code"),
                          parent_columns=(("garden", "name"),)),
          legend="植物园的展区与专类园"),
    Layer("garden_plants", "植物园活植物", "植物园", "point", "#6a9a1f", "table", min_zoom=12,
          popup=(("name", "中文名"), ("species", "学名"), ("family_zh", "科"), ("accession_no", "登录号"),
                 ("quantity", "株数"), ("planted_year", "定植年份"), ("iucn", "IUCN 等级"),
                 ("national_protection", "国家保护级别"), ("garden", "所属植物园"), ("district", "所在区")),
          table=TableSpec("garden_accession", "gardens", name="name_zh", parent=("garden", "garden_code", "code"),
                          parent_columns=(("garden", "name"),),
                          labels=(("iucn", (("CR", "极危"), ("EN", "濒危"), ("VU", "易危"), ("NT", "近危"),
                                            ("LC", "无危"), ("DD", "数据缺乏"), ("NE", "未评估"))),)),
          legend="植物园活植物收集的登录位置"),
]
_BY_ID = {layer.id: layer for layer in LAYERS}


class UnknownLayer(LookupError):
    """No layer of that id (the message is Chinese)."""


def get(layer_id: str) -> Layer:
    """One catalog entry; ``UnknownLayer`` for an id that is not in the catalog."""
    try:
        return _BY_ID[layer_id]
    except KeyError:
        raise UnknownLayer(f"图层不存在：{layer_id}") from None


def visible_layers(can) -> list[Layer]:
    """The entries a user may open (``can(permission)``), in catalog order."""
    return [layer for layer in LAYERS if can(layer.permission)]


def editable_layers() -> list[Layer]:
    """Layers the districts maintain (module 31)."""
    return [layer for layer in LAYERS if layer.editable]


def grid_level(zoom: float) -> int:
    """Grid level whose cells are about 40–80 px wide at ``zoom`` (level k has 0.2° / 2**k cells)."""
    from db.gis import GRID_LEVELS

    return max(0, min(GRID_LEVELS - 1, int(zoom) - 8))


def validate_properties(layer: Layer, values: dict) -> tuple[dict, dict[str, str]]:
    """Clean attribute values for ``layer`` and the Chinese error of each bad field (empty when all good)."""
    clean, errors = {}, {}
    for f in layer.fields:
        raw = values.get(f.key)
        text = "" if raw is None else str(raw).strip()
        if not text:
            if f.required:
                errors[f.key] = f"请填写{f.label}"
            continue
        if f.kind == "number":
            try:
                number = float(text)
            except ValueError:
                errors[f.key] = f"{f.label}应为数字"
                continue
            if (f.minimum is not None and number < f.minimum) or (f.maximum is not None and number > f.maximum):
                errors[f.key] = f"{f.label}应在 {f.minimum:g}–{f.maximum:g} 之间"
                continue
            clean[f.key] = int(number) if number.is_integer() else round(number, 2)
        elif f.kind == "choice":
            if text not in f.choices:
                errors[f.key] = f"{f.label}只能是：{'、'.join(f.choices)}"
                continue
            clean[f.key] = text
        else:
            if len(text) > f.max_length:
                errors[f.key] = f"{f.label}不能超过 {f.max_length} 个字"
                continue
            clean[f.key] = text
    return clean, errors
