"""zs — a ledger of 招商引资 projects, capital arrivals and targets.

The library modules (``ledger``, ``units``, ``projects``, ``arrivals`` …) hold the domain
operations and work without the CLI; ``zhaoshang_cli.cli`` is a thin Typer layer over them.
"""

__version__ = "0.1.0"
