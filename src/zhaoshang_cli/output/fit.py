"""Tables that fit the terminal: columns chosen by width, and no value ever cut.

Every column is measured from its cells. A value (an amount, a unit's name) gets the width it
needs; a long header wraps instead. Where the terminal is too narrow, optional columns are
left out in their stated order (the report drops 力争 and 上年同期 first). A list of names
breaks between names, never inside one; free text (a project's name, a note) may break
anywhere. With no width — a pipe, a file — or when asked (``--wide``), every column is kept
at its full width.
"""

import os
import re
import shutil
import sys
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.cells import cell_len
from rich.segment import Segment
from rich.table import Table
from rich.text import Text

GAP = 2  # between two columns: a space of padding and the (blank) rule
HEADER_MIN = 4  # a header may wrap, but not below two Chinese characters a line
_WORD = re.compile(r"[!-~]+")  # an English word (with its punctuation) in a header
WRAP_MIN = 12  # wrapping text keeps at least this width
_BREAKS = re.compile(r"(?<=[、,，;；/ ])|(?=[(（])")


@dataclass(frozen=True)
class Spec:
    """A column to fit. ``drop``: None for a column always shown, else the order in which
    columns are left out when the terminal is too narrow (1 first). ``wrap``: None for
    values kept whole, "names" for a list that breaks between names, "text" for text that
    may break anywhere."""

    header: str
    justify: str = "left"
    drop: int | None = None
    wrap: str | None = None


def terminal_width() -> int | None:
    """The width to fit: COLUMNS, else the terminal's; None on a pipe or a file."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if sys.stdout.isatty():
        return shutil.get_terminal_size().columns
    return None


def text_width(text: str) -> int:
    return max((cell_len(line) for line in str(text).split("\n")), default=0)


def pieces(text: str) -> list[str]:
    """Where wrapping text may break: after 、 , ; / and spaces, before a parenthesis."""
    return [piece for piece in _BREAKS.split(str(text)) if piece]


def plan(specs: list[Spec], rows: list[list[str]], width: int | None) -> list[int | None]:
    """The width of each column, None for one left out."""
    values = [max((text_width(row[i]) for row in rows), default=0) for i in range(len(specs))]
    natural = [max(values[i], text_width(spec.header)) for i, spec in enumerate(specs)]
    if width is None:
        return list(natural)
    need = []
    for i, spec in enumerate(specs):
        value = values[i]
        if spec.wrap == "names":
            longest = max((text_width(p) for row in rows for p in pieces(row[i])), default=0)
            value = min(value, max(longest, WRAP_MIN))
        elif spec.wrap == "text":
            value = min(value, WRAP_MIN)
        need.append(max(value, min(text_width(spec.header), header_min(spec.header)), 1))
    kept = list(range(len(specs)))

    def total(columns: list[int]) -> int:
        return sum(need[i] for i in columns) + GAP * (len(columns) - 1)

    optional = sorted((i for i, s in enumerate(specs) if s.drop is not None), key=_drop_key(specs))
    for i in optional:
        if total(kept) <= width:
            break
        kept.remove(i)
    widths: list[int | None] = [need[i] if i in kept else None for i in range(len(specs))]
    spare = width - total(kept)
    for i in sorted(kept, key=lambda i: natural[i] - need[i]):  # unwrap the nearest first
        grow = max(0, min(spare, natural[i] - need[i]))
        widths[i] = need[i] + grow
        spare -= grow
    return widths


def header_min(header: str) -> int:
    """How narrow a header may wrap: two Chinese characters, or its longest English word
    (an English header breaks between words, never inside one)."""
    return max([HEADER_MIN, *(text_width(word) for word in _WORD.findall(header))])


def _drop_key(specs: list[Spec]) -> Any:
    return lambda i: specs[i].drop


def show(console: Any, table: "Table | ListingTable", widths: list[int | None]) -> None:
    """Print a table; one wider than the terminal (--wide, or names that cannot fit) runs
    past its edge rather than being cut."""
    width = console.width
    console.width = max(width, table_width(widths))
    try:
        console.print(table)
    finally:
        console.width = width


def table_width(widths: list[int | None]) -> int:
    shown = [w for w in widths if w is not None]
    return sum(shown) + GAP * (len(shown) - 1)


def wrap(text: str, width: int) -> str:
    """Break text at its separators so that each line fits (a piece too long still folds)."""
    lines, line = [], ""
    for piece in pieces(text):
        if line and cell_len(line + piece.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        line += piece
    lines.append(line.rstrip())
    return "\n".join(lines)


def make_table(
    specs: list[Spec], widths: list[int | None], *, title: str | None, caption: str | None
) -> Table:
    """A compact table (a rule under the header, no frame) with the planned columns."""
    table = Table(
        title=title,
        caption=caption,
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
    )
    for spec, width in zip(specs, widths, strict=True):
        if width is not None:
            header = wrap(spec.header, width) if text_width(spec.header) > width else spec.header
            table.add_column(header, justify=spec.justify, width=width, overflow="fold")  # type: ignore[arg-type]
    return table


def pick(cells: list[Any], specs: list[Spec], widths: list[int | None]) -> list[Any]:
    """The cells of the columns shown, wrapping text broken to its column's width."""
    shown = []
    for cell, spec, width in zip(cells, specs, widths, strict=True):
        if width is None:
            continue
        if spec.wrap and isinstance(cell, str) and text_width(cell) > width:
            cell = wrap(cell, width)
        shown.append(cell)
    return shown


