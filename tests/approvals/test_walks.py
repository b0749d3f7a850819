"""Full service-level walks of the six items with every role: application (guide, form, materials),
every step by the officer it names, decision letter, signed certificate, case-library sync, supervision."""
from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select, text

from db.approvals import AdSite, Case, CaseStep, Certificate, Document, FeeAssessment, SupervisionTask
from db.workflow import Message, Todo
from security.signing import verify_record
from security.sm import sm3
from tests.approvals.helpers import NOW, PUDONG, XUHUI, actor, fill, uscc, walk
from workflow import TransitionRefused
from workflow import approvals as ap


def _events(s, case_no: str, topic: str = "case_library") -> list[dict]:
    rows = s.execute(text("SELECT payload FROM integration_outbox WHERE topic = :t AND key LIKE :k ORDER BY id"),
                     {"t": topic, "k": f"{case_no}%"}).scalars()
    return [json.loads(r) if isinstance(r, str) else r for r in rows]


def _cert(s, case) -> Certificate:
    return s.scalar(select(Certificate).where(Certificate.case_id == case.id))


def _verifies(s, cert: Certificate) -> bool:
    ok, _ = verify_record(s, kind=ap.CERTIFICATE_KIND, ref=cert.number, payload=ap.certificate_payload(s, cert.number))
    return ok


PQ_FORM = {"consignee": "杭州某园林公司", "origin": "上海市徐汇区华泾苗圃", "destination": "浙江省杭州市西湖区",
           "plant_name": "香樟", "variety": "本地香樟", "quantity": "200", "quantity_unit": "株", "packaging": "带土球",
           "transport": "汽车", "departure_date": "2026-03-10"}


@pytest.mark.module(56, 57, 58, 59, 60)
def test_plant_quarantine_from_mobile_to_national_code(s):
    applicant = actor("applicant", "pq_applicant")
    case = ap.create_draft(s, applicant, item_code="plant_quarantine", applicant_type="enterprise",
                           applicant_name="上海华泾苗木有限公司", credit_code=uscc(1), district_code=XUHUI,
                           answers={"origin_certificate": 0}, contact_phone="13812345678", channel="mobile", now=NOW)
    assert case.situation_code == "with_origin_certificate" and case.channel == "mobile"
    form = json.loads(case.form)
    assert form["consignor"] == "上海华泾苗木有限公司" and form["contact_phone"] == "13812345678"  # prefilled
    fill(s, applicant, case, PQ_FORM)
    ap.submit(s, applicant, case.id, now=NOW)
    assert (case.state, case.current_step, case.level) == ("in_progress", "receipt", "district")
    assert case.due_date == date(2026, 3, 5) and case.step_due == date(2026, 3, 3)  # 3 and 1 working days
    # a district approver of another district may not act; the city approver holds no district permission
    with pytest.raises(TransitionRefused, match="不在您的辖区"):
        ap.act(s, actor("approver_district", "pd_approver", PUDONG), case.id, "advance", now=NOW)
    with pytest.raises(TransitionRefused, match="您无权办理“收件”环节"):
        ap.act(s, actor("approver_city"), case.id, "advance", now=NOW)
    steps = walk(s, case)
    assert steps == [("收件", "approver_district"), ("受理", "approver_district"), ("审查", "approver_district"),
                     ("办结", "approver_district")]
    assert case.state == "approved"
    cert = _cert(s, case)
    assert cert.number.startswith("沪林检") and cert.valid_until == date(2026, 3, 11)  # 10 days
    assert _verifies(s, cert)
    payload = ap.certificate_payload(s, cert.number)
    assert payload["plant_name"] == "香樟" and payload["destination"] == "浙江省杭州市西湖区"
    assert "contact_phone" not in payload
    docs = {d.kind: d for d in s.scalars(select(Document).where(Document.case_id == case.id))}
    assert docs["certificate"].template == "certificate_plant_quarantine" and docs["certificate"].signed
    assert docs["decision"].pdf_path and docs["decision"].docx_path
    national = _events(s, cert.number, "forestry_national")
    assert len(national) == 1 and national[0]["number"] == cert.number
    ap.set_national_code(s, cert.number, "LCJY3100002026000001")
    assert cert.national_code == "LCJY3100002026000001"
    with pytest.raises(ap.ApprovalError, match="已有不同的唯一码"):
        ap.set_national_code(s, cert.number, "OTHER")
    # every step synchronised to the case library, in order
    actions = [e["action"] for e in _events(s, case.case_no)]
    assert actions == ["submit", "advance", "advance", "advance", "complete"]
    msg = s.scalar(select(Message).where(Message.username == "pq_applicant").order_by(Message.id.desc()).limit(1))
    assert "准予许可" in msg.title
    assert s.scalar(select(func.count()).select_from(Todo).where(Todo.item_type == "ap_case",
                                                                 Todo.item_id == case.id,
                                                                 Todo.done_at.is_(None))) == 0


