"""The report back: answers, themes and harvested ideas that become ideas everyone at the
table follows — so every guest hears what became of the evening."""
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from dinners import services
from dinners.models import Dinner, HarvestedIdea
from ideas.models import Follow, Source, Status
from ideas.services import idea_status_change

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_dinner(dinner, guests):
    for guest in guests[:4]:
        services.seat_book(dinner=dinner, guest=guest)
    services.seat_book(dinner=dinner, guest=guests[9])
    services.seat_cancel(seat=dinner.seats_taken.get(guest=guests[9]), actor=guests[9])
    Dinner.objects.filter(pk=dinner.pk).update(starts_at=timezone.now() - timedelta(hours=3))
    dinner.refresh_from_db()
    return dinner


def answers_for(dinner):
    return {q.pk: f"Svar på {q.text}" for q in dinner.programme.questions.all()}


def test_a_report_turns_each_harvested_idea_into_an_idea_the_table_follows(held_dinner, host, guests):
    report = services.report_file(dinner=held_dinner, author=host, participants=5, themes="Naboskab",
                                  answers=answers_for(held_dinner),
                                  ideas=[("Fællesværksted", "Et sted at låne værktøj."),
                                         ("Åbne skolegårde", "Lad familier bruge dem i weekenden.")])
    ideas = [h.idea for h in HarvestedIdea.objects.filter(report=report).select_related("idea")]
    assert [i.title for i in ideas] == ["Fællesværksted", "Åbne skolegårde"]
    for idea in ideas:
        assert idea.source == Source.DINNER
        assert idea.citizens_initiated
        assert idea.campaign_id == held_dinner.programme.campaign_id
        followers = set(Follow.objects.filter(idea=idea).values_list("user_id", flat=True))
        assert followers == {host.pk, *(g.pk for g in guests[:4])}, "the table, not the one who cancelled"
    assert report.answers.count() == 3


def test_guests_are_told_when_a_harvested_idea_changes_status(held_dinner, host, guests, staff,
                                                              django_capture_on_commit_callbacks):
    report = services.report_file(dinner=held_dinner, author=host, participants=5, answers=answers_for(held_dinner),
                                  ideas=[("Fællesværksted", "Et sted at låne værktøj.")])
    idea = report.harvested.get().idea
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW, answer="Vi kigger på det.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([host.email, *(g.email for g in guests[:4])])


def test_a_report_needs_every_answer_and_comes_only_once_after_the_dinner(dinner, held_dinner, host):
    with pytest.raises(ValidationError) as error:
        services.report_file(dinner=held_dinner, author=host, participants=5, answers={}, ideas=[("Titel", "")])
    assert {"answers", "ideas"} <= set(error.value.message_dict)
    services.report_file(dinner=held_dinner, author=host, participants=5, answers=answers_for(held_dinner))
    with pytest.raises(ValidationError):
        services.report_file(dinner=held_dinner, author=host, participants=5, answers=answers_for(held_dinner))


def test_a_future_dinner_cannot_be_reported(dinner, host):
    with pytest.raises(ValidationError):
        services.report_file(dinner=dinner, author=host, participants=5, answers=answers_for(dinner))


def test_the_report_page_keeps_what_was_typed_and_adds_idea_slots_without_javascript(client, held_dinner, host):
    client.force_login(host)
    url = reverse("dinners:report", args=[held_dinner.pk])
    questions = list(held_dinner.programme.questions.all())
    typed = {"participants": "5", "idea_slots": "3", f"answer_{questions[0].pk}": "Naboskab betyder alt",
             "idea_title_1": "Bytteskab", "idea_body_1": "Et skab på hjørnet."}
    more = client.post(url, {**typed, "more_ideas": "1"})
    assert more.status_code == 200
    page = more.content.decode()
    assert "Naboskab betyder alt" in page and "Bytteskab" in page
    assert 'name="idea_title_5"' in page
    invalid = client.post(url, typed)  # two answers missing
    assert invalid.status_code == 200
    assert "Naboskab betyder alt" in invalid.content.decode()
    complete = {**typed, **{f"answer_{q.pk}": "Svar" for q in questions[1:]}}
    done = client.post(url, complete)
    assert done.status_code == 302
    assert HarvestedIdea.objects.get().idea.title == "Bytteskab"


def test_the_host_can_name_a_confirmed_guest_to_write_the_report(client, held_dinner, host, guests):
    client.force_login(host)
    client.post(reverse("dinners:reporter", args=[held_dinner.pk]), {"reporter": guests[1].pk})
    held_dinner.refresh_from_db()
    assert held_dinner.reporter == guests[1]
    client.force_login(guests[1])
    assert client.get(reverse("dinners:report", args=[held_dinner.pk])).status_code == 200
    client.force_login(guests[2])
    assert client.get(reverse("dinners:report", args=[held_dinner.pk])).status_code == 403
    with pytest.raises(ValidationError):
        services.dinner_reporter_set(dinner=held_dinner, actor=host, reporter=guests[9])  # cancelled


def test_an_api_answer_keyed_by_a_digit_sign_is_no_question_and_no_server_error(held_dinner, host):
    """"²" passes str.isdigit() but is no question id (int() refuses it): the answer is
    left out, so the report is refused for the missing answer, with field messages."""
    from rest_framework.test import APIClient

    api = APIClient()
    api.raise_request_exception = False
    api.force_authenticate(host)
    answers = {str(pk): text for pk, text in answers_for(held_dinner).items()}
    first = next(iter(answers))
    answers["\u00b2"] = answers.pop(first)
    response = api.post(f"/api/v1/dinners/dinners/{held_dinner.pk}/report/",
                        {"participants": 5, "answers": answers, "themes": "", "ideas": []}, format="json")
    assert response.status_code == 400, response.content
    assert "answers" in response.json()["fields"]
