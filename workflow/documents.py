"""Decision letters, certificates and notices: DOCX from docxtpl templates, PDF through reportlab, both with
the QR code that opens the public verify page; and the unique, sequential certificate numbers.

Each template is declared once in ``TEMPLATES`` (title, labelled fields, an optional body paragraph). The
DOCX files in ``workflow/templates/`` are generated from these declarations by
``tools/make_doc_templates.py`` and committed; the PDF is laid out from the same declarations, so both
formats show the same fields. The PDF uses the built-in CID font STSong-Light: no font files, no network.
"""
from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

import qrcode
from docxtpl import DocxTemplate, InlineImage, Listing
from docx.shared import Mm
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from db.documents import DocumentCounter

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
PDF_FONT = "STSong-Light"
QR_KEY = "qr_url"

__all__ = ["TEMPLATES", "DocTemplate", "certificate_number", "render", "required_keys"]


@dataclass(frozen=True)
class DocTemplate:
    """A document layout: title, (context key, label) rows, an optional body key, defaults for optional keys."""

    title: str
    fields: tuple[tuple[str, str], ...]
    body: str | None = None
    number_label: str = "编号"
    number_key: str = "number"
    footer: tuple[str, ...] = ("issuer", "issued_on_cn")
    defaults: dict[str, str] = field(default_factory=dict)

    def keys(self) -> list[str]:
        """Every context key the layout shows, in order (number, fields, body, footer, QR)."""
        keys = [self.number_key, *(k for k, _ in self.fields)]
        if self.body:
            keys.append(self.body)
        keys.extend(k for k in self.footer if k not in keys)
        return [*dict.fromkeys(keys), QR_KEY]


_QUARANTINE_RESULT = "经检疫未发现检疫性有害生物和其他危险性有害生物，同意调运。"
_DECISION_FOOTER = ("issuer", "decision_date")

TEMPLATES: dict[str, DocTemplate] = {
    "decision_approve": DocTemplate(
        "准予行政许可决定书", (("applicant_name", "申请人"), ("credit_code", "统一社会信用代码/证件号码"),
                               ("item_name", "许可事项"), ("case_no", "办件编号")),
        body="body", number_label="文号", number_key="doc_no", footer=_DECISION_FOOTER),
    "decision_reject": DocTemplate(
        "不予行政许可决定书", (("applicant_name", "申请人"), ("credit_code", "统一社会信用代码/证件号码"),
                               ("item_name", "申请事项"), ("case_no", "办件编号"), ("reason", "不予许可理由")),
        body="body", number_label="文号", number_key="doc_no", footer=_DECISION_FOOTER),
    "certificate_plant_quarantine": DocTemplate(
        "植物检疫证书（省内）", (("consignor", "发货单位（人）"), ("consignee", "收货单位（人）"),
                                 ("origin", "产地"), ("destination", "运往地点"), ("plant_name", "植物名称"),
                                 ("variety", "品种"), ("quantity", "数量"), ("quantity_unit", "单位"),
                                 ("packaging", "包装"), ("transport", "运输工具"),
                                 ("quarantine_result", "检疫结果"), ("issuer", "签发机关"),
                                 ("issued_on_cn", "签发日期"), ("valid_until_cn", "有效期至")),
        footer=(), defaults={"quarantine_result": _QUARANTINE_RESULT, "variety": "—", "quantity_unit": ""}),
    "certificate_ad": DocTemplate(
        "户外广告设置许可证", (("holder", "设置人"), ("holder_credit_code", "统一社会信用代码"),
                               ("site_code", "规划点位编号"), ("site_address", "设置地点"),
                               ("facility_form", "设施形式"), ("face_area", "画面面积（平方米）"),
                               ("content", "广告内容"), ("valid_until_cn", "有效期至")),
        defaults={"facility_form": "—", "face_area": "—"}),
    "certificate_seed_license": DocTemplate(
        "林木草种子生产经营许可证", (("holder", "生产经营者"), ("holder_credit_code", "统一社会信用代码"),
                                     ("legal_representative", "法定代表人"), ("residence", "住所"),
                                     ("business_mode", "生产经营方式"), ("business_scope", "生产经营范围"),
                                     ("species", "生产经营种类"), ("site_address", "生产经营场所"),
                                     ("valid_until_cn", "有效期至"))),
    "fee_notice": DocTemplate(
        "森林植被恢复费缴纳通知书", (("payer", "缴款单位"), ("credit_code", "统一社会信用代码"),
                                     ("case_no", "办件编号"), ("land_type", "占用林地类型"),
                                     ("area_m2", "核定面积（平方米）"), ("amount", "应缴金额（元）")),
        body="payment_note", number_label="通知书编号", number_key="notice_no",
        defaults={"payment_note": "请自收到本通知书之日起十五日内，通过一网通办或税务部门缴纳森林植被恢复费。"}),
    "land_consent": DocTemplate(
        "使用林地审核同意书", (("holder", "用地单位"), ("holder_credit_code", "统一社会信用代码"),
                               ("project_name", "项目名称"), ("site_address", "项目地点"),
                               ("use_type", "使用方式"), ("sub_compartments", "林班、小班及面积"),
                               ("valid_until_cn", "有效期至")),
        defaults={"use_type": "占用"}),
    "composite_license": DocTemplate(
        "行业综合许可证", (("holder", "经营者名称"), ("holder_credit_code", "统一社会信用代码"),
                           ("legal_representative", "法定代表人"), ("station_address", "经营场所"),
                           ("components", "包含许可事项"), ("valid_until_cn", "有效期至")),
        defaults={"station_address": "—"}),
}