AD_FORM = {"site_code": "GG310104-001", "site_address": "徐汇区漕溪北路 88 号楼顶", "facility_form": "屋顶",
           "width_m": "18", "height_m": "6", "face_area": "108", "content": "公益广告：绿色出行", "period_years": "3"}


@pytest.mark.module(61, 62, 63, 64, 65, 66, 67, 68)
def test_outdoor_advertising_agent_first_and_renewal_with_supervision(s, libraries):
    agent = actor("ad_agent", "ad_agent_1")
    advertiser = uscc(2)
    # an ordinary applicant may not file as an agent
    with pytest.raises(ap.ApprovalError, match="代理机构"):
        ap.create_draft(s, actor("applicant"), item_code="outdoor_advertising", applicant_type="agent",
                        applicant_name="某代理", credit_code=uscc(3), district_code=XUHUI,
                        answers={"application_kind": 0})
    case = ap.create_draft(s, agent, item_code="outdoor_advertising", applicant_type="agent",
                           applicant_name="上海申广广告代理有限公司", credit_code=uscc(3), district_code=XUHUI,
                           answers={"application_kind": 0}, contact_phone="021-64000000", now=NOW)
    assert case.situation_code == "first_agent"
    fill(s, agent, case, {**AD_FORM, "site_code": "GG310115-001", "advertiser_name": "上海绿色出行科技有限公司",
                          "advertiser_credit_code": advertiser})
    with pytest.raises(ap.SubmitRefused) as exc:  # a Pudong site for a Xuhui case
        ap.submit(s, agent, case.id, now=NOW)
    assert exc.value.errors == {"site_code": "规划点位不在所选行政区"}
    ap.save_draft(s, agent, case.id, {"site_code": "GG310104-001"}, now=NOW)
    ap.submit(s, agent, case.id, now=NOW)
    walk(s, case, stop_before="audit")
    draft = s.scalar(select(Document).where(Document.case_id == case.id, Document.kind == "decision"))
    assert case.case_no in draft.draft_text and not draft.signed  # module 65: the draft decision
    with pytest.raises(TransitionRefused, match="您无权办理“审核”环节"):
        ap.edit_draft(s, actor("approver_city"), case.id, "改稿")
    ap.edit_draft(s, actor("approval_leader"), case.id, draft.draft_text + "\n    设置期限三年，期满前三十日可申请延续。")
    assert walk(s, case)[-3:] == [("审核", "approval_leader"), ("审批", "approval_leader"), ("办结", "approver_city")]
    cert = _cert(s, case)
    assert (cert.holder, cert.holder_credit_code) == ("上海绿色出行科技有限公司", advertiser)  # the advertiser holds it
    assert cert.valid_until == date(2029, 3, 1) and _verifies(s, cert)
    decision = s.scalar(select(Document).where(Document.case_id == case.id, Document.kind == "decision"))
    assert decision.signed and "期满前三十日" in decision.draft_text
    assert s.scalar(select(AdSite.status).where(AdSite.code == "GG310104-001")) == "occupied"
    task = s.scalar(select(SupervisionTask).where(SupervisionTask.case_id == case.id))
    assert (task.district_code, task.frequency, task.state, task.next_due) == (XUHUI, "quarterly", "open",
                                                                               date(2026, 6, 2))
    # district supervision: inspection, finding → rectifying, rectification, closure; other districts refused
    with pytest.raises(ap.ApprovalError, match="不在您的辖区"):
        ap.add_supervision_record(s, actor("district_supervisor", "pd_sup", PUDONG), task.id, "inspection", "巡查")
    sup = actor("district_supervisor")
    ap.add_supervision_record(s, sup, task.id, "inspection", "设施结构完好")
    ap.add_supervision_record(s, sup, task.id, "finding", "画面破损")
    assert task.state == "rectifying"
    with pytest.raises(ap.ApprovalError, match="整改中，不能登记“结案”"):
        ap.add_supervision_record(s, sup, task.id, "closure", "结案")
    ap.add_supervision_record(s, sup, task.id, "rectification", "已更换画面")
    ap.add_supervision_record(s, sup, task.id, "closure", "整改到位")
    assert task.state == "closed"
    # renewal by the agent for the same advertiser
    renewal = ap.create_draft(s, agent, item_code="outdoor_advertising", applicant_type="agent",
                              applicant_name="上海申广广告代理有限公司", credit_code=uscc(3), district_code=XUHUI,
                              answers={"application_kind": 1}, parent_certificate_no=cert.number,
                              contact_phone="021-64000000", now=NOW)
    assert renewal.situation_code == "renewal_agent" and renewal.kind == "renewal"
    assert json.loads(renewal.form)["site_code"] == "GG310104-001"  # prefilled from the first case
    fill(s, agent, renewal, {"period_years": "3", "advertiser_name": "上海绿色出行科技有限公司",
                             "advertiser_credit_code": advertiser})
    ap.submit(s, agent, renewal.id, now=NOW)
    assert [label for label, _ in walk(s, renewal)] == ["收件", "受理", "审查", "审批", "办结"]
    new_cert = _cert(s, renewal)
    assert cert.status == "expired" and new_cert.previous_id == cert.id
    assert new_cert.valid_until == date(2032, 3, 1)  # three more years after the first expires
    assert len(_events(s, case.case_no)) == 7 and len(_events(s, renewal.case_no)) == 6


