"""Comments on budget projects: written on the project's page (and replied to, one level),
moderated as ideas' comments are in the one moderation queue (pre- or post-moderation by the
municipality's settings, reports that hide a comment at the threshold, hide and restore with
a reason), and the API's twin of each, with the page's form and rules."""
import re

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from budgets import services
from budgets.comments import services as comment_services
from budgets.events import project_group
from budgets.models import BudgetProcess, Phase, ProjectComment, ProjectCommentEvent
from ideas import services as idea_services
from ideas.models import ModerationAction, Visibility
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def member(municipality, role):
    user = UserFactory(municipality=municipality)
    MembershipFactory(user=user, municipality=municipality, role=role)
    return user


@pytest.fixture
def project(process):
    return process.projects.get(code="A")


@pytest.fixture
def moderator(municipality):
    return member(municipality, Role.MODERATOR)


@pytest.fixture
def neighbour(municipality):
    return UserFactory(municipality=municipality, display_name="Nabo Nielsen")


def page(client, project, **query):
    return client.get(reverse("budgets:project", args=[project.process_id, project.code]), query)


def post(client, project, **data):
    return client.post(reverse("budgets:comment", args=[project.pk]), data)


def text(response) -> str:
    html = response.group(0) if isinstance(response, re.Match) else response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def moderate(client, comment, **data):
    return client.post(reverse("ideas:moderate-item", args=["project-comments", comment.pk]), data)


# --- Writing ---------------------------------------------------------------------------------
def test_a_citizen_comments_and_replies_one_level(client, project, citizen, neighbour):
    assert "Log ind for at kommentere" in page(client, project).content.decode()
    assert post(client, project, body="Hej").status_code == 302
    assert not ProjectComment.objects.exists(), "signed out: to the sign-in page, nothing written"

    client.force_login(neighbour)
    response = post(client, project, body="Gode gynger, *tak*.")
    comment = ProjectComment.objects.get()
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url() + f"#comment-{comment.pk}"
    html = page(client, project).content.decode()
    assert "<em>tak</em>" in html and "Nabo Nielsen" in html and "Kommentarer (1)" in text(page(client, project))

    client.force_login(citizen)
    reply_page = page(client, project, reply_to=comment.pk)
    assert "Du svarer Nabo Nielsen." in text(reply_page)
    assert f'name="parent" value="{comment.pk}"' in reply_page.content.decode()
    assert post(client, project, body="Enig!", parent=comment.pk).status_code == 302
    reply = ProjectComment.objects.get(body="Enig!")
    # A reply to a reply joins the same thread.
    assert post(client, project, body="Også enig", parent=reply.pk).status_code == 302
    assert set(ProjectComment.objects.exclude(pk=comment.pk).values_list("parent", flat=True)) == {comment.pk}
    html = page(client, project).content.decode()
    assert re.search(rf'id="comment-{comment.pk}".*class="nobullet-list hoest-replies".*Enig!.*Også enig', html, re.S)
    assert "Kommentarer (3)" in text(page(client, project))


def test_the_body_is_sanitised_and_the_errors_are_clear_and_keep_the_text(client, project, citizen, settings):
    client.force_login(citizen)
    empty = post(client, project, body="   ")
    assert empty.status_code == 400 and "Dette felt er påkrævet." in text(empty)
    long = post(client, project, body="Gynger " + "x" * 3000)
    assert long.status_code == 400 and "må højst have 3000 tegn (den har 3007)" in text(long) and "Gynger xxxx" in long.content.decode()
    other = ProjectFactory(process=project.process, code="Z")
    elsewhere = comment_services.project_comment_add(project=other, author=citizen, body="Andetsteds")
    wrong = post(client, project, body="Svar", parent=elsewhere.pk)
    assert wrong.status_code == 400
    assert "Du kan kun svare på en offentliggjort kommentar til det samme projekt." in text(wrong)
    assert ProjectComment.objects.count() == 1

    assert post(client, project, body="**Fed** <script>alert(1)</script> [link](javascript:alert(1))").status_code == 302
    comment = ProjectComment.objects.latest("pk")
    assert "<strong>Fed</strong>" in comment.body_html
    assert "<script" not in comment.body_html and "javascript:" not in comment.body_html
    assert "<script>alert(1)" not in page(client, project).content.decode()

    settings.COMMENT_RATE = "2/h"  # one budget of comments, on ideas and projects alike
    assert post(client, project, body="Anden").status_code == 302
    throttled = post(client, project, body="Tredje kommentar om gyngerne")
    assert throttled.status_code == 400 and "Tredje kommentar om gyngerne" in throttled.content.decode()
    assert "Du har skrevet mange kommentarer på kort tid." in text(throttled)
    idea = IdeaFactory(campaign=CampaignFactory(municipality=project.process.municipality))
    assert client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Og her"}).status_code == 400


