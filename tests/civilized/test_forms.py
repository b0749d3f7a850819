"""Bad input: forms re-render with field errors (400) and nothing is half-saved; uploads refused by content
and size; the registry, records, negative list and unit registration pages."""
from __future__ import annotations

import io
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import db
from db.civilized import (Application, Association, Cycle, EventType, EvidenceFile, Indicator, IndicatorVersion,
                          Record, RegistryEntry, Unit)
from tests.civilized.helpers import BASE, post, token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
EXE = b"MZ\x90\x00" + b"\x00" * 200


@pytest.fixture(scope="module")
def self_assessment_app(app):
    """An application of the demo unit at self-assessment, in a cycle of its own with one indicator."""
    now = datetime.now(timezone.utc)
    with db.session() as s:
        cycle = Cycle(name="上传测试周期", start_year=2035, quota=1, created_at=now)
        s.add(cycle)
        s.flush()
        version = IndicatorVersion(cycle_id=cycle.id, version=1, total_score=100, published=True, created_at=now)
        s.add(version)
        s.flush()
        ind = Indicator(version_id=version.id, category="环境整洁", code="1", name="环境整洁", max_score=100, weight=1)
        s.add(ind)
        unit = s.scalar(select(Unit).where(Unit.account == "unit_user"))
        a = Application(cycle_id=cycle.id, unit_id=unit.id, kind="new", state="self_assessment", updated_at=now)
        s.add(a)
        s.flush()
        return a.id, ind.id


def _evidence_count(app_id: int) -> int:
    with db.session() as s:
        return s.scalar(select(func.count()).select_from(EvidenceFile).where(EvidenceFile.application_id == app_id))


def _upload(client, app_id, indicator_id, data: bytes, name: str):
    return client.post(f"{BASE}/applications/{app_id}/evidence", content_type="multipart/form-data",
                       data={"csrf_token": token(client), "indicator_id": str(indicator_id), "file": (io.BytesIO(data), name)})


@pytest.mark.module(7)
@pytest.mark.parametrize("data,name,message", [
    (EXE, "证明材料.pdf", "文件内容与扩展名不符"),
    (EXE, "tool.exe", "文件类型不允许"),
    (b"plain text", "说明.txt", "文件类型不允许"),
    (b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "大文件.pdf", "文件超过大小限制"),
])
def test_bad_uploads_are_refused_and_nothing_is_saved(app, client_as, self_assessment_app, data, name, message):
    app_id, indicator_id = self_assessment_app
    before = _evidence_count(app_id)
    files_dir = Path(app.server.instance_path) / "files" / "civilized" / f"app-{app_id}"
    on_disk = len(list(files_dir.glob("*"))) if files_dir.exists() else 0
    r = _upload(client_as("unit_user"), app_id, indicator_id, data, name)
    assert r.status_code == 400 and message in r.get_data(as_text=True)
    assert _evidence_count(app_id) == before
    assert (len(list(files_dir.glob("*"))) if files_dir.exists() else 0) == on_disk


@pytest.mark.module(7)
def test_good_upload_is_stored_outside_the_repo_with_its_digest(app, client_as, self_assessment_app):
    app_id, indicator_id = self_assessment_app
    client = client_as("unit_user")
    assert _upload(client, app_id, indicator_id, PNG, "现场照片.png").status_code == 302
    with db.session() as s:
        row = s.scalars(select(EvidenceFile).where(EvidenceFile.application_id == app_id)).all()[-1]
    path = Path(app.server.instance_path) / row.stored_path
    assert path.read_bytes() == PNG and row.kind == "png" and len(row.sm3) == 64
    assert not str(path.resolve()).startswith(str(Path(__file__).resolve().parents[2]))
    assert client.get(f"{BASE}/files/{row.id}").data == PNG


@pytest.mark.module(7)
def test_score_form_rerenders_with_field_errors(client_as, self_assessment_app):
    app_id, indicator_id = self_assessment_app
    client = client_as("unit_user")
    r = post(client, f"/applications/{app_id}/scores/self", {f"score_{indicator_id}": "abc"})
    assert r.status_code == 400 and "请输入数字" in r.get_data(as_text=True)
    r = post(client, f"/applications/{app_id}/scores/self", {f"score_{indicator_id}": "-1"})
    assert r.status_code == 400 and "得分须在 0 到 100 之间" in r.get_data(as_text=True)
    assert 'value="-1' in r.get_data(as_text=True)  # the entered value is shown back


@pytest.mark.module(1)
def test_cycle_form_rerenders_with_field_errors(client_as):
    admin = client_as("civilized_admin")
    r = post(admin, "/cycles/new", {"name": "错误周期", "start_year": "3000", "pre_open_from": "2030-05-01",
                                     "pre_open_to": "2030-04-01", "quota": "0", "elimination_ratio": "0.9",
                                     "association_weight": "0.4"})
    text = r.get_data(as_text=True)
    assert r.status_code == 400
    for message in ("首年须在 2000 到 2100 之间", "截止日期不能早于开始日期", "请至少选择一种单位性质",
                    "名额须为正整数", "淘汰比例须在 0 到 0.5 之间"):
        assert message in text
    assert 'value="错误周期"' in text
    with db.session() as s:
        assert s.scalar(select(Cycle.id).where(Cycle.name == "错误周期")) is None


@pytest.mark.module(2)
def test_pre_application_form_errors(client_as):
    unit = client_as("unit_user")
    r = post(unit, "/apply", {"headcount": "0", "contact_name": "", "contact_phone": "abc", "summary": ""})
    text = r.get_data(as_text=True)
    assert r.status_code == 400
    for message in ("职工人数须为正整数", "请输入联系人", "联系电话格式不正确", "请填写创建工作简介"):
        assert message in text