SEED_FORM = {"legal_representative": "王林", "residence": "上海市徐汇区龙华路 1 号", "business_mode": "生产经营",
             "business_scope": "林木良种繁殖材料", "species": "香樟、银杏、水杉", "site_address": "上海市徐汇区华泾镇苗圃路 8 号",
             "storage_area": "300", "technicians": "4"}


@pytest.mark.module(74, 75, 76, 77, 78, 79, 80, 81)
def test_seed_license_new_renewal_three_changes_and_cancel(s):
    who = actor("applicant", "seed_applicant")
    code = uscc(4)

    def apply(answers, parent=None, form=None):
        case = ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise",
                               applicant_name="上海林种苗木有限公司", credit_code=code, district_code=XUHUI,
                               answers=answers, parent_certificate_no=parent, contact_phone="13700001234", now=NOW)
        fill(s, who, case, form if form is not None else {})
        ap.submit(s, who, case.id, now=NOW)
        return case, [label for label, _ in walk(s, case)]

    case, labels = apply({"application_kind": 0}, form=SEED_FORM)
    assert labels == ["收件", "受理", "现场核查", "审查", "审核", "审批", "办结"]
    first = _cert(s, case)
    assert first.number.startswith("沪林种许") and first.valid_until == date(2031, 3, 1) and _verifies(s, first)
    assert s.scalar(select(SupervisionTask.frequency).where(SupervisionTask.case_id == case.id)) == "yearly"
    # each change situation is routed its own way
    change, labels = apply({"application_kind": 2, "change_content": 0}, first.number,
                           {"legal_representative": "李森"})
    assert labels == ["收件", "受理", "审批", "办结"]
    changed = _cert(s, change)
    assert first.status == "changed" and changed.valid_until == first.valid_until  # same validity
    assert ap.certificate_payload(s, changed.number)["legal_representative"] == "李森"
    assert ap.certificate_payload(s, changed.number)["species"] == "香樟、银杏、水杉"  # carried over
    site, labels = apply({"application_kind": 2, "change_content": 1}, changed.number,
                         {"site_address": "上海市徐汇区华泾镇苗圃路 18 号"})
    assert labels == ["收件", "受理", "现场核查", "审查", "审批", "办结"]
    scope, labels = apply({"application_kind": 2, "change_content": 2}, _cert(s, site).number,
                          {"species": "香樟、银杏、水杉、无患子"})
    assert labels == ["收件", "受理", "审查", "专家评审", "审核", "办结"]
    renewal, labels = apply({"application_kind": 1}, _cert(s, scope).number)
    assert labels == ["收件", "受理", "审查", "审批", "办结"]
    renewed = _cert(s, renewal)
    assert renewed.valid_until == date(2036, 3, 1) and _cert(s, scope).status == "expired"
    cancel, labels = apply({"application_kind": 3}, renewed.number, {"cancel_reason": "停止生产经营"})
    assert labels == ["收件", "受理", "审批", "办结"]
    assert _cert(s, cancel) is None and renewed.status == "cancelled"
    open_tasks = s.scalar(select(func.count()).select_from(SupervisionTask).where(
        SupervisionTask.certificate_id == renewed.id, SupervisionTask.state != "closed"))
    assert open_tasks == 0  # cancellation ends the supervision
    with pytest.raises(ap.ApprovalError, match="原证书已失效"):
        ap.create_draft(s, who, item_code="seed_license", applicant_type="enterprise", applicant_name="上海林种苗木有限公司",
                        credit_code=code, district_code=XUHUI, answers={"application_kind": 1},
                        parent_certificate_no=renewed.number)


