import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from budgets import phases, results, selectors, services, voting_codes
from budgets.ballotbox import receipt_status
from budgets.models import Ballot, BudgetProcess, Participation, Phase, Project, Result
from budgets.selectors import BoxNotOpened
from tests.budgets.factories import open_box, unsealed
from tests.factories import MunicipalityFactory, UserFactory

pytestmark = pytest.mark.django_db


def cast(process, user, *codes, **kw):
    return services.ballot_cast(process=process, user=user, choice={"projects": list(codes)}, **kw)


def test_cast_verify_and_replace(process, voter):
    first = cast(process, voter, "A", "C")
    assert receipt_status(process=process, receipt=first.receipt).state == "in_box"
    assert receipt_status(process=process, receipt=first.receipt.lower().replace("-", " ")).state == "in_box"
    assert unsealed(Ballot.objects.filter(process=process)) == [{"projects": ["A", "C"]}]
    second = cast(process, voter, "B")
    assert second.replaced and second.receipt != first.receipt
    assert Ballot.objects.filter(process=process).count() == 1
    assert unsealed(Ballot.objects.filter(process=process)) == [{"projects": ["B"]}]
    assert receipt_status(process=process, receipt=second.receipt).state == "in_box"
    assert receipt_status(process=process, receipt=first.receipt).state == "absent", "the replaced ballot is gone"
    assert Participation.objects.filter(process=process).count() == 1


def test_the_same_choice_again_gives_a_new_receipt(process, voter):
    """A coercer who watched a vote cannot check a re-vote by casting the same choice and
    comparing receipts: every sealing is fresh."""
    receipts = {cast(process, voter, "A").receipt for _ in range(3)}
    assert len(receipts) == 3


def test_no_revote_when_not_allowed(process, voter):
    BudgetProcess.objects.filter(pk=process.pk).update(allow_revote=False)
    process.refresh_from_db()
    cast(process, voter, "A")
    with pytest.raises(ValidationError):
        cast(process, voter, "B")


def test_knapsack_limit_in_plain_words(process, voter):
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="knapsack")
    process.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        cast(process, voter, "A", "B", "D")
    assert "130.000 kr." in error.value.messages[0] and "100.000 kr." in error.value.messages[0]
    cast(process, voter, "A", "C")


def test_cumulative_and_ranked_ballots(process, voter):
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="cumulative", points=10, max_points_per_project=6)
    process.refresh_from_db()
    with pytest.raises(ValidationError):
        services.ballot_cast(process=process, user=voter, choice={"points": {"A": 7}})
    with pytest.raises(ValidationError):
        services.ballot_cast(process=process, user=voter, choice={"points": {"A": 6, "B": 5}})
    services.ballot_cast(process=process, user=voter, choice={"points": {"A": 6, "B": 4, "C": 0}})
    assert unsealed(Ballot.objects.get()) == [{"points": {"A": 6, "B": 4}}]
    BudgetProcess.objects.filter(pk=process.pk).update(ballot_type="ranked", max_projects=3)
    process.refresh_from_db()
    with pytest.raises(ValidationError):
        services.ballot_cast(process=process, user=voter, choice={"ranking": ["A", "A"]})
    services.ballot_cast(process=process, user=voter, choice={"ranking": ["C", "A", "B"]})
    assert unsealed(Ballot.objects.get()) == [{"ranking": ["C", "A", "B"]}]


def test_eligibility(process, municipality):
    with pytest.raises(PermissionDenied):
        cast(process, UserFactory(municipality=MunicipalityFactory()), "A")
    BudgetProcess.objects.filter(pk=process.pk).update(min_age=16)
    process.refresh_from_db()
    with pytest.raises(PermissionDenied):
        cast(process, UserFactory(municipality=municipality, birth_year=None), "A")
    cast(process, UserFactory(municipality=municipality, birth_year=1990), "A")
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)
    process.refresh_from_db()
    with pytest.raises(PermissionDenied):
        cast(process, UserFactory(municipality=municipality, birth_year=1990), "A")


def test_voting_codes_work_once(process):
    codes = voting_codes.codes_generate(process=process, count=3)
    assert len(set(codes)) == 3
    services.ballot_cast(process=process, code=codes[0], choice={"projects": ["A"]})
    with pytest.raises(ValidationError):
        services.ballot_cast(process=process, code=codes[0], choice={"projects": ["B"]})
    with pytest.raises(ValidationError):
        services.ballot_cast(process=process, code="NOPE-NOPE-NOPE-NOPE", choice={"projects": ["B"]})
    # A ballot refused for its content does not burn the code.
    with pytest.raises(ValidationError):
        services.ballot_cast(process=process, code=codes[1], choice={"projects": []})
    services.ballot_cast(process=process, code=codes[1], choice={"projects": ["B"]})
    assert Ballot.objects.count() == 2 and Participation.objects.filter(channel="code").count() == 2