def test_errors_are_in_the_readers_language(client, project, citizen):
    client.force_login(citizen)
    client.cookies["django_language"] = "nb"
    empty = post(client, project, body="")
    assert empty.status_code == 400 and "Dette feltet er påkrevd." in text(empty)
    assert "Kommentarer (0)" in text(empty) and "Publiser kommentar" in text(empty)


@pytest.mark.parametrize("phase", [p.value for p in Phase])
def test_comments_are_open_in_every_phase_of_a_published_process(client, municipality, citizen, phase):
    process = BudgetProcessFactory(municipality=municipality, phase=phase)
    project = ProjectFactory(process=process, code="A")
    client.force_login(citizen)
    assert 'id="comment-form"' in page(client, project).content.decode()
    assert post(client, project, body=f"I fasen {phase}").status_code == 302


def test_a_draft_takes_no_comments(client, municipality, citizen):
    process = BudgetProcessFactory(municipality=municipality, phase=Phase.PROPOSALS, draft=True)
    project = ProjectFactory(process=process, code="A")
    staff = member(municipality, Role.STAFF)
    client.force_login(citizen)
    assert page(client, project).status_code == 404 and post(client, project, body="Hej").status_code == 404
    client.force_login(staff)
    assert "Projektet kan ikke kommenteres lige nu." in text(page(client, project))
    assert post(client, project, body="Hej").status_code == 403
    assert not ProjectComment.objects.exists()


# --- Moderation ------------------------------------------------------------------------------
def test_pre_moderated_comments_wait_for_a_moderator_in_the_one_queue(client, project, citizen, neighbour,
                                                                        moderator, municipality):
    idea_services.idea_settings_update(municipality=municipality, moderation_mode="pre")
    client.force_login(citizen)
    response = client.post(reverse("budgets:comment", args=[project.pk]), {"body": "Venter på en moderator"},
                           follow=True)
    assert "Din kommentar bliver offentliggjort, når en moderator har godkendt den." in text(response)
    comment = ProjectComment.objects.get()
    assert comment.visibility == Visibility.PENDING
    assert "Venter på moderering" in text(page(client, project)), "the author sees their own, and its state"
    client.force_login(neighbour)
    assert "Venter på en moderator" not in page(client, project).content.decode()

    client.force_login(moderator)
    queue = client.get(reverse("ideas:moderation")).content.decode()
    assert f'id="queue-project-comments-{comment.pk}"' in queue and "Venter på en moderator" in queue
    assert f'action="/ideas/moderation/project-comments/{comment.pk}/"' in queue
    assert moderate(client, comment, action="approve", next="/ideas/moderation/").status_code == 302
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    event = ProjectCommentEvent.objects.get()
    assert event.action == ModerationAction.APPROVE and event.actor == moderator
    client.force_login(neighbour)
    assert "Venter på en moderator" in page(client, project).content.decode()


