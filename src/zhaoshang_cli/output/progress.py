"""A progress bar for imports and exports longer than a moment: rich.progress on stderr, and
only when stderr is a terminal — a pipe, a file or cron gets nothing (``ZS_PROGRESS=0`` turns
it off on a terminal too).

``rows(items, total, what)`` yields the items unchanged; the bar, if any, is drawn beside them
and cleared when they end. It is advanced every ``STEP`` items, so 100,000 rows cost little.
"""

import gc
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

Item = TypeVar("Item")
THRESHOLD = 2_000  # fewer rows are done in a moment: no bar
STEP = 500


def on_terminal() -> bool:
    if os.environ.get("ZS_PROGRESS", "").strip() == "0":
        return False
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


def rows(items: Iterable[Item], total: int, what: str, *, console: Any = None) -> Iterator[Item]:
    """The items, with a bar named ``what`` on a terminal when there are many of them."""
    if total < THRESHOLD or (console is None and not on_terminal()):
        yield from items
        return

    bar = Progress(
        TextColumn("{task.description}", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console or Console(stderr=True),
        transient=True,
    )
    with bar:
        task = bar.add_task(what, total=total)
        done = 0
        for item in items:
            yield item
            done += 1
            if done % STEP == 0:
                bar.update(task, completed=done)
        bar.update(task, completed=done)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector paused while an import reads and checks its rows. It would
    walk the growing heap of rows again and again (a third of the time of 100,000 rows, and
    half of a re-import's); the rows hold no cycles and are freed as they go anyway."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
