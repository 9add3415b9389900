"""Placing "any dinner near me" guests on dinners with free seats. Pure Python: the service
feeds it plain values, so it is tested on generated populations without a database.

Two goals, in this order:
1. Place everyone who can be placed (a maximum b-matching: every guest fits a dinner only
   in their district and time window, every dinner has a number of free seats). A greedy
   pass followed by augmenting paths reaches the maximum (Berge: a matching is maximum
   exactly when no augmenting path is left).
2. Mix each table: people of different age bands and home districts. Moves and swaps that
   keep every guest placed and every table within its seats are accepted while they raise
   the total mix score.
"""
from __future__ import annotations

import random
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class Guest:
    id: int
    district: int | None  # where they want to eat; None = anywhere
    earliest: datetime
    latest: datetime
    age_band: str | None = None  # from the birth year; None when unknown
    home: int | None = None  # home district, for the mix


@dataclass
class Table:
    id: int
    district: int
    starts_at: datetime
    free: int
    # The people already at the table (host, confirmed guests) as (age_band, home) pairs.
    present: list[tuple[str | None, int | None]] = field(default_factory=list)


def fits(guest: Guest, table: Table) -> bool:
    return ((guest.district is None or guest.district == table.district)
            and guest.earliest <= table.starts_at <= guest.latest)


def age_band(birth_year: int | None, year: int) -> str | None:
    if not birth_year:
        return None
    age = year - birth_year
    for limit, band in ((25, "-24"), (40, "25-39"), (55, "40-54"), (70, "55-69")):
        if age < limit:
            return band
    return "70+"


def table_mix(people: list[tuple[str | None, int | None]]) -> int:
    """Distinct age bands plus distinct home districts at a table (unknowns count nothing)."""
    return len({a for a, _h in people if a}) + len({h for _a, h in people if h})


def plan(guests: list[Guest], tables: list[Table], *, seed: int = 0, passes: int = 4) -> dict[int, int]:
    """Guest id -> table id for everyone placed."""
    by_id = {t.id: t for t in tables}
    options = {g.id: [t.id for t in tables if fits(g, t)] for g in guests}
    guest_by_id = {g.id: g for g in guests}
    load: dict[int, int] = defaultdict(int)
    assigned: dict[int, int] = {}
    seated: dict[int, list[int]] = defaultdict(list)

    def people_at(table_id: int, extra: Guest | None = None, without: int | None = None):
        people = list(by_id[table_id].present)
        people += [(guest_by_id[g].age_band, guest_by_id[g].home) for g in seated[table_id] if g != without]
        if extra is not None:
            people.append((extra.age_band, extra.home))
        return people

    def gain(guest: Guest, table_id: int) -> int:
        return table_mix(people_at(table_id, guest)) - table_mix(people_at(table_id))

    def seat(guest_id: int, table_id: int) -> None:
        assigned[guest_id] = table_id
        seated[table_id].append(guest_id)
        load[table_id] += 1

    def unseat(guest_id: int) -> int:
        table_id = assigned.pop(guest_id)
        seated[table_id].remove(guest_id)
        load[table_id] -= 1
        return table_id

    # 1a. Greedy, most constrained guests first; each goes where it adds most to the mix.
    order = sorted(guests, key=lambda g: (len(options[g.id]), g.id))
    for guest in order:
        free = [t for t in options[guest.id] if load[t] < by_id[t].free]
        if free:
            best = max(free, key=lambda t: (gain(guest, t), by_id[t].free - load[t], -t))
            seat(guest.id, best)

    # 1b. Augmenting paths: an unplaced guest takes a full table's seat if someone there can
    # move on, possibly pushing along a chain, to a table with room.
    for guest in order:
        if guest.id in assigned:
            continue
        path = _augmenting_path(guest.id, options, seated, load, by_id)
        if path is None:
            continue
        # path: [(guest, table), (moved guest, next table), ...], applied from the end.
        for moved, table_id in reversed(path):
            if moved in assigned:
                unseat(moved)
            seat(moved, table_id)

    # 2. Mix: move single guests to a table with room, or swap two guests, when it helps.
    rng = random.Random(seed)  # noqa: S311  # nosec B311 - an order of trial moves, not a secret
    placed = list(assigned)
    for _ in range(passes):
        improved = False
        rng.shuffle(placed)
        for guest_id in placed:
            guest = guest_by_id[guest_id]
            here = assigned[guest_id]
            current = table_mix(people_at(here))
            for other_table in options[guest_id]:
                if other_table == here:
                    continue
                before = current + table_mix(people_at(other_table))
                if load[other_table] < by_id[other_table].free:
                    after = table_mix(people_at(here, without=guest_id)) + table_mix(people_at(other_table, guest))
                    if after > before:
                        unseat(guest_id)
                        seat(guest_id, other_table)
                        improved = True
                        break
                    continue
                for partner_id in list(seated[other_table]):
                    if here not in options[partner_id]:
                        continue
                    partner = guest_by_id[partner_id]
                    after = (table_mix(people_at(here, partner, without=guest_id))
                             + table_mix(people_at(other_table, guest, without=partner_id)))
                    if after > before:
                        unseat(guest_id)
                        unseat(partner_id)
                        seat(guest_id, other_table)
                        seat(partner_id, here)
                        improved = True
                        break
                if assigned[guest_id] != here:
                    break
        if not improved:
            break
    return assigned


def _augmenting_path(start: int, options, seated, load, by_id) -> list[tuple[int, int]] | None:
    """Breadth-first search from an unplaced guest to a table with a free seat, through
    tables whose guests could move elsewhere."""
    queue = deque([start])
    came_from: dict[int, tuple[int, int] | None] = {start: None}  # guest -> (previous guest, table)
    visited_tables: set[int] = set()
    while queue:
        guest_id = queue.popleft()
        for table_id in options[guest_id]:
            if table_id in visited_tables:
                continue
            visited_tables.add(table_id)
            if load[table_id] < by_id[table_id].free:
                path = [(guest_id, table_id)]
                step = came_from[guest_id]
                while step is not None:
                    previous, via_table = step
                    path.append((previous, via_table))
                    step = came_from[previous]
                return list(reversed(path))
            for other in seated[table_id]:
                if other not in came_from:
                    came_from[other] = (guest_id, table_id)
                    queue.append(other)
    return None


def mix_report(assignment: dict[int, int], guests: list[Guest], tables: list[Table]) -> dict[int, dict]:
    """Per table: people, distinct age bands and home districts (what staff see)."""
    guest_by_id = {g.id: g for g in guests}
    rows = {}
    for table in tables:
        people = list(table.present) + [(guest_by_id[g].age_band, guest_by_id[g].home)
                                        for g, t in assignment.items() if t == table.id]
        rows[table.id] = {
            "people": len(people),
            "placed": sum(1 for t in assignment.values() if t == table.id),
            "age_bands": len({a for a, _h in people if a}),
            "districts": len({h for _a, h in people if h}),
        }
    return rows
