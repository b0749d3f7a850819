"""The shape every cockpit board shares: header with scope and refresh, filter bar, KPI row, panels."""
from __future__ import annotations

from dash import dcc, html

REFRESH_MS = 5 * 60 * 1000  # wall displays refresh every five minutes


def period_options(periods: dict[str, tuple[str, int]]) -> list[dict]:
    """Dropdown options from ``{key: (label, months)}``."""
    return [{"label": label, "value": key} for key, (label, _m) in periods.items()]


def board_header(title: str, prefix: str, *, export=None) -> html.Div:
    """Title, the data's "as of" time and scope, a refresh tick, and the export menu."""
    return html.Div(className="board-header", children=[
        html.H2(title, className="board-title"),
        html.Span(id=f"{prefix}asof", className="board-asof"),
        html.Div(className="board-tools", children=[export]),
        dcc.Interval(id=f"{prefix}refresh", interval=REFRESH_MS, n_intervals=0),
    ])


def filter_bar(prefix: str, *, periods: dict, default_period: str, lines: list[str], back: bool = True) -> html.Div:
    """Period and business-line filters, the drill-down breadcrumb and its back button."""
    return html.Div(className="filter-bar", children=[
        html.Label("时间", className="filter-label"),
        dcc.Dropdown(id=f"{prefix}period", options=period_options(periods), value=default_period,
                     clearable=False, className="filter-dd", style={"width": "140px"}),
        html.Label("业务条线", className="filter-label"),
        dcc.Dropdown(id=f"{prefix}lines", options=[{"label": x, "value": x} for x in lines], value=[],
                     multi=True, placeholder="全部条线", className="filter-dd", style={"minWidth": "260px"}),
        html.Span(id=f"{prefix}crumb", className="crumb"),
        html.Button("返回全市", id=f"{prefix}back", n_clicks=0, className="tool-button") if back else None,
    ])


def kpi_row(cards: list) -> html.Div:
    """The row of KPI cards."""
    return html.Div(cards, className="kpi-row")


def ranked_list(items: list[tuple[str, float, str]], *, list_id: str | None = None, empty: str = "暂无数据") -> html.Ol:
    """A ranked list: (name, value for the bar, text shown); bars scale to the largest value."""
    if not items:
        return html.Ol(html.Li(empty, className="rank-empty"), className="ranked-list", id=list_id or "")
    top = max((v for _n, v, _t in items if v == v), default=0) or 1
    return html.Ol(className="ranked-list", id=list_id or "", children=[
        html.Li(className="rank-item", children=[
            html.Span(str(i), className=f"rank-no rank-{i}" if i <= 3 else "rank-no"),
            html.Span(name, className="rank-name", title=name),
            html.Span(className="rank-bar", children=html.Span(style={"width": f"{max(2, 100 * v / top):.0f}%"})),
            html.Span(text, className="rank-value"),
        ])
        for i, (name, v, text) in enumerate(items, start=1)
    ])


def pct(value: float | None, digits: int = 1) -> str:
    """A rate as a Chinese-style percentage, "—" when unknown."""
    return "—" if value is None or value != value else f"{value * 100:.{digits}f}%"
