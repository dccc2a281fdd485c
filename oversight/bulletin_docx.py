"""A bulletin (工作简报) as a Word document in the style the offices print: the red masthead, 第 N 期, the issuing
office and the date over a red rule, each report under its title with the unit that filed it, and the 发：/抄送：
lines between rules at the foot. A4 portrait with the margins of GB/T 9704 (official documents)."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

from .models import Bulletin

RED = RGBColor(0xC0, 0x00, 0x00)
BODY_FONT, TITLE_FONT, HEADING_FONT = "仿宋_GB2312", "方正小标宋简体", "黑体"


def _font(run, name: str, size: float, *, bold: bool = False, colour: RGBColor | None = None) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size), bold
    # Word reads the East Asian font from its own attribute; without it Chinese text falls back to the theme's.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if colour is not None:
        run.font.color.rgb = colour


def _paragraph(document, text: str, font: str, size: float, *, align=None, bold=False, colour=None, indent=False):
    paragraph = document.add_paragraph()
    if align is not None:
        paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    paragraph.paragraph_format.space_after = Pt(0)
    paragraph.paragraph_format.line_spacing = Pt(28)
    _font(paragraph.add_run(text), font, size, bold=bold, colour=colour)
    return paragraph


def _rule(paragraph, side: str, *, colour: str = "000000", eighths: int = 8) -> None:
    """A line above (``top``) or below (``bottom``) the paragraph, ``eighths`` of a point thick."""
    borders = paragraph._p.get_or_add_pPr().find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        paragraph._p.get_or_add_pPr().append(borders)
    line = OxmlElement(f"w:{side}")
    for key, value in (("w:val", "single"), ("w:sz", str(eighths)), ("w:space", "1"), ("w:color", colour)):
        line.set(qn(key), value)
    borders.append(line)


def render(bulletin: Bulletin) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    width = Length(section.page_width - section.left_margin - section.right_margin)
    # As large as the masthead's 36 points allow on one line: a long title shrinks rather than breaks.
    title_size = min(36, int(width.pt * 0.95 / max(len(bulletin.title), 1)))
    _paragraph(document, bulletin.title, TITLE_FONT, title_size, align=WD_ALIGN_PARAGRAPH.CENTER, colour=RED)
    _paragraph(document, f"{bulletin.year}年第{bulletin.number}期", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
    # The issuing office and the date share one line at 四号 (14 points), the date against the right margin.
    masthead = _paragraph(document, f"{bulletin.issuer.name}防范和处置非法集资工作领导小组办公室", BODY_FONT, 14)
    masthead.add_run("\t")
    _font(masthead.add_run(f"{bulletin.day.year}年{bulletin.day.month}月{bulletin.day.day}日"), BODY_FONT, 14)
    masthead.paragraph_format.tab_stops.add_tab_stop(width, alignment=WD_TAB_ALIGNMENT.RIGHT)
    _rule(masthead, "bottom", colour="C00000", eighths=12)
    for item in bulletin.items.select_related("briefing__unit"):
        briefing = item.briefing
        _paragraph(document, "", BODY_FONT, 16)
        _paragraph(document, briefing.title, HEADING_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
        _paragraph(document, f"（{briefing.unit.name}）", BODY_FONT, 16, align=WD_ALIGN_PARAGRAPH.CENTER)
        for text in filter(None, (line.strip() for line in briefing.text.splitlines())):
            _paragraph(document, text, BODY_FONT, 16, indent=True)
    _paragraph(document, "", BODY_FONT, 16)
    foot = _paragraph(document, f"发：{bulletin.send_to}", BODY_FONT, 14)
    _rule(foot, "top")
    copy = _paragraph(document, f"抄送：{bulletin.copy_to}", BODY_FONT, 14)
    _rule(copy, "bottom")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()