WILD_FORM = {"species_name": "环尾狐猴", "scientific_name": "Lemur catta", "quantity": "6", "origin_country": "马达加斯加",
             "entry_port": "浦东国际机场", "keeping_site": "上海动物园（虹桥路 2381 号）"}


@pytest.mark.module(69, 70, 71, 72, 73)
def test_wildlife_introduction_with_species_library_and_pre_review(s, libraries):
    who = actor("applicant", "zoo_applicant")
    case = ap.create_draft(s, who, item_code="wildlife_introduction", applicant_type="institution",
                           applicant_name="上海动物园", credit_code=uscc(5), district_code=XUHUI,
                           answers={}, contact_phone="021-62680000", now=NOW)  # an institution can only apply for research: no question
    assert case.situation_code == "research"
    fill(s, who, case, {**WILD_FORM, "species_name": "大熊猫", "scientific_name": "Ailuropoda melanoleuca"})
    with pytest.raises(ap.SubmitRefused) as exc:
        ap.submit(s, who, case.id, now=NOW)
    assert exc.value.errors["species_name"] == "该物种不在非国际公约物种库中，不能按本事项申请"
    ap.save_draft(s, who, case.id, WILD_FORM, now=NOW)
    ap.submit(s, who, case.id, now=NOW)
    labels = walk(s, case)
    assert [label for label, _ in labels] == ["收件", "预审", "审查", "专家评审", "审核", "审批", "办结"]
    assert case.accepted_at is not None  # pre-review is the acceptance of this item
    assert _cert(s, case) is None  # the decision letter is the permit
    decision = s.scalar(select(Document).where(Document.case_id == case.id, Document.kind == "decision"))
    assert decision.signed and decision.template == "decision_approve"
    ok, _ = verify_record(s, kind=ap.DECISION_KIND, ref=case.case_no, payload={
        "case_no": case.case_no, "item_code": "wildlife_introduction", "situation": "research",
        "applicant_name": "上海动物园", "credit_code": uscc(5), "decision": "approve",
        "decided_on": case.decided_at.astimezone(NOW.tzinfo).date().isoformat(),
        "body_sm3": sm3(decision.draft_text.encode()).hex()})
    assert ok
    assert len(_events(s, case.case_no)) == 8


FOREST_ROWS = [{"forest_block": "12", "compartment": "3", "area_m2": "1200", "land_type": "乔木林地",
                "forest_category": "公益林"},
               {"forest_block": "12", "compartment": "5", "area_m2": "800", "land_type": "灌木林地",
                "forest_category": "商品林"}]
FOREST_FORM = {"project_name": "华泾路拓宽工程", "project_type": "基础设施项目", "site_address": "徐汇区华泾镇",
               "use_type": "永久占用", "sub_compartments": FOREST_ROWS}


