"""zs unit add / list."""

from typing import Annotated

import typer

from zhaoshang_cli.cli.common import (
    BomOption,
    Col,
    DbOption,
    FormatOption,
    Listing,
    OperatorOption,
    Output,
    OutputFileOption,
    OutputFormat,
    console,
    reading,
    render,
    say,
    writing,
)
from zhaoshang_cli.glossary import UNIT_KIND, UNIT_KINDS
from zhaoshang_cli.units import add_unit, unit_tree

unit_app = typer.Typer(help="Responsible units (责任单位): the city's tree down to persons.")


@unit_app.command("add")
def unit_add(
    name: Annotated[str, typer.Argument(help="The unit's name, e.g. 甲县.")],
    kind: Annotated[
        str,
        typer.Option(
            help=f"The kind of unit: {UNIT_KIND.both()}.", autocompletion=UNIT_KIND.complete
        ),
    ],
    parent: Annotated[
        str | None, typer.Option(help="The parent unit's name (or path 甲县/城关镇).")
    ] = None,
    rank: Annotated[
        str | None, typer.Option(help="A person's rank, e.g. 副科级以上, 科员.")
    ] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Add a unit under its parent."""
    with writing(db, operator) as session:
        unit = add_unit(session, name, kind, parent, rank)
    say(f"Added {unit.kind} {unit.name} (id {unit.id}).")


@unit_app.command("list")
def unit_list(
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """The unit tree; --format json or csv gives one row per unit with its path."""
    out = Output(output_format, file=output, bom=bom).resolved()
    with reading(db) as session:
        nodes = unit_tree(session)
    rows = [
        {
            "id": node.unit.id,
            "name": node.unit.name,
            "kind": node.unit.kind,
            "parent_id": node.unit.parent_id,
            "rank": node.unit.rank,
            "path": node.path,
            "depth": node.depth,
        }
        for node in nodes
    ]
    if out.format is not OutputFormat.table:
        columns = [Col(key, key) for key in ("id", "name", "kind", "parent_id", "rank", "path")]
        render(Listing(columns, rows), out.format, out)
        return
    if not nodes:
        say("No units yet; add the city with `zs unit add 全市 --kind city`.")
        return
    from rich.tree import Tree

    trees: dict[int | None, Tree] = {}
    roots = []
    for node in nodes:
        unit = node.unit
        label = (
            f"{unit.name}  [dim]{UNIT_KINDS[unit.kind]}"
            + (f" · {unit.rank}" if unit.rank else "")
            + f" · #{unit.id}[/]"
        )
        if unit.parent_id is None:
            trees[unit.id] = Tree(label)
            roots.append(trees[unit.id])
        else:
            trees[unit.id] = trees[unit.parent_id].add(label)
    out = console()
    for root in roots:
        out.print(root)


def register(app: typer.Typer) -> None:
    app.add_typer(unit_app, name="unit")
