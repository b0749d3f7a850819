"""Portal home: the platform's subsystems and every page a user can open, from the page registry."""
from __future__ import annotations

import dash
from dash import dcc, html

from components.shell import CATEGORIES, nav_pages
from security.context import can

dash.register_page(__name__, path="/", name="首页", title="绿容通 · 首页", category="portal", order=0,
                   permission=None)


def layout(**_query) -> html.Div:
    """Cards per subsystem listing its pages; subsystems without pages yet say so."""
    sections = []
    for key, title, description in CATEGORIES:
        pages = nav_pages(key, can)
        links = [
            dcc.Link(className="portal-link", href=p["relative_path"], children=[
                html.Span(p["name"], className="portal-link-name"),
                html.Span(p.get("description", ""), className="portal-link-desc"),
            ])
            for p in pages
        ]
        sections.append(html.Section(className="portal-card", children=[
            html.H2(title), html.P(description, className="portal-desc"),
            html.Div(links or html.Span("建设中", className="portal-empty"), className="portal-links"),
        ]))
    return html.Div(className="portal", children=[
        html.Div(className="portal-hero", children=[
            html.H1("绿容通 · 上海市绿化和市容管理局数字化平台"),
            html.P("决策驾驶舱、GIS 地图服务、共享数据平台与政务服务审批，一个平台，统一认证，全程国密。"),
        ]),
        html.Div(sections, className="portal-grid"),
    ])
