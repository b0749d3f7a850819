"""Rendered decision letters, certificates and notices carry the context values and the QR code, in DOCX
and PDF; certificate numbers are unique and sequential across concurrent sessions."""
from __future__ import annotations

import base64
import io
import re
import secrets
import threading
import zlib

import docx
import pytest
from docxtpl import DocxTemplate

from db import db
from workflow import documents
from workflow.documents import TEMPLATES, certificate_number, render, required_keys

QR = "/verify/approvals.certificate/沪林检〔2026〕000123号"
PLANT = {"number": "沪林检〔2026〕000123号", "consignor": "上海申绿苗木有限公司", "consignee": "苏州园艺场",
         "origin": "上海市浦东新区川沙新镇", "destination": "江苏省苏州市吴中区", "plant_name": "香樟",
         "variety": "本樟", "quantity": "120", "quantity_unit": "株", "packaging": "土球草绳",
         "transport": "汽车 沪A·12345", "issuer": "上海市绿化和市容管理局", "issued_on_cn": "2026年3月9日",
         "valid_until_cn": "2026年3月18日", "qr_url": QR}


# ---------------------------------------------------------------- reading the outputs back
def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a DOCX, one per line."""
    doc = docx.Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f", b"(": b"(", b")": b")", b"\\": b"\\"}


def _literal(raw: bytes) -> bytes:
    """Undo PDF literal-string escapes (octal and single characters)."""
    out, i = bytearray(), 0
    while i < len(raw):
        ch = raw[i:i + 1]
        if ch != b"\\":
            out += ch
            i += 1
            continue
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1:i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(raw[i + 1:i + 2], b"")
            i += 2
    return bytes(out)


def pdf_text(data: bytes) -> str:
    """The text drawn in the CID font (UTF-16BE strings); streams decoded (ASCII85, Flate) as their filters say."""
    streams = []
    for obj in data.split(b"endobj"):
        m = re.search(rb"^(.*?)stream\r?\n(.*?)endstream", obj, re.S)
        if m is None or b"/Subtype /Image" in m.group(1):
            continue
        header, body = m.group(1), m.group(2).strip()
        if b"/ASCII85Decode" in header:
            body = base64.a85decode(body.removeprefix(b"<~").removesuffix(b"~>"))
        if b"/FlateDecode" in header:
            body = zlib.decompress(body)
        streams.append(body)
    parts = []
    for s in streams:
        for m in re.finditer(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", s, re.S):
            parts.append(_literal(m.group(1)).decode("utf-16-be", errors="replace"))
    return "".join(parts)


def pdf_has_image(data: bytes) -> bool:
    """True when the PDF holds an image XObject (the QR code)."""
    return b"/Subtype /Image" in data


# ---------------------------------------------------------------- rendering
@pytest.mark.module(59)
def test_plant_quarantine_certificate_has_the_national_layout_fields():
    docx_bytes, pdf_bytes = render("certificate_plant_quarantine", PLANT)
    assert docx_bytes[:2] == b"PK" and pdf_bytes[:5] == b"%PDF-"
    text, ptext = docx_text(docx_bytes), pdf_text(pdf_bytes)
    for label in ("植物检疫证书（省内）", "编号", "产地", "运往地点", "植物名称", "品种", "数量", "包装", "运输工具",
                  "检疫结果", "签发机关", "签发日期", "有效期至"):
        assert label in text and label in ptext, label
    for key, value in PLANT.items():
        if key != "qr_url":
            assert value in text, key
            assert value in ptext, key
    assert documents.TEMPLATES["certificate_plant_quarantine"].defaults["quarantine_result"] in ptext


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_its_values_and_the_qr_code(template):
    context = {k: f"{k}·值＆<{i}>" for i, k in enumerate(required_keys(template))}
    context["qr_url"] = QR
    docx_bytes, pdf_bytes = render(template, context)
    text, ptext = docx_text(docx_bytes), pdf_text(pdf_bytes)
    assert TEMPLATES[template].title in text and TEMPLATES[template].title in ptext
    for key, value in context.items():
        if key != "qr_url":
            assert value in text and value in ptext, key
    assert len(docx.Document(io.BytesIO(docx_bytes)).inline_shapes) == 1  # the QR code
    assert pdf_has_image(pdf_bytes)


@pytest.mark.module(71)
def test_decision_body_keeps_its_line_breaks():
    context = {"doc_no": "SH2026-0001", "applicant_name": "上海动物园", "credit_code": "12310000425018488X",
               "item_name": "引进野生动物物种审批", "case_no": "SH2026-0001", "issuer": "上海市绿化和市容管理局",
               "decision_date": "2026年3月9日", "qr_url": QR,
               "body": "上海动物园：\n    经审查，决定准予行政许可。"}
    docx_bytes, pdf_bytes = render("decision_approve", context)
    doc = docx.Document(io.BytesIO(docx_bytes))
    body = next(p for p in doc.paragraphs if "上海动物园：" in p.text)
    assert "经审查，决定准予行政许可。" in body.text and "\n" in body.text
    assert "经审查，决定准予行政许可。" in pdf_text(pdf_bytes)


def test_missing_key_raises_keyerror_naming_it():
    context = dict(PLANT)
    del context["destination"]
    with pytest.raises(KeyError, match="destination"):
        render("certificate_plant_quarantine", context)
    with pytest.raises(KeyError, match="qr_url"):
        render("certificate_plant_quarantine", {k: v for k, v in PLANT.items() if k != "qr_url"})
    with pytest.raises(ValueError, match="未知的文书模板"):
        render("no_such_template", PLANT)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_committed_templates_match_their_declarations(template):
    """The .docx files are generated by tools/make_doc_templates.py: their placeholders are the declared keys."""
    tpl = DocxTemplate(documents.TEMPLATE_DIR / f"{template}.docx")
    declared = set(TEMPLATES[template].keys()) - {"qr_url"} | {"qr"}
    assert tpl.get_undeclared_template_variables() == declared


# ---------------------------------------------------------------- numbering
@pytest.mark.module(59)
def test_certificate_numbers_are_sequential_per_prefix_and_year(app):
    prefix = f"测{secrets.token_hex(3)}"
    with db.session() as s:
        first = certificate_number(s, prefix, 2026)
        second = certificate_number(s, prefix, 2026)
        other_year = certificate_number(s, prefix, 2027)
    assert (first, second, other_year) == (f"{prefix}〔2026〕000001号", f"{prefix}〔2026〕000002号",
                                           f"{prefix}〔2027〕000001号")
    with pytest.raises(ValueError):
        with db.session() as s:
            certificate_number(s, "  ", 2026)


def test_a_rolled_back_number_is_issued_again(app):
    prefix = f"滚{secrets.token_hex(3)}"
    with pytest.raises(RuntimeError):
        with db.session() as s:
            certificate_number(s, prefix, 2026)
            raise RuntimeError("business failure after numbering")
    with db.session() as s:
        assert certificate_number(s, prefix, 2026) == f"{prefix}〔2026〕000001号"


def test_certificate_numbers_unique_under_concurrent_sessions(app):
    prefix = f"并{secrets.token_hex(3)}"
    issued: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def issue(count: int) -> None:
        try:
            for _ in range(count):
                with db.session() as s:
                    number = certificate_number(s, prefix, 2026)
                with lock:
                    issued.append(number)
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(issued) == [f"{prefix}〔2026〕{n:06d}号" for n in range(1, 41)]


def test_second_session_waits_for_the_first(app):
    """Two open transactions: the second gets the next number only after the first commits."""
    prefix = f"等{secrets.token_hex(3)}"
    first_has_number = threading.Event()
    results: dict[str, str] = {}

    def second() -> None:
        first_has_number.wait()
        with db.session() as s:
            results["second"] = certificate_number(s, prefix, 2026)

    worker = threading.Thread(target=second)
    worker.start()
    with db.session() as s:
        results["first"] = certificate_number(s, prefix, 2026)
        first_has_number.set()
        worker.join(timeout=0.5)  # it is blocked on the counter until this transaction ends
        assert "second" not in results
    worker.join()
    assert results == {"first": f"{prefix}〔2026〕000001号", "second": f"{prefix}〔2026〕000002号"}
