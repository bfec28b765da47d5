"""Cells merged down rows (a 县区 written once for its projects) filled into every row they
cover: from the reader's merged ranges, or from the sheet's XML when a big sheet streams."""

import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from zhaoshang_cli.spreadsheets.cells import is_blank


def fill_merged(grid: list[list[Any]], merged: list[Any]) -> None:
    """A merged cell's value stands in every cell it covers (责任单位 merged over its projects'
    rows); a row merged across its whole width is a title or a section heading."""
    for (top, left), (bottom, right) in merged:
        if top >= len(grid) or left >= len(grid[top]):
            continue
        value = grid[top][left]
        if top == bottom:  # merged across one row: a title, a heading, a 注 line
            continue
        for number in range(top + 1, min(bottom, len(grid) - 1) + 1):
            cells = grid[number]
            for index in range(left, min(right, len(cells) - 1) + 1):
                if is_blank(cells[index]):
                    cells[index] = value


MERGE_CELL = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+[0-9]+:[A-Z]+[0-9]+)"')


def merged_ranges(path: Path, member: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """A worksheet's merged ranges as ``fill_merged`` takes them ((top, left), (bottom, right),
    from 0), read from its XML a megabyte at a time: read-only openpyxl does not give them."""
    from openpyxl.utils.cell import range_boundaries  # noqa: PLC0415 (openpyxl: big sheets only)

    found, tail = [], b""
    with zipfile.ZipFile(path) as archive, archive.open(member.lstrip("/")) as xml:
        while chunk := xml.read(1 << 20):
            text = tail + chunk
            cut = text.rfind(b"<")  # a tag cut by the chunk's end is read with the next one
            text, tail = (text[:cut], text[cut:]) if cut > 0 else (text, b"")
            found.extend(MERGE_CELL.findall(text))
        found.extend(MERGE_CELL.findall(tail))
    ranges = []
    for ref in found:
        left, top, right, bottom = range_boundaries(ref.decode())  # from 1
        ranges.append(((top - 1, left - 1), (bottom - 1, right - 1)))
    return ranges


def fill_merged_lines(
    lines: Iterator[Sequence[Any]], merged: list[tuple[tuple[int, int], tuple[int, int]]]
) -> Iterator[Sequence[Any]]:
    """``fill_merged`` for lines read one by one: a value merged down several rows stands in
    each of them."""
    starts: dict[int, list[tuple[int, int, int]]] = {}
    for (top, left), (bottom, right) in merged:
        if top != bottom:  # merged across one row: a title, a heading, a 注 line
            starts.setdefault(top, []).append((left, bottom, right))
    if not starts:
        yield from lines
        return
    active: list[tuple[int, int, int, Any]] = []  # (bottom, left, right, value)
    for index, line in enumerate(lines):
        cells = list(line)
        active = [merge for merge in active if merge[0] >= index]
        for _bottom, left, right, value in active:
            if len(cells) <= left:  # a row read short: its merged cells are there all the same
                cells.extend([None] * (left + 1 - len(cells)))
            for column in range(left, min(right, len(cells) - 1) + 1):
                if is_blank(cells[column]):
                    cells[column] = value
        for left, bottom, right in starts.get(index, ()):
            if left < len(cells):
                active.append((bottom, left, right, cells[left]))
        yield cells
