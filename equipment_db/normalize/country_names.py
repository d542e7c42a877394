"""The curated country names that ISO 3166 (as pycountry carries it) does not: the variants news,
registers and governments write, the names shown for codes whose ISO name reads badly, and
the names that are refused because they could mean two countries or a place that changed.
Data only; `countries.py` reads it. Keys are written as `countries.name_key` reduces them
(lower case, no accents, no dots, hyphens as spaces, no leading "the").
"""

from __future__ import annotations

# Kosovo: the user-assigned code that the EU, the IMF, the World Bank and arms registers use.
USER_ASSIGNED = {"XK": ("Kosovo", "XKX")}

# Variants (key -> code) beyond ISO's short, official and common names and codes.
VARIANTS = {
    # Kosovo
    "kosovo": "XK", "republic of kosovo": "XK", "kosova": "XK",
    # Americas
    "usa": "US", "us": "US", "united states": "US", "united states of america": "US",
    "bolivia (plurinational state of)": "BO",
    "venezuela (bolivarian republic of)": "VE",
    "st kitts and nevis": "KN", "st kitts": "KN", "st lucia": "LC",
    "st vincent and the grenadines": "VC", "st vincent": "VC",
    "antigua": "AG", "trinidad": "TT",
    # Europe
    "uk": "GB", "britain": "GB", "great britain": "GB",
    "united kingdom of great britain and northern ireland": "GB",
    "russia": "RU", "turkey": "TR", "turkiye": "TR", "czech republic": "CZ",
    "bosnia herzegovina": "BA", "bosnia": "BA", "bosnia hercegovina": "BA",
    "macedonia": "MK", "fyrom": "MK", "former yugoslav republic of macedonia": "MK",
    "republic of macedonia": "MK",
    "moldavia": "MD", "republic of moldova": "MD",
    "holland": "NL", "netherlands (kingdom of the)": "NL",
    "vatican": "VA", "vatican city": "VA", "holy see": "VA",
    "slovak republic": "SK", "belorussia": "BY", "byelorussia": "BY",
    # Middle East and Africa
    "uae": "AE", "emirates": "AE",
    "iran (islamic republic of)": "IR",
    "syrian arab republic": "SY",
    "palestine": "PS", "state of palestine": "PS", "palestinian territories": "PS",
    "dr congo": "CD", "drc": "CD", "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD", "congo kinshasa": "CD", "congo (kinshasa)": "CD",
    "republic of congo": "CG", "republic of the congo": "CG", "congo brazzaville": "CG",
    "congo (brazzaville)": "CG",
    "ivory coast": "CI", "cote divoire": "CI",
    "cape verde": "CV", "swaziland": "SZ",
    "gambia": "GM", "tanzania": "TZ", "united republic of tanzania": "TZ",
    "guinea bissau": "GW", "sao tome": "ST", "sao tome and principe": "ST",
    "car": "CF", "central african rep": "CF",
    "libyan arab jamahiriya": "LY",
    # Asia and Oceania
    "north korea": "KP", "dprk": "KP", "democratic peoples republic of korea": "KP",
    "south korea": "KR", "rok": "KR", "republic of korea": "KR",
    "prc": "CN", "peoples republic of china": "CN", "mainland china": "CN",
    "laos": "LA", "lao pdr": "LA", "vietnam": "VN", "brunei": "BN",
    "micronesia": "FM", "micronesia (federated states of)": "FM",
    "kyrgyz republic": "KG", "timor leste": "TL",
    "guinea conakry": "GN", "guinea (conakry)": "GN",
}

# ISO 3166-3 former countries by the names reporting uses (the ISO names are accepted too).
FORMER_VARIANTS = {
    "soviet union": "SUHH", "ussr": "SUHH", "union of soviet socialist republics": "SUHH",
    "yugoslavia": "YUCS", "sfr yugoslavia": "YUCS", "socialist federal republic of yugoslavia": "YUCS",
    "federal republic of yugoslavia": "YUCS", "fr yugoslavia": "YUCS",
    "czechoslovakia": "CSHH", "czechoslovak socialist republic": "CSHH",
    "east germany": "DDDE", "german democratic republic": "DDDE", "gdr": "DDDE",
    "east germany (gdr)": "DDDE",
    "serbia and montenegro": "CSXX", "south yemen": "YDYE", "peoples democratic republic of yemen": "YDYE",
    "zaire": "ZRCD", "rhodesia": "RHZW", "southern rhodesia": "RHZW",
    "north vietnam": "VDVN", "north viet nam": "VDVN", "democratic republic of vietnam": "VDVN",
    "upper volta": "HVBF", "dahomey": "DYBJ", "byelorussian ssr": "BYAA",
}

# Names shown where ISO's short name reads badly or is itself a trap ("Congo").
DISPLAY = {
    "RU": "Russia", "CD": "Democratic Republic of the Congo", "CG": "Republic of the Congo",
    "PS": "Palestine", "VA": "Holy See", "FM": "Micronesia", "BN": "Brunei",
    "SUHH": "Soviet Union", "YUCS": "Yugoslavia", "CSHH": "Czechoslovakia", "DDDE": "East Germany",
    "CSXX": "Serbia and Montenegro", "YDYE": "South Yemen", "ZRCD": "Zaire", "RHZW": "Southern Rhodesia",
    "VDVN": "North Vietnam", "BUMM": "Burma (before 1989)", "BYAA": "Byelorussian SSR", "DYBJ": "Dahomey",
    "HVBF": "Upper Volta", "TPTL": "East Timor (before 2002)", "ANHH": "Netherlands Antilles", "SKIN": "Sikkim",
}  # fmt: skip

# Names that could mean more than one country: refused, with the codes to say instead.
AMBIGUOUS = {
    "congo": ("CG", "CD"),
    "korea": ("KR", "KP"),
    "virgin islands": ("VG", "VI"),
    "burma": ("MM", "BUMM"),
    "east timor": ("TL", "TPTL"),
    "republic of china": ("TW", "CN"),
    "china (taiwan)": ("TW", "CN"),
}

# Names of states whose ISO code outlived them under another name: refused, with how to say it.
RENAMED = {
    "west germany": "DE (Germany): ISO 3166 kept West Germany's code for unified Germany",
    "frg": "DE (Germany): ISO 3166 kept West Germany's code for unified Germany",
    "north yemen": "YE (Yemen): ISO 3166 kept North Yemen's code for unified Yemen",
    "yemen arab republic": "YE (Yemen): ISO 3166 kept North Yemen's code for unified Yemen",
    "south vietnam": "no ISO 3166 code exists for South Vietnam; record it as an actor (actor:NAME)",
}
