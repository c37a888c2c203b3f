"""Generated, clearly fictional demo data (``watchlist demo``).

A few hundred persons and organisations composed at random from the small name-part lists in
``service.demo_names``: multi-script names with transliteration variants and low-quality aliases,
birth dates of every precision and ranges, nationalities, documents with obviously fake numbers,
and every listing field. Nothing is copied from a real list. Each entry carries
``source="demo"``, a ``DEMO-`` decision reference and a ``DEMO`` legal instrument, so a demo
record cannot be mistaken for a real one.

Entries are written through the entries service (nominate, then approve by a second principal,
then suspend or delist for some), so versions, audit events and the screening change feed are
exactly those the API would produce. Everything happens in one transaction: either the whole
demo set is loaded or nothing is.
"""

from __future__ import annotations

import dataclasses
import random
import uuid
from typing import Any

from anyascii import anyascii
from sqlalchemy import select
from sqlalchemy.orm import Session

from service.auth.principal import Principal
from service.auth.roles import Role, scopes_for
from service.config import Settings
from service.demo_names import (
    BIRTH_PLACES,
    CULTURE_WEIGHTS,
    CULTURES,
    ORGANISATION_PHRASES,
    ORGANISATION_TYPES,
    RUSSIAN_DIMINUTIVES,
    RUSSIAN_PATRONYMICS,
    Culture,
    Part,
)
from service.entries import service as entries
from service.entries.schemas import EntryCreate
from service.logging import get_logger
from service.models.entry import Entry

DEMO_SOURCE = "demo"
DEMO_AGENCIES = ("police", "customs", "intel-service", "border-guard")
DEMO_NOMINATOR = "demo-loader-nominator"
DEMO_REVIEWER = "demo-loader-reviewer"
LEGAL_BASIS = {"instrument": "Counter-Terrorism (Demonstration) Act 2019 [DEMO]",
               "article": "s. 12(1)(b)"}
LISTING_STANDARD = "reasonable suspicion (Counter-Terrorism (Demonstration) Act 2019 s. 12) [DEMO]"
ORGANISATION_SHARE = 0.12
# Final status mix: most active, some pending review, suspended or delisted.
STATUS_WEIGHTS = {"active": 72, "pending_review": 12, "suspended": 8, "delisted": 8}

log = get_logger("watchlist.demo")


def demo_data_present(session: Session) -> bool:
    return session.execute(
        select(Entry.id).where(Entry.source == DEMO_SOURCE).limit(1)
    ).first() is not None


def load_demo_data(settings: Settings, *, count: int = 300, seed: int = 2396) -> int:
    """Create ``count`` fictional entries; return how many (0 when demo data is already present).

    The same ``seed`` gives the same people, names and listing texts (ids and times differ).
    """
    from service.app import create_app

    # The app's container carries what features installed (e.g. the policy pack's entry rules),
    # so demo entries get the same review dates and checks as entries made through the API.
    container = create_app(settings).state.container
    rng = random.Random(seed)
    try:
        with container.session_factory() as session, session.begin():
            if demo_data_present(session):
                return 0
            created = _load(session, container, rng, count)
        log.info("demo_data_loaded", entries=created, seed=seed)
        return created
    finally:
        container.close()


def _principal(sub: str, agency: str, role: Role) -> Principal:
    return Principal(sub=sub, agency=agency, roles=(role,), scopes=scopes_for([role]))


DEMO_DUPLICATE_RESOLUTION = ("demo: every generated person is a different fictional person, "
                             "whatever the likeness of their names")


def _context(container: Any, principal: Principal, request_id: str) -> entries.Context:
    values: dict[str, Any] = {"principal": principal, "request_id": request_id,
                              "review_agency": container.settings.review_agency,
                              "purpose": "demo data load"}
    if "rules" in {field.name for field in dataclasses.fields(entries.Context)}:
        values["rules"] = container.extensions.get("entry_rules")
    return entries.Context(**values)


