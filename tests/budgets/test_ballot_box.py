"""The ballot box: its key split among the council, collected once, opened by k of n shares
and by nothing less; a wrong share is named; sealed ballots say nothing by their size."""
import json
from itertools import combinations

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import Role
from budgets import ballotbox, paper_ballots, phases, sealing, selectors, services
from budgets.models import Ballot, BallotBox, CountedBallots, KeyHolder, Phase
from tests.budgets.factories import (
    BudgetProcessFactory,
    ProjectFactory,
    process_outcome,
    share_texts,
)
from tests.factories import MembershipFactory, UserFactory


def _council(municipality, n):
    members = []
    for i in range(n):
        member = UserFactory(municipality=municipality, display_name=f"Rådmand {i + 1}")
        MembershipFactory(user=member, municipality=municipality, role=Role.COUNCIL)
        members.append(member)
    return members


def test_any_k_shares_give_the_key_back_and_k_minus_1_do_not():
    key = sealing.key_split(threshold=3, holders=5)
    for chosen in combinations(key.shares, 3):
        private = sealing.key_combine(list(chosen), key.public_key)
        # An independent X25519 implementation derives the same public key from it.
        derived = X25519PrivateKey.from_private_bytes(bytes(private)).public_key().public_bytes_raw()
        assert derived == key.public_key
    for chosen in combinations(key.shares, 2):
        with pytest.raises(sealing.ShareError):
            sealing.key_combine(list(chosen), key.public_key)


def test_a_sealed_ballot_opens_only_with_the_boxs_key_and_its_size_says_nothing():
    key = sealing.key_split(threshold=2, holders=3)
    length = sealing.padded_length(120)
    short = sealing.seal(key.public_key, {"projects": ["1"]}, length)
    long = sealing.seal(key.public_key, {"projects": [str(n) for n in range(1, 25)]}, length)
    again = sealing.seal(key.public_key, {"projects": ["1"]}, length)
    assert len(short) == len(long) == len(again)
    assert short != again and sealing.receipt_of(short) != sealing.receipt_of(again), "sealing is randomised"
    private = sealing.key_combine(key.shares[:2], key.public_key)
    assert sealing.unseal(private, short) == {"projects": ["1"]}
    other = sealing.key_split(threshold=2, holders=3)
    with pytest.raises(sealing.ShareError):
        sealing.unseal(sealing.key_combine(other.shares[:2], other.public_key), short)


def test_words_and_file_give_the_same_share_and_a_typo_is_caught():
    share = sealing.key_split(threshold=2, holders=3).shares[1]
    words = share.words().split()
    assert len(words) == 24
    assert sealing.share_read(f"{share.index} {' '.join(words)}") == share
    assert sealing.share_read(f"  {share.index}, {' '.join(w.upper() for w in words)} ") == share
    file = sealing.share_file(share, box_id=1, process_id=1, title="T", holder="H", threshold=2, holders=3,
                              public_key=b"k" * 32)
    assert sealing.share_read(file.decode()) == share
    codes = set()
    for text in ("", "{}", "abandon " * 24, f"{share.index} " + " ".join(words[:23]),
                 f"{share.index} " + " ".join(["høst"] + words[1:])):
        with pytest.raises(sealing.ShareError) as caught:
            sealing.share_read(text)
        codes.add(caught.value.args[0])
    assert {"empty", "not_a_file", "no_number", "word_count", "unknown_word"} <= codes
    # Two words swapped: BIP-39's 8-bit checksum catches it, except for one share in 256 (the
    # share is random); then it reads as another share, which the opening names as wrong.
    swapped = words[:]
    swapped[3], swapped[4] = swapped[4], swapped[3]
    if swapped != words:
        try:
            read = sealing.share_read(f"{share.index} " + " ".join(swapped))
        except sealing.ShareError as caught:
            assert caught.args[0] == "checksum"
        else:
            assert read != share


@pytest.mark.django_db
def test_prepare_needs_three_council_members_and_a_sensible_threshold(municipality, budget_staff):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW, box=False)
    members = _council(municipality, 3)
    citizen = UserFactory(municipality=municipality)
    with pytest.raises(ValidationError) as too_few:
        ballotbox.box_prepare(process=process, actor=budget_staff, members=members[:2], threshold=2)
    assert "members" in too_few.value.message_dict
    with pytest.raises(ValidationError) as not_council:
        ballotbox.box_prepare(process=process, actor=budget_staff, members=[*members[:2], citizen], threshold=2)
    assert "members" in not_council.value.message_dict
    for threshold in (1, 4):
        with pytest.raises(ValidationError) as bad:
            ballotbox.box_prepare(process=process, actor=budget_staff, members=members, threshold=threshold)
        assert "threshold" in bad.value.message_dict
    box = ballotbox.box_prepare(process=process, actor=budget_staff, members=members, threshold=2)
    assert box.holders.count() == 3 and not ballotbox.box_ready(process)


