"""Queries for entries. What a caller may not see does not exist for them (404, never 403)."""

from __future__ import annotations

from sqlalchemy import Select, exists, or_, select
from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.errors import NotFound
from service.models.entry import Entry, EntryShare, EntryVersion


def readable(principal: Principal, review_agency: str) -> Select[tuple[Entry]]:
    """Entries of the caller's agency, those shared with it, and all of them for the fusion cell."""
    statement = select(Entry)
    if principal.agency == review_agency:
        return statement
    shared = exists().where(EntryShare.entry_id == Entry.id, EntryShare.agency == principal.agency)
    return statement.where(or_(Entry.originating_agency == principal.agency, shared))


def get_readable(session: Session, principal: Principal, review_agency: str, entry_id: str,
                 *, for_update: bool = False) -> Entry:
    statement = readable(principal, review_agency).where(Entry.id == entry_id)
    if for_update:
        statement = statement.with_for_update()
    entry = session.execute(statement).scalar_one_or_none()
    if entry is None:
        raise NotFound("no entry with this id is visible to you")
    return entry


def versions(session: Session, entry_id: str) -> list[EntryVersion]:
    return list(
        session.execute(
            select(EntryVersion).where(EntryVersion.entry_id == entry_id).order_by(EntryVersion.version)
        ).scalars()
    )
