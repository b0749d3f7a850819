"""The 12319 declaration: the generated pydantic model, column rules, cross-field rules, exact Chinese reasons.

Runs without a database: the reference lookups are handed in as the validation context."""
from __future__ import annotations

import datetime as dt

import pytest

from db.hotline12319 import BUSINESS_LINES
from ingest import registry
from ingest.datasets.hotline12319 import DATASET, HEADERS
from ingest.registry import UnknownDataset
from ingest.schema import Column, RowModel
from tests.ingest.files import good

CONTEXT = {"districts": {"310101": "黄浦区", "310104": "徐汇区", "310115": "浦东新区"},
           "district_names": {"黄浦区": "310101", "黄浦": "310101", "徐汇区": "310104", "徐汇": "310104",
                              "浦东新区": "310115", "浦东": "310115"},
           "streets": {"310101013": "310101", "310101002": "310101", "310104014": "310104"},
           "street_names": {"外滩街道": "310101013", "南京东路街道": "310101002", "徐家汇街道": "310104014"}}
BY_HEADER = {c.header: c.field for c in DATASET.columns}


def validate(**over):
    cells = {BY_HEADER[h]: v for h, v in good("T1", **over).items() if v not in ("", None)}
    return DATASET.validate(cells, CONTEXT)


def test_registry():
    assert "hotline12319" in registry.names() and registry.get("hotline12319") is DATASET
    assert registry.titles()["hotline12319"] == "12319 热线工单"
    with pytest.raises(UnknownDataset, match="未知数据集：'trees'"):
        registry.get("trees")


def test_declaration_covers_the_export():
    assert HEADERS[:3] == ["工单编号", "受理时间", "来源渠道"] and len(HEADERS) == 27
    required = [c.header for c in DATASET.columns if c.required]
    assert required == ["工单编号", "受理时间", "所属区", "业务条线", "问题大类", "诉求内容", "办理时限", "工单状态"]
    assert DATASET.natural_key == "ticket_no" and DATASET.max_length(DATASET.key_column) == 32
    with pytest.raises(ValueError, match="unknown column kind"):
        Column("x", "x", "money")


def test_valid_row_is_cleaned():
    row, problems = validate(**{"所属区": "310101", "所属街镇": "310101013", "是否督办": "Y", "紧急程度": "",
                                "来源渠道": "", "联系电话": "+86 138 1234 5678", "经度": "121.490000001"})
    assert problems == []
    assert row["ticket_no"] == "T1" and row["received_at"] == dt.datetime(2019, 3, 1, 8, 30)
    assert row["district_code"] == "310101" and row["street_code"] == "310101013"
    assert row["supervised"] is True and row["hot"] is False
    assert row["urgency"] == "一般" and row["channel"] == "电话"  # defaults of empty optional cells
    assert row["caller_phone"] == "13812345678" and row["lon"] == 121.49
    assert row["eval_satisfaction"] == "满意" and row["eval_resolved"] is True


@pytest.mark.parametrize("name,code", [("黄浦区", "310101"), ("黄浦", "310101"), ("上海市黄浦区", "310101"),
                                       ("310101", "310101"), (310101.0, "310101")])
def test_district_by_name_or_code(name, code):
    row, problems = validate(**{"所属区": name})
    assert problems == [] and row["district_code"] == code


@pytest.mark.parametrize("over,reasons", [
    ({"受理时间": "2025-13-45"}, ["受理时间 格式无法识别：'2025-13-45'"]),
    ({"所属区": "南京区"}, ["所属区 不是上海市的区：'南京区'"]),
    ({"工单编号": ""}, ["必填字段为空：工单编号"]),
    ({"诉求内容": "  ", "工单编号": "", "工单状态": ""}, ["必填字段为空：工单编号、诉求内容、工单状态"]),
    ({"业务条线": "环境保护"}, [f"业务条线 取值不在允许范围：'环境保护'（可选：{'、'.join(BUSINESS_LINES)}）"]),
    ({"满意度": "很好"}, ["满意度 取值不在允许范围：'很好'（可选：满意、基本满意、不满意）"]),
    ({"是否督办": "也许"}, ["是否督办 应为 是/否：'也许'"]),
    ({"联系电话": "12345"}, ["联系电话 号码格式不正确：'12345'"]),
    ({"经度": "东经121度"}, ["经度 不是数字：'东经121度'"]),
    ({"纬度": "131.2"}, ["纬度 超出取值范围（-90–90）：'131.2'"]),
    ({"工单编号": "T 1"}, ["工单编号 格式不正确：'T 1'（只能由字母、数字、- 和 _ 组成，最长 32 位）"]),
    ({"问题大类": "很" * 33}, [f"问题大类 超过最大长度 32 个字符：'{'很' * 33}'"]),
    ({"所属街镇": "徐家汇街道"}, ["所属街镇 '徐家汇街道' 不属于黄浦区"]),
    ({"所属街镇": "月球街道"}, ["所属街镇 不是已知的街镇：'月球街道'"]),
    ({"工单状态": "处理中"}, ["工单状态与办结时间不一致：已办结的工单须填写办结时间，未办结的工单不应有办结时间"
                              "（工单状态 '处理中'，办结时间已填写）"]),
    ({"办结时间": ""}, ["工单状态与办结时间不一致：已办结的工单须填写办结时间，未办结的工单不应有办结时间"
                        "（工单状态 '已办结'，办结时间为空）"]),
    ({"派单时间": "2019-02-28 09:00:00"}, ["派单时间 早于受理时间"]),
    ({"办结时间": "2019-02-01", "回复时间": "2019-02-01"}, ["回复时间 早于受理时间", "办结时间 早于受理时间"]),
    ({"办理时限": "2019-03-01 08:30:00"}, ["办理时限 须晚于受理时间"]),
    ({"纬度": ""}, ["经度与纬度须同时填写"]),
    ({"重复工单号": "T1"}, ["重复工单号 不能是本工单编号"]),
    # field problems come together; cross-field rules run only on rows whose fields are readable
    ({"受理时间": "昨天", "业务条线": "", "满意度": "好"},
     ["必填字段为空：业务条线", "受理时间 格式无法识别：'昨天'", "满意度 取值不在允许范围：'好'（可选：满意、基本满意、不满意）"]),
])
def test_reasons(over, reasons):
    row, problems = validate(**over)
    assert row is None and problems == reasons


def test_coordinates_outside_shanghai_are_kept_for_the_quality_report():
    row, problems = validate(**{"经度": "116.40", "纬度": "39.90"})
    assert problems == [] and (row["lon"], row["lat"]) == (116.4, 39.9)


def test_model_refuses_undeclared_fields():
    assert issubclass(DATASET.model, RowModel)
    row, problems = DATASET.validate({"ticket_no": "T1", "nonsense": 1}, CONTEXT)
    assert row is None and any("nonsense" in p for p in problems)
