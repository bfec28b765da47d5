"""The header of an office's sheet: one row, or two or three whose upper rows group the
columns below them (合同金额 over 万元 | 万美元, 项目进展 over 签约时间 | 开工时间 | 投产时间).

Each column is named by its labels top-down (group, …, its own), and read as the column they
name together: the group and its label run together (投资方 + 名称 → 投资方名称), else its own
label (项目进展/开工时间 → 开工时间), else the group alone (项目名称 over nothing below). A
label that is only a unit or a currency (万元, 万美元, 人民币, 美元) gives the group's column
in that unit. A group is spread over the columns it covers by its merged cells; a sheet with
no merged cell in its header (a CSV) spreads it over the blank cells to its right that have a
label below them.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zhaoshang_cli.spreadsheets.cells import is_blank
from zhaoshang_cli.spreadsheets.columns import Column, Kind, normalise

MAX_HEADER_ROWS = 3
# The money unit of one column (合同金额(亿元)); bare numbers are in it.
MONEY_UNIT_HEADER = re.compile(r"[(（]\s*(万元|亿元|元|万美元|亿美元|美元)\s*[)）]\s*\**$")
# A label under a group that names only a unit (合同金额 over 万元 | 万美元), or only a currency
# (人民币 | 美元: in the sheet's magnitude, 万 unless a 单位 line says 亿 or 元).
CURRENCY_WORDS = {"人民币": "CNY", "美元": "USD"}
LABEL_UNITS = frozenset({"万元", "亿元", "元", "万美元", "亿美元", *CURRENCY_WORDS})
USD_UNITS = frozenset({"万美元", "亿美元", "美元"})

# A money column given in US dollars is read as its twin: 合同金额(万美元) is the contract in
# USD (合同外资), converted at the ledger's rate; 到位金额(万美元) an arrival in USD (its 币种).
# (Not columns of the kinds: no export has them.)
USD_TWINS = {
    ("projects", "contract"): Column("contract_usd", "合同金额(万美元)", "amount"),
    ("arrivals", "amount"): Column("amount_usd", "到位金额(万美元)", "signed_amount"),
}

Merge = tuple[tuple[int, int], tuple[int, int]]  # (top, left), (bottom, right), from 0


@dataclass(frozen=True)
class Resolved:
    """What a column's labels name: the column (None: no column zs reads), the money unit they
    give it, and ``group``, a column an upper label names on its own (for the message when
    the label below it names no part of it)."""

    column: Column | None
    unit: str | None = None
    group: Column | None = None


@dataclass(frozen=True)
class Heading:
    first: int  # the header's first line and last line, from 0
    last: int
    labels: list[tuple[str, ...]]  # per column: its labels top-down, repeats left out

    def name(self, index: int) -> str:
        """The column as the sheet heads it: 合同金额/万美元."""
        return "/".join(self.labels[index])


def find_heading(
    head: Sequence[Sequence[Any]], kind: Kind, merges: Sequence[Merge] = ()
) -> Heading | None:
    """The one to three lines that name the most of the kind's columns, among the first
    lines (a title and a 单位：万元 line may stand above): of a tie the fewest lines, so a
    title or the first data row is never taken for a group; then the line above when it only
    groups the columns below (merged across, or down), and the line below when it only gives
    their units (万元 | 万美元)."""
    best, best_count = None, 0
    for last in range(len(head)):
        for height in range(1, MAX_HEADER_ROWS + 1):
            first = last - height + 1
            if first < 0 or (height > 1 and all(is_blank(cell) for cell in head[first])):
                break
            count = counted(kind, labels_of(band_cells(head, first, last, merges)))
            if count > best_count:
                best, best_count = (first, last), count
    if best is None:
        return None
    first, last = best
    while last - first + 1 < MAX_HEADER_ROWS and first > 0:
        band = band_cells(head, first - 1, last, merges)
        if not groups(head[first - 1], band) or counted(kind, labels_of(band)) < best_count:
            break
        first -= 1
    while last - first + 1 < MAX_HEADER_ROWS and last + 1 < len(head):
        band = band_cells(head, first, last + 1, merges)
        if not gives_units(head[last + 1], band) or counted(kind, labels_of(band)) < best_count:
            break
        last += 1
    return Heading(first, last, labels_of(band_cells(head, first, last, merges)))


def counted(kind: Kind, labels: list[tuple[str, ...]]) -> int:
    found = (resolve(kind, parts).column for parts in labels)
    return len({column.key for column in found if column is not None})


def groups(line: Sequence[Any], band: list[list[str]]) -> bool:
    """Whether a line above a header only groups its columns: each of its cells stands over
    two or more of them, or is merged down into the line below; none over them all (a
    title), none with a colon (单位：万元)."""
    filled, below = band[0], band[1]
    headed = sum(1 for column in range(len(filled)) if any(cells[column] for cells in band[1:]))
    origins = [column for column, cell in enumerate(line) if not is_blank(cell)]
    if any(mark in str(line[column]) for column in origins for mark in ":："):
        return False  # 填报单位：…, 单位：万元: a line of the form, no group
    for column in origins:
        span = 1
        while (
            column + span < len(filled)
            and filled[column + span] == filled[column]
            and (column + span >= len(line) or is_blank(line[column + span]))
        ):
            span += 1
        if span >= headed or (span < 2 and below[column] != filled[column]):
            return False
    return bool(origins)


def gives_units(line: Sequence[Any], band: list[list[str]]) -> bool:
    """Whether a line below a header only gives units (万元 | 万美元) or repeats, merged down,
    the labels above it."""
    above, cells = band[-2], band[-1]
    units = False
    for column, cell in enumerate(line):
        if is_blank(cell):
            continue
        if normalise(cell) in LABEL_UNITS:
            units = True
        elif cells[column] != above[column]:
            return False
    return units


def band_cells(
    head: Sequence[Sequence[Any]], first: int, last: int, merges: Sequence[Merge]
) -> list[list[str]]:
    """Lines ``first``…``last`` as text, a group merged across its columns standing over each
    of them (without merged cells: over the blanks to its right that have a label below)."""
    band = [[cell_text(cell) for cell in head[index]] for index in range(first, last + 1)]
    width = max((len(cells) for cells in band), default=0)
    for cells in band:
        cells.extend([""] * (width - len(cells)))
    merged_here = False
    for (top, left), (bottom, right) in merges:
        if bottom < first or top > last or top < first or left >= width:
            continue
        value = head[top][left] if left < len(head[top]) else None
        merged_here = True
        for row in range(top, min(bottom, last) + 1):
            for column in range(left, min(right, width - 1) + 1):
                if not band[row - first][column]:
                    band[row - first][column] = cell_text(value)
    if not merged_here:
        for upper in range(len(band) - 1):
            cells, below = band[upper], band[upper + 1]
            for column in range(1, width):
                if not cells[column] and below[column] and cells[column - 1] and below[column - 1]:
                    cells[column] = cells[column - 1]
    return band


def labels_of(band: list[list[str]]) -> list[tuple[str, ...]]:
    """Each column's labels top-down, a label merged down over several lines once."""
    labels = []
    for column in range(len(band[0]) if band else 0):
        parts: list[str] = []
        for cells in band:
            if cells[column] and (not parts or parts[-1] != cells[column]):
                parts.append(cells[column])
        labels.append(tuple(parts))
    return labels


