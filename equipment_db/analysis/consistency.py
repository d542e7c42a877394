"""Which quantity claims cannot all be true, by interval reasoning: the one checker the timeline
(API, page and `equipment-db timeline`) reads. A pure function over plain facts, so that it is
tested by examples and by property tests without a database (docs/ANALYSIS.md has the rules
with worked examples; tests/test_consistency.py runs them).

A fact is a *stock* (held at a time: inventory, deployed, mobilised) or a *flow* (events over a
period: pledged, ordered, delivered, produced, used, lost, ...). Its number is an interval
[low, high] that follows its qualifier; its time is an interval of days.

- Flows on one basis (kind, counted, scope) between the same parties (party and counterparty:
  deliveries by different suppliers never conflict):
  - equal periods whose intervals are disjoint conflict;
  - claims about disjoint sub-periods of a period add up: when the largest sum of their lower
    bounds exceeds the period's upper bound, they conflict with it (one sub-period alone is
    the case "a part says more than the whole allows").
- Stocks on one basis and party at overlapping times must intersect.
- A denial conflicts with an affirmation of a number above zero on the same kind, scope and
  parties at overlapping times.
- A same_as group is one statement: checked once, never against itself. A superseded claim
  (the target of a supersedes link) and a deprecated one are left out.
- An editor's `contradicts` link is always shown, marked as the editor's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, TypeVar

T = TypeVar("T")
STOCK_SCOPES = frozenset({"inventory", "deployed", "mobilised"})
TOLERANCE = 0.10  # "about 450" is 405-495; "nearly 2,000" 1,800-2,000; "just over 16" 16-17.6
_OPEN_HIGH = {"at_least", "more_than"}
_OPEN_LOW = {"at_most", "less_than", "up_to"}


@dataclass(frozen=True)
class Fact:
    """One claim as the checker reads it."""

    id: str
    kind: str
    scope: str | None
    counted: str | None
    party: str | None  # any stable key: "VE", "actor:12", "unknown"
    counterparty: str | None
    start: date | None  # the period (a flow) or time (a stock) it is about; None: undated
    end: date | None
    low: float | None = None  # as stored (value_low, value_high) with its qualifier
    high: float | None = None
    qualifier: str | None = None
    stance: str = "affirms"
    label: str = ""  # how a flag names it: "C-AAA: more than 700 missiles delivered, 2022-02/2022-12"
    describe: Callable[[], str] | None = field(default=None, compare=False, repr=False)  # the label, when asked

    @cached_property
    def named(self) -> str:
        """The label, worded only for the facts a flag names (`describe`, when given)."""
        return self.describe() if self.describe is not None else self.label

    @property
    def is_stock(self) -> bool:
        return self.scope in STOCK_SCOPES

    @cached_property  # read for each pair it is in
    def bounds(self) -> tuple[float, float] | None:
        """[low, high] its qualifier allows; None when it gives no number to compare."""
        if self.qualifier == "unspecified" or (self.low is None and self.high is None):
            return None
        n = self.low if self.low is not None else self.high
        assert n is not None
        if self.qualifier == "approximately":
            return n * (1 - TOLERANCE), (self.high if self.high is not None else n) * (1 + TOLERANCE)
        if self.qualifier == "nearly":
            top = self.high if self.high is not None else n
            return top * (1 - TOLERANCE), top
        if self.qualifier == "just_over":
            return n, n * (1 + TOLERANCE)
        if self.qualifier in _OPEN_HIGH:
            return n, float("inf")
        if self.qualifier in _OPEN_LOW:
            return 0.0, self.high if self.high is not None else n
        return (self.low if self.low is not None else 0.0), (self.high if self.high is not None else float("inf"))


@dataclass(frozen=True)
class Flag:
    claims: list[str]
    rule: str  # equal_periods | parts_exceed_whole | stocks_disjoint | denial | editor
    sentence: str
    by: str = "checker"  # or "editor": a contradicts link
    basis: tuple[str | None, str | None] = field(default=(None, None))  # (counted, scope)


def _overlap(a: Fact, b: Fact) -> bool:
    return a.start is not None and b.start is not None and a.start <= b.end and b.start <= a.end  # type: ignore[operator]


def _within(part: Fact, whole: Fact) -> bool:
    return whole.start <= part.start and part.end <= whole.end  # type: ignore[operator]


def _number(value: float) -> str:
    if value == float("inf"):
        return "∞"
    return f"{value:,.0f}" if abs(value - round(value)) < 1e-6 else f"{value:,.1f}"


def _range(bounds: tuple[float, float]) -> str:
    """`1,800`; `405-495`; `1,700 or more`: what a number allows."""
    low, high = bounds
    if low == high:
        return _number(low)
    return f"{_number(low)} or more" if high == float("inf") else f"{_number(low)}-{_number(high)}"


def check(facts: Sequence[Fact], *, same_as: Iterable[tuple[str, str]] = (),
          superseded: Iterable[str] = (), contradicts: Iterable[tuple[str, str]] = ()) -> list[Flag]:  # fmt: skip
    """Every conflict among `facts`, each flag with its sentence; `same_as` pairs join one
    statement, `superseded` ids are left out, `contradicts` pairs are the editors' own flags."""
    left_out = set(superseded)
    groups = same_as_groups([f.id for f in facts], same_as)
    seen: set[str] = set()
    statements = []  # one fact per same_as group, the first given
    for fact in facts:
        first = groups.get(fact.id, [fact.id])[0]
        if fact.id in left_out or first in seen:
            continue
        seen.add(first)
        statements.append(fact)
    dated = [f for f in statements if f.start is not None and f.end is not None]
    flags = [*_pairs(dated), *_sums(dated)]
    by_id = {f.id: f for f in facts}
    for a, b in contradicts:
        label_a, label_b = (by_id[x].named if x in by_id else x for x in (a, b))
        flags.append(Flag([a, b], "editor", f"An editor linked {label_a} as contradicting {label_b}.", "editor"))
    return flags


