"""Evidence beyond names: birth dates, nationality, gender and identity documents.

Every feature is a pure function ``(query values, candidate values) -> FeatureResult``. A
result carries an additive ``adjustment`` to the name score (dates, nationality, gender) or a
``lift`` that pulls the score towards 1 (documents), plus a sentence a reviewer can read.

The sentences describe relations ("birth years differ by 3"), never the values themselves, so an
explanation copied into a log or a ticket does not disclose a birth date or a document number.

Only these four kinds of evidence exist. There is deliberately no feature for religion,
ethnicity or any other protected attribute (LB-no-protected-ground): the record parser reads a
fixed set of keys and ignores everything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

__all__ = [
    "BirthDate",
    "Document",
    "FeatureResult",
    "compare_birth_dates",
    "compare_documents",
    "compare_gender",
    "compare_nationalities",
    "normalise_country",
    "normalise_document_number",
    "normalise_gender",
    "parse_birth_date",
    "parse_document",
]

# Additive adjustments to the name score. Kept small next to the name score because list data
# is often wrong (estimated years, swapped day and month) and a real match must survive that;
# a clear disagreement still pushes a borderline name match below the threshold.
DOB_EXACT_DAY = 0.08
DOB_SAME_MONTH = 0.05
DOB_SAME_YEAR = 0.03
DOB_RANGE_OVERLAP = 0.02
DOB_DAY_MONTH_SWAP = 0.03
DOB_YEAR_OFF_BY_ONE = 0.0
DOB_SAME_YEAR_OTHER_DAY = -0.08
DOB_YEARS_DISJOINT = -0.15
DOB_YEARS_FAR_APART = -0.25
FAR_APART_YEARS = 5

NATIONALITY_SHARED = 0.03
NATIONALITY_DISJOINT = -0.05

GENDER_MISMATCH = -0.15

# Lifts: the share of the distance to 1.0 that a document agreement closes.
DOCUMENT_EXACT_LIFT = 0.7
DOCUMENT_COUNTRY_CONFLICT_LIFT = 0.4
DOCUMENT_NEAR_LIFT = 0.15
MIN_DOCUMENT_LENGTH = 4
MIN_NEAR_DOCUMENT_LENGTH = 6


@dataclass(frozen=True, slots=True)
class FeatureResult:
    """The outcome of one evidence feature for one pair of records."""

    feature: str
    outcome: str  # agree | near | disagree | unknown
    adjustment: float = 0.0
    lift: float = 0.0
    detail: str = ""


# --- birth dates -------------------------------------------------------------------------------

_DATE_RE = re.compile(r"^\s*(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?\s*$")


@dataclass(frozen=True, slots=True)
class BirthDate:
    """A birth date with its precision: ``day``, ``month``, ``year`` or ``range`` (of years)."""

    first_year: int
    last_year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> str:
        if self.first_year != self.last_year:
            return "range"
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "year"


def parse_birth_date(value: str) -> BirthDate | None:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` or a range ``YYYY/YYYY`` (also of full dates).

    Returns None for anything else; the caller treats it as missing, never as a disagreement.

    >>> parse_birth_date("1970-03").precision
    'month'
    >>> parse_birth_date("1970/1975").precision
    'range'
    """
    if not isinstance(value, str):
        return None
    if "/" in value:
        start, _, end = value.partition("/")
        first, last = parse_birth_date(start), parse_birth_date(end)
        if first is None or last is None:
            return None
        low, high = sorted((first.first_year, last.last_year))
        if low == high:
            return first if first.precision != "year" else BirthDate(low, low)
        return BirthDate(low, high)
    match = _DATE_RE.match(value)
    if match is None:
        return None
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month or 1, day)
        except ValueError:
            return None
    return BirthDate(year, year, month, day)


def _year_gap(a: BirthDate, b: BirthDate) -> int:
    """Years between two year intervals; 0 when they overlap."""
    if a.last_year < b.first_year:
        return b.first_year - a.last_year
    if b.last_year < a.first_year:
        return a.first_year - b.last_year
    return 0


def _dob(outcome: str, adjustment: float, detail: str) -> FeatureResult:
    return FeatureResult("birth_date", outcome, adjustment=adjustment, detail=detail)


