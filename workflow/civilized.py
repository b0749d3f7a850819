"""The state machine of a civilized-unit application (modules 2-11).

Industry units (两性单位) pass their industry association before the bureau, both at pre-application
review and at material review; directly affiliated units go straight to the bureau. Annual reviews of
registry units start at self-assessment.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.civilized import Application, Consultation, Indicator, IndicatorVersion, Score, Unit
from workflow import StateMachine, Transition

ITEM_TYPE = "civ_application"
ADMIN, ASSOCIATION, UNIT = "civilized.admin", "civilized.association", "civilized.unit"

STATES = {
    "draft": "草稿",
    "pre_assoc": "预申报·协会初审",
    "pre_bureau": "预申报·文明办审核",
    "returned": "退回修改",
    "rejected": "不予通过",
    "pre_approved": "预申报通过",
    "self_assessment": "自评中",
    "submitted": "自评已提交",
    "consultation": "负面清单征询",
    "material_assoc": "材料审核·协会评分",
    "comprehensive": "综合评审",
    "awarded": "授予/保留",
    "eliminated": "淘汰",
}
# The order of the process, for statistics by stage.
STAGE_ORDER = list(STATES)


def _nature(session: Session, app: Application) -> str:
    return session.get(Unit, app.unit_id).nature


def published_version(session: Session, cycle_id: int) -> IndicatorVersion | None:
    """The cycle's published indicator version (the newest one, if several were published)."""
    return session.scalars(select(IndicatorVersion).where(IndicatorVersion.cycle_id == cycle_id,
                                                          IndicatorVersion.published.is_(True))
                           .order_by(IndicatorVersion.version.desc()).limit(1)).first()


def missing_scores(session: Session, app: Application, stage: str) -> int:
    """How many indicators of the cycle's published version ``stage`` has not scored yet."""
    version = published_version(session, app.cycle_id)
    if version is None:
        return -1
    total = session.scalar(select(func.count()).select_from(Indicator).where(Indicator.version_id == version.id))
    done = session.scalar(select(func.count()).select_from(Score).join(Indicator, Indicator.id == Score.indicator_id)
                          .where(Score.application_id == app.id, Score.stage == stage,
                                 Indicator.version_id == version.id))
    return total - done


def _all_self_scored(session: Session, app: Application) -> str | None:
    missing = missing_scores(session, app, "self")
    if missing < 0:
        return "本周期评价体系尚未发布"
    return f"还有 {missing} 项指标未自评，不能提交" if missing else None


def _all_association_scored(session: Session, app: Application) -> str | None:
    missing = missing_scores(session, app, "association")
    return f"还有 {missing} 项指标未评分，不能提交" if missing else None


def _consultation_sent(session: Session, app: Application) -> str | None:
    sent = session.scalar(select(func.count()).select_from(Consultation).where(Consultation.application_id == app.id))
    return None if sent else "尚未向任何部门发出征询"


def _consultation_answered(session: Session, app: Application) -> str | None:
    open_ = session.scalar(select(func.count()).select_from(Consultation).where(
        Consultation.application_id == app.id, Consultation.answered.is_(False)))
    return f"还有 {open_} 个部门未答复征询意见" if open_ else None


def _is_industry(session: Session, app: Application) -> str | None:
    return None if _nature(session, app) == "industry" else "直属单位不经行业协会审核"


def _pre_review_target(session: Session, app: Application) -> str:
    return "pre_assoc" if _nature(session, app) == "industry" else "pre_bureau"


def _material_target(session: Session, app: Application) -> str:
    return "material_assoc" if _nature(session, app) == "industry" else "comprehensive"


MACHINE = StateMachine(ITEM_TYPE, STATES, [
    Transition("submit_pre", "提交预申报", ("draft", "returned"), _pre_review_target, (UNIT,)),
    Transition("assoc_approve", "协会初审通过", ("pre_assoc",), "pre_bureau", (ASSOCIATION,), guard=_is_industry),
    Transition("assoc_return", "协会退回修改", ("pre_assoc",), "returned", (ASSOCIATION,), needs_comment=True),
    Transition("assoc_reject", "协会不予通过", ("pre_assoc",), "rejected", (ASSOCIATION,), needs_comment=True),
    Transition("bureau_approve", "审核通过", ("pre_bureau",), "pre_approved", (ADMIN,)),
    Transition("bureau_return", "退回修改", ("pre_bureau",), "returned", (ADMIN,), needs_comment=True),
    Transition("bureau_reject", "不予通过", ("pre_bureau",), "rejected", (ADMIN,), needs_comment=True),
    Transition("push_self", "推送自评表", ("pre_approved",), "self_assessment", (ADMIN,)),
    Transition("submit_self", "提交自评", ("self_assessment",), "submitted", (UNIT,), guard=_all_self_scored),
    Transition("return_self", "退回自评", ("submitted",), "self_assessment", (ADMIN,), needs_comment=True),
    Transition("consult", "发起负面清单征询", ("submitted",), "consultation", (ADMIN,), guard=_consultation_sent),
    Transition("close_consult", "完成征询", ("consultation",), _material_target, (ADMIN,),
               guard=_consultation_answered),
    Transition("assoc_scored", "提交协会评分", ("material_assoc",), "comprehensive", (ASSOCIATION,),
               guard=_all_association_scored),
    Transition("award", "授予/保留", ("comprehensive",), "awarded", (ADMIN,)),
    Transition("eliminate", "淘汰", ("comprehensive",), "eliminated", (ADMIN,)),
])
