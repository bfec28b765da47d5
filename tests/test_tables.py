"""The Core clauses `zs arrive` writes through (``tables``) are derived from the models, and are
the ledger's own tables."""

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from gen_tables import render
from sqlalchemy.dialects import postgresql, sqlite

from zhaoshang_cli.store import tables
from zhaoshang_cli.store.models import SQLModel

pytestmark = pytest.mark.one_backend  # compiles for both dialects itself

MOMENT = datetime(2026, 4, 30, 23, 59, 59, 123456, tzinfo=timezone(timedelta(hours=8)))
SAMPLES = {
    "DATETIME": [MOMENT],
    "TIMESTAMP WITH TIME ZONE": [MOMENT],
    "DATE": [date(2026, 4, 30)],
}
CLAUSES = [getattr(tables, name.upper()) for name in SQLModel.metadata.tables]


@pytest.mark.parametrize("clause", CLAUSES, ids=lambda clause: clause.name)
@pytest.mark.parametrize("dialect", [sqlite.dialect(), postgresql.dialect()], ids=["sqlite", "pg"])
def test_every_column_is_the_models_with_its_type(clause, dialect) -> None:  # type: ignore[no-untyped-def]
    model = SQLModel.metadata.tables[clause.name]
    for column in clause.c:
        assert column.name in model.c, f"{clause.name}.{column.name} is not in the schema"
        ours, theirs = column.type.compile(dialect), model.c[column.name].type.compile(dialect)
        assert ours == theirs, f"{clause.name}.{column.name}: {ours} here, {theirs} in models"
        for value in SAMPLES.get(ours, []):  # and a value is bound alike
            processors = [
                kind.dialect_impl(dialect).bind_processor(dialect)
                for kind in (column.type, model.c[column.name].type)
            ]
            bound = [process(value) if process else value for process in processors]
            assert bound[0] == bound[1], f"{clause.name}.{column.name} binds {value!r} otherwise"


def test_the_clauses_are_derived_from_the_models_as_they_stand() -> None:
    """A column added to a model reaches the Core clauses by `python tools/gen_tables.py`;
    a file left behind (or edited by hand) fails here."""
    assert Path(tables.__file__).read_text(encoding="utf-8") == render()


def test_every_column_of_the_models_is_in_the_clauses() -> None:
    """Else `zs arrive` would leave a new column of the arrival or its audit entry empty."""
    for clause in CLAUSES:
        model = SQLModel.metadata.tables[clause.name]
        assert {column.name for column in clause.c} == {column.name for column in model.c}
