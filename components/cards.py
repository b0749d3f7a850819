"""Cards: KPI figures and chart frames shared by every board."""
from __future__ import annotations

from dash import dcc, html

GRAPH_CONFIG = {"displaylogo": False, "responsive": True,
                "toImageButtonOptions": {"format": "png", "scale": 2},
                "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def kpi_card(label: str, value_id: str | dict, *, unit: str = "", hint: str = "") -> html.Div:
    """A KPI tile whose value is filled by a callback writing ``value_id``'s children."""
    return html.Div(className="kpi-card", children=[
        html.Div(label, className="kpi-label"),
        html.Div(className="kpi-value-row", children=[
            html.Span("—", id=value_id, className="kpi-value"),
            html.Span(unit, className="kpi-unit"),
        ]),
        html.Div(hint, className="kpi-hint") if hint else None,
    ])


def chart_card(title: str, graph_id: str | dict, *, height: int = 320, extra=None) -> html.Div:
    """A titled frame around one ``dcc.Graph`` (PNG export from its mode bar, no Plotly logo)."""
    return html.Div(className="chart-card", children=[
        html.Div(className="card-head", children=[html.H3(title, className="card-title"), extra]),
        dcc.Loading(dcc.Graph(id=graph_id, config=GRAPH_CONFIG, style={"height": f"{height}px"}),
                    type="dot", color="#2f9e6e"),
    ])


def panel(title: str, *children, class_name: str = "") -> html.Div:
    """A titled frame for anything that is not a single chart (maps, grids, lists)."""
    return html.Div(className=f"chart-card {class_name}".strip(), children=[
        html.Div(className="card-head", children=[html.H3(title, className="card-title")]),
        *children,
    ])
