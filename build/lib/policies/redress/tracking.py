"""RD-case-id: public tracking numbers for redress requests.

A tracking number is given to the requester and printed on letters, so it must reveal nothing:
no date, no sequence number, no office, no hint of the outcome. It is 12 symbols drawn with
:mod:`secrets` from a 31-symbol alphabet (about 59 bits) plus one check symbol, written
``RC-XXXX-XXXX-XXXX-C``.

Why 31 symbols: digits 2-9 and letters without I, O and U (easily misread as 1, 0, V, or
forming words). 31 is prime, so a position-weighted checksum modulo 31 catches every single
mistyped symbol and every swap of two neighbouring symbols, the two commonest typing errors.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

ALPHABET = "23456789ABCDEFGHJKLMNPQRSTVWXYZ"
PREFIX = "RC"
_BODY_LENGTH = 12
_VALUES = {symbol: index for index, symbol in enumerate(ALPHABET)}
assert len(ALPHABET) == 31


def _check_symbol(body: str) -> str:
    # Weights 1..12 for the body and 13 for the check symbol; choose the check so the weighted
    # sum is 0 mod 31. 13 has an inverse mod 31 (12), because 13 * 12 = 156 = 5 * 31 + 1.
    total = sum((i + 1) * _VALUES[s] for i, s in enumerate(body))
    return ALPHABET[(-total * 12) % 31]


def new_tracking_number(choice: Callable[[str], str] = secrets.choice) -> str:
    """A fresh random tracking number such as ``RC-7KQD-M3PA-9XTR-H``.

    ``choice`` exists only so tests can make it deterministic; production uses ``secrets``.
    The service must still enforce uniqueness (a unique index) and retry on collision.
    """
    body = "".join(choice(ALPHABET) for _ in range(_BODY_LENGTH))
    full = body + _check_symbol(body)
    return f"{PREFIX}-{full[0:4]}-{full[4:8]}-{full[8:12]}-{full[12]}"


def normalise_tracking_number(text: str) -> str | None:
    """The canonical form of a typed tracking number, or None if it is not valid.

    Case, spaces and hyphens are forgiven; a wrong check symbol is not.
    """
    if not isinstance(text, str):
        return None
    compact = "".join(text.split()).replace("-", "").upper()
    if compact.startswith(PREFIX):
        compact = compact[len(PREFIX):]
    if len(compact) != _BODY_LENGTH + 1 or any(s not in _VALUES for s in compact):
        return None
    body, check = compact[:-1], compact[-1]
    if _check_symbol(body) != check:
        return None
    return f"{PREFIX}-{body[0:4]}-{body[4:8]}-{body[8:12]}-{check}"


def is_valid_tracking_number(text: str) -> bool:
    """True if ``text`` is a well-formed tracking number with a correct check symbol."""
    return normalise_tracking_number(text) is not None
