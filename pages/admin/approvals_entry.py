"""政务服务审批 (issue 6): the portal's entry to the applicant portal (/apply/) and the approver desk
(/admin/approvals/), which are thin server-rendered pages; this page lists the ones the user may use."""
from __future__ import annotations

import dash
from dash import html

from security.context import can

APPLY = ("approvals.apply",)
DESK = ("approvals.city", "approvals.district", "approvals.sign", "approvals.fee", "approvals.tax")
SUPERVISE = ("approvals.supervise",)
LIBRARY = ("approvals.library",)

dash.register_page(__name__, path="/admin/approvals-home", name="政务服务审批", order=20,
                   title="政务服务审批 · 绿容通", category="admin",
                   permission=APPLY + DESK + SUPERVISE + LIBRARY,
                   description="在线申请、审批待办、批后监管与审批基础库")

ENTRIES = [
    (APPLY, "在线申请", "/apply/", "办事指南、智能引导、在线填报与材料上传，查看我的办件和证照（支持手机）"),
    (APPLY, "我的办件", "/apply/cases", "办理进度、承诺办结日期、决定书与证照下载"),
    (DESK, "审批待办", "/admin/approvals/", "按角色和辖区列出待办办件，超期预警，受理、审查、审批、办结"),
    (SUPERVISE, "批后监管", "/admin/approvals/supervision", "本区监管任务：检查、发现问题、整改、结案"),
    (LIBRARY, "户外广告规划点位库", "/admin/approvals/sites", "规划点位的新增与维护"),
    (LIBRARY, "非国际公约物种库", "/admin/approvals/species", "可按本事项引进的物种"),
]


def layout(**_query) -> html.Div:
    """Links to the approvals pages the user may open."""
    links = [html.A(className="portal-link", href=href, id=f"approvals-entry-{i}", children=[
        html.Span(name, className="portal-link-name"), html.Span(desc, className="portal-link-desc")])
        for i, (perms, name, href, desc) in enumerate(ENTRIES) if can(perms)]
    return html.Div(className="portal", children=[
        html.Div(className="portal-hero", children=[
            html.H1("政务服务审批"),
            html.P("林草植物检疫、大型户外广告、林木草种许可、引进野生动物物种、占用林地、机动车清洗一业一证等事项的在线申请与审批。"),
        ]),
        html.Section(className="portal-card", children=[html.Div(links, className="portal-links")]),
    ])
