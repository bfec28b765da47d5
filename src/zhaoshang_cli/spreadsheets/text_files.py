"""CSV files as offices save them: UTF-8 with or without a BOM, or GB18030 (GBK), checked a
megabyte at a time, so that a big file streams."""

import codecs
import csv
import io
from collections.abc import Iterator
from pathlib import Path

from zhaoshang_cli.core.errors import Invalid
from zhaoshang_cli.core.i18n import _


def read_csv(path: Path) -> list[list[str]]:
    """UTF-8 (with or without BOM), else GB18030: what Excel on a Chinese Windows saves."""
    text = path.read_bytes().decode(csv_encoding(path))
    # newline="": a quoted cell keeps its line breaks (and a lone CR) for the checks to see.
    return list(csv.reader(io.StringIO(text, newline="")))


def csv_lines(path: Path) -> Iterator[list[str]]:
    """``read_csv`` a line at a time, for a file too big to hold (``STREAM_BYTES``)."""
    encoding = csv_encoding(path)

    def lines() -> Iterator[list[str]]:
        with path.open(encoding=encoding, newline="") as handle:
            yield from csv.reader(handle)

    return lines()


def csv_encoding(path: Path) -> str:
    """utf-8-sig, else gb18030, whichever decodes the whole file (read a megabyte at a time)."""
    position = 0
    for encoding in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset = 0
        try:
            with path.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    decoder.decode(chunk)
                    offset += len(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            position = offset + exc.start
    raise Invalid(
        _(
            "{file} is neither UTF-8 nor GB18030 text (a bad byte at position "
            "{position}); save it again from Excel as CSV UTF-8 or as .xlsx."
        ).format(file=path.name, position=position)
    )
