"""装修垃圾运输过程违规分析 (module 241): transport violations (route deviation, unregistered vehicle,
overweight, banned-hour transport) by kind, month, district, company and vehicle."""
from __future__ import annotations

import dash
from dash import Input, Output, callback, html

from components import figures
from components.board import board_header, kpi_row, ranked_list
from components.cards import chart_card, kpi_card, panel
from components.export import export_menu
from components.grid import data_grid
from components.renovation_board import district_filter_bar, register_export, scope_caption
from db.renovation_waste import VIOLATION_KINDS
from queries import renovation_waste as q
from queries.memo import memo_callback
from security.context import district_scope

dash.register_page(__name__, path="/cockpit/renovation/violations", name="装修垃圾运输违规", order=55,
                   title="装修垃圾运输过程违规分析 · 绿容通", category="cockpit", permission="cockpit.view",
                   description="偏离路线、未备案车辆、超载、违规时段运输：按区、企业、车辆分析")

P = "rw-vio-"
PERIOD, DISTRICT, CRUMB, ASOF, REFRESH = (P + k for k in ("period", "district", "crumb", "asof", "refresh"))
MONTHLY, BY_DISTRICT, COMPANIES, VEHICLES = (P + k for k in ("monthly", "by-district", "companies", "vehicles"))
K_TOTAL = P + "k-total"
KIND_IDS = {k: f"{P}k-kind-{i}" for i, k in enumerate(VIOLATION_KINDS)}
EXPORTS = {"district": "分区违规", "company": "企业违规", "vehicle": "车辆违规"}
FILTERS = [Input(PERIOD, "value"), Input(DISTRICT, "value"), Input(REFRESH, "n_intervals")]
VEHICLE_HEADERS = {"vehicle_plate": "车牌", "total": "违规次数", "main_kind": "主要违规", "registered_text": "备案",
                   "company": "所属企业"}
VEHICLE_COLUMNS = [{"field": k, "headerName": v} for k, v in VEHICLE_HEADERS.items()]


def layout(**_query) -> html.Div:
    """Header, filters, KPIs per kind, the monthly trend, districts, the company ranking and the vehicles."""
    return html.Div(className="page board", children=[
        board_header("装修垃圾运输过程违规分析", P, export=export_menu(P, EXPORTS)),
        district_filter_bar(P, periods=q.PERIODS, default_period="12m", districts=q.district_names(),
                            scope=district_scope()),
        kpi_row([kpi_card("违规总数", K_TOTAL, unit="起"), *[kpi_card(k, i, unit="起") for k, i in KIND_IDS.items()]]),
        html.Div(className="grid-2-even", children=[
            chart_card("月度违规趋势", MONTHLY, height=380),
            chart_card("各区违规（按类型）", BY_DISTRICT, height=380),
        ]),
        html.Div(className="grid-2-even", children=[
            panel("违规最多的清运企业 TOP15", html.Div(id=COMPANIES)),
            panel("违规车辆 TOP20", data_grid(VEHICLES, VEHICLE_COLUMNS, height=420, file_name="违规车辆.csv")),
        ]),
    ])


@callback(Output(K_TOTAL, "children"), *[Output(i, "children") for i in KIND_IDS.values()],
          Output(CRUMB, "children"), Output(ASOF, "children"), Output(MONTHLY, "figure"), Output(BY_DISTRICT, "figure"),
          *FILTERS)
@memo_callback(q.DATASET, "reference")
def overview(period, district, _tick):
    """Counts per kind, the monthly trend and the districts."""
    first, last = q.period_days(period)
    scope = district_scope()
    s = q.violation_summary(first, last, district, scope=scope)
    crumb, asof = scope_caption(scope or district, q.district_names(), first, last)
    m = q.violations_monthly(first, last, district, scope=scope)
    trend = figures.stacked_bars([f"{x:%Y-%m}" for x in m.index], {k: m[k].tolist() for k in VIOLATION_KINDS},
                                 unit=" 起")
    by = q.violations_by_district(first, last, scope=scope)
    districts = figures.stacked_bars(by.name, {k: by[k].tolist() for k in VIOLATION_KINDS}, unit=" 起")
    return (f"{int(s.violations.sum()):,}", *[f"{int(v):,}" for v in s.violations], crumb, asof, trend, districts)


@callback(Output(COMPANIES, "children"), Output(VEHICLES, "rowData"), *FILTERS)
@memo_callback(q.DATASET, "reference")
def rankings(period, district, _tick):
    """Companies and vehicles with the most violations."""
    first, last = q.period_days(period)
    scope = district_scope()
    companies = q.violations_by_company(first, last, district, scope=scope)
    ranking = ranked_list([(r.company, r.total, f"{int(r.total)} 起") for r in companies.itertuples()],
                          list_id=P + "companies-list")
    return ranking, _vehicle_frame(first, last, district).to_dict("records")


def _vehicle_frame(first, last, district):
    df = q.violations_by_vehicle(first, last, district, scope=district_scope())
    return df.assign(registered_text=df.registered.map({True: "已备案", False: "未备案"}))[list(VEHICLE_HEADERS)]


def export_frame(target: str, period, district):
    """The table of one export target, with Chinese headers."""
    first, last = q.period_days(period)
    scope = district_scope()
    if target == "district":
        df = q.violations_by_district(first, last, scope=scope)
        cols = {"name": "区", **{k: k for k in VIOLATION_KINDS}, "total": "合计"}
    elif target == "company":
        df = q.violations_by_company(first, last, district, scope=scope, n=1000)
        cols = {"company": "企业", **{k: k for k in VIOLATION_KINDS}, "total": "合计"}
    else:
        return _vehicle_frame(first, last, district).rename(columns=VEHICLE_HEADERS)
    return df[list(cols)].rename(columns=cols)


register_export(P, EXPORTS, export_frame, [(PERIOD, "value"), (DISTRICT, "value")])
