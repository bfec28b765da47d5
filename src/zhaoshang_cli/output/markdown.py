"""Markdown for the bulletin's summary: text from users shown as text."""

from typing import Any

MARKDOWN_SPECIALS = str.maketrans(
    {char: "\\" + char for char in "\\`*_[]<>#|~"} | {"\n": " ", "\r": " "}
)


def markdown_text(value: Any) -> str:
    """Text as Markdown shows it: a name like [x](http://…) or <b> is never a link or HTML."""
    return str(value if value is not None else "").translate(MARKDOWN_SPECIALS)
