"""The 通报 as a Word document, laid out as offices print and send one (GB/T 9704 in spirit):
the issuing office in red, the 文号, a red rule, the title, the body in 仿宋, the signature and
date; then, on a landscape page, the completion table with its group subtotals and legend.
Page numbers (第 X 页 共 Y 页) at the foot of every page.

python-docx is imported inside the functions: ``zs --help`` must not pay for it.
"""

import io
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from zhaoshang_cli.core.figures import percent
from zhaoshang_cli.core.files import check_writable_folder, write_atomically
from zhaoshang_cli.core.i18n import CHINESE, in_language
from zhaoshang_cli.report.chart import completion_png
from zhaoshang_cli.report.compute import FLAG_BEHIND, FLAG_FAR_BEHIND, Report, Row
from zhaoshang_cli.report.prose import Paragraph, prose
from zhaoshang_cli.report.text import amount, flags_text, title, unit_label
from zhaoshang_cli.settings.config import Issuer

BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "方正小标宋简体"
RED = (0xC0, 0x00, 0x00)
FILLS = {FLAG_FAR_BEHIND: "FFC7CE", FLAG_BEHIND: "FFEB9C"}
WIDTHS_CM = (4.4, 2.6, 2.6, 1.8, 1.9, 2.4, 1.9, 1.2, 5.3)  # 24.1 cm of a landscape A4 page
TABLE_HEADERS = [
    "单位",
    "年度指标(确保)",
    "累计完成",
    "完成%",
    "完成/时序",
    "上年同期",
    "同比",
    "位次",
    "提示",
]


def _font(run: Any, name: str, size: float, bold: bool = False, color: Any = None) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    if color:
        run.font.color.rgb = RGBColor(*color)


def new_document() -> Any:
    """A4 portrait with 公文 margins; body text 仿宋 三号 (16 pt) on a 28 pt line."""

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = BODY_FONT, Pt(16)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    normal.paragraph_format.line_spacing = Pt(28)
    normal.paragraph_format.space_after = Pt(0)
    page_numbers(section)
    return document


def _field(paragraph: Any, code: str) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), code)
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "21")  # 10.5 pt, as the words around it
    properties.append(size)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def page_numbers(section: Any) -> None:
    """第 X 页 共 Y 页, centred in the footer."""

    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run("第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")
    for run in paragraph.runs:
        _font(run, BODY_FONT, 10.5)


def _rule(paragraph: Any, color: str = "C00000") -> None:
    """A red line under the 文号, as a paragraph border."""

    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "12"), ("space", "4"), ("color", color)):
        bottom.set(qn(f"w:{key}"), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def masthead(document: Any, issuer: Issuer | None, heading: str) -> None:
    """The office in red, the document number, a red rule, then the title."""

    def centred(text: str, font: str, size: float, **style: Any) -> Any:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.line_spacing = Pt(size * 1.5)
        _font(paragraph.add_run(text), font, size, **style)
        return paragraph

    if issuer is not None and issuer.office:
        centred(issuer.office, TITLE_FONT, 26, bold=True, color=RED)
    if issuer is not None and (issuer.office or issuer.number):
        _rule(centred(issuer.number or "", BODY_FONT, 16))
        document.add_paragraph()
    centred(heading, TITLE_FONT, 22, bold=True)
    document.add_paragraph()
    if issuer is not None and issuer.seal_text:
        seal_in_footer(document, issuer.seal_text)


def seal_in_footer(document: Any, text: str) -> None:
    """The 校验码 on every page, under the page number: `zs verify` checks it later."""
    paragraph = document.sections[0].footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _font(paragraph.add_run(text), BODY_FONT, 9)


def body(document: Any, paragraphs: list[Paragraph]) -> None:
    for paragraph in paragraphs:
        added = document.add_paragraph()
        added.paragraph_format.first_line_indent = Pt(32)
        if paragraph.heading:
            _font(added.add_run(paragraph.text), HEADING_FONT, 16)
        else:
            _font(added.add_run(paragraph.text), BODY_FONT, 16)


def signature(document: Any, issuer: Issuer | None) -> None:
    """The issuing office and the date, at the right, after a blank line."""

    if issuer is None:
        return
    document.add_paragraph()
    for text in (issuer.office, issuer.date_text):
        if text:
            paragraph = document.add_paragraph()
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            paragraph.paragraph_format.right_indent = Pt(32)
            _font(paragraph.add_run(text), BODY_FONT, 16)


def landscape_section(document: Any) -> None:
    section = document.add_section(WD_SECTION.NEW_PAGE)
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21)
    section.top_margin = section.bottom_margin = Cm(2.2)
    section.left_margin = section.right_margin = Cm(2.2)


def _shade(cell: Any, fill: str) -> None:
    shading = OxmlElement("w:shd")
    for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
        shading.set(qn(f"w:{key}"), value)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row: Any) -> None:
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(header)