def test_a_moderator_hides_with_a_reason_the_author_is_told(client, project, citizen, moderator,
                                                          django_capture_on_commit_callbacks):
    comment = comment_services.project_comment_add(project=project, author=citizen, body="Køb billige ure her")
    citizen.preferred_language = "en"
    citizen.save()
    client.force_login(moderator)
    back = page(client, project).content.decode()
    assert f'action="/ideas/moderation/project-comments/{comment.pk}/"' in back, "moderated on the page too"
    refused = moderate(client, comment, action="hide", reason=" ", next=project.get_absolute_url())
    assert refused.status_code == 302
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE, "no hiding without a reason"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        moderate(client, comment, action="hide", reason="Reklame er ikke tilladt.", next=project.get_absolute_url())
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    assert [m.to for m in mail.outbox] == [[citizen.email]]
    message = mail.outbox[0]
    assert message.subject == "Your comment has been hidden"
    assert "Reklame er ikke tilladt." in message.body and project.title in message.body
    assert project.get_absolute_url() in message.body
    client.force_login(citizen)
    assert "Køb billige ure her" in page(client, project).content.decode(), "the author still sees it, and why"
    centre = client.get(reverse("notify:centre")).content.decode()
    assert f"Your comment on the project “{project.title}” has been hidden" in centre
    notice = re.search(r'href="(/account/notifications/\d+/[^"]*)"', centre).group(1)
    assert client.get(notice)["Location"] == comment.get_absolute_url()
    client.logout()
    assert "Køb billige ure her" not in page(client, project).content.decode()

    client.force_login(moderator)
    html = page(client, project).content.decode()
    history = text(re.search(r'id="moderation-title".*?</section>', html, re.S))
    assert re.search(rf"Skjult \(kommentar #{comment.pk}\) – .+: Reklame er ikke tilladt\.", history), history
    moderate(client, comment, action="restore", reason="Fejl")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    assert list(ProjectCommentEvent.objects.values_list("action", "actor", "reason")) == [
        ("restore", moderator.pk, "Fejl"), ("hide", moderator.pk, "Reklame er ikke tilladt.")]


def test_reports_hide_a_comment_at_the_threshold_until_a_moderator_looks(client, project, citizen, moderator,
                                                                        municipality):
    idea_services.idea_settings_update(municipality=municipality, flag_threshold=2)
    comment = comment_services.project_comment_add(project=project, author=citizen, body="Noget grimt")
    flag_url = reverse("budgets:flag-comment", args=[comment.pk])
    client.force_login(citizen)
    assert client.get(flag_url).status_code == 403, "not one's own"
    first, second = UserFactory(), UserFactory()
    client.force_login(first)
    assert f'href="{flag_url}"' in page(client, project).content.decode()
    assert "Gælder projektet" in text(client.get(flag_url))
    assert client.post(flag_url, {}).status_code == 400
    assert client.post(flag_url, {"reason": "offensive", "explanation": "Grimt sprog"}).status_code == 302
    again = client.post(flag_url, {"reason": "spam"})
    assert again.status_code == 400 and "Du har allerede anmeldt dette." in text(again)
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE and comment.flag_count == 1

    client.force_login(moderator)
    queue = text(client.get(reverse("ideas:moderation")))
    assert "Anmeldt 1 gang" in queue and "Grimt sprog" in queue and "stadig offentliggjort" in queue

    client.force_login(second)
    client.post(flag_url, {"reason": "personal"})
    comment.refresh_from_db()
    assert comment.visibility == Visibility.PENDING, "hidden at the threshold"
    auto = ProjectCommentEvent.objects.get()
    assert auto.action == ModerationAction.AUTO_HIDE and auto.actor is None
    assert "Noget grimt" not in page(client, project).content.decode()

    client.force_login(moderator)
    queue = text(client.get(reverse("ideas:moderation")))
    assert "Anmeldt 2 gange" in queue and "Afslører personoplysninger" in queue
    moderate(client, comment, action="approve", reason="Inden for reglerne")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE and not comment.flags.filter(resolved=False).exists()
    assert f'queue-project-comments-{comment.pk}' not in client.get(reverse("ideas:moderation")).content.decode()


