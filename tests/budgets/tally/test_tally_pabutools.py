"""Same outcomes as pabutools (the academic reference) on every shared approval/cumulative file.

Like is compared with like: Høst's ``greedy`` (by score) is pabutools'
``greedy_utilitarian_welfare`` with cost satisfaction (its score per unit of cost is then the
approval count, or the points for cumulative ballots with points-weighted cost satisfaction);
``mes`` is ``method_of_equal_shares`` with the same satisfaction. Ties are broken in pabutools
by Høst's documented order (higher score, lower cost, earlier in the file) so that tie cases
are compared too. pabutools' MES needs up to ~15 s on the largest files: those are marked
``slow`` (deselect with ``-m "not slow"``) but run by default.
"""

from __future__ import annotations

import pytest

from budgets.tally import tally
from budgets.tally.model import APPROVAL_TYPES, POINT_TYPES
from tests.budgets.tally.pabulib_files import load, pb_files, prepared, require_pabulib
from tests.budgets.tally.reference import pabutools_greedy, pabutools_mes

# A comparison with the reference library, not a check of Høst's own code paths (the tally's
# own tests are in the fast tier): the whole suite runs it.
pytestmark = pytest.mark.slow_tier

# pabutools' MES takes several seconds on these (measured on the 2-core dev machine)
SLOW = {
    "Hungary_Budapest_2024",
    "Poland_Lodz_2022",
    "Poland_Warszawa_2026",
    "Netherlands_Amsterdam_252",
    "Poland_Warszawa_2023_Mokotow",
    "Poland_Warszawa_2023_Bialoleka",
    "Netherlands_Amsterdam_285",
    "France_Toulouse_2024",
}


def rank_by_id(prep):
    return {prep.election.project_ids[i]: r for i, r in enumerate(prep.rank)}


def comparable(election):
    if election.vote_type not in APPROVAL_TYPES | POINT_TYPES:
        pytest.skip(
            f"pabutools comparison covers approval and cumulative ballots, not {election.vote_type}"
        )


def _mes_params():
    files = pb_files()
    if not files:
        return [pytest.param(None, id="pabulib-folder-missing")]
    return [
        pytest.param(p, id=p.stem, marks=[pytest.mark.slow] if p.stem in SLOW else [])
        for p in files
    ]


@pytest.mark.parametrize("path", _mes_params())
def test_greedy_and_mes_match_pabutools(path):
    if path is None:
        require_pabulib()
    election = load(path)
    comparable(election)
    prep = prepared(path)
    ranks = rank_by_id(prep)
    greedy = set(tally(election, "greedy", prep).selected_ids)
    assert greedy == pabutools_greedy(election, ranks)
    mes = set(tally(election, "mes", prep).selected_ids)
    assert mes == pabutools_mes(election, ranks)
