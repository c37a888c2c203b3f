"""Queries for entries. What a caller may not see does not exist for them (404, never 403).

Seeing is not changing: an agency an entry is shared with may read it but not amend it or decide
on it. Such a reader already knows the entry exists, so it gets a 403 that says why.
"""

from __future__ import annotations

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.errors import Forbidden, NotFound
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


def get_writable(session: Session, principal: Principal, review_agency: str, entry_id: str,
                 *, lifecycle: bool) -> Entry:
    """The entry, locked, if the caller's agency may change it.

    Only the originating agency amends its entries: it owns their accuracy (DQ-owner-accuracy).
    Lifecycle decisions (approve, reject, suspend, reinstate, delist) may also come from the
    fusion cell's review agency, which holds the second review (LB-second-review).
    """
    entry = get_readable(session, principal, review_agency, entry_id, for_update=True)
    if entry.originating_agency == principal.agency:
        return entry
    if lifecycle and principal.agency == review_agency:
        return entry
    who = "its originating agency or the review agency" if lifecycle else "its originating agency"
    raise Forbidden(
        f"this entry is shared with your agency for reading only: only {who} may "
        f"{'decide on' if lifecycle else 'amend'} it (DQ-owner-accuracy)",
        details=[{"loc": ["path", "entry_id"], "msg": f"writable by {who}",
                  "rule": "DQ-owner-accuracy"}],
    )


def versions(session: Session, entry_id: str) -> list[EntryVersion]:
    return list(
        session.execute(
            select(EntryVersion)
            .where(EntryVersion.entry_id == entry_id)
            .order_by(EntryVersion.version)
        ).scalars()
    )


def editors_since_approval(session: Session, entry_id: str) -> set[str]:
    """Who amended the entry since a reviewer last approved it (or since its nomination)."""
    last_approval = (
        select(func.coalesce(func.max(EntryVersion.version), 0))
        .where(EntryVersion.entry_id == entry_id, EntryVersion.change == "approve")
        .scalar_subquery()
    )
    return set(
        session.execute(
            select(EntryVersion.actor_sub).where(
                EntryVersion.entry_id == entry_id,
                EntryVersion.change == "updated",
                EntryVersion.version > last_approval,
            )
        ).scalars()
    )


def last_reviewed_version(session: Session, entry_id: str) -> EntryVersion | None:
    """The latest version in which the entry stood as reviewed (active or suspended)."""
    for version in reversed(versions(session, entry_id)):
        if version.snapshot.get("status") in ("active", "suspended"):
            return version
    return None
