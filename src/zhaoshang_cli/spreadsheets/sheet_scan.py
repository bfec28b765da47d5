"""A look inside an xlsx before any reader opens it: what would crash it, and what it hides.

calamine allocates a sheet's whole area (last row × last column) at once, so one cell at
XFD1048576 in a 5 KB file asks for 512 GiB and aborts the process; such a sheet is read a row at
a time instead. A DOCTYPE (which no spreadsheet program writes) may declare entities; the file
is refused before any XML parser expands them. A formula whose result was never saved (a sheet
written by a script, not by Excel or WPS) reads as an empty cell; its cell is marked, so that the
import refuses it instead of taking the row without its amount.

One pass over each sheet's XML, a megabyte at a time, with byte patterns: no tree is built.
"""

import itertools
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from xml.etree import ElementTree
from xml.sax.saxutils import unescape

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _

# A sheet whose area passes this is not handed to calamine (32 bytes a cell: 160 MB).
MAX_GRID_CELLS = 5_000_000
XLSX_SUFFIXES = (".xlsx", ".xlsm")
CHUNK = 1 << 20
HEAD = 1 << 16  # a DOCTYPE stands before the root element, in the first bytes of a part
DOCTYPE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# A row's number (cells' references start with letters); a cell's column when it is AA or
# beyond. Plain literal-led patterns: the regex engine then scans in C at memchr speed.
ROW_NUMBER = re.compile(rb' r="(\d+)"')
WIDE_COLUMN = re.compile(rb' r="([A-Z]{2,3})\d')
FORMULA_START = re.compile(rb"<(?:\w+:)?f[\s>/]")
CELL_START = re.compile(rb"<(?:\w+:)?c\b")
CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
FORMULA = re.compile(rb"<(?:\w+:)?f\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?f>)", re.DOTALL)
VALUE = re.compile(rb"<(?:\w+:)?v[\s>/]")
FILLED_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")
TEXT_RESULT = re.compile(rb'^<(?:\w+:)?c\b[^>]*?\bt="str"')
CELL_END = re.compile(rb"</(?:\w+:)?c>")
RELATIONSHIPS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


class Uncomputed:
    """A formula cell with no saved result: the import refuses it rather than read it blank."""

    __slots__ = ("formula",)

    def __init__(self, formula: str) -> None:
        self.formula = formula

    def __repr__(self) -> str:
        return f"={self.formula}"


@dataclass
class SheetScan:
    rows: int = 0
    columns: int = 0
    counted_rows: int = 0
    prefixed: bool = False  # <x:worksheet>, <x:c> … (the OpenXML SDK's way)
    uncomputed: dict[tuple[int, int], Uncomputed] = field(default_factory=dict)  # from 0

    @property
    def too_big_to_hold(self) -> bool:
        return self.rows * self.columns > MAX_GRID_CELLS


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def refuse_doctype(path: Path) -> None:
    """No part of the workbook may declare a DOCTYPE (entities could make it any size)."""
    for name, head in part_heads(path):
        if DOCTYPE.search(head):
            raise Invalid(
                _(
                    "{file} declares a DOCTYPE in its part {part}, which no spreadsheet program "
                    "writes; it is not read. Save it again from Excel or WPS."
                ).format(file=path.name, part=name)
            )


def part_heads(path: Path) -> list[tuple[str, bytes]]:
    try:
        with zipfile.ZipFile(path) as archive:
            heads = []
            for info in archive.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with archive.open(info) as part:
                        heads.append((info.filename, part.read(HEAD)))
            return heads
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as exc:
        raise Invalid(
            _("{file} could not be read as a spreadsheet ({reason}).").format(
                file=path.name, reason=exc
            )
        ) from None


def sheet_parts(path: Path) -> dict[str, str]:
    """Each sheet's name → its part in the zip, through the workbook's relations."""
    with zipfile.ZipFile(path) as archive:
        try:
            workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ElementTree.ParseError):
            return {}  # calamine says what is wrong with it
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations.iter(RELATIONSHIPS)}
    parts = {}
    for sheet in workbook.iterfind(".//{*}sheet"):
        target = targets.get(sheet.get(RELATIONSHIP_ID))
        if target:
            member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            parts[sheet.get("name", "")] = str(PurePosixPath(member))
    return parts


def scan_sheet(path: Path, member: str) -> SheetScan:
    """The sheet's last row and column as its cells (not its stated dimension) say, and its
    formulas without a saved result."""
    scan = SheetScan()
    tail = b""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as xml:
            head = xml.read(CHUNK)
            scan.prefixed = b"<worksheet" not in head[:HEAD]
            for chunk in itertools.chain([head], iter(lambda: xml.read(CHUNK), b"")):
                text = tail + chunk
                # Whole cells only (a formula is read with its cell); the rest waits.
                cut = max(text.rfind(b"</c>"), text.rfind(b":c>")) + 4
                read_rows(text[:cut], scan)
                tail = text[cut:]
            read_rows(tail, scan)
    except (KeyError, zipfile.BadZipFile, OSError, EOFError):
        return scan  # calamine says what is wrong with it
    scan.rows += scan.counted_rows
    if not scan.columns and scan.rows:
        scan.columns = 26  # every cell within A…Z: small enough whatever it holds
    return scan


def read_rows(text: bytes, scan: SheetScan) -> None:
    """A few plain searches over the bytes: the look costs a third of calamine's read."""
    numbers = ROW_NUMBER.findall(text)
    if numbers:
        scan.rows = max(scan.rows, max(map(int, numbers)))
    else:  # rows written without r="…" (allowed): counted
        scan.counted_rows += text.count(b"<row") + text.count(b":row")
    letters = WIDE_COLUMN.findall(text)
    if letters:
        scan.columns = max(scan.columns, max(map(column_number, set(letters))))
    if (b":f" if scan.prefixed else b"<f") in text:
        for match in FORMULA_START.finditer(text):
            note_formula(text, match.start(), scan)


def note_formula(text: bytes, at: int, scan: SheetScan) -> None:
    """The formula starting at ``at``: its cell is marked when it holds no ``<v>``."""
    starts = list(CELL_START.finditer(text, max(0, at - 400), at))
    close = CELL_END.search(text, at)
    if not starts or close is None:
        return
    cell = text[starts[-1].start() : close.end()]
    reference = CELL_REF.search(cell)
    # A saved result; an empty one only stands for a formula that gave "" (t="str"), and
    # openpyxl writes an empty <v></v> for a formula it never computed.
    saved = FILLED_VALUE.search(cell) or (TEXT_RESULT.match(cell) and VALUE.search(cell))
    if saved or reference is None:
        return
    formula = FORMULA.search(cell)
    body = (formula.group(1) if formula else None) or b""
    shown = unescape(body.decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"})
    key = (int(reference.group(2)) - 1, column_number(reference.group(1)) - 1)
    scan.uncomputed[key] = Uncomputed(shown)