def test_another_municipalitys_moderator_cannot_decide(client, project, citizen):
    comment = comment_services.project_comment_add(project=project, author=citizen, body="I Aarhus")
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune")
    foreign = member(bergen, Role.MODERATOR)
    client.force_login(foreign)
    assert moderate(client, comment, action="hide", reason="Nej").status_code == 403
    api = APIClient()
    api.force_authenticate(foreign)
    assert api.post(f"/api/v1/moderation/project-comments/{comment.pk}/", {"action": "hide", "reason": "Nej"},
                    format="json").status_code == 403
    client.get(reverse("municipality-home", args=["bergen"]))  # their own municipality's queue
    own_queue = client.get(reverse("ideas:moderation"))
    assert own_queue.status_code == 200 and "I Aarhus" not in own_queue.content.decode()
    assert api.get("/api/v1/moderation/queue/", {"municipality": "bergen"}).json() == []
    assert api.get("/api/v1/moderation/queue/").status_code == 403, "nor Aarhus's"
    comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE and not ProjectCommentEvent.objects.exists()
    client.force_login(citizen)
    assert moderate(client, comment, action="hide", reason="Nej").status_code == 403
    assert client.post(reverse("ideas:moderate-item", args=["nothing", comment.pk]),
                       {"action": "approve"}).status_code == 404


# --- API -------------------------------------------------------------------------------------
def comments_url(project) -> str:
    return f"/api/v1/budgets/{project.process_id}/projects/{project.code}/comments/"


def test_the_api_lists_writes_and_reports_with_the_pages_rules(project, citizen, neighbour, moderator):
    api = APIClient()
    assert api.get(comments_url(project)).json() == []
    assert api.post(comments_url(project), {"body": "Hej"}, format="json").status_code == 403
    api.force_authenticate(neighbour)
    created = api.post(comments_url(project), {"body": "Gode *gynger*"}, format="json")
    assert created.status_code == 201
    data = created.json()
    assert set(data) == {"id", "parent", "author", "body", "body_html", "visibility", "created_at", "replies"}
    assert data["author"] == "Nabo Nielsen" and data["body_html"] == "<p>Gode <em>gynger</em></p>"
    api.force_authenticate(citizen)
    reply = api.post(comments_url(project), {"body": "Enig", "parent": data["id"]}, format="json")
    assert reply.status_code == 201 and reply.json()["parent"] == data["id"]
    listed = APIClient().get(comments_url(project)).json()
    assert [c["id"] for c in listed] == [data["id"]] and [r["body"] for r in listed[0]["replies"]] == ["Enig"]

    errors = api.post(comments_url(project), {"body": "x" * 3001, "parent": 10**6}, format="json",
                      HTTP_ACCEPT_LANGUAGE="en")
    assert errors.status_code == 400
    assert errors.json()["fields"] == {
        "body": ["Ensure this value has at most 3000 characters (it has 3001)."],
        "parent": ["You can only reply to a published comment on the same project."]}
    assert api.post(comments_url(project), {"body": ["a", "b"]}, format="json").status_code == 400
    assert APIClient().get(f"/api/v1/budgets/{project.process_id}/projects/NOPE/comments/").status_code == 404

    flags = f"{comments_url(project)}{data['id']}/flags/"
    assert api.post(flags, {"reason": "nonsense"}, format="json").status_code == 400
    assert api.post(flags, {"reason": "spam", "explanation": "Reklame"}, format="json").status_code == 201
    assert api.post(flags, {"reason": "spam"}, format="json").status_code == 400
    api.force_authenticate(neighbour)
    assert api.post(flags, {"reason": "spam"}, format="json").status_code == 403, "not one's own"
    other = ProjectFactory(process=project.process, code="Q")
    assert api.post(f"/api/v1/budgets/{project.process_id}/projects/{other.code}/comments/{data['id']}/flags/",
                    {"reason": "spam"}, format="json").status_code == 404

    api.force_authenticate(moderator)
    queue = api.get("/api/v1/moderation/queue/").json()
    item = next(i for i in queue if i["kind"] == "project_comment")
    assert item["id"] == data["id"] and item["title"] == project.title and item["flag_count"] == 1
    assert item["reports"] == [{"reason": "spam", "reason_display": "Spam eller reklame", "explanation": "Reklame"}]
    hidden = api.post(f"/api/v1/moderation/project-comments/{data['id']}/", {"action": "hide"}, format="json")
    assert hidden.status_code == 400 and "reason" in hidden.json()["fields"]
    assert api.post(f"/api/v1/moderation/project-comments/{data['id']}/", {"action": "hide", "reason": "Reklame"},
                    format="json").status_code == 204
    assert api.post("/api/v1/moderation/nothing/1/", {"action": "approve"}, format="json").status_code == 404
    assert api.post("/api/v1/moderation/project-comments/99999999999999999999999/", {"action": "approve"},
                    format="json").status_code == 404
    assert APIClient().get(comments_url(project)).json() == []
    assert [c["visibility"] for c in api.get(comments_url(project)).json()] == ["hidden"], "a moderator sees it"


