"""Finding a project by its code (the ORM object, for commands that change it), the words
that name a stage or an origin, and the occasions (签约活动) projects were signed at."""

from sqlmodel import Session, select

from zhaoshang_cli.core.glossary import ORIGIN, STAGE
from zhaoshang_cli.projects.facts import check_occasions as check_occasions
from zhaoshang_cli.projects.facts import no_project
from zhaoshang_cli.store.models import Project


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