def test_council_approval_freezes_and_publishes_the_result(process, council, municipality):
    for codes in (["A"], ["A", "C"], ["B", "C"], ["C", "D"]):
        cast(process, UserFactory(municipality=municipality), *codes)
    with pytest.raises(PermissionDenied):
        results.council_review(process=process, member=council, decision="approved")
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    with pytest.raises(BoxNotOpened):
        results.council_review(process=process, member=council, decision="approved")
    open_box(process, council)
    with pytest.raises(ValidationError):
        results.council_review(process=process, member=council, decision="sent_back", comment="")
    results.council_review(process=process, member=council, decision="sent_back", comment="Tjek papirstemmer")
    results.council_review(process=process, member=council, decision="approved")
    process.refresh_from_db()
    result = Result.objects.get(process=process)
    assert process.phase == Phase.RESULTS
    # greedy by approvals: C (3), A (2) = 90,000; B (1) does not fit, D (1) = 20,000 does not fit either
    assert result.selected_codes == ["C", "A"] and result.spent == 90_000 and result.ballots == 4
    assert set(Project.objects.filter(selected=True).values_list("code", flat=True)) == {"A", "C"}
    assert result.elections[0]["fingerprint"] == results.ballots_fingerprint(process)[0]
    assert result.fingerprint == hashlib.sha256(result.document.encode()).hexdigest()
    assert results.result_check(process).state == "verified"


def test_rule_comparison_for_the_council(process, municipality, council):
    for codes in (["A"], ["A", "C"], ["B", "C"], ["C", "D"], ["D"]):
        cast(process, UserFactory(municipality=municipality), *codes)
    with pytest.raises(BoxNotOpened):
        selectors.rule_comparison(process=process)
    open_box(process, council)
    comparison = selectors.rule_comparison(process=process)
    rules = {row["rule"]: row for row in comparison["rules"]}
    assert set(rules) == {"greedy", "mes", "equalshares/add1"}
    # C has 3 votes; A and D 2 each, and the tie goes to the cheaper D; then B still fits.
    assert set(rules["greedy"]["selected"]) == {"C", "D", "B"} and rules["greedy"]["spent"] == 100_000
    assert all(row["voters"] == 5 for row in rules.values())


def test_phases_advance_on_their_dates_one_recorded_step_at_a_time(municipality):
    from datetime import timedelta

    from django.utils import timezone

    from budgets.models import PhaseChange
    from tests.budgets.factories import BudgetProcessFactory, ballot_box_for

    process = BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS)
    ballot_box_for(process)
    assert phases.phases_advance() == 2
    process.refresh_from_db()
    assert process.phase == Phase.VOTING
    assert [(c.from_phase, c.to_phase, c.changed_by) for c in PhaseChange.objects.filter(process=process)] == [
        ("proposals", "review", None), ("review", "voting", None)]
    assert phases.phases_advance() == 0, "idempotent"
    later = timezone.now() + timedelta(days=11)
    phases.phases_advance(now=later)
    process.refresh_from_db()
    assert process.phase == Phase.COUNCIL_REVIEW
    assert process.ballot_box.closed_at is not None, "closing voting publishes the bulletin board"
    phases.phases_advance(now=later + timedelta(days=100))
    process.refresh_from_db()
    assert process.phase == Phase.COUNCIL_REVIEW, "results come from the council, not a date"


def test_the_calendar_does_not_open_voting_on_a_box_that_is_not_ready(municipality):
    from tests.budgets.factories import BudgetProcessFactory

    process = BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS)
    assert phases.phases_advance() == 1
    process.refresh_from_db()
    assert process.phase == Phase.REVIEW, "no ballot box: voting waits"


