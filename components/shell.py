"""The navigation shell around every page, built from ``dash.page_registry`` at request time."""
from __future__ import annotations

import dash
from dash import Input, Output, dcc, html

# Subsystems in display order: (registry ``category`` key, Chinese title, one-line description).
CATEGORIES: list[tuple[str, str, str]] = [
    ("cockpit", "决策驾驶舱", "面向领导的大屏看板：12319 热线、园林碳汇、植物园、绿化建设、野生动物保护、装修垃圾、餐厨废油脂与垃圾分类"),
    ("gis", "GIS 地图服务", "图层目录、识别查询、量测、框选查询、视频点位与分区图层维护"),
    ("platform", "共享数据平台", "专题库、热词与风险分析、数据关联、检索、数据推送与采集日志"),
    ("admin", "管理后台", "文明单位评选与政务服务审批"),
    ("system", "系统", "账号、权限、审计与运维"),
]
HIDDEN = {"home", "not_found_404"}


def nav_pages(category: str, can=lambda permission: True) -> list[dict]:
    """Registered pages of ``category`` the user ``can`` open, in their declared order."""
    pages = [
        p for p in dash.page_registry.values()
        if p.get("category") == category and p["module"].split(".")[-1] not in HIDDEN
        and can(p.get("permission"))
    ]
    return sorted(pages, key=lambda p: (p.get("order", 100), p["name"]))


def _nav(can) -> html.Nav:
    groups = []
    for key, title, _ in CATEGORIES:
        pages = nav_pages(key, can)
        if not pages:
            continue
        groups.append(html.Div(className="nav-group", children=[
            html.Div(title, className="nav-group-title"),
            *[dcc.Link(p["name"], href=p["relative_path"], className="nav-link") for p in pages],
        ]))
    return html.Nav(groups, className="shell-nav", id="shell-nav")


def create_shell(can=lambda permission: True, user: str = "") -> html.Div:
    """The page frame: header with brand, user and screen-mode controls, navigation, page container.

    ``can(permission)`` decides which pages the navigation lists (the server checks again on open).
    """
    return html.Div(className="shell", children=[
        html.Header(className="shell-header", children=[
            dcc.Link(className="brand", href="/", children=[
                html.Span("绿容通", className="brand-name"),
                html.Span("上海市绿化和市容管理局 · 数字化平台", className="brand-sub"),
            ]),
            html.Div(className="header-tools", children=[
                html.Span(user, id="shell-user", className="shell-user"),
                html.A("修改密码", href="/account/password", className="tool-link"),
                html.A("退出", href="/logout", id="shell-logout", className="tool-link"),
                html.A("大屏模式", id="shell-bigscreen-link", href="?screen=big", className="tool-link"),
                html.Button("全屏", id="shell-fullscreen", className="tool-button", n_clicks=0),
            ]),
        ]),
        html.Div(className="shell-body", children=[
            _nav(can),
            html.Main(dash.page_container, className="shell-main"),
        ]),
        html.Div(id="shell-mode-sink", hidden=True),
    ])


# The big-screen theme is a class on <body>, switched by ``?screen=big`` in the URL so that a wall
# display can be pointed at a bookmark; the link toggles between the two modes.
dash.clientside_callback(
    """
    function(search) {
        const big = new URLSearchParams(search || "").get("screen") === "big";
        document.body.classList.toggle("bigscreen", big);
        return [big ? "分析模式" : "大屏模式", big ? "?" : "?screen=big"];
    }
    """,
    Output("shell-bigscreen-link", "children"),
    Output("shell-bigscreen-link", "href"),
    Input("_pages_location", "search"),
)

dash.clientside_callback(
    """
    function(n) {
        if (n > 0) {
            if (document.fullscreenElement) { document.exitFullscreen(); }
            else { document.documentElement.requestFullscreen().catch(() => null); }
        }
        return "";
    }
    """,
    Output("shell-mode-sink", "children"),
    Input("shell-fullscreen", "n_clicks"),
)
