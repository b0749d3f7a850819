"""The page shown for any unknown address."""
from __future__ import annotations

import dash
from dash import dcc, html

dash.register_page(__name__, path="/404", name="页面不存在", title="页面不存在 · 绿容通", permission=None)


def layout(**_query) -> html.Div:
    """A Chinese not-found message with a way back."""
    return html.Div(className="not-found", children=[
        html.H1("404"),
        html.P("您访问的页面不存在或已被移除。"),
        dcc.Link("返回首页", href="/", className="tool-link"),
    ])