def _load(session: Session, container: Any, rng: random.Random, count: int) -> int:
    request_id = f"demo-load-{uuid.uuid4().hex[:12]}"
    reviewer = _context(container, _principal(DEMO_REVIEWER, container.settings.review_agency,
                                              Role.reviewer), request_id)
    nominators = {agency: _context(container, _principal(DEMO_NOMINATOR, agency, Role.operator),
                                   request_id)
                  for agency in DEMO_AGENCIES}
    statuses = rng.choices(list(STATUS_WEIGHTS), weights=list(STATUS_WEIGHTS.values()), k=count)
    for number, status in enumerate(statuses, start=1):
        agency = rng.choice(DEMO_AGENCIES)
        body = (organisation_body(rng, number, agency) if rng.random() < ORGANISATION_SHARE
                else person_body(rng, number, agency))
        entry = entries.nominate(session, nominators[agency], EntryCreate.model_validate(body))
        if status == "pending_review":
            continue
        # LB-adequacy-gate: two generated persons may come out alike; they are different
        # people by construction, and the demo reviewer says so (used only if one is found).
        entries.approve(session, reviewer, entry.id, "demo: minimum criteria met (second review)",
                        duplicate_resolution=DEMO_DUPLICATE_RESOLUTION)
        if status == "suspended":
            entries.suspend(session, reviewer, entry.id, "demo: suspended pending new information")
        elif status == "delisted":
            entries.delist(session, reviewer, entry.id, "demo: criteria no longer met")
        # Everything is flushed; dropping it from the identity map keeps each later flush cheap
        # (the transaction stays open, so the load is still all-or-nothing).
        session.flush()
        session.expunge_all()
    return count


# --- Identities -------------------------------------------------------------------------------


def _name(kind: str, full_name: str, *, quality: str = "good", script: str | None = None,
          language: str | None = None) -> dict[str, Any]:
    name: dict[str, Any] = {"full_name": full_name, "name_type": kind, "quality": quality}
    if script:
        name["script"] = script
    if language:
        name["language"] = language
    return name


def _join(culture: Culture, given: str, family: str, middle: str | None = None) -> str:
    if culture.family_first:
        return f"{family} {given}"
    return " ".join(part for part in (given, middle, family) if part)


def _native_join(culture: Culture, given: Part, family: Part, middle: Part | None) -> str:
    if culture.family_first:
        return family.native + given.native  # Chinese and Korean write the name without a space
    return " ".join(p.native for p in (given, middle, family) if p is not None)


def person_names(rng: random.Random, culture: Culture, gender: str) -> list[dict[str, Any]]:
    """Primary Latin name, original-script form, transliteration variants and weak aliases."""
    given = rng.choice(culture.male if gender == "male" else culture.female)
    male_family, female_family = rng.choice(culture.family)
    family = male_family if gender == "male" else female_family
    middle: Part | None = None
    if culture.key == "arabic" and rng.random() < 0.7:
        middle = rng.choice(culture.male)  # father's name
    elif culture.key == "cyrillic":
        father = rng.choice(culture.male)
        middle = RUSSIAN_PATRONYMICS[father.native][0 if gender == "male" else 1]

    primary = _join(culture, given.latin[0], family.latin[0], middle.latin[0] if middle else None)
    names = [_name("primary", primary)]
    if culture.script != "Latin":
        names.append(_name("original_script", _native_join(culture, given, family, middle),
                           script=culture.script, language=culture.language))
    else:
        # The diacritic spelling is the original; the primary record keeps it too.
        names[0]["full_name"] = _join(culture, given.native, family.native)
        names.append(_name("alias", anyascii(names[0]["full_name"])))

    # Transliteration variants a border system will meet.
    variant_given = rng.choice(given.latin)
    variant_family = rng.choice(family.latin)
    variant = _join(culture, variant_given, variant_family)
    if variant not in {name["full_name"] for name in names}:
        names.append(_name("alias", variant))
    if culture.family_first and rng.random() < 0.5:
        names.append(_name("alias", f"{given.latin[0]} {family.latin[0]}"))  # Western order

    # Low-quality aliases: kunya, diminutive, or a single name.
    roll = rng.random()
    if culture.key == "arabic" and roll < 0.5:
        son = rng.choice(culture.male)
        names.append(_name("weak_alias", f"Abu {son.latin[0]}", quality="low"))
        names.append(_name("weak_alias", f"أبو {son.native}", quality="low", script="Arabic",
                           language="ar"))
    elif culture.key == "cyrillic" and roll < 0.5 and given.latin[0] in RUSSIAN_DIMINUTIVES:
        names.append(_name("weak_alias", RUSSIAN_DIMINUTIVES[given.latin[0]], quality="low"))
    elif roll < 0.25:
        names.append(_name("weak_alias", given.latin[-1], quality="low"))
    married = culture.key in ("cyrillic", "greek", "central")
    if gender == "female" and married and rng.random() < 0.2:
        other = rng.choice(culture.family)[1]
        names.append(_name("birth_name", _join(culture, given.latin[0], other.latin[0])))
    return names


