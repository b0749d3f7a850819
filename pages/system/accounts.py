"""账号与权限: the entry to account administration (system administrator) and role grants (security
administrator); the forms themselves are thin admin pages under /admin/system/."""
from __future__ import annotations

import dash
from dash import html

from components.cards import panel

dash.register_page(__name__, path="/system/accounts", name="账号与权限", title="账号与权限 · 绿容通",
                   category="system", order=10, permission=("system.users", "security.roles"),
                   description="统一用户库：账号、所属区、角色分配（三员分立）")


def layout(**_query) -> html.Div:
    """Links to the account list and an explanation of the separated duties."""
    return html.Div(className="page", children=[
        panel("账号与权限", html.Div(className="portal-links", children=[
            html.A(className="portal-link", href="/admin/system/users", id="system-accounts-users", children=[
                html.Span("账号管理", className="portal-link-name"),
                html.Span("系统管理员：新建、停用、解锁账号，重置密码；安全管理员：分配角色",
                          className="portal-link-desc"),
            ]),
        ])),
        panel("三员分立（等保二级）", html.Ul([
            html.Li("系统管理员：管理账号与系统配置，不能分配角色、不能查看审计日志。"),
            html.Li("安全管理员：分配角色与权限，不能管理账号、不能查看审计日志，不能修改自己的角色。"),
            html.Li("安全审计员：只读审计日志与安全告警，不能修改任何数据。"),
        ])),
    ])
