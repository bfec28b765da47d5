"""Text from users must never become a formula in a spreadsheet (OWASP ASVS V1.2.10)."""

import csv
import io
from collections.abc import Iterable
from typing import Any, TextIO

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r", "\0")


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_LEADS)


def csv_safe(value: Any) -> Any:
    """In CSV, text that starts like a formula gets a leading single quote, on every line of
    it, since a reader that splits rows at a line break starts a cell there. Numbers are
    left alone: -0.61 is a number, not a formula."""
    if not isinstance(value, str):
        return value
    lines = value.splitlines(keepends=True) or [value]
    return "".join("'" + line if line.startswith(FORMULA_LEADS) else line for line in lines)


class CsvWriter:
    """Rows ending in LF with every cell that holds a line break quoted: csv.writer quotes a
    lone CR only when CR is part of its line terminator, so each row is written with CRLF and
    its ending turned into LF. Cells of text go through ``csv_safe`` first."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\r\n")

    def writerow(self, values: Iterable[Any]) -> None:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(values)
        self.out.write(self.buffer.getvalue()[:-2] + "\n")