def cell_text(cell: Any) -> str:
    return "" if is_blank(cell) else str(cell).strip()


def resolve(kind: Kind, parts: tuple[str, ...], sheet_unit: str | None = None) -> Resolved:
    """The column a column's labels name, and the unit they give it."""
    if not parts:
        return Resolved(None)
    magnitude = currency = None
    while len(parts) > 1 and normalise(parts[-1]) in LABEL_UNITS:
        word = normalise(parts[-1])
        parts = parts[:-1]
        if word in CURRENCY_WORDS:
            currency = currency or CURRENCY_WORDS[word]
        else:
            magnitude = magnitude if magnitude is not None else magnitude_of(word)
            currency = currency or ("USD" if word.endswith("美元") else "CNY")
    unit = None
    if currency is not None:
        if magnitude is None:  # 人民币 | 美元: in the sheet's magnitude (万 by default)
            magnitude = magnitude_of(sheet_unit or "万元")
        unit = magnitude + ("美元" if currency == "USD" else "元")
    for text in reversed(parts):
        match = MONEY_UNIT_HEADER.search(text)
        if unit is None and match:
            unit = match[1]
    for candidate in candidates(parts):
        column = kind.match(candidate)
        if column is not None:
            return Resolved(column, unit)
    group = next((kind.match(part) for part in parts[:-1] if kind.match(part)), None)
    return Resolved(None, unit, group)


def candidates(parts: tuple[str, ...]) -> list[str]:
    """Group and label run together (longest first, either way round for two), then the
    column's own label, then its group alone when the lowest line is blank under it."""
    found = []
    for start in range(len(parts)):
        joined = parts[start:]
        found.append("".join(normalise(part) for part in joined))
        if len(joined) == 2:
            found.append(normalise(joined[1]) + normalise(joined[0]))
    return found


def magnitude_of(unit: str) -> str:
    """万元 → 万, 亿美元 → 亿, 元 → nothing."""
    return unit[0] if unit[0] in "万亿" else ""


def is_usd(unit: str | None) -> bool:
    return unit in USD_UNITS
