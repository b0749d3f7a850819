"""数据导入: analysts upload a dataset file (CSV or XLSX); the import runs as a background job with a
progress bar, then shows the counts, the quarantined rows (downloadable as XLSX) and the collection log."""
from __future__ import annotations

import base64

import dash
from dash import Input, Output, State, callback, dcc, html, no_update

from components.cards import kpi_card, panel
from components.export import to_download
from components.grid import data_grid
from security.context import job_ticket

dash.register_page(__name__, path="/platform/imports", name="数据导入", order=50,
                   title="数据导入 · 绿容通", category="platform", permission="platform.import",
                   description="上传 CSV/XLSX，校验、隔离问题行、幂等入库，查看采集日志")

P = "platform-imports-"
DATASET, UPLOAD, TICKET, BATCH, STATUS, PROGRESS, QGRID, QDOWNLOAD, QBUTTON, LOG = (P + k for k in (
    "dataset", "upload", "ticket", "batch", "status", "progress", "quarantine", "q-download", "q-button", "log"))
K_TOTAL, K_INSERTED, K_UPDATED, K_UNCHANGED, K_QUARANTINED = (P + k for k in
                                                             ("k-total", "k-ins", "k-upd", "k-same", "k-q"))
MAX_MB = 50
Q_COLUMNS = [{"field": "row_number", "headerName": "行号", "maxWidth": 90},
             {"field": "reason", "headerName": "原因", "minWidth": 300},
             {"field": "raw", "headerName": "原始数据", "minWidth": 300}]
LOG_COLUMNS = [{"field": "id", "headerName": "批次", "maxWidth": 80}, {"field": "dataset", "headerName": "数据集"},
               {"field": "file_name", "headerName": "文件"}, {"field": "username", "headerName": "操作人"},
               {"field": "started", "headerName": "开始时间"}, {"field": "status_zh", "headerName": "状态", "maxWidth": 90},
               {"field": "total_rows", "headerName": "总行数"}, {"field": "accepted", "headerName": "入库"},
               {"field": "quarantined", "headerName": "隔离"}, {"field": "duration_ms", "headerName": "耗时(ms)"},
               {"field": "file_sm3", "headerName": "文件 SM3", "minWidth": 200}]


def layout(**_query) -> html.Div:
    """Dataset choice, the upload area, progress, result, quarantine and the collection log."""
    from ingest import registry

    return html.Div(className="page", children=[
        dcc.Store(id=TICKET, data=job_ticket()), dcc.Store(id=BATCH),
        panel("上传数据文件", html.Div(className="toolbar", children=[
            html.Label("数据集", className="filter-label"),
            dcc.Dropdown(id=DATASET, options=[{"label": t, "value": k} for k, t in registry.titles().items()],
                         value=next(iter(registry.titles()), None), clearable=False, style={"width": "260px"}),
        ]), dcc.Upload(id=UPLOAD, className="upload-box", max_size=MAX_MB * 1024 * 1024, accept=".csv,.xlsx",
                       children=html.Div(["将 CSV 或 XLSX 文件拖到此处，或", html.A("点击选择文件"),
                                          html.Div(f"支持 UTF-8、GBK/GB18030 编码的 CSV，单个文件不超过 {MAX_MB} MB",
                                                   className="caption")])),
              html.Progress(id=PROGRESS, value="0", max="100", className="import-progress"),
              html.Div(id=STATUS, className="caption")),
        html.Div(className="kpi-row", children=[
            kpi_card("总行数", K_TOTAL, unit="行"), kpi_card("新增", K_INSERTED, unit="行"),
            kpi_card("更新", K_UPDATED, unit="行"), kpi_card("未变化", K_UNCHANGED, unit="行"),
            kpi_card("隔离", K_QUARANTINED, unit="行", hint="校验未通过，未入库"),
        ]),
        panel("隔离行", html.Div(className="toolbar", children=[
            html.Button("下载隔离行（Excel）", id=QBUTTON, className="tool-button", n_clicks=0, disabled=True),
            dcc.Download(id=QDOWNLOAD)]), data_grid(QGRID, Q_COLUMNS, height=300)),
        panel("采集日志", data_grid(LOG, LOG_COLUMNS, height=320, file_name="采集日志.csv")),
    ])


@callback(Output(STATUS, "children"), Output(BATCH, "data"), Output(K_TOTAL, "children"),
          Output(K_INSERTED, "children"), Output(K_UPDATED, "children"), Output(K_UNCHANGED, "children"),
          Output(K_QUARANTINED, "children"), Output(QGRID, "rowData"), Output(QBUTTON, "disabled"),
          Input(UPLOAD, "contents"), State(UPLOAD, "filename"), State(DATASET, "value"), State(TICKET, "data"),
          background=True, progress=[Output(PROGRESS, "value"), Output(PROGRESS, "max")],
          running=[(Output(UPLOAD, "disabled"), True, False)], prevent_initial_call=True)
def run_upload(set_progress, contents, filename, dataset, ticket):
    """Check the file, import it batch by batch (progress bar), report counts and quarantined rows."""
    from ingest.jobs import upload_job

    data = base64.b64decode(contents.split(",", 1)[1]) if contents else b""
    result = upload_job(dataset, filename or "", data, ticket,
                        progress=lambda done, total: set_progress((str(done), str(max(total, 1)))))
    if not result["ok"]:
        return (result["message"], None, *(["—"] * 5), [], True)
    c = result["counts"]
    return (result["message"], result["batch_id"], f"{c['total']:,}", f"{c['inserted']:,}", f"{c['updated']:,}",
            f"{c['unchanged']:,}", f"{c['quarantined']:,}", result["quarantine"], not c["quarantined"])


@callback(Output(LOG, "rowData"), Input(BATCH, "data"), Input(DATASET, "value"))
def show_log(_batch, dataset):
    """The collection log (采集日志) of the chosen dataset, newest first."""
    from ingest.jobs import collection_log

    return collection_log(dataset)


@callback(Output(QDOWNLOAD, "data"), Input(QBUTTON, "n_clicks"), State(BATCH, "data"), prevent_initial_call=True)
def download_quarantine(n, batch_id):
    """The quarantined rows of the last import as XLSX."""
    from ingest.jobs import quarantine_download

    if not n or not batch_id:
        return no_update
    return quarantine_download(batch_id)