def _compare_one_birth_date(a: BirthDate, b: BirthDate) -> FeatureResult:
    gap = _year_gap(a, b)
    if gap >= FAR_APART_YEARS:
        return _dob("disagree", DOB_YEARS_FAR_APART,
                             f"birth years differ by {gap} years")
    if gap >= 2:
        return _dob("disagree", DOB_YEARS_DISJOINT,
                             f"birth years differ by {gap} years")
    if gap == 1:
        return _dob("near", DOB_YEAR_OFF_BY_ONE,
                             "birth years differ by 1 year (within tolerance)")
    if "range" in (a.precision, b.precision):
        return _dob("agree", DOB_RANGE_OVERLAP,
                             "birth year falls within the listed range of years")
    if a.month is None or b.month is None:
        return _dob("agree", DOB_SAME_YEAR, "birth years agree")
    if a.day is not None and b.day is not None:
        if (a.month, a.day) == (b.month, b.day):
            return _dob("agree", DOB_EXACT_DAY,
                                 "birth dates agree to the day")
        if (a.month, a.day) == (b.day, b.month):
            return _dob("near", DOB_DAY_MONTH_SWAP,
                                 "birth dates agree with day and month swapped")
        if a.month == b.month:
            return _dob("near", 0.0,
                                 "birth year and month agree, the day differs")
        return _dob("disagree", DOB_SAME_YEAR_OTHER_DAY,
                             "birth years agree, month and day differ")
    if a.month == b.month:
        return _dob("agree", DOB_SAME_MONTH,
                             "birth year and month agree")
    if a.day is not None and a.day == b.month or b.day is not None and b.day == a.month:
        return _dob("near", 0.0,
                             "birth years agree, month may be swapped with the day")
    return _dob("disagree", DOB_SAME_YEAR_OTHER_DAY,
                         "birth years agree, the months differ")


def compare_birth_dates(
    query: Iterable[BirthDate], candidate: Iterable[BirthDate]
) -> FeatureResult:
    """Compare every listed birth date on each side and keep the most favourable pair.

    Lists often carry several possible birth dates for one person; any of them may be right, so
    a disagreement counts only when no pair agrees. Year ±1 is tolerated (neutral), a day/month
    swap counts as a near agreement, years two or more apart lower the score.
    """
    query, candidate = list(query), list(candidate)
    if not query or not candidate:
        return _dob("unknown", 0.0, "no birth date on one side: not compared")
    best: FeatureResult | None = None
    for a in query:
        for b in candidate:
            result = _compare_one_birth_date(a, b)
            if best is None or result.adjustment > best.adjustment:
                best = result
    assert best is not None
    return best


# --- nationality and gender --------------------------------------------------------------------


def normalise_country(value: object) -> str | None:
    """Normalise a country code for comparison: ISO 3166 alpha-2 upper case.

    Longer values (a country name) are kept casefolded so two equal names still agree.
    """
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    return text.upper() if len(text) == 2 else text.casefold()


def compare_nationalities(query: Iterable[str], candidate: Iterable[str]) -> FeatureResult:
    """Shared nationality is weak support; none shared is weak counter-evidence.

    Weak both ways: people hold several nationalities, change them, and lists record them
    unevenly.
    """
    q, c = set(query), set(candidate)
    if not q or not c:
        return _nationality("unknown", 0.0, "no nationality on one side: not compared")
    shared = q & c
    if shared:
        return _nationality("agree", NATIONALITY_SHARED,
                            f"nationality agrees ({', '.join(sorted(shared))})")
    return _nationality("disagree", NATIONALITY_DISJOINT, "no nationality in common")


def _nationality(outcome: str, adjustment: float, detail: str) -> FeatureResult:
    return FeatureResult("nationality", outcome, adjustment=adjustment, detail=detail)


_GENDERS = {"m": "male", "male": "male", "man": "male", "f": "female", "female": "female",
            "woman": "female"}


def normalise_gender(value: object) -> str | None:
    """``male``/``female`` or None; any other value is treated as unknown, never a mismatch."""
    if not isinstance(value, str):
        return None
    return _GENDERS.get(value.strip().casefold())