@pytest.mark.module(17)
def test_association_registers_a_unit_of_its_industry(client_as):
    c = client_as("association_reviewer")
    bad = post(c, "/units/new", {"name": "测试绿化有限公司", "credit_code": "123", "nature": "industry",
                                 "industry": "园林绿化", "district_code": "310104", "headcount": "30",
                                 "contact_name": "王", "contact_phone": "021-1234567"})
    assert bad.status_code == 400 and "统一社会信用代码须为 18 位" in bad.get_data(as_text=True)
    foreign = post(c, "/units/new", {"name": "测试绿化有限公司", "credit_code": "913101040000000001",
                                     "nature": "direct", "industry": "环境卫生", "district_code": "310104",
                                     "headcount": "30", "contact_name": "王", "contact_phone": "021-1234567"})
    assert foreign.status_code == 400  # neither another industry nor a direct unit
    ok = post(c, "/units/new", {"name": "测试绿化有限公司", "credit_code": "913101040000000001", "nature": "industry",
                                "industry": "园林绿化", "district_code": "310104", "headcount": "30",
                                "contact_name": "王", "contact_phone": "021-1234567"})
    assert ok.status_code == 302
    with db.session() as s:
        unit = s.scalar(select(Unit).where(Unit.name == "测试绿化有限公司"))
        assoc = s.scalar(select(Association).where(Association.account == "association_reviewer"))
        assert (unit.nature, unit.industry, unit.association_id) == ("industry", assoc.industry, assoc.id)


@pytest.mark.module(12)
def test_registry_filters_and_unit_history(client_as):
    admin = client_as("civilized_admin")
    with db.session() as s:
        entry = s.scalar(select(RegistryEntry).where(RegistryEntry.active.is_(False)).limit(1))
        unit = s.get(Unit, entry.unit_id)
        in_district = s.scalar(select(func.count()).select_from(RegistryEntry).join(Unit, Unit.id == RegistryEntry.unit_id)
                               .where(Unit.district_code == "310104"))
    page = admin.get(f"{BASE}/registry?district=310104").get_data(as_text=True)
    assert f"文明单位库（{in_district}）" in page
    removed = admin.get(f"{BASE}/registry?status=removed").get_data(as_text=True)
    assert "已出库" in removed and "在库</td>" not in removed
    detail = admin.get(f"{BASE}/registry/units/{unit.id}").get_data(as_text=True)
    assert unit.name in detail and "申报历史" in detail and "已出库" in detail


@pytest.mark.module(14, 15)
def test_inspection_and_symposium_records_with_photos(app, client_as):
    admin = client_as("civilized_admin")
    with db.session() as s:
        cycle_id = s.scalar(select(Cycle.id).order_by(Cycle.id))
        code = s.scalar(select(Unit.credit_code).order_by(Unit.id))
        before = s.scalar(select(func.count()).select_from(Record))
    form = {"csrf_token": token(admin), "cycle_id": str(cycle_id), "unit_credit_code": code, "held_on": "2026-05-06",
            "place": "现场", "participants": "检查组 3 人", "findings": "垃圾分类标识不全", "follow_up": "限期整改"}
    bad = admin.post(f"{BASE}/records/new?kind=inspection", content_type="multipart/form-data",
                     data=dict(form, photos=[(io.BytesIO(EXE), "photo.jpg")]))
    assert bad.status_code == 400 and "照片被拒绝" in bad.get_data(as_text=True)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Record)) == before
    ok = admin.post(f"{BASE}/records/new?kind=inspection", content_type="multipart/form-data",
                    data=dict(form, csrf_token=token(admin), photos=[(io.BytesIO(PNG), "现场.png")]))
    assert ok.status_code == 302
    assert "垃圾分类标识不全" in admin.get(f"{BASE}/records?kind=inspection").get_data(as_text=True)
    symposium = post(admin, "/records/new?kind=symposium", {"cycle_id": str(cycle_id), "held_on": "2026-06-01",
                                                            "place": "局机关会议室", "participants": "各协会",
                                                            "findings": "交流创建经验"})
    assert symposium.status_code == 302
    missing_unit = post(admin, "/records/new?kind=inspection", {"cycle_id": str(cycle_id), "held_on": "2026-06-01",
                                                                "place": "x", "participants": "x", "findings": "x"})
    assert missing_unit.status_code == 400 and "现场检查须填写被检查单位" in missing_unit.get_data(as_text=True)


@pytest.mark.module(16)
def test_negative_list_event_types(client_as):
    admin = client_as("civilized_admin")
    bad = post(admin, "/negative", {"name": "测试扣分事件", "effect": "deduction", "deduction": "0"})
    assert bad.status_code == 400 and "扣分类事件须填写扣分分值" in bad.get_data(as_text=True)
    assert post(admin, "/negative", {"name": "测试扣分事件", "effect": "deduction", "deduction": "1.5"}).status_code == 302
    with db.session() as s:
        assert s.scalar(select(EventType.deduction).where(EventType.name == "测试扣分事件")) == 1.5
    page = admin.get(f"{BASE}/negative").get_data(as_text=True)
    assert "一票否决" in page and "负面事件" in page


def test_inbox_lists_todos(client_as):
    page = client_as("civilized_admin").get(f"{BASE}/").get_data(as_text=True)
    assert "待办事项" in page and "/admin/civilized/applications/" in page