def overlapping_pairs(dated: Sequence[Fact]) -> list[tuple[int, int]]:
    """The (i, j), i < j, of facts of one kind, scope, party and counterparty whose periods
    overlap, in the order of `combinations(range(len(dated)), 2)`: only those can conflict. Built
    by a sweep over each group by start, not from all 19,900 pairs of 200 facts."""
    alike: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for index, fact in enumerate(dated):
        alike[(fact.kind, fact.scope, fact.party, fact.counterparty)].append(index)
    found = []
    for indexes in alike.values():
        by_start = sorted(indexes, key=lambda i: dated[i].start)  # type: ignore[arg-type,return-value]
        starts = [dated[i].start for i in by_start]
        for position, i in enumerate(by_start):
            end = dated[i].end
            # the facts starting by its end (bisect: ~4,800 pairs a timeline at the benchmark's M)
            for j in by_start[position + 1 : bisect_right(starts, end, position + 1)]:  # type: ignore[type-var]
                found.append((i, j) if i < j else (j, i))
    return sorted(found)


def _pairs(dated: Sequence[Fact]) -> Iterable[Flag]:
    for i, j in overlapping_pairs(dated):
        a, b = dated[i], dated[j]
        if not _overlap(a, b):
            continue
        if a.stance != b.stance:
            denial, other = (a, b) if a.stance == "denies" else (b, a)
            bounds = other.bounds
            if bounds is None or bounds[1] > 0:
                yield Flag([denial.id, other.id], "denial", f"{denial.named} denies what {other.named} affirms.",
                           basis=(other.counted, other.scope))  # fmt: skip
            continue
        if a.stance == "denies" or a.counted != b.counted:
            continue
        ba, bb = a.bounds, b.bounds
        if ba is None or bb is None or not (ba[1] < bb[0] or bb[1] < ba[0]):
            continue
        if a.is_stock:
            yield Flag([a.id, b.id], "stocks_disjoint", f"{a.named} cannot be true at the same time as {b.named}: "
                       f"{_range(ba)} and {_range(bb)} do not meet.", basis=(a.counted, a.scope))  # fmt: skip
        elif (a.start, a.end) == (b.start, b.end):
            yield Flag([a.id, b.id], "equal_periods", f"{a.named} and {b.named} count the same period: "
                       f"{_range(ba)} and {_range(bb)} do not meet.", basis=(a.counted, a.scope))  # fmt: skip


def _sums(dated: Sequence[Fact]) -> Iterable[Flag]:
    """For each flow, the disjoint sub-periods inside it whose lower bounds add up to the most
    (weighted interval scheduling); a flag when that sum exceeds the flow's upper bound."""
    flows = [f for f in dated if not f.is_stock and f.stance == "affirms" and f.bounds is not None]
    alike: dict[tuple[str | None, ...], list[Fact]] = defaultdict(list)  # flows of one basis, in order
    for flow in flows:
        alike[_basis(flow)].append(flow)
    for whole in flows:
        parts = [f for f in alike[_basis(whole)] if f is not whole and _within(f, whole)
                 and (f.start, f.end) != (whole.start, whole.end)]  # fmt: skip
        if not parts:
            continue
        total, chosen = _heaviest_disjoint(parts)
        high = whole.bounds[1]  # type: ignore[index]
        if total > high:
            named = " + ".join(p.named for p in chosen)
            verb = "exceeds" if len(chosen) == 1 else f"(together at least {_number(total)}) exceed"
            yield Flag([*(p.id for p in chosen), whole.id], "parts_exceed_whole",
                       f"{named} {verb} {whole.named}, which allows at most {_number(high)}.",
                       basis=(whole.counted, whole.scope))  # fmt: skip


def _basis(f: Fact) -> tuple[str | None, ...]:
    return f.kind, f.scope, f.counted, f.party, f.counterparty


def _heaviest_disjoint(parts: Sequence[Fact]) -> tuple[float, list[Fact]]:
    ordered = sorted(parts, key=lambda f: (f.end, f.start))
    ends = [f.end for f in ordered]
    best: list[tuple[float, list[Fact]]] = [(0.0, [])]
    for i, fact in enumerate(ordered):
        before = bisect_right(ends, _day_before(fact.start), 0, i)  # type: ignore[arg-type]  # parts ending before it
        take = best[before][0] + fact.bounds[0], [*best[before][1], fact]  # type: ignore[index]
        best.append(max(best[i], take, key=lambda t: t[0]))
    return best[-1]


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1) if day > date.min else day


def same_as_groups(ordered: Sequence[T], links: Iterable[tuple[T, T]]) -> dict[T, list[T]]:
    """Claims joined by same_as links (directly or through others): each member of a group of
    two or more mapped to the group, in `ordered` order."""
    parent = {claim: claim for claim in ordered}

    def root(x: T) -> T:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in links:
        if a in parent and b in parent:
            parent[root(a)] = root(b)
    members: dict[T, list[T]] = {}
    for claim in ordered:
        members.setdefault(root(claim), []).append(claim)
    return {m: group for group in members.values() if len(group) > 1 for m in group}
