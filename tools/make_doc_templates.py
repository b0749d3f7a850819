"""Build the DOCX templates in ``workflow/templates/`` from the declarations in ``workflow.documents``.

``python -m tools.make_doc_templates`` rewrites every template; the results are committed as source, so
an office clerk may restyle them in Word as long as the ``{{ … }}`` placeholders stay.
"""
from __future__ import annotations

import sys
from datetime import datetime

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from workflow.documents import TEMPLATE_DIR, TEMPLATES, DocTemplate

FONT = "宋体"


def _font(run_or_style, size: float) -> None:
    """Song typeface for Latin and East Asian text alike."""
    run_or_style.font.name = FONT
    run_or_style.font.size = Pt(size)
    rpr = run_or_style.element.get_or_add_rPr()
    rpr.get_or_add_rFonts().set(qn("w:eastAsia"), FONT)


def _paragraph(doc, text: str, *, align=WD_ALIGN_PARAGRAPH.LEFT, size: float = 12, bold: bool = False):
    p = doc.add_paragraph()
    p.alignment = align
    run = p.add_run(text)
    run.bold = bold
    _font(run, size)
    return p


def build(spec: DocTemplate):
    """One template document: title, number, the field table, body, issuer and date, QR code."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Mm(20)
    _font(doc.styles["Normal"], 12)
    _paragraph(doc, spec.title, align=WD_ALIGN_PARAGRAPH.CENTER, size=20, bold=True)
    _paragraph(doc, f"{spec.number_label}：{{{{ {spec.number_key} }}}}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for key, label in spec.fields:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Mm(45), Mm(125)
        for cell, text in ((cells[0], label), (cells[1], f"{{{{ {key} }}}}")):
            run = cell.paragraphs[0].add_run(text)
            _font(run, 12)
    if spec.body:
        _paragraph(doc, "")
        _paragraph(doc, f"{{{{ {spec.body} }}}}")
    _paragraph(doc, "")
    for key in spec.footer:
        _paragraph(doc, f"{{{{ {key} }}}}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    _paragraph(doc, "{{ qr }}")
    _paragraph(doc, "扫码核验真伪", size=8)
    # Fixed core properties keep the committed files stable from one build to the next.
    props = doc.core_properties
    props.author, props.title, props.revision = "绿容通", spec.title, 1
    props.created = props.modified = datetime(2026, 1, 1)
    props.last_modified_by = "绿容通"
    return doc


def main() -> int:
    """Write every template; print what was written."""
    TEMPLATE_DIR.mkdir(parents=True, exist_ok=True)
    for name, spec in TEMPLATES.items():
        path = TEMPLATE_DIR / f"{name}.docx"
        build(spec).save(path)
        print(f"{path.relative_to(TEMPLATE_DIR.parents[1])}: {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
