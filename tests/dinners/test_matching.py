"""The matching of "any dinner near me" guests: on a generated population of 500 guests and
60 dinners, nobody overbooked, everyone placed who can be (checked against an independent
maximum flow), and the tables more mixed than a placement that ignores the mix."""
import random
from datetime import datetime, timedelta

import networkx as nx
import pytest

from dinners.matching import Guest, Table, age_band, fits, mix_report, plan, table_mix

BANDS = ["-24", "25-39", "40-54", "55-69", "70+"]
START = datetime(2026, 3, 1, 18, 0)


def population(seed: int, n_guests: int = 500, n_tables: int = 60, districts: int = 6):
    rng = random.Random(seed)
    tables = [Table(id=t, district=rng.randrange(districts), starts_at=START + timedelta(days=rng.randrange(20)),
                    free=rng.randint(3, 8), present=[(rng.choice(BANDS), rng.randrange(districts))])
              for t in range(n_tables)]
    guests = []
    for g in range(n_guests):
        first = rng.randrange(20)
        guests.append(Guest(id=g, district=None if rng.random() < 0.2 else rng.randrange(districts),
                            earliest=START + timedelta(days=first), latest=START + timedelta(days=first + rng.randint(1, 10)),
                            age_band=rng.choice(BANDS + [None]), home=rng.randrange(districts)))
    return guests, tables


def max_placeable(guests, tables) -> int:
    return nx.maximum_flow_value(_graph(guests, tables), "s", "t")


def mix_of(assignment, guests, tables) -> float:
    report = mix_report(assignment, guests, tables)
    used = [r for r in report.values() if r["placed"]]
    return sum(r["age_bands"] + r["districts"] for r in used) / len(used)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_500_guests_on_60_dinners(seed):
    guests, tables = population(seed)
    assignment = plan(guests, tables)
    by_table = {t.id: t for t in tables}
    by_guest = {g.id: g for g in guests}
    # No overbooking, and nobody placed outside their district or time window.
    for table in tables:
        assert sum(1 for t in assignment.values() if t == table.id) <= table.free
    assert all(fits(by_guest[g], by_table[t]) for g, t in assignment.items())
    # Everyone placed who can be.
    best = max_placeable(guests, tables)
    assert len(assignment) == best
    assert best < len(guests), "the generated population must leave some unplaceable (a real test)"
    # The mix: compared with a maximum placement that ignores who sits together.
    flow = nx.maximum_flow(_graph(guests, tables), "s", "t")[1]
    blind = {g.id: node[1] for g in guests for node, f in flow.get(("g", g.id), {}).items() if f}
    ours, theirs = mix_of(assignment, guests, tables), mix_of(blind, guests, tables)
    print(f"seed {seed}: placed {len(assignment)}/{len(guests)}, mix per table {ours:.2f} vs {theirs:.2f} blind")
    assert ours > theirs


def _graph(guests, tables):
    graph = nx.DiGraph()
    for g in guests:
        graph.add_edge("s", ("g", g.id), capacity=1)
        for t in tables:
            if fits(g, t):
                graph.add_edge(("g", g.id), ("t", t.id), capacity=1)
    for t in tables:
        graph.add_edge(("t", t.id), "t", capacity=t.free)
    return graph


def test_a_full_table_makes_room_by_moving_someone_who_fits_elsewhere():
    # Guest 1 fits only table A; guest 0 fits A and B. A greedy pass that seats 0 at A first
    # must move 0 to B so 1 can sit.
    a = Table(id=1, district=1, starts_at=START, free=1)
    b = Table(id=2, district=2, starts_at=START, free=1)
    flexible = Guest(id=0, district=None, earliest=START, latest=START + timedelta(days=1), age_band="-24", home=1)
    fixed = Guest(id=1, district=1, earliest=START, latest=START + timedelta(days=1), age_band="-24", home=1)
    assert plan([flexible, fixed], [a, b]) == {0: 2, 1: 1}


def test_mix_prefers_different_ages_and_neighbourhoods():
    table = Table(id=1, district=1, starts_at=START, free=1, present=[("25-39", 1)])
    other = Table(id=2, district=1, starts_at=START, free=1, present=[("70+", 2)])
    young_from_1 = Guest(id=0, district=1, earliest=START, latest=START, age_band="25-39", home=1)
    old_from_2 = Guest(id=1, district=1, earliest=START, latest=START, age_band="70+", home=2)
    assignment = plan([young_from_1, old_from_2], [table, other])
    assert assignment == {0: 2, 1: 1}
    assert table_mix([("25-39", 1), ("70+", 2)]) == 4


def test_age_bands():
    assert age_band(2004, 2026) == "-24"
    assert age_band(1956, 2026) == "70+"
    assert age_band(None, 2026) is None
