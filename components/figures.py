"""Plotly figures built plainly with graph_objects (about 1 ms each) on the project's templates."""
from __future__ import annotations

from typing import Sequence

import plotly.graph_objects as go

PALETTE = ["#2f9e6e", "#3b82c4", "#f0a030", "#d9534f", "#8a6fd1", "#20a4b8", "#9bb83a", "#e27bb1",
           "#6c757d", "#c48a3b"]
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", sans-serif'


def _layout(dark: bool) -> go.Layout:
    fg = "#dbe7f3" if dark else "#24313d"
    grid = "rgba(120,160,200,0.18)" if dark else "#e8edf2"
    return go.Layout(
        font={"family": FONT, "color": fg, "size": 13},
        paper_bgcolor="rgba(0,0,0,0)", plot_bgcolor="rgba(0,0,0,0)",
        colorway=PALETTE, margin={"l": 48, "r": 16, "t": 16, "b": 40},
        xaxis={"gridcolor": grid, "zeroline": False, "automargin": True},
        yaxis={"gridcolor": grid, "zeroline": False, "automargin": True},
        legend={"orientation": "h", "y": -0.18}, hoverlabel={"font": {"family": FONT}},
    )


LIGHT = go.layout.Template(layout=_layout(False))
DARK = go.layout.Template(layout=_layout(True))


def bar(categories: Sequence, values: Sequence, *, name: str = "", horizontal: bool = False,
        dark: bool = False, unit: str = "") -> go.Figure:
    """A single-series bar chart."""
    trace = (go.Bar(y=list(categories), x=list(values), orientation="h", name=name,
                    hovertemplate=f"%{{y}}：%{{x:,}}{unit}<extra></extra>")
             if horizontal else
             go.Bar(x=list(categories), y=list(values), name=name,
                    hovertemplate=f"%{{x}}：%{{y:,}}{unit}<extra></extra>"))
    fig = go.Figure(trace, layout={"template": DARK if dark else LIGHT})
    if horizontal:
        fig.update_yaxes(autorange="reversed")
    return fig


def empty(message: str = "暂无数据", *, dark: bool = False) -> go.Figure:
    """A figure that says there is nothing to show, rather than drawing empty axes."""
    fig = go.Figure(layout={"template": DARK if dark else LIGHT})
    fig.update_layout(xaxis={"visible": False}, yaxis={"visible": False},
                      annotations=[{"text": message, "showarrow": False, "font": {"size": 16}}])
    return fig


def lines(x: Sequence, series: dict[str, Sequence], *, percent: bool = False, dark: bool = False) -> go.Figure:
    """One line per series over ``x`` (rates as percentages when ``percent``)."""
    fmt = ".1%" if percent else ",.0f"
    fig = go.Figure(layout={"template": DARK if dark else LIGHT})
    for name, values in series.items():
        fig.add_trace(go.Scatter(x=list(x), y=list(values), name=name, mode="lines+markers",
                                 hovertemplate=f"%{{x}} {name}：%{{y:{fmt}}}<extra></extra>"))
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig


def stacked_bars(x: Sequence, series: dict[str, Sequence], *, dark: bool = False, unit: str = "") -> go.Figure:
    """Bars stacked by series over ``x``."""
    fig = go.Figure(layout={"template": DARK if dark else LIGHT, "barmode": "stack"})
    for name, values in series.items():
        fig.add_trace(go.Bar(x=list(x), y=list(values), name=name,
                             hovertemplate=f"%{{x}} {name}：%{{y:,}}{unit}<extra></extra>"))
    return fig


def grouped_bars(categories: Sequence, series: dict[str, Sequence], *, percent: bool = False,
                 dark: bool = False) -> go.Figure:
    """Bars side by side per category, one colour per series."""
    fmt = ".1%" if percent else ",.0f"
    fig = go.Figure(layout={"template": DARK if dark else LIGHT, "barmode": "group"})
    for name, values in series.items():
        fig.add_trace(go.Bar(x=list(categories), y=list(values), name=name,
                             hovertemplate=f"%{{x}} {name}：%{{y:{fmt}}}<extra></extra>"))
    if percent:
        fig.update_yaxes(tickformat=".0%")
    return fig