def required_keys(template: str) -> list[str]:
    """The context keys ``render(template, …)`` needs (those without a default)."""
    spec = _spec(template)
    return [k for k in spec.keys() if k not in spec.defaults]


def _spec(template: str) -> DocTemplate:
    try:
        return TEMPLATES[template]
    except KeyError:
        raise ValueError(f"未知的文书模板：{template}") from None


def _values(spec: DocTemplate, context: dict) -> dict[str, str]:
    """Every shown key as text; a missing required key raises KeyError naming it."""
    values = {}
    for key in spec.keys():
        if key in context and context[key] is not None:
            values[key] = str(context[key])
        elif key in spec.defaults:
            values[key] = spec.defaults[key]
        else:
            raise KeyError(key)
    return values


def _qr_png(url: str) -> bytes:
    qr = qrcode.QRCode(border=2, box_size=8, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf, format="PNG")
    return buf.getvalue()


def _absolute(url: str) -> str:
    """The verify address as the QR code should carry it: absolute when a request tells us the host."""
    if url.startswith("/"):
        from flask import has_request_context, request

        if has_request_context():
            return request.host_url.rstrip("/") + url
    return url


def render(template: str, context: dict) -> tuple[bytes, bytes]:
    """(DOCX, PDF) of ``template`` filled from ``context`` (flat strings plus ``qr_url``)."""
    spec = _spec(template)
    values = _values(spec, context)
    qr = _qr_png(_absolute(values[QR_KEY]))
    return _render_docx(template, values, qr), _render_pdf(spec, values, qr)


def _render_docx(template: str, values: dict[str, str], qr: bytes) -> bytes:
    tpl = DocxTemplate(TEMPLATE_DIR / f"{template}.docx")
    ctx: dict = {k: Listing(v) for k, v in values.items()}  # Listing escapes XML and keeps line breaks
    ctx["qr"] = InlineImage(tpl, io.BytesIO(qr), width=Mm(28))
    tpl.render(ctx, autoescape=True)
    out = io.BytesIO()
    tpl.save(out)
    return out.getvalue()


def _render_pdf(spec: DocTemplate, values: dict[str, str], qr: bytes) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
    from xml.sax.saxutils import escape

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    text = ParagraphStyle("cn", fontName=PDF_FONT, fontSize=11, leading=17, wordWrap="CJK")
    title = ParagraphStyle("cn-title", parent=text, fontSize=20, leading=28, alignment=1, spaceAfter=4 * mm)
    right = ParagraphStyle("cn-right", parent=text, alignment=2)

    def para(value: str, style: ParagraphStyle = text) -> Paragraph:
        return Paragraph(escape(value).replace("\n", "<br/>"), style)

    story = [para(spec.title, title), para(f"{spec.number_label}：{values[spec.number_key]}", right),
             Spacer(1, 3 * mm)]
    table = Table([[para(label), para(values[key])] for key, label in spec.fields],
                  colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke)]))
    story.append(table)
    if spec.body:
        story += [Spacer(1, 5 * mm), para(values[spec.body])]
    story.append(Spacer(1, 8 * mm))
    story += [para(values[k], right) for k in spec.footer]
    story += [Spacer(1, 4 * mm), Image(io.BytesIO(qr), width=28 * mm, height=28 * mm),
              para("扫码核验真伪", ParagraphStyle("cn-small", parent=text, fontSize=8, leading=10))]
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=A4, title=spec.title, author=values.get("issuer", ""),
                      leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                      bottomMargin=20 * mm).build(story)
    return out.getvalue()


def certificate_number(session: Session, prefix: str, year: int) -> str:
    """The next number of ``prefix`` in ``year``, e.g. 沪林检〔2026〕000123号: unique and gap-free per
    committed transaction, because the counter row stays locked until the caller's transaction ends."""
    prefix = prefix.strip()
    if not prefix or len(prefix) > 32:
        raise ValueError("证书编号前缀不能为空且不超过 32 个字符")
    table = DocumentCounter.__table__
    where = (table.c.prefix == prefix) & (table.c.year == year)
    for _ in range(3):
        # The UPDATE takes the row lock (PostgreSQL) or the write lock (SQLite) first: concurrent
        # issuers of the same prefix queue here instead of reading the same value.
        if session.execute(update(table).where(where).values(value=table.c.value + 1)).rowcount:
            value = session.execute(select(table.c.value).where(where)).scalar_one()
            return f"{prefix}〔{year}〕{value:06d}号"
        try:
            with session.begin_nested():
                session.execute(insert(table).values(prefix=prefix, year=year, value=1))
            return f"{prefix}〔{year}〕{1:06d}号"
        except IntegrityError:
            continue  # another transaction created the row first: take the UPDATE path
    raise RuntimeError("证书编号计数器争用，请重试")
