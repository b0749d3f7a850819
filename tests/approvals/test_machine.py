"""The case state machine per role: illegal moves refused in Chinese, submission refused while materials
are missing, return for correction back to the same step, suspension stopping the clock, deadlines."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import select

from db.approvals import CaseStep
from db.workflow import Message, WorkflowHistory
from tests.approvals.helpers import NOW, PDF, SHANGHAI, XUHUI, actor, fill, uscc, walk
from tests.approvals.test_walks import SEED_FORM
from workflow import TransitionRefused
from workflow import approvals as ap


def _draft(s, username: str, n: int, now: datetime = NOW):
    who = actor("applicant", username)
    case = ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise",
                           applicant_name=f"上海林种测试公司{n}", credit_code=uscc(100 + n), district_code=XUHUI,
                           situation="new", contact_phone="13700001234", now=now)
    return who, case


@pytest.mark.module(74, 77)
def test_submit_refused_with_missing_fields_and_materials(s):
    who, case = _draft(s, "sm_missing", 1)
    ap.save_draft(s, who, case.id, {"species": "香樟"})  # a partial draft is fine
    ap.add_material(s, who, case.id, "application_form", "申请表.pdf", PDF)
    with pytest.raises(ap.SubmitRefused) as exc:
        ap.submit(s, who, case.id, now=NOW)
    assert exc.value.missing_materials == ["营业执照或法人证书", "种子生产经营技术人员资格证明",
                                           "生产经营场所及储藏、检验设施证明"]
    assert exc.value.errors["technicians"] == "种子生产经营技术人员数不能为空"
    assert exc.value.message.startswith("不能提交：")
    assert case.state == "draft"
    with pytest.raises(ap.ApprovalError, match="文件内容与扩展名不符"):
        ap.add_material(s, who, case.id, "business_license", "执照.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ap.ApprovalError, match="本情形不需要该材料"):
        ap.add_material(s, who, case.id, "power_of_attorney", "委托书.pdf", PDF)
    with pytest.raises(ap.ApprovalError, match="未知字段"):
        ap.save_draft(s, who, case.id, {"colour": "红"})


@pytest.mark.module(77)
def test_illegal_transitions_are_refused_per_role(s):
    who, case = _draft(s, "sm_roles", 2)
    fill(s, who, case, SEED_FORM)
    with pytest.raises(TransitionRefused, match="当前状态为“草稿”，没有待办理的环节|当前状态为“草稿”"):
        ap.act(s, actor("approver_city"), case.id, "advance")
    other = actor("applicant", "someone_else")
    with pytest.raises(ap.ApprovalError, match="只能操作本人提交的办件"):
        ap.submit(s, other, case.id)
    ap.submit(s, who, case.id, now=NOW)
    with pytest.raises(TransitionRefused, match="您无权办理“收件”环节"):
        ap.act(s, who, case.id, "advance")  # the applicant cannot approve
    with pytest.raises(TransitionRefused, match="您无权办理“收件”环节"):
        ap.act(s, actor("tax_officer"), case.id, "advance")
    with pytest.raises(TransitionRefused, match="“退回补正”须填写意见或理由"):
        ap.act(s, actor("approver_city"), case.id, "return")
    with pytest.raises(TransitionRefused, match="尚未受理的办件不能“不予许可”"):
        ap.act(s, actor("approver_city"), case.id, "reject", comment="不符合条件")
    with pytest.raises(TransitionRefused, match="尚未到办结环节"):
        ap.act(s, actor("approver_city"), case.id, "complete")
    with pytest.raises(TransitionRefused, match="当前状态为“办理中”，不能执行“恢复办理”"):
        ap.act(s, actor("approver_city"), case.id, "resume")
    with pytest.raises(TransitionRefused, match="未知的操作"):
        ap.act(s, actor("approver_city"), case.id, "approve_everything")
    walk(s, case, stop_before="review")  # through the district site check
    with pytest.raises(TransitionRefused, match="已受理的办件不能“不予受理”"):
        ap.act(s, actor("approver_city"), case.id, "not_accept", comment="材料不全")
    with pytest.raises(ap.ApprovalError, match="已被他人处理"):
        ap.act(s, actor("approver_city"), case.id, "advance", expected_version=case.version - 1)
    ap.act(s, actor("approver_city"), case.id, "reject", comment="储藏设施不符合要求")
    assert case.state == "rejected"
    with pytest.raises(TransitionRefused, match="当前状态为“不予许可”，不能执行“撤回申请”"):
        ap.act(s, who, case.id, "withdraw")
    history = [h.action for h in s.scalars(select(WorkflowHistory).where(
        WorkflowHistory.item_type == "ap_case", WorkflowHistory.item_id == case.id).order_by(WorkflowHistory.id))]
    assert history == ["submit", "advance", "advance", "advance", "reject"]


@pytest.mark.module(74)
def test_not_accepted_and_withdrawn(s):
    who, case = _draft(s, "sm_not_accept", 3)
    fill(s, who, case, SEED_FORM)
    ap.submit(s, who, case.id, now=NOW)
    ap.act(s, actor("approver_city"), case.id, "not_accept", comment="不属于本机关职权范围")
    assert case.state == "not_accepted" and case.current_step is None
    who2, case2 = _draft(s, "sm_withdraw", 4)
    fill(s, who2, case2, SEED_FORM)
    ap.submit(s, who2, case2.id, now=NOW)
    ap.act(s, who2, case2.id, "withdraw", comment="项目暂缓")
    assert case2.state == "withdrawn"
    msg = s.scalar(select(Message).where(Message.username == "sm_not_accept"))
    assert msg.title.startswith("不予受理") and "职权范围" in msg.body


@pytest.mark.module(74, 77)
def test_return_for_correction_resumes_at_the_same_step(s):
    who, case = _draft(s, "sm_return", 5)
    fill(s, who, case, SEED_FORM)
    ap.submit(s, who, case.id, now=NOW)
    walk(s, case, stop_before="acceptance")
    returned_on = datetime(2026, 3, 3, 10, 0, tzinfo=SHANGHAI)
    ap.act(s, actor("approver_city"), case.id, "return", comment="请补充技术人员资格证明原件扫描件", now=returned_on)
    assert case.state == "returned" and case.current_step == "acceptance"
    with pytest.raises(TransitionRefused, match="当前状态为“补正中”"):
        ap.act(s, actor("approver_city"), case.id, "advance")
    ap.add_material(s, who, case.id, "technician_certificates", "资格证明原件.pdf", PDF)
    back = datetime(2026, 3, 6, 9, 0, tzinfo=SHANGHAI)  # Friday: 3 working days later
    due_before = case.due_date
    ap.submit(s, who, case.id, now=back)
    assert case.state == "in_progress" and case.current_step == "acceptance"
    # 20 working days from 2 March is 30 March; the three working days in correction move it to 2 April
    assert due_before == date(2026, 3, 30) and case.suspended_days == 3 and case.due_date == date(2026, 4, 2)
    assert case.step_due == date(2026, 3, 9)  # the step starts afresh: one working day
    steps = [(r.step, r.outcome) for r in s.scalars(select(CaseStep).where(CaseStep.case_id == case.id)
                                                     .order_by(CaseStep.seq))]
    assert steps == [("receipt", "approved"), ("acceptance", "returned"), ("acceptance", None)]


@pytest.mark.module(77, 78)
def test_suspension_stops_the_clock_over_national_day(s):
    submitted = datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)  # Monday before National Day 2026
    who, case = _draft(s, "sm_suspend", 6, submitted)
    fill(s, who, case, SEED_FORM, submitted)
    ap.submit(s, who, case.id, now=submitted)
    walk(s, case, submitted, stop_before="site_check")  # accepted the same day
    assert case.due_date == date(2026, 10, 30)  # 20 working days: 1-7 October off, 10 October (Sat) worked
    ap.act(s, actor("approver_district"), case.id, "suspend", comment="申请人申请中止，补办场所证明",
           now=datetime(2026, 9, 29, 15, 0, tzinfo=SHANGHAI))
    assert case.state == "suspended"
    assert not ap.overdue(case, date(2026, 11, 20))  # the clock stands still while suspended
    with pytest.raises(TransitionRefused, match="当前状态为“中止”"):
        ap.act(s, actor("approver_district"), case.id, "advance")
    ap.act(s, actor("approver_district"), case.id, "resume", now=datetime(2026, 10, 12, 9, 0, tzinfo=SHANGHAI))
    # 30 Sep, 8, 9, 10 (adjusted Saturday) and 12 October: five working days
    assert case.suspended_days == 5 and case.due_date == date(2026, 11, 6)
    assert case.state == "in_progress" and case.current_step == "site_check"
    assert not ap.overdue(case, date(2026, 11, 6)) and ap.overdue(case, date(2026, 11, 9))
    assert ap.warning(case, date(2026, 11, 4)) and not ap.warning(case, date(2026, 11, 2))