def row_cells(report: Report, row: Row, label: str, scale: str) -> list[str]:
    """One line of the completion table as text: the same figures as the terminal."""
    metric = report.metric
    return [
        label,
        amount(row.target, metric, scale) if row.target is not None else "",
        amount(row.actual, metric, scale),
        percent(row.completion),
        percent(row.progress_ratio),
        amount(row.last_year, metric, scale),
        percent(row.yoy),
        str(row.rank) if row.rank else "",
        flags_text(row, report.threshold),
    ]


def completion_table(document: Any, report: Report, scale: str = "万") -> Any:
    """The completion table: groups with their subtotals, 本级, the total; flagged cells
    shaded as in the Excel file; the header row repeated on every page."""

    lines: list[tuple[list[str], bool, str | None]] = []
    for group in report.groups:
        lines.append(([group.label, *[""] * 8], True, None))
        for row in group.rows:
            lines.append((row_cells(report, row, f"  {row.unit}", scale), False, _fill(row)))
        lines.append((row_cells(report, group.subtotal, group.subtotal.unit, scale), True, None))
    if report.own is not None:
        lines.append((row_cells(report, report.own, report.own.unit, scale), False, None))
    lines.append((row_cells(report, report.total, report.total.unit, scale), True, None))
    table = document.add_table(rows=1 + len(lines), cols=len(TABLE_HEADERS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, WIDTHS_CM, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, WIDTHS_CM, strict=True):
            cell.width = Cm(width)
    _repeat_header(table.rows[0])
    for cell, text in zip(table.rows[0].cells, TABLE_HEADERS, strict=True):
        _cell_text(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "DDEBF7")
    for row, (cells, bold, fill) in zip(table.rows[1:], lines, strict=True):
        for index, (cell, text) in enumerate(zip(row.cells, cells, strict=True)):
            align = WD_ALIGN_PARAGRAPH.LEFT if index in (0, 8) else WD_ALIGN_PARAGRAPH.RIGHT
            _cell_text(
                cell, text, bold=bold, align=WD_ALIGN_PARAGRAPH.CENTER if index == 7 else align
            )
            if index == 3 and fill:
                _shade(cell, fill)
    return table


def _fill(row: Row) -> str | None:
    return next((fill for flag, fill in FILLS.items() if flag in row.flags), None)


def _cell_text(cell: Any, text: str, *, bold: bool, align: Any) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    paragraph.paragraph_format.line_spacing = Pt(14)
    paragraph.paragraph_format.first_line_indent = Pt(0)
    _font(paragraph.add_run(text), BODY_FONT, 10.5, bold=bold)


def small(document: Any, text: str, *, bold: bool = False, size: float = 10.5) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.line_spacing = Pt(size * 1.6)
    _font(paragraph.add_run(text), BODY_FONT, size, bold=bold)


def legend(document: Any, report: Report) -> None:
    line = percent(report.threshold, 0)
    text = (
        f"说明:完成%一栏红色底为低于时序进度的{line}(黄牌警告线),黄色底为低于时序进度"
        f"({percent(report.time_progress)});完成% = 累计完成 ÷ 年度指标(确保);"
        "完成/时序 = 完成% ÷ 时序进度;同比 = (累计完成 − 上年同期)÷ 上年同期;"
        "位次为组内按完成%由高到低的排序;“—”表示没有可比的基数。"
    )
    if report.own is not None:
        text += f"{report.own.unit}指直接记在{report.parent}名下、未分到下级单位的资金和项目。"
    small(document, text, size=9)


def appendix_table(document: Any, report: Report, heading: str, scale: str) -> None:
    """The completion table on its own landscape page, titled, with the legend under it."""

    landscape_section(document)
    small(document, "附表", bold=True, size=14)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(paragraph.add_run(heading), HEADING_FONT, 16, bold=True)
    small(
        document,
        f"单位:{unit_label(report, scale)}    时序进度:{percent(report.time_progress)}    "
        f"截至{report.period.end.month}月{report.period.end.day}日",
    )
    completion_table(document, report, scale)
    legend(document, report)
    chart = completion_png(report)
    if chart is not None:  # with the plot extra only; the table says it all without it
        document.add_picture(io.BytesIO(chart), width=Cm(24))


def report_document(report: Report, scale: str = "万") -> Any:
    """The 通报 as sent: a Chinese document, whatever the language of the one who writes it."""
    with in_language(CHINESE):
        document = new_document()
        masthead(document, report.issuer, title(report))
        body(document, prose(report))
        signature(document, report.issuer)
        appendix_table(document, report, f"{title(report).removesuffix('通报')}表", scale)
    return document


def write_report_docx(report: Report, path: Path, scale: str = "万") -> None:
    path = Path(path)
    check_writable_folder(path.parent if str(path.parent) else Path("."))
    document = report_document(report, scale)
    write_atomically(path, lambda temporary: document.save(str(temporary)))
