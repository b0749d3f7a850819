"""Labelled selectors for boards whose filters are not the period/business-line bar (e.g. year, site, taxon)."""
from __future__ import annotations

from dash import dcc, html


def selector(label: str, select_id: str, options: list, value=None, *, width: str = "180px",
             clearable: bool = False, placeholder: str = "") -> list:
    """A label and a dropdown; ``options`` are values or ``{"label", "value"}`` dicts."""
    opts = [o if isinstance(o, dict) else {"label": str(o), "value": o} for o in options]
    return [html.Label(label, className="filter-label"),
            dcc.Dropdown(id=select_id, options=opts, value=value, clearable=clearable, placeholder=placeholder,
                         className="filter-dd", style={"minWidth": width})]


def choice(label: str, choice_id: str, options: dict, value) -> list:
    """A label and inline radio buttons from ``{value: label}``."""
    return [html.Label(label, className="filter-label"),
            dcc.RadioItems(id=choice_id, options=[{"label": v, "value": k} for k, v in options.items()],
                           value=value, inline=True, className="filter-radio")]


def selector_bar(*groups: list) -> html.Div:
    """The filter bar of a board, from ``selector``/``choice`` groups."""
    return html.Div(className="filter-bar", children=[c for g in groups for c in g])