class ListingTable:
    """A listing's table, printed as Rich prints the same table from ``make_table`` (title,
    header, rule and caption come from Rich itself) but with the rows of plain text laid out
    here: Rich measures and wraps every cell, some 0.3 s for 200 rows of ten columns, where
    padding each cell to its planned width takes milliseconds. A cell Rich would lay out
    otherwise (wider than its column, a tab, a control character) is still wrapped by Rich,
    so the output is the same either way (tests/test_fit.py compares them)."""

    def __init__(
        self,
        specs: list[Spec],
        widths: list[int | None],
        rows: list[list[str]],
        *,
        title: str | None = None,
        caption: str | None = None,
    ) -> None:
        self.specs, self.widths, self.rows = specs, widths, rows
        self.title, self.caption = title, caption

    def __rich_console__(self, console: Any, options: Any) -> Any:
        head = make_table(self.specs, self.widths, title=self.title, caption=None)
        yield from console.render(head, options)
        shown = [
            (s.justify, w) for s, w in zip(self.specs, self.widths, strict=True) if w is not None
        ]
        gap = " " * GAP
        for row in self.rows:
            cells = [
                cell_lines(console, cell, justify, width)
                for cell, (justify, width) in zip(
                    pick(row, self.specs, self.widths), shown, strict=True
                )
            ]
            for n in range(max((len(lines) for lines in cells), default=1)):
                parts = [
                    lines[n] if n < len(lines) else " " * width
                    for lines, (_, width) in zip(cells, shown, strict=True)
                ]
                yield Segment(gap.join(parts))
                yield Segment.line()
        if self.caption:  # as Rich's Table renders its caption
            caption = console.render_str(self.caption, style="table.caption", highlight=False)
            yield from console.render(
                caption,
                options.update(
                    width=table_width(self.widths), highlight=False, height=None, justify="center"
                ),
            )


def cell_lines(console: Any, cell: str, justify: str, width: int) -> list[str]:
    """A cell's lines, each padded to the column's width as Rich pads it."""
    lines = cell.split("\n")
    if any(cell_len(line) > width or not line.isprintable() for line in lines):
        wrapped = Text(cell).wrap(console, width, justify=justify, overflow="fold")  # type: ignore[arg-type]
        return [line.plain for line in wrapped]
    if justify == "right":
        return [" " * (width - cell_len(line.rstrip())) + line.rstrip() for line in lines]
    return [line + " " * (width - cell_len(line)) for line in lines]


def fitted(
    specs: list[Spec],
    rows: list[list[str]],
    width: int | None,
    *,
    title: str | None = None,
    caption: str | None = None,
) -> Table:
    """A whole table in one call, for a listing whose cells are plain text."""
    widths = plan(specs, rows, width)
    table = make_table(specs, widths, title=title, caption=caption)
    for row in rows:
        table.add_row(*pick(row, specs, widths))
    return table