def birth_dates(rng: random.Random) -> list[dict[str, str]]:
    """One birth date of varying precision; sometimes a range or a second, conflicting date."""
    year = rng.randint(1950, 2002)  # adults only: entries on minors need senior review (CH-minor)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    roll = rng.random()
    if roll < 0.55:
        dates = [{"date": f"{year:04d}-{month:02d}-{day:02d}"}]
    elif roll < 0.75:
        dates = [{"date": f"{year:04d}-{month:02d}"}]
    elif roll < 0.9:
        dates = [{"date": f"{year:04d}"}]
    else:
        dates = [{"date": f"{year:04d}", "date_to": f"{min(year + rng.randint(1, 4), 2003):04d}"}]
    if rng.random() < 0.1:
        dates.append({"date": f"{year + rng.choice((-1, 1)):04d}-{month:02d}-{day:02d}"})
    return dates


def documents(rng: random.Random, nationalities: list[str]) -> list[dict[str, str]]:
    """Documents whose numbers are obviously fake (they all start with DEMO)."""
    found = []
    for country in nationalities:
        if rng.random() < 0.8:
            found.append({"type": "passport", "number": f"DEMO{rng.randint(0, 9_999_999):07d}",
                          "issuing_country": country})
        if rng.random() < 0.35:
            found.append({"type": "national_id",
                          "number": f"DEMO-ID-{rng.randint(0, 999_999):06d}",
                          "issuing_country": country})
    return found


def _nationalities(rng: random.Random, culture: Culture) -> list[str]:
    first = rng.choice(culture.countries)
    if rng.random() < 0.15:
        second = rng.choice([c for cultures in CULTURES for c in cultures.countries])
        return list(dict.fromkeys([first, second]))
    return [first]


# --- Listing ----------------------------------------------------------------------------------

_FACTS = (
    "Financial records show {n} transfers to an organisation under investigation between {y} "
    "and {y2}.",
    "Travel records show {n} trips to a conflict area without a declared purpose in {y}.",
    "Seized messages show the subject arranged lodging for {n} persons travelling to join an "
    "armed group in {y}.",
    "The subject was filmed handling materials used to build explosive devices in {y}.",
)
_CONVICTION = "Judgment DEMO-CJ-{y}-{n:04d} convicted the subject of preparing a terrorist offence."
_ASSOCIATE = ("The subject repeatedly carried sealed packages between a listed person and "
              "unknown recipients in {y}.")
_VICTIM = ("The subject reported being coerced by a listed group in {y}; the listing protects "
           "them from further recruitment attempts.")
_ASSESSMENTS = (
    "Analysts assess that the subject acts as a recruiter for a proscribed group.",
    "Analysts assess that the subject intends to travel to join an armed group.",
    "Analysts assess a facilitation role in moving funds for a proscribed group.",
)
_HOLDING_BODIES = ("Demo National Intelligence Service", "Demo Financial Intelligence Unit",
                   "Demo Police Analysis Unit")


def _items(rng: random.Random, category: str, number: int) -> list[dict[str, Any]]:
    year = rng.randint(2018, 2025)
    values = {"n": rng.randint(2, 9), "y": year, "y2": min(year + 1, 2025)}
    if category == "CONVICTED":
        text = _CONVICTION.format(y=year, n=number)
    elif category == "OTHER_PARTY":
        text = _ASSOCIATE.format(**values)
    elif category == "VICTIM":
        text = _VICTIM.format(**values)
    else:
        text = rng.choice(_FACTS).format(**values)
    items = [{"kind": "fact", "text": text, "conduct_based": True,
              "source_ref": f"DEMO-SRC-{year}-{number:04d}",
              "source_reliability": rng.choice("ABC"),
              "information_credibility": rng.choice("123")}]
    if category in ("SUSPECT", "CONVICTED") or rng.random() < 0.3:
        items.append({"kind": "assessment", "text": rng.choice(_ASSESSMENTS),
                      "conduct_based": category != "VICTIM",
                      "source_ref": f"DEMO-ANALYSIS-{number:04d}",
                      "holding_body": rng.choice(_HOLDING_BODIES),
                      "source_reliability": rng.choice("BCDF"),
                      "information_credibility": rng.choice("2346")})
    return items


