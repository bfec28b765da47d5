"""Finding a project by its code (the ORM object, for commands that change it), the words
that name a stage or an origin, and the occasions (签约活动) projects were signed at."""

import sqlalchemy
from sqlmodel import Session, select

from zhaoshang_cli.core.errors import NotFound
from zhaoshang_cli.core.glossary import ORIGIN, STAGE
from zhaoshang_cli.core.i18n import _
from zhaoshang_cli.projects.facts import no_project
from zhaoshang_cli.store.models import Project
from zhaoshang_cli.store.tables import PROJECT


def check_stage(stage: str) -> str:
    """The stage's code, from lead/线索, started/开工 …"""
    return STAGE.parse(stage)


def check_origin(origin: str | None) -> str | None:
    return None if origin is None else ORIGIN.parse(origin)


def find_project(session: Session, code: str) -> Project:
    project = session.exec(select(Project).where(Project.code == code.strip())).first()
    if project is None:
        raise no_project(code, session)
    return project


def check_occasions(session: Session, occasions: list[str]) -> list[str]:
    """The occasions named, each one at which some project was signed: a typo is refused, not
    answered with a cohort of nobody."""
    names = list(dict.fromkeys(o.strip() for o in occasions))
    query = sqlalchemy.select(PROJECT.c.occasion).where(PROJECT.c.occasion.in_(names))
    known = set(session.connection().execute(query).scalars())
    for name in names:
        if name not in known:
            raise NotFound(_("No project was signed at the occasion {name!r}.").format(name=name))
    return names
