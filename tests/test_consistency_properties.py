"""Property tests of the consistency check (analysis/consistency.py): a random but true
monthly delivery history for two suppliers, and honest claims about it (whole-month periods,
numbers exact, approximate, or a floor or a ceiling around the truth), is never flagged; a
claim injected against one of them, on its period with a number its bounds exclude, always is.
300 examples each; no database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from equipment_db.analysis.consistency import Fact, check

pytestmark = pytest.mark.slow

START = date(2020, 1, 1)
MONTHS = [(START + timedelta(days=31 * i)).replace(day=1) for i in range(36)]


def _month_end(i: int) -> date:
    return (MONTHS[i + 1] - timedelta(days=1)) if i + 1 < len(MONTHS) else date(2022, 12, 31)


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[int], list[Fact]]:
    """A true monthly delivery history for two suppliers and honest claims about it: periods of
    whole months, each claim's number the true total or an honest qualifier around it."""
    truth = {s: draw(st.lists(st.integers(0, 500), min_size=36, max_size=36)) for s in ("DE", "US")}
    facts = []
    for n in range(draw(st.integers(1, 12))):
        supplier = draw(st.sampled_from(["DE", "US"]))
        first = draw(st.integers(0, 35))
        last = draw(st.integers(first, 35))
        total = sum(truth[supplier][first:last + 1])
        qualifier = draw(st.sampled_from(["exact", "at_least", "more_than", "at_most", "up_to", "approximately"]))
        shown = {"exact": total, "approximately": total,
                 "at_least": draw(st.integers(0, total)), "more_than": draw(st.integers(0, total)),
                 "at_most": total + draw(st.integers(0, 100)),
                 "up_to": total + draw(st.integers(0, 100))}[qualifier]  # fmt: skip
        low = None if qualifier in ("at_most", "up_to") else shown
        high = None if qualifier in ("at_least", "more_than") else shown
        facts.append(Fact(f"C{n}", "transfer", "delivered", "missiles", "UA", supplier, MONTHS[first],
                          _month_end(last), low, high, qualifier, label=f"C{n}"))  # fmt: skip
    stock = draw(st.integers(0, 5000))
    for n in range(draw(st.integers(0, 4))):
        day = MONTHS[draw(st.integers(0, 35))]
        facts.append(Fact(f"S{n}", "inventory", "inventory", "missiles", "UA", None, day, day, stock, stock,
                          "exact", label=f"S{n}"))  # fmt: skip
    return [len(facts)], facts


@settings(max_examples=300, deadline=None)
@given(histories())
def test_a_consistent_history_is_never_flagged(history: tuple[list[int], list[Fact]]) -> None:
    _, facts = history
    assert check(facts) == []


@settings(max_examples=300, deadline=None)
@given(histories(), st.integers(1, 1000))
def test_an_injected_conflict_is_always_flagged(history: tuple[list[int], list[Fact]], extra: int) -> None:
    _, facts = history
    target = facts[0]
    bounds = target.bounds
    assert bounds is not None
    if bounds[1] == float("inf"):  # a floor is never exceeded: inject below it instead
        wrong = Fact("X", target.kind, target.scope, target.counted, target.party, target.counterparty,
                     target.start, target.end, None, max(bounds[0] * 0.5 - extra, -1), "at_most", label="X")  # fmt: skip
        if wrong.bounds[1] >= bounds[0]:  # type: ignore[index]
            return
    else:
        wrong = Fact("X", target.kind, target.scope, target.counted, target.party, target.counterparty,
                     target.start, target.end, bounds[1] + extra, bounds[1] + extra, "exact", label="X")  # fmt: skip
    assert any({"X", target.id} <= set(flag.claims) for flag in check([*facts, wrong]))