def _listing(rng: random.Random, number: int, agency: str, category: str) -> dict[str, Any]:
    items = _items(rng, category, number)
    if category == "OTHER_PARTY":
        action = rng.choice(("log_only", "discreet_check"))
    elif category == "VICTIM":
        action = "log_only"
    else:
        action = rng.choice(("refer_secondary_inspection", "specific_check", "contact_originator",
                             "discreet_check"))
    flags = rng.sample(["armed", "violent", "absconded", "terrorism_activity"], k=rng.randint(0, 2))
    if category in ("SUSPECT", "CONVICTED") and "terrorism_activity" not in flags:
        flags.append("terrorism_activity")
    others = [a for a in DEMO_AGENCIES if a != agency]
    return {
        "legal_basis": LEGAL_BASIS,
        "decision_ref": f"DEMO-{agency.upper()}-{rng.randint(2019, 2025)}-{number:04d}",
        "listing_standard": LISTING_STANDARD,
        "articulable_facts": "[DEMO, fictional] " + " ".join(item["text"] for item in items),
        "data_subject_category": category,
        "derogatory_items": items,
        "originating_agency": agency,
        "action_on_hit": action,
        "handling_code": rng.choice(("H1", "H2", "H3", "H4")),
        "contact_point": f"DEMO duty desk of {agency}, +00 0000 {number:04d}",
        "warning_flags": flags if category not in ("VICTIM", "OTHER_PARTY") else [],
        "shared_with": rng.sample(others, k=rng.randint(0, len(others))),
        "source": DEMO_SOURCE,
        "source_ref": f"DEMO-{number:05d}",
        "adequacy_attested": True,  # LB-adequacy-gate: the demo nominator attests
    }


def person_body(rng: random.Random, number: int, agency: str) -> dict[str, Any]:
    """A nomination of a fictional person."""
    culture = rng.choices(CULTURES, weights=CULTURE_WEIGHTS, k=1)[0]
    gender = "male" if rng.random() < 0.75 else "female"
    nationalities = _nationalities(rng, culture)
    category = rng.choices(("SUSPECT", "CONVICTED", "OTHER_PARTY", "VICTIM"),
                           weights=(60, 20, 15, 5), k=1)[0]
    return {
        "kind": "person",
        "names": person_names(rng, culture, gender),
        "birth_dates": birth_dates(rng),
        "birth_places": [rng.choice(BIRTH_PLACES)] if rng.random() < 0.6 else [],
        "gender": gender,
        "nationalities": nationalities,
        "documents": documents(rng, nationalities),
        **_listing(rng, number, agency, category),
    }


def organisation_body(rng: random.Random, number: int, agency: str) -> dict[str, Any]:
    """A nomination of a fictional organisation, with Arabic and Russian name forms."""
    english, arabic, russian = rng.choice(ORGANISATION_PHRASES)
    kind_en, kind_ar, kind_ru = rng.choice(ORGANISATION_TYPES)
    primary = f"{english} {kind_en}"
    names = [_name("primary", primary)]
    script_roll = rng.random()
    if script_roll < 0.5:
        names.append(_name("original_script", f"{kind_ar} {arabic}", script="Arabic",
                           language="ar"))
    elif script_roll < 0.8:
        names.append(_name("original_script", f"{kind_ru} «{russian}»", script="Cyrillic",
                           language="ru"))
    if " " in kind_en:
        names.append(_name("alias", f"{english} {kind_en.split()[0]}"))
    acronym = "".join(word[0] for word in primary.split())
    names.append(_name("weak_alias", acronym, quality="low"))
    country = rng.choice([c for culture in CULTURES for c in culture.countries])
    body = {
        "kind": "organisation",
        "names": names,
        "nationalities": [country],
        "documents": ([{"type": "other", "number": f"DEMO-REG-{rng.randint(0, 99_999):05d}",
                        "issuing_country": country}] if rng.random() < 0.4 else []),
        **_listing(rng, number, agency, "SUSPECT"),
    }
    return body
