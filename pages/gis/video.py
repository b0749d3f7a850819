"""视频点位 (module 33): cameras by district, kind and status; click cameras into a 2×2 or 3×3 video wall of
live HLS pictures (hls.js served by the app). The map page shows the same cameras as a layer whose popup
plays the stream."""
from __future__ import annotations

import dash
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components.cards import panel
from components.grid import data_grid
from components.video import video_player
from db.cameras import KINDS, STATUSES
from queries import cameras as q
from queries import reference
from security.context import district_scope

dash.register_page(__name__, path="/gis/video", name="视频点位", order=3, title="视频点位 · 绿容通",
                   category="gis", permission="gis.view",
                   description="摄像头点位筛选，多路视频同屏播放（HLS）")

P = "gis-video-"
DISTRICT, KIND, STATUS, GRID, WALL, COLS, CHOSEN, COUNT = (P + k for k in (
    "district", "kind", "status", "grid", "wall", "cols", "chosen", "count"))
COLUMNS = [{"field": "code", "headerName": "编号", "maxWidth": 110}, {"field": "name", "headerName": "名称"},
           {"field": "kind", "headerName": "类型", "maxWidth": 110}, {"field": "district", "headerName": "区", "maxWidth": 100},
           {"field": "street", "headerName": "街镇", "maxWidth": 130},
           {"field": "status", "headerName": "状态", "maxWidth": 80,
            "cellClassRules": {"overdue-cell": "params.value === '离线'"}}]


def layout(**_query) -> html.Div:
    """Filters and the camera list on the left, the video wall on the right."""
    scope = district_scope()
    districts = reference.districts()
    options = [{"label": r.name, "value": r.code} for r in districts.itertuples() if not scope or r.code == scope]
    return html.Div(className="page gis-page", children=[
        html.Div(className="board-header", children=[
            html.H2("视频点位", className="board-title"),
            html.Span(id=COUNT, className="board-asof"),
            html.Div(className="board-tools", children=[
                dcc.RadioItems(id=COLS, value=2, inline=True, className="radio",
                               options=[{"label": "2×2", "value": 2}, {"label": "3×3", "value": 3}]),
            ]),
        ]),
        html.Div(className="grid-2", children=[
            panel("摄像头（点击加入视频墙）",
                  html.Div(className="filter-bar", children=[
                      dcc.Dropdown(id=DISTRICT, options=options, value=scope, placeholder="全部区", clearable=not scope,
                                   style={"width": "140px"}),
                      dcc.Dropdown(id=KIND, options=[{"label": k, "value": k} for k in KINDS], multi=True,
                                   placeholder="全部类型", style={"minWidth": "200px"}),
                      dcc.RadioItems(id=STATUS, value="", inline=True, className="radio",
                                     options=[{"label": "全部", "value": ""}] + [{"label": s, "value": s} for s in STATUSES]),
                  ]),
                  data_grid(GRID, COLUMNS, height=520, row_id="code", file_name="摄像头.csv")),
            panel("视频墙", html.Div(id=WALL, className="video-wall cols-2",
                                   children=html.Div("从左侧列表点击摄像头，最多同时播放 9 路", className="caption"))),
        ]),
        dcc.Store(id=CHOSEN, data=[]),
    ])


@callback(Output(GRID, "rowData"), Output(COUNT, "children"),
          Input(DISTRICT, "value"), Input(KIND, "value"), Input(STATUS, "value"))
def list_cameras(district, kinds, status):
    """Cameras matching the filters (a district user always gets their district's)."""
    df = q.cameras(district, kinds, status, scope=district_scope())
    online = int((df["status"] == "在线").sum())
    return (df[[c["field"] for c in COLUMNS]].to_dict("records"),
            f"共 {len(df):,} 个摄像头，在线 {online:,}，离线 {len(df) - online:,}")


@callback(Output(CHOSEN, "data"), Input(GRID, "cellClicked"), Input(COLS, "value"), State(CHOSEN, "data"),
          prevent_initial_call=True)
def choose(cell, cols, chosen):
    """Add the clicked camera to the wall (the oldest leaves when the wall is full)."""
    capacity = (cols or 2) ** 2
    chosen = list(chosen or [])
    if ctx.triggered_id == GRID:
        code = (cell or {}).get("rowId")
        if not code:
            return no_update
        chosen = [c for c in chosen if c != code] + [code]
    return chosen[-capacity:]


@callback(Output(WALL, "children"), Output(WALL, "className"), Input(CHOSEN, "data"), State(COLS, "value"))
def wall(chosen, cols):
    """One player per chosen camera (checked against the user's district again)."""
    tiles = []
    for code in chosen or []:
        cam = q.camera(code, scope=district_scope())
        if cam:
            tiles.append(video_player(cam["code"], cam["name"], cam["stream_url"], online=cam["status"] == "在线",
                                      subtitle=f"{cam['district']} · {cam['kind']}"))
    if not tiles:
        tiles = [html.Div("从左侧列表点击摄像头，最多同时播放 9 路", className="caption")]
    return tiles, f"video-wall cols-{cols or 2}"
