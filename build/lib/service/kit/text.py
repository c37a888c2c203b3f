"""Validation of free text against hostile Unicode.

We store what the caller sent (NFC-normalised, which changes no meaning) or refuse it with a clear
error; nothing is silently stripped or truncated. Refused: NUL and other control characters
(PostgreSQL cannot store NUL), lone surrogates (not encodable), and bidi embedding/override
controls, which make stored text display differently from what it is. Zero-width joiners and
bidi marks are legitimate in Arabic-script and Indic names, so they are kept; the matching engine
normalises them away when comparing.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, StringConstraints

_BIDI_CONTROLS = {chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))}
_ALLOWED_CONTROLS = {"\n", "\t", "\r"}


def check_text(value: str, *, multiline: bool = False) -> str:
    for char in value:
        category = unicodedata.category(char)
        if category == "Cs":
            raise ValueError("contains an unpaired surrogate code point")
        if category == "Cc" and not (multiline and char in _ALLOWED_CONTROLS):
            raise ValueError(f"contains the control character U+{ord(char):04X}")
        if char in _BIDI_CONTROLS:
            raise ValueError(
                f"contains the bidirectional control U+{ord(char):04X}, which can disguise text"
            )
        if category == "Cn":
            raise ValueError(f"contains the unassigned code point U+{ord(char):04X}")
    normalised = unicodedata.normalize("NFC", value)
    if not normalised.strip():
        raise ValueError("must not be blank")
    return normalised


def _single_line(value: str) -> str:
    return check_text(value)


def _multi_line(value: str) -> str:
    return check_text(value, multiline=True)


def Line(max_length: int, min_length: int = 1) -> type[str]:  # noqa: N802 (type factory)
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_single_line),
    ]


def Paragraphs(max_length: int, min_length: int = 1) -> type[str]:  # noqa: N802
    return Annotated[  # type: ignore[return-value]
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_multi_line),
    ]


def dominant_script(value: str) -> str:
    """The Unicode script most letters of ``value`` belong to (Latin, Arabic, Cyrillic, ...)."""
    counts: dict[str, int] = {}
    for char in value:
        if not char.isalpha():
            continue
        try:
            name = unicodedata.name(char)
        except ValueError:
            continue
        script = name.split(" ", 1)[0]
        script = {"CJK": "Han", "HANGUL": "Hangul", "HIRAGANA": "Japanese",
                  "KATAKANA": "Japanese"}.get(script, script.title())
        counts[script] = counts.get(script, 0) + 1
    if not counts:
        return "Unknown"
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if len(ranked) > 1 and ranked[1][1] * 4 >= ranked[0][1]:
        return "Mixed"
    return ranked[0][0]