def test_followers_of_an_idea_hear_whether_its_project_is_funded(process, council, municipality, monkeypatch,
                                                                  django_capture_on_commit_callbacks):
    import realtime.broadcast as broadcast
    from ideas import services as idea_services
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=municipality, title="Bænke ved åen")
    follower = UserFactory(preferred_language="en")
    idea_services.idea_follow(idea=idea, user=follower)
    Project.objects.filter(process=process, code="C").update(idea=idea, title="Bænke ved åen")
    cast(process, UserFactory(municipality=municipality), "C")
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    sent = []
    monkeypatch.setattr(broadcast, "send_now", lambda group, event, payload: sent.append((group, event, payload)))
    with django_capture_on_commit_callbacks(execute=True):
        results.council_review(process=process, member=council, decision="approved")
    assert [(g, e, p["message"]) for g, e, p in sent if e == "budget.result"] == [
        (f"user.{follower.pk}", "budget.result", f"“Bænke ved åen” is funded in {process.title}")]


def test_no_ballot_after_the_closing_time_even_before_the_phase_moves(process, voter):
    from datetime import timedelta

    from django.utils import timezone

    BudgetProcess.objects.filter(pk=process.pk).update(voting_end=timezone.now() - timedelta(seconds=1),
                                                       results_date=timezone.now() + timedelta(days=1))
    process.refresh_from_db()
    assert process.phase == Phase.VOTING
    with pytest.raises(PermissionDenied):
        cast(process, voter, "A")
    codes = voting_codes.codes_generate(process=process, count=1)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(process=process, code=codes[0], choice={"projects": ["A"]})


def test_data_download_says_where_a_person_voted_but_not_what(client, process, voter):
    import json

    cast(process, voter, "B", "D")
    client.force_login(voter)
    data = json.loads(client.get("/account/data.json").content)
    assert data["budgets"]["took_part_in"] == [{"process": process.title, "budget": "citywide", "channel": "online",
                                                "on": data["budgets"]["took_part_in"][0]["on"],
                                                "district": None, "age_band": services._age_band(voter.birth_year)}]
    assert "Projekt B" not in json.dumps(data) and '"B"' not in json.dumps(data["budgets"])


def test_followers_are_emailed_the_result_once(process, council, municipality, django_capture_on_commit_callbacks):
    from django.core import mail

    from ideas import services as idea_services
    from notify.models import Notice
    from notify.tasks import deliver_due, deliver_notices
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=municipality, title="Træer på torvet")
    follower = UserFactory(preferred_language="nb")
    idea_services.idea_follow(idea=idea, user=follower)
    Project.objects.filter(process=process, code="C").update(idea=idea, title="Træer på torvet")
    cast(process, UserFactory(municipality=municipality), "C")
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        results.council_review(process=process, member=council, decision="approved")
    assert [m.to for m in mail.outbox] == [[follower.email]]
    assert "Træer på torvet" in mail.outbox[0].subject and "/ideas/unsubscribe/" in mail.outbox[0].body
    ids = list(Notice.objects.filter(kind="budgets.result").values_list("pk", flat=True))
    assert deliver_notices(ids) == 0 and deliver_due(older_than_seconds=0) == 0, "sent once"
    assert len(mail.outbox) == 1


def test_a_project_title_with_a_line_break_still_reaches_the_followers(process, council, municipality,
                                                                        django_capture_on_commit_callbacks,
                                                                        monkeypatch):
    """The subject is one line; and a follower whose e-mail fails for a reason of its own
    does not cost the others theirs: that one is marked failed, and the sweep leaves it be."""
    from django.core import mail

    from ideas import services as idea_services
    from notify.models import Notice, State
    from notify.tasks import deliver_due
    from tests.ideas.factories import IdeaFactory

    idea = IdeaFactory(campaign__municipality=municipality)
    followers = [UserFactory(), UserFactory()]
    for follower in followers:
        idea_services.idea_follow(idea=idea, user=follower)
    Project.objects.filter(process=process, code="C").update(idea=idea, title="Træer\npå torvet")
    cast(process, UserFactory(municipality=municipality), "C")
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    mail.outbox.clear()
    real_send = mail.EmailMessage.send

    def send(message, *args, **kwargs):
        if message.to == [followers[0].email]:
            raise ValueError("refused")
        return real_send(message, *args, **kwargs)

    monkeypatch.setattr(mail.EmailMessage, "send", send)
    with django_capture_on_commit_callbacks(execute=True):
        results.council_review(process=process, member=council, decision="approved")
    [message] = mail.outbox
    assert message.to == [followers[1].email] and "Træer på torvet" in message.subject
    message.message()
    assert Notice.objects.get(recipient=followers[0]).state == State.FAILED
    assert Notice.objects.get(recipient=followers[1]).state == State.SENT
    assert deliver_due(older_than_seconds=0) == 0 and len(mail.outbox) == 1
