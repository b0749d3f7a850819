"""One full cycle over HTTP with every role: pre-application → tiered review → indicator system →
formal application → self-assessment with evidence → negative-list consultation → association material
review → bureau scoring → comprehensive review and award (signed decision) → removal from the registry."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from db import db
from db.civilized import (Application, Consultation, Cycle, Decision, Department, EvidenceFile, Indicator,
                          IndicatorVersion, RegistryEntry, Score, Unit)
from db.security import AuditLog
from db.workflow import Message, Todo, WorkflowHistory
from tests.civilized.helpers import BASE, post, token

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _state(app_id: int) -> str:
    with db.session() as s:
        return s.get(Application, app_id).state


@pytest.mark.module(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13)
def test_full_cycle_with_every_role(app, client_as):
    admin, unit, assoc, dept = (client_as(r) for r in ("civilized_admin", "unit_user", "association_reviewer",
                                                       "consult_department"))
    # 1. the administrator opens pre-application
    r = post(admin, "/cycles/new", {"name": "2029—2031年度（测试）", "start_year": "2029", "pre_open_from": "2029-03-01",
                                     "pre_open_to": "2029-04-30", "natures": ["industry", "direct"], "quota": "10",
                                     "elimination_ratio": "0.1", "elimination_threshold": "", "association_weight": "0.4"})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    with db.session() as s:
        cycle_id = s.scalar(select(Cycle.id).where(Cycle.name == "2029—2031年度（测试）"))
        unit_id = s.scalar(select(Unit.id).where(Unit.account == "unit_user"))
    # 2. the unit fills and submits its pre-application
    r = post(unit, "/apply", {"cycle_id": str(cycle_id), "headcount": "120", "contact_name": "周申报",
                              "contact_phone": "021-64000000", "honours": "区级文明单位", "summary": "创建工作扎实",
                              "submit": "1"})
    assert r.status_code == 302
    with db.session() as s:
        app_id = s.scalar(select(Application.id).where(Application.cycle_id == cycle_id, Application.unit_id == unit_id))
    assert _state(app_id) == "pre_assoc"  # an industry unit goes to its association first
    # 3. tiered review: association, then bureau; the unit may not approve itself
    post(unit, f"/applications/{app_id}/transition", {"action": "assoc_approve"})
    assert _state(app_id) == "pre_assoc"
    assert "您无权执行" in unit.get(f"{BASE}/").get_data(as_text=True)
    assert post(assoc, f"/applications/{app_id}/transition", {"action": "assoc_approve"}).status_code == 302
    assert _state(app_id) == "pre_bureau"
    post(admin, f"/applications/{app_id}/transition", {"action": "bureau_approve"})
    assert _state(app_id) == "pre_approved"
    # 4. indicator system: an invalid tree cannot be published, a valid one can
    post(admin, f"/cycles/{cycle_id}/indicators/version", {})
    for code, category, name, max_score in (("1.1", "组织领导", "领导重视", "40"), ("2.1", "志愿服务", "志愿服务常态化", "30")):
        assert post(admin, f"/cycles/{cycle_id}/indicators", {"category": category, "code": code, "name": name,
                                                               "criteria": "达标满分", "max_score": max_score,
                                                               "weight": "1", "evidence": "台账"}).status_code == 302
    with db.session() as s:
        version_id = s.scalar(select(IndicatorVersion.id).where(IndicatorVersion.cycle_id == cycle_id))
    post(admin, f"/versions/{version_id}/publish", {})
    assert "加权满分合计为 70，应为 100" in admin.get(f"{BASE}/cycles/{cycle_id}/indicators").get_data(as_text=True)
    # 5. formal application cannot start without a published system
    post(admin, f"/cycles/{cycle_id}/formal", {})
    assert _state(app_id) == "pre_approved"
    post(admin, f"/cycles/{cycle_id}/indicators", {"category": "环境整洁", "code": "3.1", "name": "环境整洁",
                                                   "criteria": "", "max_score": "30", "weight": "1", "evidence": "照片"})
    post(admin, f"/versions/{version_id}/publish", {})
    with db.session() as s:
        assert s.get(IndicatorVersion, version_id).published
        indicators = {i.code: i.id for i in s.scalars(select(Indicator).where(Indicator.version_id == version_id))}
    # 5/6. formal application pushes the self-assessment form: state, message and to-do for the unit
    post(admin, f"/cycles/{cycle_id}/formal", {})
    assert _state(app_id) == "self_assessment"
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Message).where(Message.username == "unit_user",
                                                                        Message.title.contains("自评表")))
        assert s.scalar(select(func.count()).select_from(Todo).where(
            Todo.username == "unit_user", Todo.item_id == app_id, Todo.done_at.is_(None))) == 1
    # 7. self-assessment: a score above its maximum saves nothing; then all valid; evidence; submit
    bad = post(unit, f"/applications/{app_id}/scores/self", {f"score_{indicators['1.1']}": "38",
                                                             f"score_{indicators['2.1']}": "31"})
    assert bad.status_code == 400 and "得分须在 0 到 30 之间" in bad.get_data(as_text=True)
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Score).where(Score.application_id == app_id)) == 0
    post(unit, f"/applications/{app_id}/transition", {"action": "submit_self"})
    assert _state(app_id) == "self_assessment"  # refused: indicators not scored
    ok = post(unit, f"/applications/{app_id}/scores/self", {f"score_{indicators['1.1']}": "38",
                                                            f"score_{indicators['2.1']}": "28",
                                                            f"score_{indicators['3.1']}": "27"})
    assert ok.status_code == 302
    r = unit.post(f"{BASE}/applications/{app_id}/evidence", content_type="multipart/form-data",
                  data={"csrf_token": token(unit), "indicator_id": str(indicators["1.1"]), "file": (_io(PDF), "会议纪要.pdf")})
    assert r.status_code == 302
    post(unit, f"/applications/{app_id}/transition", {"action": "submit_self"})
    assert _state(app_id) == "submitted"
    with db.session() as s:
        assert s.get(Application, app_id).self_score == 93.0
        assert s.scalar(select(func.count()).select_from(EvidenceFile).where(EvidenceFile.application_id == app_id)) == 1
    # 8. consultation: sent to the department that has an account; cannot close before it answers
    with db.session() as s:
        dept_id = s.scalar(select(Department.id).where(Department.account == "consult_department"))
    post(admin, f"/applications/{app_id}/consult", {"department": [str(dept_id)]})
    assert _state(app_id) == "consultation"
    post(admin, f"/applications/{app_id}/transition", {"action": "close_consult"})
    assert _state(app_id) == "consultation"
    with db.session() as s:
        consult_id = s.scalar(select(Consultation.id).where(Consultation.application_id == app_id))
    page = dept.get(f"{BASE}/consultations").get_data(as_text=True)
    assert f"/consultations/{consult_id}" in page
    assert post(dept, f"/consultations/{consult_id}", {"hit": "yes", "event_type_id": "3", "opinion": "年内有效投诉 1 件",
                                                       "occurred_on": "2031-05-01"}).status_code == 302
    post(admin, f"/applications/{app_id}/transition", {"action": "close_consult"})
    assert _state(app_id) == "material_assoc"  # an industry unit: association scores the evidence
    # 9. association scores every indicator with comments, then submits
    post(assoc, f"/applications/{app_id}/scores/association", {
        f"score_{indicators['1.1']}": "35", f"comment_{indicators['1.1']}": "材料齐全",
        f"score_{indicators['2.1']}": "25", f"score_{indicators['3.1']}": "25"})
    post(assoc, f"/applications/{app_id}/transition", {"action": "assoc_scored"})
    assert _state(app_id) == "comprehensive"
    # 10/11. the bureau scores; comprehensive review awards the new unit with a signed decision
    post(admin, f"/applications/{app_id}/scores/bureau", {
        f"score_{indicators['1.1']}": "36", f"score_{indicators['2.1']}": "26", f"score_{indicators['3.1']}": "28"})
    preview = admin.get(f"{BASE}/cycles/{cycle_id}/review?kind=new").get_data(as_text=True)
    # final = 0.4 × 85 + 0.6 × 90 − 2 = 34 + 54 − 2 = 86.00
    assert "86.00" in preview
    assert post(admin, f"/cycles/{cycle_id}/review", {"kind": "new"}).status_code == 302
    assert _state(app_id) == "awarded"
    with db.session() as s:
        a = s.get(Application, app_id)
        assert (a.final_score, a.rank, a.outcome) == (86.0, 1, "awarded")
        entry = s.scalar(select(RegistryEntry).where(RegistryEntry.unit_id == unit_id, RegistryEntry.cycle_id == cycle_id))
        assert entry.active and entry.decision_id
        decision_id = entry.decision_id
        entry_id = entry.id
        moves = s.scalars(select(WorkflowHistory.action).where(WorkflowHistory.item_id == app_id,
                                                               WorkflowHistory.item_type == "civ_application")).all()
        audited = s.scalar(select(func.count()).select_from(AuditLog).where(
            AuditLog.object_type == "civ_application", AuditLog.object_id == str(app_id),
            AuditLog.action.startswith("civ_application.")))
    assert moves == ["submit_pre", "assoc_approve", "bureau_approve", "push_self", "submit_self", "consult",
                     "close_consult", "assoc_scored", "award"]
    assert audited == len(moves)  # every transition audited
    page = admin.get(f"{BASE}/decisions/{decision_id}").get_data(as_text=True)
    with db.session() as s:
        d = s.get(Decision, decision_id)
        from admin.civilized import decision_payload
        body = {"kind": "civilized.award", "ref": d.doc_no, "payload": decision_payload(d)}
    assert d.doc_no in page
    verified = app.server.test_client().post("/api/v1/verify", json=body).get_json()
    assert verified["valid"], verified
    body["payload"]["units"][0]["score"] = 99.0
    assert not app.server.test_client().post("/api/v1/verify", json=body).get_json()["valid"]
    # 13. removal on upgrade keeps the history
    r = post(admin, f"/registry/{entry_id}/remove", {"reason": "upgrade", "removed_on": "2032-01-10",
                                                     "note": "获评上海市文明单位"})
    assert r.status_code == 302
    with db.session() as s:
        entry = s.get(RegistryEntry, entry_id)
        assert (entry.active, entry.removal_reason, str(entry.removed_on)) == (False, "upgrade", "2032-01-10")
    detail = admin.get(f"{BASE}/registry/units/{unit_id}").get_data(as_text=True)
    assert "升级（市级及以上）" in detail and "2029—2031年度（测试）" in detail


def _io(data: bytes):
    import io

    return io.BytesIO(data)
