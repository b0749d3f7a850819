"""Export of what a board shows: CSV (UTF-8 with BOM, opens in Excel) and XLSX; PNG comes from each chart."""
from __future__ import annotations

import io

import pandas as pd
from dash import dcc, html

FORMATS = {"csv": "CSV", "xlsx": "Excel"}


def export_menu(page: str, targets: dict[str, str]) -> html.Div:
    """Buttons ``导出<label>（CSV/Excel）`` for each target, and the page's download sink."""
    buttons = [
        html.Button(f"{label} · {FORMATS[fmt]}", className="tool-button export-button", n_clicks=0,
                    id={"type": "export", "page": page, "target": key, "fmt": fmt})
        for key, label in targets.items() for fmt in FORMATS
    ]
    return html.Details(className="export-menu", children=[
        html.Summary("导出", className="tool-button"), html.Div(buttons, className="export-buttons"),
        dcc.Download(id={"type": "export-download", "page": page}),
    ])


def to_download(frame: pd.DataFrame, filename: str, fmt: str, *, sheet: str = "数据") -> dict:
    """A ``dcc.Download`` payload of ``frame`` as CSV or XLSX (Chinese headers as given)."""
    if fmt == "xlsx":
        buf = io.BytesIO()
        with pd.ExcelWriter(buf, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=sheet[:31])
        return dcc.send_bytes(buf.getvalue(), f"{filename}.xlsx")
    data = frame.to_csv(index=False).encode("utf-8-sig")
    return dcc.send_bytes(data, f"{filename}.csv")