@pytest.mark.module(112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123)
def test_forest_land_fee_payment_change_and_extension(s):
    who = actor("applicant", "forest_applicant")
    code = uscc(6)
    case = ap.create_draft(s, who, item_code="forest_land", applicant_type="enterprise", applicant_name="上海城建路桥公司",
                           credit_code=code, district_code=XUHUI, answers={"application_kind": 0},
                           contact_phone="13900001111", now=NOW)
    fill(s, who, case, FOREST_FORM)
    ap.submit(s, who, case.id, now=NOW)
    walk(s, case, stop_before="fee_assessment")
    with pytest.raises(TransitionRefused, match="尚未核定森林植被恢复费"):
        ap.act(s, actor("forestry_fee_officer"), case.id, "advance")
    with pytest.raises(TransitionRefused, match="您无权办理“费用核定”环节"):
        ap.assess_fee(s, actor("approver_city"), case.id)
    fee = ap.assess_fee(s, actor("forestry_fee_officer"), case.id, now=NOW)
    # 1200 m² 公益乔木林地 × 10 × 2 + 800 m² 灌木林地 × 6 = 24000 + 4800
    assert str(fee.amount) == "28800.00" and fee.area_m2 == 2000 and fee.sealed and fee.sms_sent
    assert fee.notice_no.startswith("沪林植恢费")
    assert len(_events(s, fee.notice_no, "sms")) == 1
    notice = s.scalar(select(Document).where(Document.case_id == case.id, Document.kind == "fee_notice"))
    assert notice.pdf_path and notice.signed
    assert verify_record(s, kind="approvals.fee_notice", ref=fee.notice_no, payload={
        "notice_no": fee.notice_no, "case_no": case.case_no, "payer": "上海城建路桥公司", "credit_code": code,
        "area_m2": "2000.00", "amount": "28800.00", "assessed_on": "2026-03-02"})[0]
    assert case.current_step == "payment"
    with pytest.raises(TransitionRefused, match="税务部门尚未确认缴费"):
        ap.act(s, actor("tax_officer"), case.id, "advance")
    ap.confirm_payment(s, actor("tax_officer"), case.id, tax_reference="税票 3100260300123")
    assert fee.paid and fee.tax_reference == "税票 3100260300123"
    assert walk(s, case) == [("审核", "approval_leader"), ("审批", "approval_leader"), ("办结", "approver_city")]
    consent = _cert(s, case)
    assert consent.template == "land_consent" and consent.valid_until == date(2028, 3, 1) and _verifies(s, consent)
    # change: more area on one sub-compartment, a new one; only the added area is charged
    change = ap.create_draft(s, who, item_code="forest_land", applicant_type="enterprise", applicant_name="上海城建路桥公司",
                             credit_code=code, district_code=XUHUI, answers={"application_kind": 1},
                             parent_certificate_no=consent.number, contact_phone="13900001111", now=NOW)
    assert json.loads(change.form)["sub_compartments"] == FOREST_ROWS
    rows = [dict(FOREST_ROWS[0], area_m2="1500"), FOREST_ROWS[1],
            {"forest_block": "13", "compartment": "1", "area_m2": "100", "land_type": "宜林地",
             "forest_category": "商品林"}]
    fill(s, who, change, {"sub_compartments": rows, "change_reason": "道路红线调整"})
    ap.submit(s, who, change.id, now=NOW)
    labels = walk(s, change)
    assert [label for label, _ in labels] == ["收件", "受理", "现场查验", "费用核定", "缴费确认", "审批", "办结"]
    change_fee = s.scalar(select(FeeAssessment).where(FeeAssessment.case_id == change.id))
    assert str(change_fee.amount) == "6300.00"  # 300 × 20 + 100 × 3
    changed = _cert(s, change)
    assert consent.status == "changed" and changed.valid_until == consent.valid_until
    # extension: decided by the approving officer alone
    ext = ap.create_draft(s, who, item_code="forest_land", applicant_type="enterprise", applicant_name="上海城建路桥公司",
                          credit_code=code, district_code=XUHUI, answers={"application_kind": 2},
                          parent_certificate_no=changed.number, contact_phone="13900001111", now=NOW)
    fill(s, who, ext, {"extension_months": "12", "extension_reason": "征收进度滞后"})
    ap.submit(s, who, ext.id, now=NOW)
    assert walk(s, ext) == [("收件", "approver_city"), ("受理", "approver_city"), ("审批", "approver_city"),
                            ("办结", "approver_city")]
    assert _cert(s, ext).valid_until == date(2029, 3, 1) and changed.status == "expired"


WASH_FORM = {"legal_representative": "陈洁", "station_address": "徐汇区龙吴路 500 号", "wash_bays": "4",
             "site_area": "600", "daily_wastewater": "12", "sign_text": "洁车坊汽车美容", "sign_area": "6"}


