"""Country lookup speed: an exact, cached lookup against the fuzzy search it replaced.

    .venv/bin/python bench/country_lookup.py [--rounds 20000]

Both run in this process on the same names (a mix of codes, ISO names, curated variants and
former countries, as an import of a register reads them). The baseline is pycountry's
`search_fuzzy`, which the lookup used before for any name that was not an exact match (about
7 ms a name). Prints microseconds per lookup and the ratio baseline / lookup; the machine is
shared, so read the ratio, not the times.
"""

from __future__ import annotations

import argparse
import time

import pycountry

from equipment_db.normalize.countries import country_code

NAMES = ["Ukraine", "UA", "Kosovo", "Turkiye", "DR Congo", "Bosnia-Herzegovina", "Ivory Coast", "UAE",
         "North Korea", "Soviet Union", "Czech Republic", "Venezuela", "U.S.", "Britain", "Iran"]  # fmt: skip


def _per_call(function, names: list[str], rounds: int) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for index in range(rounds):
        function(names[index % len(names)])
    return (time.perf_counter() - start) / rounds


def _fuzzy(name: str) -> object:
    try:
        return pycountry.countries.search_fuzzy(name)
    except LookupError:
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20000)
    args = parser.parse_args()
    for name in NAMES:
        country_code(name)  # build the tables once, as a running process has
    lookup = _per_call(country_code, NAMES, args.rounds)
    baseline = _per_call(_fuzzy, NAMES, max(len(NAMES), args.rounds // 200))
    print(f"lookup:   {lookup * 1e6:10.2f} us per name (exact, cached)")
    print(f"baseline: {baseline * 1e6:10.2f} us per name (pycountry search_fuzzy)")
    print(f"ratio baseline/lookup: {baseline / lookup:,.0f}x")


if __name__ == "__main__":
    main()