def test_the_api_refuses_comments_on_a_draft_and_out_of_sight(project, citizen, municipality):
    BudgetProcess.objects.filter(pk=project.process_id).update(draft=True)
    api = APIClient()
    api.force_authenticate(citizen)
    assert api.get(comments_url(project)).status_code == 404
    assert api.post(comments_url(project), {"body": "Hej"}, format="json").status_code == 404
    staff = member(municipality, Role.STAFF)
    api.force_authenticate(staff)
    refused = api.post(comments_url(project), {"body": "Hej"}, format="json")
    assert refused.status_code == 403 and not ProjectComment.objects.exists()


# --- What a comment never tells -----------------------------------------------------------------
def test_a_comment_shows_its_author_as_idea_comments_do_and_nothing_of_their_vote(client, project, voter):
    voter.display_name = "Vælger Vibeke"
    voter.save()
    services.ballot_cast(process=project.process, user=voter, choice={"projects": [project.code]})
    comment = comment_services.project_comment_add(project=project, author=voter, body="Jeg håber, den kommer med")
    html = page(client, project).content.decode()
    item = re.search(rf'<li id="comment-{comment.pk}".*?</li>', html, re.S).group(0)
    assert "Vælger Vibeke" in item and "stemt" not in item.lower() and voter.email not in html
    data = APIClient().get(comments_url(project)).json()[0]
    assert data["author"] == "Vælger Vibeke" and voter.email not in str(data)


def test_the_page_reads_a_constant_number_of_queries(client, project, citizen, moderator,
                                                     django_assert_max_num_queries):
    def thread(n: int) -> None:
        for i in range(n):
            top = comment_services.project_comment_add(project=project, author=UserFactory(), body=f"Tråd {i}")
            comment_services.project_comment_add(project=project, author=UserFactory(), body=f"Svar {i}", parent=top)

    thread(1)
    counts = {}
    for who in (None, citizen, moderator):
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert page(client, project).status_code == 200
        counts[who] = len(queries)
    thread(10)
    for who, count in counts.items():
        if who is None:
            client.logout()
        else:
            client.force_login(who)
        with django_assert_max_num_queries(count):
            assert "Svar 9" in page(client, project).content.decode()
    assert counts[None] <= 8 and counts[moderator] <= 14


def test_the_moderators_hear_of_waiting_and_reported_comments_live(project, citizen, municipality, monkeypatch,
                                                                   django_capture_on_commit_callbacks):
    from ideas.services.events import moderation_group

    heard = []
    monkeypatch.setattr("realtime.broadcast.send_now", lambda group, event, payload: heard.append((group, event, payload)))
    idea_services.idea_settings_update(municipality=municipality, moderation_mode="pre")
    with django_capture_on_commit_callbacks(execute=True):
        waiting = comment_services.project_comment_add(project=project, author=citizen, body="Venter")
    idea_services.idea_settings_update(municipality=municipality, moderation_mode="post")
    with django_capture_on_commit_callbacks(execute=True):
        published = comment_services.project_comment_add(project=project, author=citizen, body="Straks")
    with django_capture_on_commit_callbacks(execute=True):
        comment_services.project_comment_flag(comment=published, user=UserFactory(), reason="spam")
    queue = moderation_group(municipality.pk)
    # The published one is also heard on its project's page (tests/budgets/test_live_comments.py).
    assert heard == [(queue, "queue.changed", {"reason": "comment.submitted"}),
                     (project_group(project.pk), "comment.new",
                      {"project": project.pk, "comment": published.pk, "parent": None}),
                     (queue, "queue.changed", {"reason": "flag"})]
    assert waiting.visibility == Visibility.PENDING