@pytest.mark.django_db
def test_each_share_is_collected_once_and_voting_waits_for_all(municipality, budget_staff):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.REVIEW, box=False)
    for code in "AB":
        ProjectFactory(process=process, code=code, cost=10_000)
    members = _council(municipality, 3)
    ballotbox.box_prepare(process=process, actor=budget_staff, members=members, threshold=2)
    first = ballotbox.share_collect(process=process, member=members[0])
    assert json.loads(first.file)["index"] == first.share.index
    with pytest.raises(ValidationError):
        ballotbox.share_collect(process=process, member=members[0])
    with pytest.raises(PermissionDenied):
        ballotbox.share_collect(process=process, member=budget_staff)
    assert KeyHolder.objects.get(member=members[0]).pending_share is None, "the server's copy is erased"
    with pytest.raises(ValidationError) as waiting:
        phases.phase_set(process=process, phase=Phase.VOTING, actor=budget_staff, reason="Start")
    assert "Rådmand 2" in " ".join(waiting.value.messages) and "Rådmand 3" in " ".join(waiting.value.messages)
    ballotbox.share_collect(process=process, member=members[1])
    ballotbox.share_collect(process=process, member=members[2])
    phases.phase_set(process=process, phase=Phase.VOTING, actor=budget_staff, reason="Start")
    with pytest.raises(ValidationError):
        ballotbox.box_prepare(process=process, actor=budget_staff, members=members, threshold=2)
    # The words give the file back, and only to its holder.
    again = ballotbox.share_file_again(process=process, member=members[0],
                                       text=f"{first.share.index} {first.share.words()}")
    assert json.loads(again)["share"] == json.loads(first.file)["share"]
    with pytest.raises(ValidationError):
        ballotbox.share_file_again(process=process, member=members[1],
                                   text=f"{first.share.index} {first.share.words()}")


@pytest.fixture
def voted(process, municipality):
    choices = [["A"], ["B", "C"], ["C"], ["A", "D"], ["D"]]
    for choice in choices:
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality, birth_year=1980),
                             choice={"projects": choice})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    process.refresh_from_db()
    return choices


@pytest.mark.django_db
def test_k_minus_1_shares_do_not_open_and_nothing_is_counted_before(process, council, voted):
    with pytest.raises(ValidationError) as short:
        ballotbox.box_open(process=process, member=council, shares=share_texts(process, 1))
    assert "2" in " ".join(short.value.messages)
    assert Ballot.objects.filter(process=process).count() == 5 and not CountedBallots.objects.exists()
    with pytest.raises(selectors.BoxNotOpened):
        process_outcome(process=process, election=None)
    # The same share twice is one share.
    with pytest.raises(ValidationError):
        ballotbox.box_open(process=process, member=council, shares=share_texts(process, 1) * 2)


@pytest.mark.django_db
def test_a_wrong_share_is_named_and_opens_nothing(process, council, voted):
    foreign = sealing.key_split(threshold=2, holders=3).shares[1]  # share number 2 of another box
    with pytest.raises(ValidationError) as wrong:
        ballotbox.box_open(process=process, member=council,
                           shares=[share_texts(process, 1)[0], f"{foreign.index} {foreign.words()}"])
    message = " ".join(wrong.value.messages)
    assert "2 (Key holder 2)" in message and "1 (Key holder 1)" not in message
    assert Ballot.objects.filter(process=process).count() == 5
    assert BallotBox.objects.get(process=process).opened_at is None


@pytest.mark.django_db
def test_k_shares_open_the_box_into_one_shuffled_list_and_erase_the_sealed_rows(process, council, voted):
    board = BallotBox.objects.get(process=process).board[""]
    assert len(board) == 5, "the bulletin board was published at the close"
    shares = share_texts(process)
    opening = ballotbox.box_open(process=process, member=council, shares=[shares[2], shares[0]])
    assert opening.ballots == {"": 5}
    assert not Ballot.objects.filter(process=process).exists()
    counted = CountedBallots.objects.get(process=process, district_budget=None)
    assert sorted(sorted(c["projects"]) for c in counted.contents) == sorted(sorted(c) for c in voted)
    box = BallotBox.objects.get(process=process)
    assert box.opened_at and box.opened_by == council and box.board[""] == board
    with pytest.raises(ValidationError):
        ballotbox.box_open(process=process, member=council, shares=shares[:2])
    # Counts exist now: the council sees the outcome.
    outcome, _selected = process_outcome(process=process, election=None)
    assert outcome.rule


@pytest.mark.django_db
def test_the_box_is_opened_only_in_council_review(process, council):
    services.ballot_cast(process=process, user=UserFactory(municipality=process.municipality, birth_year=1980),
                         choice={"projects": ["A"]})
    with pytest.raises(PermissionDenied):
        ballotbox.box_open(process=process, member=council, shares=share_texts(process))


@pytest.mark.django_db
def test_a_paper_ballot_is_sealed_until_confirmed_and_then_goes_into_the_box(process, budget_staff, council,
                                                                            municipality):
    colleague = UserFactory(municipality=municipality)
    MembershipFactory(user=colleague, municipality=municipality, role=Role.STAFF)
    paper = paper_ballots.paper_ballot_enter(process=process, staff=budget_staff, choice={"projects": ["B"]})
    assert b'"B"' not in bytes(paper.sealed_content), "what was typed is sealed in the table"
    paper_ballots.paper_ballot_confirm(paper=paper, staff=colleague)
    sealed = Ballot.objects.get(process=process)
    assert b'"B"' not in bytes(sealed.ciphertext)
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    process.refresh_from_db()
    ballotbox.box_open(process=process, member=council, shares=share_texts(process, 2))
    assert CountedBallots.objects.get(process=process).contents == [{"projects": ["B"]}]
    # After the opening nothing more goes into the box.
    with pytest.raises((ValidationError, PermissionDenied)):
        paper_ballots.paper_ballot_enter(process=process, staff=budget_staff, choice={"projects": ["A"]})
