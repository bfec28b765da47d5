"""zs unit add / list / rename / move / remove."""

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
from zhaoshang_cli.core.glossary import UNIT_KIND
from zhaoshang_cli.core.i18n import _

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
    """Add a unit under its parent; the first unit (the city, or your county) is the top."""
    from zhaoshang_cli.units.tree import add_unit

    with writing(db, operator) as session:
        unit = add_unit(session, name, kind, parent, rank)
    say(
        _("Added {kind} {name} (id {id}).").format(
            kind=UNIT_KIND.shown(unit.kind), name=unit.name, id=unit.id
        )
    )


@unit_app.command("list")
def unit_list(
    db: DbOption = None,
    output_format: FormatOption = OutputFormat.table,
    output: OutputFileOption = None,
    bom: BomOption = False,
) -> None:
    """The unit tree; --format json or csv gives one row per unit with its path."""
    from zhaoshang_cli.units.tree import unit_tree

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
        say(_("No units yet; add the city with `zs unit add 全市 --kind city`."))
        return
    from rich.text import Text
    from rich.tree import Tree

    trees: dict[int | None, Tree] = {}
    roots = []
    for node in nodes:
        unit = node.unit
        label = Text(unit.name) + Text(
            f"  {UNIT_KIND.shown(unit.kind)}"
            + (f" · {unit.rank}" if unit.rank else "")
            + f" · #{unit.id}",
            style="dim",
        )
        if unit.parent_id is None:
            trees[unit.id] = Tree(label)
            roots.append(trees[unit.id])
        else:
            trees[unit.id] = trees[unit.parent_id].add(label)
    out = console()
    for root in roots:
        out.print(root)


@unit_app.command("rename")
def unit_rename(
    name: Annotated[str, typer.Argument(help="The unit's name (or path 甲县/城关镇).")],
    new_name: Annotated[str, typer.Argument(help="Its new name.")],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Give a unit a new name; its projects, targets and history stay with it."""
    from zhaoshang_cli.units.changes import rename_unit

    with writing(db, operator) as session:
        unit = rename_unit(session, name, new_name)
    say(_("Renamed {old} to {new} (id {id}).").format(old=name, new=unit.name, id=unit.id))


@unit_app.command("move")
def unit_move(
    name: Annotated[str, typer.Argument(help="The unit's name (or path 甲县/城关镇).")],
    parent: Annotated[
        str | None, typer.Option(help="The new parent's name (or path); default: where it is.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            help=f"Its kind, if it was entered wrong: {UNIT_KIND.both()}.",
            autocompletion=UNIT_KIND.complete,
        ),
    ] = None,
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Put a unit (and everything under it) under another parent, or correct its kind.

    Reports follow the tree as it is: the unit's figures, past ones too, count under its new
    parent. A move that breaks the kind order or makes a loop is refused."""
    from zhaoshang_cli.units.changes import move_unit
    from zhaoshang_cli.units.tree import path_of

    with writing(db, operator) as session:
        unit = move_unit(session, name, parent, kind)
        path = "/".join(path_of(session, unit))
    say(
        _("Moved {name}: now {kind} {path} (id {id}).").format(
            name=name, kind=UNIT_KIND.shown(unit.kind), path=path, id=unit.id
        )
    )


@unit_app.command("remove")
def unit_remove(
    name: Annotated[str, typer.Argument(help="The unit's name (or path 甲县/城关镇).")],
    db: DbOption = None,
    operator: OperatorOption = None,
) -> None:
    """Remove a unit entered by mistake: only one with no units under it, no projects, no
    targets and no effort records."""
    from zhaoshang_cli.units.changes import remove_unit

    with writing(db, operator) as session:
        unit = remove_unit(session, name)
    say(
        _("Removed {kind} {name} (id {id}).").format(
            kind=UNIT_KIND.shown(unit.kind), name=unit.name, id=unit.id
        )
    )


def register(app: typer.Typer) -> None:
    app.add_typer(unit_app, name="unit")
