"""The item catalog: the six shipped items load; broken files are refused with a clear message; the
smart guide narrows the situations; form fields are validated with Chinese messages."""
from __future__ import annotations

import pytest

from workflow.catalog import CatalogError, catalog, field_errors, load_catalog, parse_item

MINIMAL = '''
code = "demo"
name = "演示事项"
department = "市绿化市容局"

[[flows]]
code = "standard"
steps = [
  { code = "receipt", label = "收件", kind = "receipt", permission = "approvals.city", days = 1 },
  { code = "completion", label = "办结", kind = "completion", permission = "approvals.city", days = 1 },
]

[[questions]]
code = "q"
text = "办理类型？"
options = [ { label = "新办", situations = ["a"] }, { label = "延续", situations = ["b"] } ]

[[sub_items]]
code = "main"
name = "演示子项"
decision_template = "decision_approve"

[[sub_items.situations]]
code = "a"
name = "新办"
flow = "standard"
time_limit = 20

[[sub_items.situations]]
code = "b"
name = "延续"
kind = "renewal"
flow = "standard"
time_limit = 20
'''


def test_minimal_item_is_valid():
    item = parse_item(MINIMAL, "demo.toml")
    assert [s.code for _, s in item.situations()] == ["a", "b"]


@pytest.mark.module(61, 62, 69, 74, 75, 76, 112, 119, 121, 183)
def test_shipped_catalog_has_the_six_items():
    items = catalog()
    assert sorted(items) == ["forest_land", "outdoor_advertising", "plant_quarantine", "seed_license",
                             "vehicle_wash", "wildlife_introduction"]
    seed = items["seed_license"]
    assert {s.kind for _, s in seed.situations()} == {"new", "renewal", "change", "cancel"}
    changes = [s for _, s in seed.situations() if s.kind == "change"]
    assert len(changes) >= 3 and len({s.flow for s in changes}) == len(changes)  # each routed its own way
    # forest land: fee by forestry, payment by tax; extension by the approving officer alone
    new_steps = items["forest_land"].steps("new")
    assert [s.permission for s in new_steps if s.kind in ("fee_assessment", "payment_confirmation")] == [
        "approvals.fee", "approvals.tax"]
    assert {s.permission for s in items["forest_land"].steps("extension")} == {"approvals.city"}
    assert items["vehicle_wash"].find("new")[1].components == ("wash_filing.filing", "drainage.permit",
                                                               "shop_sign.sign")
    assert items["plant_quarantine"].steps("with_origin_certificate")[0].level == "district"


@pytest.mark.module(69, 74, 76)
def test_guide_narrows_to_one_situation():
    seed = catalog()["seed_license"]
    q, options, remaining = seed.guide("enterprise", {})
    assert q.code == "application_kind" and len(options) == 4 and len(remaining) == 6
    q, options, remaining = seed.guide("enterprise", {"application_kind": 2})
    assert q.code == "change_content" and remaining == ["change_name", "change_site", "change_scope"]
    q, _, remaining = seed.guide("enterprise", {"application_kind": 2, "change_content": 2})
    assert q is None and remaining == ["change_scope"]
    q, _, remaining = seed.guide("enterprise", {"application_kind": 0})
    assert q is None and remaining == ["new"]  # the change question is not asked for a new licence
    # applicant types filter first: an agent only sees the agent situations of outdoor advertising
    ad = catalog()["outdoor_advertising"]
    assert ad.candidates("agent") == ["first_agent", "renewal_agent"]
    assert ad.guide("agent", {"application_kind": 1})[2] == ["renewal_agent"]


@pytest.mark.parametrize("change, message", [
    (('permission = "approvals.city", days = 1 },\n  { code = "completion"',
      'permission = "approvals.nobody", days = 1 },\n  { code = "completion"'), "未知权限 approvals.nobody"),
    (('decision_template = "decision_approve"', 'decision_template = "decision_maybe"'), "未知模板 decision_maybe"),
    (('code = "b"\nname = "延续"', 'code = "a"\nname = "延续"'), "情形编码重复：a"),
    (('{ label = "延续", situations = ["b"] }', '{ label = "延续", situations = ["a"] }'),
     "情形无法通过智能引导选中：b"),
    (('situations = ["b"]', 'situations = ["c"]'), "未知情形 ['c']"),
    (('flow = "standard"\ntime_limit = 20\n\n[[sub_items.situations]]', 'flow = "fast"\ntime_limit = 20\n\n[[sub_items.situations]]'),
     "未知流程 fast"),
    (('kind = "completion"', 'kind = "review"'), "须以办结环节"),
    (('time_limit = 20\n\n[[sub_items.situations]]', 'time_limit = 0\n\n[[sub_items.situations]]'), "time_limit"),
    (('name = "演示事项"', 'name = "演示事项"\ncolour = "红"'), "colour"),
    (('code = "demo"', 'code = "demo'), "TOML 语法错误"),
])
def test_broken_item_is_refused_with_a_clear_message(change, message):
    old, new = change
    assert old in MINIMAL
    text = MINIMAL.replace(old, new, 1)
    with pytest.raises(CatalogError) as exc:
        parse_item(text, "demo.toml")
    assert exc.value.args[0].startswith("demo.toml：") and message in exc.value.args[0]


def test_directory_with_a_broken_file_is_refused(tmp_path):
    (tmp_path / "a.toml").write_text(MINIMAL, encoding="utf-8")
    (tmp_path / "b.toml").write_text(MINIMAL, encoding="utf-8")
    with pytest.raises(CatalogError, match="b.toml：事项编码 demo 与其他文件重复"):
        load_catalog(tmp_path)


@pytest.mark.module(56, 74, 112)
def test_form_fields_are_validated_in_chinese():
    item = catalog()["forest_land"]
    fields = item.fields("new")
    errors = field_errors(fields, {"unit_name": "上海某公司", "project_type": "娱乐项目", "contact_phone": "12345",
                                   "sub_compartments": [{"forest_block": "12", "compartment": "3",
                                                         "area_m2": "-5", "land_type": "乔木林地",
                                                         "forest_category": "公益林"}]})
    assert errors["project_name"] == "建设项目名称不能为空"
    assert errors["project_type"].startswith("项目类别须从“基础设施项目")
    assert errors["contact_phone"] == "联系电话须为有效的手机号码或固定电话"
    assert errors["sub_compartments"] == "占用林地小班第 1 行：面积不得小于 1平方米"
    pq = catalog()["plant_quarantine"].fields("with_origin_certificate")
    errors = field_errors(pq, {"quantity": "很多", "departure_date": "2026-02-30", "contact_phone": "021-64000000"})
    assert errors["quantity"] == "数量须为数字"
    assert errors["departure_date"] == "计划起运日期须为有效日期（如 2026-03-01）"
    assert "contact_phone" not in errors and "variety" not in errors  # optional field
    ad = catalog()["outdoor_advertising"].fields("first_agent")
    errors = field_errors(ad, {"site_code": "XX-1", "advertiser_credit_code": "913101040000000000"})
    assert errors["site_code"] == "规划点位编号格式不正确"
    assert errors["advertiser_credit_code"] == "委托人统一社会信用代码须为有效的统一社会信用代码或身份证号码"
