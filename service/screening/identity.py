"""Keyed digests of a traveller's identity, so decisions and cleared profiles recognise the same
traveller again without storing who they are.

Two identities are derived: the travel document (number + issuing country) and the normalised
name with the birth date. Each is an HMAC-SHA256 under a server secret, so a database dump alone
cannot be brute-forced back into names. All replicas must share the secret: it is the setting
``WATCHLIST_SCREENING_IDENTITY_KEY`` (hex, at least 32 bytes; required in production) or else,
in development, ``<data_dir>/screening-identity.key`` (created, mode 0600, on first use).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from service.config import ConfigurationError, Settings

KEY_FILE = "screening-identity.key"
MIN_KEY_BYTES = 32
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_WORD_SPLIT = re.compile(r"[\W_]+", re.UNICODE)


def load_identity_key(settings: Settings) -> bytes:
    """The HMAC secret shared by every replica (the setting first, then the data directory).

    Raises ``ConfigurationError`` for a key that is not hex or shorter than 32 bytes: a short
    key (an empty file, a truncated variable) would make the digests guessable.
    """
    if settings.screening_identity_key is not None:
        return _parse_key(settings.screening_identity_key.get_secret_value(),
                          "WATCHLIST_SCREENING_IDENTITY_KEY")
    path = Path(settings.data_dir) / KEY_FILE
    if not path.exists():
        _create_key_file(path)
    return _parse_key(path.read_text(), str(path))


def _create_key_file(path: Path) -> None:
    """Write a new key under a name of its own, then link it into place.

    Several workers may start at once: each writes a complete file under a unique temporary
    name, and ``os.link`` publishes it atomically and refuses to replace a key another worker
    published first, so every worker ends up reading the same, complete key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w") as handle:  # mkstemp creates it with mode 0600
            handle.write(os.urandom(MIN_KEY_BYTES).hex())
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another worker won: use its key
    finally:
        os.unlink(tmp)


def _parse_key(raw: str, source: str) -> bytes:
    try:
        key = bytes.fromhex(raw.strip())
    except ValueError:
        raise ConfigurationError(f"the screening identity key in {source} is not hex") from None
    if len(key) < MIN_KEY_BYTES:
        raise ConfigurationError(f"the screening identity key in {source} is {len(key)} bytes; "
                                 f"at least {MIN_KEY_BYTES} are required")
    return key


def normalise_name(name: str) -> str:
    """Case, accents, punctuation and word order removed: 'TAHIRI, Qasim' == 'qasim tahiri'."""
    decomposed = unicodedata.normalize("NFKD", name)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(sorted(word for word in _WORD_SPLIT.split(stripped) if word))


def normalise_document(number: str) -> str:
    return _NON_ALNUM.sub("", number.casefold())


@dataclass(frozen=True, slots=True)
class TravellerIdentity:
    """The keyed digests of one traveller: by document, and by each name with the birth date."""

    document: str | None
    name_birth: tuple[str, ...]

    def same_traveller(self, document_digest: str | None, name_birth_digest: str | None) -> bool:
        """Whether a remembered identity is this traveller.

        An identity remembered with a document is recognised by that document only: name and
        birth date are exactly what a misidentified person shares with the listed one, so
        without the document they cannot tell the two apart. Name and birth date identify the
        traveller only when neither the remembered identity nor this traveller has a document.
        """
        if document_digest is not None or self.document is not None:
            return document_digest == self.document
        return name_birth_digest is not None and name_birth_digest in self.name_birth


class IdentityHasher:
    def __init__(self, key: bytes) -> None:
        self._key = key

    def _digest(self, label: str, value: str) -> str:
        return hmac.new(self._key, f"{label}\x1f{value}".encode(), hashlib.sha256).hexdigest()

    def document_digest(self, number: str | None, country: str | None) -> str | None:
        if not number or not normalise_document(number):
            return None
        return self._digest("doc", f"{normalise_document(number)}\x1f{(country or '').upper()}")

    def name_birth_digests(self, names: Iterable[str], birth_date: str | None) -> tuple[str, ...]:
        if not birth_date:
            return ()
        keys = {normalise_name(name) for name in names}
        return tuple(sorted(self._digest("nb", f"{key}\x1f{birth_date}") for key in keys if key))

    def traveller(self, names: Iterable[str], birth_date: str | None, document_number: str | None,
                  document_country: str | None) -> TravellerIdentity:
        names = list(names)
        return TravellerIdentity(self.document_digest(document_number, document_country),
                                 self.name_birth_digests(names, birth_date))