@pytest.mark.module(150, 153, 154, 183, 184, 185, 186)
def test_vehicle_wash_composite_license_after_parallel_approval(s):
    who = actor("applicant", "wash_applicant")
    case = ap.create_draft(s, who, item_code="vehicle_wash", applicant_type="enterprise",
                           applicant_name="上海洁车坊汽车服务有限公司", credit_code=uscc(7), district_code=XUHUI,
                           answers={}, contact_phone="13600002222", now=NOW)
    assert case.situation_code == "new"
    with pytest.raises(ap.SubmitRefused) as exc:  # one form, one set of materials for every component
        ap.submit(s, who, case.id, now=NOW)
    assert "场站平面布置图" in exc.value.missing_materials and "wash_bays" in exc.value.errors
    fill(s, who, case, WASH_FORM)
    ap.submit(s, who, case.id, now=NOW)
    walk(s, case)  # receipt: the components open in parallel
    assert case.state == "parallel"
    parts = list(s.scalars(select(Case).where(Case.composite_parent_id == case.id).order_by(Case.id)))
    assert [p.situation_code for p in parts] == ["filing", "permit", "sign"]
    assert all(p.state == "in_progress" and p.current_step == "acceptance" for p in parts)
    assert {p.step_permission for p in parts} == {"approvals.district", "approvals.city"}
    with pytest.raises(TransitionRefused, match="并联审批中"):
        ap.act(s, actor("approver_district"), case.id, "advance")
    walk(s, parts[0])
    walk(s, parts[2])
    assert case.state == "parallel" and _cert(s, parts[0]) is None  # still waiting for the drainage permit
    walk(s, parts[1])
    assert case.state == "in_progress" and case.current_step == "completion"
    walk(s, case)
    lic = _cert(s, case)
    assert case.state == "approved" and lic.template == "composite_license" and _verifies(s, lic)
    assert ap.certificate_payload(s, lic.number)["daily_wastewater"] == "12"
    pushed = _events(s, lic.number, "one_netcom")
    assert len(pushed) == 1 and pushed[0]["holder"] == "上海洁车坊汽车服务有限公司"
    steps = s.scalar(select(func.count()).select_from(CaseStep).where(CaseStep.case_id.in_([p.id for p in parts])))
    assert steps == 9


@pytest.mark.module(184, 185)
def test_composite_fails_when_a_component_is_rejected(s):
    who = actor("applicant", "wash_applicant2")
    case = ap.create_draft(s, who, item_code="vehicle_wash", applicant_type="enterprise",
                           applicant_name="上海亮车汽车服务有限公司", credit_code=uscc(8), district_code=XUHUI,
                           answers={}, contact_phone="13600003333", now=NOW)
    fill(s, who, case, WASH_FORM)
    ap.submit(s, who, case.id, now=NOW)
    walk(s, case)
    permit = s.scalar(select(Case).where(Case.composite_parent_id == case.id, Case.situation_code == "permit"))
    walk(s, permit, stop_before="review")
    parts = list(s.scalars(select(Case).where(Case.composite_parent_id == case.id).order_by(Case.id)))
    walk(s, parts[0])  # the filing is already decided when the permit fails
    ap.act(s, actor("approver_city"), permit.id, "reject", comment="清洗废水未经预处理直接排放")
    assert permit.state == "rejected" and case.state == "rejected"
    assert _cert(s, case) is None
    # the component still open ends with the composite: no step, no to-do left, no further action
    sign = next(p for p in parts if p.situation_code == "sign")
    assert parts[0].state == "approved" and sign.state == "terminated" and sign.current_step is None
    assert s.scalar(select(func.count()).select_from(CaseStep).where(CaseStep.case_id == sign.id,
                                                                     CaseStep.finished_at.is_(None))) == 0
    last = s.scalar(select(CaseStep).where(CaseStep.case_id == sign.id).order_by(CaseStep.seq.desc()).limit(1))
    assert last.outcome == "terminate" and "本事项终止办理" in last.comment
    assert s.scalar(select(func.count()).select_from(Todo).where(Todo.item_type == "ap_case", Todo.item_id == sign.id,
                                                                 Todo.done_at.is_(None))) == 0
    with pytest.raises(TransitionRefused):
        ap.act(s, actor("approver_district"), sign.id, "advance")
    reject = s.scalar(select(Document).where(Document.case_id == permit.id, Document.kind == "decision"))
    assert reject.template == "decision_reject" and "清洗废水" in reject.draft_text