def test_the_staff_home_counts_waiting_comments_on_projects(client, project, citizen, municipality):
    idea_services.idea_settings_update(municipality=municipality, moderation_mode="pre")
    comment_services.project_comment_add(project=project, author=citizen, body="Venter")
    client.force_login(member(municipality, Role.STAFF))
    html = text(client.get(reverse("staff-home", args=[municipality.slug])))
    assert "og 1 kommentar" in html


def test_a_persons_comments_are_in_their_download_and_stay_after_their_account(client, project, citizen,
                                                                              neighbour):
    from accounts.selectors import user_personal_data
    from accounts.services import user_delete

    comment = comment_services.project_comment_add(project=project, author=citizen, body="Min mening")
    comment_services.project_comment_flag(comment=comment, user=neighbour, reason="off_topic", explanation="Nej")
    mine = user_personal_data(user=citizen)["budgets"]["project_comments"]
    assert [(c["project"], c["text"], c["visibility"]) for c in mine] == [(project.title, "Min mening", "visible")]
    reports = user_personal_data(user=neighbour)["budgets"]["project_comment_reports"]
    assert [(r["comment"], r["reason"], r["explanation"]) for r in reports] == [(comment.pk, "off_topic", "Nej")]
    user_delete(user=citizen)
    comment.refresh_from_db()
    item = re.search(rf'<li id="comment-{comment.pk}".*?</li>', page(client, project).content.decode(), re.S).group(0)
    assert "Min mening" in item and "slettet bruger" in item


def card_counts(html: str, attr: str) -> dict[str, str]:
    """Each project's "N comments" on a page, by its code (`attr` names the element)."""
    found = {}
    for code in "ABCD":
        part = html.split(f'{attr}="project-{code}"', 1)[1]
        found[code] = re.search(r'hoest-comment-count">(?:· )?([^<]+)<', part).group(1)
    return found


def test_project_cards_count_published_comments_in_each_language_in_constant_queries(
        client, process, project, citizen, moderator, municipality, django_assert_max_num_queries):
    b, c, d = (process.projects.get(code=code) for code in "BCD")
    comment_services.project_comment_add(project=project, author=citizen, body="Godt")
    top = comment_services.project_comment_add(project=b, author=citizen, body="Ja")
    comment_services.project_comment_add(project=b, author=moderator, body="Enig", parent=top)
    rude = comment_services.project_comment_add(project=c, author=citizen, body="Grimt")
    comment_services.project_comment_add(project=c, author=moderator, body="Svar på det grimme", parent=rude)
    comment_services.project_comment_hide(actor=moderator, comment=rude, reason="Sprog")
    idea_services.idea_settings_update(municipality=municipality, moderation_mode="pre")
    comment_services.project_comment_add(project=d, author=citizen, body="Venter på en moderator")

    detail, vote = reverse("budgets:detail", args=[process.pk]), reverse("budgets:vote", args=[process.pk])
    voter = UserFactory(municipality=municipality, birth_year=1980)
    client.force_login(voter)
    assert card_counts(client.get(detail).content.decode(), "id") == {
        "A": "1 kommentar", "B": "2 kommentarer", "C": "0 kommentarer", "D": "0 kommentarer"}
    # The ballot's project cards (the checkbox is the element named by the project's code).
    assert card_counts(client.get(vote).content.decode(), "id") == {
        "A": "1 kommentar", "B": "2 kommentarer", "C": "0 kommentarer", "D": "0 kommentarer"}
    client.cookies["django_language"] = "en"
    assert card_counts(client.get(detail).content.decode(), "id")["A"] == "1 comment"
    assert card_counts(client.get(vote).content.decode(), "id")["B"] == "2 comments"
    client.cookies["django_language"] = "nb"
    assert card_counts(client.get(detail).content.decode(), "id")["B"] == "2 kommentarer"
    assert card_counts(client.get(vote).content.decode(), "id")["A"] == "1 kommentar"

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in (detail, vote):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    idea_services.idea_settings_update(municipality=municipality, moderation_mode="post")
    for n in range(8):
        more = ProjectFactory(process=process, code=f"E{n}", cost=1_000)
        for _ in range(3):
            comment_services.project_comment_add(project=more, author=citizen, body="Mere")
    for url, count in counts.items():
        with django_assert_max_num_queries(count):
            assert "3 kommentarer" in client.get(url).content.decode()
