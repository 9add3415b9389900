"""Phases move forward only, one step at a time, each change public with who, when and why;
voting can be extended before it closes; nothing re-opens."""
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from budgets import phases, results, services
from budgets.models import BudgetProcess, Phase, PhaseChange
from tests.budgets.factories import open_box
from tests.factories import UserFactory, sign_in_recently

pytestmark = pytest.mark.django_db


def test_staff_cannot_go_back_skip_or_set_results(process, budget_staff):
    for target, field in ((Phase.REVIEW, "phase"), (Phase.PROPOSALS, "phase"), (Phase.IMPLEMENTATION, "phase"),
                          (Phase.RESULTS, "phase"), (Phase.VOTING, "phase"), ("nonsense", "phase")):
        with pytest.raises(ValidationError) as refused:
            phases.phase_set(process=process, phase=target, actor=budget_staff, reason="Prøv")
        assert field in refused.value.message_dict, target
    process.refresh_from_db()
    assert process.phase == Phase.VOTING and not PhaseChange.objects.filter(process=process).exists()


def test_a_person_must_say_why_and_the_change_is_recorded(process, budget_staff):
    with pytest.raises(ValidationError) as silent:
        phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW, actor=budget_staff, reason="  ")
    assert "reason" in silent.value.message_dict
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW, actor=budget_staff, reason="Fristen er nået.")
    change = PhaseChange.objects.get(process=process)
    assert (change.from_phase, change.to_phase, change.changed_by, change.reason) == (
        "voting", "council_review", budget_staff, "Fristen er nået.")
    process.refresh_from_db()
    assert process.ballot_box.closed_at, "leaving voting publishes the bulletin board"
    with pytest.raises(ValidationError):
        phases.phase_set(process=process, phase=Phase.VOTING, actor=budget_staff, reason="Igen")
    with pytest.raises((ValidationError, PermissionDenied)):
        services.ballot_cast(process=process, user=UserFactory(municipality=process.municipality, birth_year=1980),
                             choice={"projects": ["A"]})


def test_voting_is_extended_only_later_and_only_before_it_closes(process, budget_staff):
    old_end = process.voting_end
    with pytest.raises(ValidationError) as earlier:
        phases.voting_extend(process=process, until=old_end - timedelta(days=1), actor=budget_staff, reason="Nej")
    assert "voting_end" in earlier.value.message_dict
    later = old_end + timedelta(days=3)
    phases.voting_extend(process=process, until=later, actor=budget_staff, reason="Mange breve kom sent frem.")
    process.refresh_from_db()
    assert process.voting_end == later and process.results_date >= later
    extension = PhaseChange.objects.get(process=process)
    assert extension.voting_end == later and extension.from_phase == extension.to_phase == "voting"
    # The calendar keeps voting open until the new end.
    assert phases.phases_advance(now=old_end + timedelta(hours=1)) == 0
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW, actor=budget_staff, reason="Slut")
    with pytest.raises(ValidationError):
        phases.voting_extend(process=process, until=later + timedelta(days=5), actor=budget_staff, reason="Igen")


def test_after_the_opening_nothing_reopens(process, council, budget_staff):
    open_box(process, council)
    for target in PHASE_TARGETS:
        with pytest.raises(ValidationError):
            phases.phase_set(process=process, phase=target, actor=budget_staff, reason="Tilbage")
    results.council_review(process=process, member=council, decision="approved")
    approval = PhaseChange.objects.filter(process=process).last()
    assert (approval.from_phase, approval.to_phase, approval.changed_by) == ("council_review", "results", council)
    for target in (Phase.VOTING, Phase.COUNCIL_REVIEW, Phase.RESULTS):
        with pytest.raises(ValidationError):
            phases.phase_set(process=process, phase=target, actor=budget_staff, reason="Tilbage")


PHASE_TARGETS = (Phase.PROPOSALS, Phase.REVIEW, Phase.VOTING, Phase.RESULTS, Phase.IMPLEMENTATION)


def test_the_phase_page_keeps_what_was_typed_and_the_history_is_public(client, process, budget_staff):
    sign_in_recently(client, budget_staff)  # a phase change asks for a recent authentication
    page = client.get(f"/budgets/{process.pk}/phase/")
    assert page.status_code == 200
    assert 'name="phase" value="council_review"' in page.content.decode()
    # Someone else moved it on meanwhile: the second form is refused, the reason kept.
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.COUNCIL_REVIEW)
    answer = client.post(f"/budgets/{process.pk}/phase/", {"phase": "council_review", "reason": "Afstemning slut"})
    assert answer.status_code == 200 and "Afstemning slut" in answer.content.decode()
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.VOTING)
    bad = client.post(f"/budgets/{process.pk}/phase/", {"extend-voting_end": "i morgen", "extend-reason": "Forsinket"})
    assert bad.status_code == 200 and "Forsinket" in bad.content.decode()
    assert process.voting_end == BudgetProcess.objects.get(pk=process.pk).voting_end
    new_end = timezone.localtime(process.voting_end + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    moved = client.post(f"/budgets/{process.pk}/phase/", {"extend-voting_end": new_end,
                                                          "extend-reason": "Breve forsinket af posten"})
    assert moved.status_code == 302
    answer = client.post(f"/budgets/{process.pk}/phase/", {"phase": "council_review", "reason": "Afstemning slut"})
    assert answer.status_code == 302
    client.logout()
    public = client.get(f"/budgets/{process.pk}/").content.decode()
    assert "Breve forsinket af posten" in public and "Afstemning slut" in public


def test_citizens_and_council_cannot_change_phases(client, process, council, voter):
    for user in (council, voter):
        client.force_login(user)
        assert client.post(f"/budgets/{process.pk}/phase/", {"phase": "council_review",
                                                             "reason": "x"}).status_code == 403
    assert BudgetProcess.objects.get(pk=process.pk).phase == Phase.VOTING
