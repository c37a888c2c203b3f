"""Country names as the UN Consolidated List writes them, mapped to ISO 3166-1 alpha-2.

Compact on purpose: the names that occur in the list (both editions in ../shared/data/raw/un)
plus common variants. A name that is not here is not guessed: it is left out of the entry and
counted in the import summary, so the table can be extended.
"""

from __future__ import annotations

import unicodedata

_NAMES: dict[str, str] = {
    "afghanistan": "AF",
    "albania": "AL",
    "algeria": "DZ",
    "angola": "AO",
    "argentina": "AR",
    "australia": "AU",
    "austria": "AT",
    "azerbaijan": "AZ",
    "bahrain": "BH",
    "bangladesh": "BD",
    "belgium": "BE",
    "bosnia and herzegovina": "BA",
    "brazil": "BR",
    "burkina faso": "BF",
    "burundi": "BI",
    "cameroon": "CM",
    "canada": "CA",
    "central african republic": "CF",
    "chad": "TD",
    "china": "CN",
    "colombia": "CO",
    "congo": "CG",
    "cote d'ivoire": "CI",
    "côte d'ivoire": "CI",
    "democratic people's republic of korea": "KP",
    "democratic republic of the congo": "CD",
    "denmark": "DK",
    "djibouti": "DJ",
    "egypt": "EG",
    "eritrea": "ER",
    "ethiopia": "ET",
    "france": "FR",
    "gabon": "GA",
    "gambia": "GM",
    "georgia": "GE",
    "germany": "DE",
    "ghana": "GH",
    "greece": "GR",
    "guinea": "GN",
    "guinea-bissau": "GW",
    "haiti": "HT",
    "india": "IN",
    "indonesia": "ID",
    "iran (islamic republic of)": "IR",
    "iran": "IR",
    "iraq": "IQ",
    "ireland": "IE",
    "israel": "IL",
    "italy": "IT",
    "japan": "JP",
    "jordan": "JO",
    "kazakhstan": "KZ",
    "kenya": "KE",
    "kosovo": "XK",
    "kuwait": "KW",
    "kyrgyzstan": "KG",
    "lebanon": "LB",
    "libya": "LY",
    "malaysia": "MY",
    "maldives": "MV",
    "mali": "ML",
    "mauritania": "MR",
    "morocco": "MA",
    "mozambique": "MZ",
    "myanmar": "MM",
    "netherlands": "NL",
    "netherlands (kingdom of the)": "NL",
    "niger": "NE",
    "nigeria": "NG",
    "norway": "NO",
    "oman": "OM",
    "pakistan": "PK",
    "philippines": "PH",
    "qatar": "QA",
    "republic of korea": "KR",
    "russian federation": "RU",
    "rwanda": "RW",
    "saudi arabia": "SA",
    "senegal": "SN",
    "serbia": "RS",
    "singapore": "SG",
    "somalia": "SO",
    "south africa": "ZA",
    "south sudan": "SS",
    "spain": "ES",
    "sri lanka": "LK",
    "state of palestine": "PS",
    "sudan": "SD",
    "sweden": "SE",
    "switzerland": "CH",
    "syrian arab republic": "SY",
    "tajikistan": "TJ",
    "thailand": "TH",
    "trinidad and tobago": "TT",
    "tunisia": "TN",
    "türkiye": "TR",
    "turkiye": "TR",
    "turkey": "TR",
    "turkmenistan": "TM",
    "uganda": "UG",
    "ukraine": "UA",
    "united arab emirates": "AE",
    "united kingdom of great britain and northern ireland": "GB",
    "united kingdom": "GB",
    "united republic of tanzania": "TZ",
    "united states of america": "US",
    "united states": "US",
    "uzbekistan": "UZ",
    "venezuela (bolivarian republic of)": "VE",
    "viet nam": "VN",
    "yemen": "YE",
    "zambia": "ZM",
    "zimbabwe": "ZW",
}


def _key(name: str) -> str:
    folded = unicodedata.normalize("NFC", " ".join(name.split())).casefold()
    return folded.replace("’", "'")


def country_code(name: str | None) -> str | None:
    """The ISO alpha-2 code for a country name (or an alpha-2 code itself), else None."""
    if not name:
        return None
    text = name.strip()
    if len(text) == 2 and text.isalpha() and text.isupper():
        from service.kit.countries import ISO_ALPHA2

        return text if text in ISO_ALPHA2 else None
    return _NAMES.get(_key(text))