def compare_gender(query: str | None, candidate: str | None) -> FeatureResult:
    """A recorded gender that differs lowers the score; agreement adds nothing (too common)."""
    if query is None or candidate is None:
        return FeatureResult("gender", "unknown",
                             detail="gender missing on one side: not compared")
    if query == candidate:
        return FeatureResult("gender", "agree", detail="gender agrees")
    return FeatureResult("gender", "disagree", adjustment=GENDER_MISMATCH,
                         detail="gender differs")


# --- identity documents ------------------------------------------------------------------------

# Capitals of other scripts that look like Latin ones: a number copied from a Cyrillic or Greek
# document must compare equal to its Latin rendering.
_HOMOGLYPHS = str.maketrans({
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "І": "I", "Ј": "J", "Ѕ": "S",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
})
# Letters that are misread as digits when numbers are typed from a scan: fold them together so
# "AB0123" and "ABO123" are the same document.
_DIGIT_LOOKALIKES = str.maketrans({"O": "0", "I": "1"})
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")


def normalise_document_number(number: object) -> str | None:
    """Canonical form of a document number: no spaces or punctuation, upper case, homoglyphs
    folded (Cyrillic/Greek capitals to Latin, O to 0, I to 1). None when too short to mean much.

    >>> normalise_document_number(" ab-O12 345 ")
    'AB012345'
    """
    if not isinstance(number, str):
        return None
    text = unicodedata.normalize("NFKC", number).upper().translate(_HOMOGLYPHS)
    text = _NOT_ALNUM.sub("", text).translate(_DIGIT_LOOKALIKES)
    return text if len(text) >= MIN_DOCUMENT_LENGTH else None


@dataclass(frozen=True, slots=True)
class Document:
    """A normalised identity document: number, issuing country (may be None), type label."""

    number: str
    country: str | None = None
    type: str | None = None


def parse_document(value: Mapping | object) -> Document | None:
    """Read ``{number, country?, type?}``; returns None when there is no usable number."""
    if not isinstance(value, Mapping):
        return None
    number = normalise_document_number(value.get("number"))
    if number is None:
        return None
    kind = value.get("type")
    kind = kind.strip().casefold() or None if isinstance(kind, str) else None
    return Document(number, normalise_country(value.get("country")), kind)


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one substitution, insertion, deletion or adjacent swap turns a into b."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        return (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def _describe(doc: Document) -> str:
    parts = [doc.type or "document"]
    if doc.country:
        parts.append(f"issued by {doc.country}")
    return " ".join(parts)


def compare_documents(
    query: Iterable[Document], candidate: Iterable[Document]
) -> FeatureResult:
    """Document numbers are the strongest evidence a record carries.

    An exact number match lifts even a weak name match; the same number under a different
    issuing country lifts less (the country is often recorded wrongly). Different numbers prove
    nothing, since people hold several documents, so they never lower the score.
    """
    query, candidate = list(query), list(candidate)
    if not query or not candidate:
        return FeatureResult("document", "unknown", detail="no document on one side: not compared")
    best = FeatureResult("document", "disagree",
                         detail="document numbers differ (not proof of a different person)")
    for a in query:
        for b in candidate:
            if a.number == b.number:
                if a.country and b.country and a.country != b.country:
                    result = FeatureResult(
                        "document", "near", lift=DOCUMENT_COUNTRY_CONFLICT_LIFT,
                        detail=f"document number matches exactly but the issuing countries "
                               f"differ ({_describe(a)} vs {_describe(b)})")
                else:
                    result = FeatureResult(
                        "document", "agree", lift=DOCUMENT_EXACT_LIFT,
                        detail=f"document number matches exactly ({_describe(b)})")
            elif (min(len(a.number), len(b.number)) >= MIN_NEAR_DOCUMENT_LENGTH
                  and _one_edit_apart(a.number, b.number)
                  and not (a.country and b.country and a.country != b.country)):
                result = FeatureResult(
                    "document", "near", lift=DOCUMENT_NEAR_LIFT,
                    detail=f"document numbers differ by one character ({_describe(b)})")
            else:
                continue
            if result.lift > best.lift:
                best = result
    return best
