"""A spreadsheet file (xlsx, xls, ods via python-calamine; csv), opened once: its sheets, the
grid of a small one or the lines of a big one, and the table of a kind read from either."""

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from python_calamine import CalamineWorkbook

from zhaoshang_cli.core.errors import Invalid, ZsError
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.spreadsheets.columns import Kind, normalise
from zhaoshang_cli.spreadsheets.headers import Merge
from zhaoshang_cli.spreadsheets.merged import fill_merged, fill_merged_lines, merged_ranges
from zhaoshang_cli.spreadsheets.reading import Table, read_table, stream_table
from zhaoshang_cli.spreadsheets.sheet_scan import (
    XLSX_SUFFIXES,
    SheetScan,
    Uncomputed,
    refuse_doctype,
    scan_sheet,
    sheet_parts,
)
from zhaoshang_cli.spreadsheets.text_files import csv_lines, read_csv

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")
STREAM_BYTES = 16_000_000
STREAMED_SUFFIXES = (".xlsx", ".xlsm", ".csv")


class Book:
    """A spreadsheet file; a workbook's sheets are read only when asked for."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        self._scans: dict[str, SheetScan] = {}
        self._parts: dict[str, str] | None = None
        self.merges: dict[str, list[Merge]] = {}  # a sheet's merged cells, once it is read
        suffix = path.suffix.lower()
        if not path.is_file():
            raise Invalid(_("There is no file {path}.").format(path=path))
        if suffix == ".csv":
            self.sheet_names: list[str] = []
            self._workbook = None
        elif suffix in WORKBOOK_SUFFIXES:
            if suffix in XLSX_SUFFIXES:
                refuse_doctype(path)
            try:
                self._workbook = CalamineWorkbook.from_path(str(path))
            except Exception as exc:  # calamine raises its own error types per format
                raise Invalid(
                    _("{file} could not be read as a spreadsheet ({reason}).").format(
                        file=path.name, reason=exc
                    )
                ) from None
            self.sheet_names = list(self._workbook.sheet_names)
        else:
            raise Invalid(
                _("{file}: only .xlsx, .xls, .ods and .csv files can be imported.").format(
                    file=path.name
                )
            )

    @property
    def is_csv(self) -> bool:
        return self._workbook is None

    def find_sheet(self, kind: Kind) -> str | None:
        wanted = {normalise(kind.title), normalise(kind.name)}
        return next((name for name in self.sheet_names if normalise(name) in wanted), None)

    def scan(self, sheet: str) -> SheetScan:
        """What the sheet's XML holds (an xlsx only): its real size, its unsaved formulas."""
        if self._parts is None:  # read once for all the sheets (a ledger import reads ten)
            xlsx = self.path.suffix.lower() in XLSX_SUFFIXES
            self._parts = sheet_parts(self.path) if xlsx else {}
        if sheet not in self._scans:
            part = self._parts.get(sheet)
            self._scans[sheet] = scan_sheet(self.path, part) if part else SheetScan()
        return self._scans[sheet]

    def grid(self, sheet: str | None) -> list[list[Any]]:
        if self._workbook is None:
            return read_csv(self.path)
        assert sheet is not None
        try:
            data = self._workbook.get_sheet_by_name(sheet)
            grid = data.to_python(skip_empty_area=False)
        except Exception as exc:  # calamine's own error types: a cell or a part it cannot read
            raise self.unreadable(sheet, exc) from None
        try:
            merged = data.merged_cell_ranges or []
        except Exception:  # not every format knows its merged cells
            merged = []
        fill_merged(grid, merged)
        self.merges[sheet] = list(merged)
        for (row, column), cell in self.scan(sheet).uncomputed.items():
            if row < len(grid) and column < len(grid[row]):
                grid[row][column] = cell
        return grid

    def unreadable(self, sheet: str, exc: Exception) -> Invalid:
        return Invalid(
            _("{file}, sheet {sheet}, could not be read ({reason}).").format(
                file=self.name, sheet=sheet, reason=exc
            )
        )

    def table(
        self, kind: Kind, *, first_sheet_fallback: bool = True, may_stream: bool = False
    ) -> Table | None:
        """The sheet named as the kind (项目 or projects), else the first sheet. ``may_stream``:
        the caller takes ``table.stream``, and a workbook too big to hold (``STREAM_BYTES``)
        is read a row at a time."""
        if self.is_csv and may_stream and self.streams:
            return stream_table(csv_lines(self.path), kind, self.name, None, 0)
        if self.is_csv:
            return read_table(self.grid(None), kind, self.name, None)
        sheet = self.find_sheet(kind)
        if sheet is None and first_sheet_fallback and self.sheet_names:
            sheet = self.sheet_names[0]
        if sheet is None:
            return None
        if (may_stream and self.streams) or self.scan(sheet).too_big_to_hold:
            lines, total = self.lines(sheet)
            merges = self.merges.get(sheet, ())
            table = stream_table(lines, kind, self.name, sheet, total, merges)
            if not may_stream and table.stream is not None:  # a sparse sheet: few real rows
                table.rows, table.stream = list(table.stream), None
            return table
        grid = self.grid(sheet)
        return read_table(grid, kind, self.name, sheet, self.merges.get(sheet, ()))

    @property
    def streams(self) -> bool:
        return (
            self.path.suffix.lower() in STREAMED_SUFFIXES
            and self.path.stat().st_size > STREAM_BYTES
        )

    def lines(self, sheet: str) -> tuple[Iterator[Sequence[Any]], int]:
        """A sheet's rows of cell values, read as they are asked for (openpyxl's read-only
        mode: memory stays flat where calamine would hold the whole sheet), and how many the
        sheet says it has."""
        from openpyxl import load_workbook  # noqa: PLC0415 (~150 ms: only a sheet too big to hold)

        try:
            workbook = load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises its own error types per fault
            raise Invalid(
                _("{file} could not be read as a spreadsheet ({reason}).").format(
                    file=self.name, reason=exc
                )
            ) from None
        worksheet = workbook[sheet]
        total = worksheet.max_row or 0  # as the file says: for the progress bar only
        # The sheet's part in the zip, as openpyxl found it through the workbook's relations.
        merged = merged_ranges(self.path, worksheet._worksheet_path)
        self.merges[sheet] = merged
        # Read every row there is, not only the size the file claims (a writer may leave it
        # stale); calamine, for a whole sheet, reads what is there too.
        worksheet.reset_dimensions()

        uncomputed: dict[int, dict[int, Uncomputed]] = {}
        for (row, column), cell in self.scan(sheet).uncomputed.items():
            uncomputed.setdefault(row, {})[column] = cell

        def marked() -> Iterator[Sequence[Any]]:
            for index, cells in enumerate(worksheet.iter_rows(values_only=True)):
                if index in uncomputed:
                    cells = list(cells)
                    for column, cell in uncomputed[index].items():
                        if column < len(cells):
                            cells[column] = cell
                yield cells

        def lines() -> Iterator[Sequence[Any]]:
            try:
                yield from fill_merged_lines(marked(), merged)
            except Exception as exc:  # openpyxl's own error types, met halfway down a sheet
                if isinstance(exc, ZsError):
                    raise
                raise self.unreadable(sheet, exc) from None
            finally:
                workbook.close()

        return lines(), total
