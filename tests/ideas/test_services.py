import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ideas import selectors, services
from ideas.models import (
    Comment,
    Follow,
    Idea,
    ModerationAction,
    ModerationEvent,
    Status,
    Support,
    Visibility,
)
from ideas.signals import idea_implemented
from notify.models import Notice
from notify.tasks import deliver_notices
from tests.factories import DistrictFactory, MunicipalityFactory, UserFactory
from tests.ideas.factories import CampaignFactory, CategoryFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def submit(campaign, author, **extra):
    return services.idea_submit(author=author, campaign=campaign, title=extra.pop("title", "Bedre cykelstier"),
                                body=extra.pop("body", "Vi har brug for flere cykelstier."), **extra)


def test_post_moderated_idea_is_published_at_once_and_marked_citizen_initiated(campaign, citizen):
    idea = submit(campaign, citizen)
    assert idea.visibility == Visibility.VISIBLE and idea.status == Status.PUBLISHED
    assert idea.citizens_initiated
    assert Follow.objects.filter(idea=idea, user=citizen).exists(), "authors follow their idea"
    assert list(selectors.idea_list(municipality=campaign.municipality)) == [idea]


def test_pre_moderated_idea_waits_for_a_moderator(campaign, citizen, moderator, pre_moderated):
    idea = submit(campaign, citizen)
    assert idea.visibility == Visibility.PENDING and idea.status == Status.SUBMITTED
    assert list(selectors.idea_list(municipality=campaign.municipality)) == []
    assert selectors.moderation_queue(municipality=campaign.municipality)["ideas"] == [idea]
    services.moderation_approve(actor=moderator, idea=idea)
    idea.refresh_from_db()
    assert idea.visibility == Visibility.VISIBLE and idea.status == Status.PUBLISHED
    assert ModerationEvent.objects.get(idea=idea).actor == moderator


def test_closed_campaign_and_foreign_category_or_district_are_refused(municipality, citizen):
    closed = CampaignFactory(municipality=municipality, opens_at=timezone.now() - timedelta(days=10),
                             closes_at=timezone.now() - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        submit(closed, citizen)
    assert "campaign" in error.value.message_dict
    other = MunicipalityFactory()
    with pytest.raises(ValidationError) as error:
        submit(CampaignFactory(municipality=municipality), citizen,
               category=CategoryFactory(municipality=other), district=DistrictFactory(municipality=other))
    assert {"category", "district"} <= set(error.value.message_dict)


def test_support_once_withdraw_and_count(idea, citizen):
    assert services.idea_support(idea=idea, user=citizen) is True
    assert services.idea_support(idea=idea, user=citizen) is False
    idea.refresh_from_db()
    assert idea.support_count == 1 and Support.objects.filter(idea=idea).count() == 1
    assert services.idea_support_withdraw(idea=idea, user=citizen) is True
    assert services.idea_support_withdraw(idea=idea, user=citizen) is False
    idea.refresh_from_db()
    assert idea.support_count == 0


def test_hidden_idea_cannot_be_supported(idea, citizen):
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.HIDDEN)
    idea.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.idea_support(idea=idea, user=citizen)


def test_replies_are_one_level_deep(idea, citizen):
    top = services.comment_add(idea=idea, author=citizen, body="Godt forslag")
    reply = services.comment_add(idea=idea, author=citizen, body="Enig", parent=top)
    reply_to_reply = services.comment_add(idea=idea, author=citizen, body="Også enig", parent=reply)
    assert reply.parent == top and reply_to_reply.parent == top
    idea.refresh_from_db()
    assert idea.comment_count == 3
    thread = selectors.idea_comments(idea=idea)
    assert thread == [top] and thread[0].thread_replies == [reply, reply_to_reply]


def test_pre_moderated_comments_count_only_once_approved(idea, citizen, moderator, pre_moderated):
    comment = services.comment_add(idea=idea, author=citizen, body="Hej")
    idea.refresh_from_db()
    assert idea.comment_count == 0 and selectors.idea_comments(idea=idea) == []
    services.moderation_approve(actor=moderator, comment=comment)
    idea.refresh_from_db()
    assert idea.comment_count == 1


def test_flags_hide_an_item_at_the_threshold_until_reviewed(idea, moderator, municipality):
    services.idea_settings_update(municipality=municipality, flag_threshold=2)
    reporters = [UserFactory() for _ in range(2)]
    services.flag_add(user=reporters[0], idea=idea, reason="spam")
    with pytest.raises(ValidationError):
        services.flag_add(user=reporters[0], idea=idea, reason="spam")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.VISIBLE
    services.flag_add(user=reporters[1], idea=idea, reason="offensive", explanation="Grimt sprog")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.PENDING
    auto = ModerationEvent.objects.get(idea=idea)
    assert auto.action == ModerationAction.AUTO_HIDE and auto.actor is None
    assert selectors.moderation_queue(municipality=municipality)["ideas"] == [idea]
    services.moderation_approve(actor=moderator, idea=idea, reason="Inden for reglerne")
    idea.refresh_from_db()
    assert idea.visibility == Visibility.VISIBLE
    assert not idea.flags.filter(resolved=False).exists()


def test_hiding_needs_a_reason_and_tells_the_author_in_their_language(
        idea, moderator, django_capture_on_commit_callbacks):
    comment = services.comment_add(idea=idea, author=idea.author, body="Køb billige ure her")
    with pytest.raises(ValidationError):
        services.moderation_hide(actor=moderator, comment=comment, reason="  ")
    idea.author.preferred_language = "en"
    idea.author.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(actor=moderator, comment=comment, reason="Reklame er ikke tilladt.")
    comment.refresh_from_db()
    assert comment.visibility == Visibility.HIDDEN
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [idea.author.email]
    assert "Reklame er ikke tilladt." in message.body
    assert message.subject == "Your comment has been hidden"
    services.moderation_restore(actor=moderator, comment=comment, reason="Fejl")
    assert [e.action for e in selectors.idea_moderation_history(idea=idea)] == ["restore", "hide"]


def test_status_change_needs_an_answer_and_follows_the_path(idea, staff):
    with pytest.raises(ValidationError) as error:
        services.idea_status_change(actor=staff, idea=idea, to_status=Status.NOT_PURSUED, answer="")
    assert "answer" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.idea_status_change(actor=staff, idea=idea, to_status=Status.SUBMITTED, answer="x")
    services.idea_status_change(actor=staff, idea=idea, to_status=Status.IMPLEMENTED, answer="Færdig!")
    idea.refresh_from_db()
    with pytest.raises(ValidationError):
        services.idea_status_change(actor=staff, idea=idea, to_status=Status.NOT_PURSUED, answer="nej")


def test_status_change_emails_author_and_followers_once_with_unsubscribe_link(
        client, idea, staff, django_capture_on_commit_callbacks):
    follower = UserFactory(preferred_language="nb")
    services.idea_follow(idea=idea, user=follower)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        change = services.idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW,
                                             answer="Vi ser på det i udvalget.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([idea.author.email, follower.email])
    ids = list(Notice.objects.filter(context__change=change.pk).values_list("pk", flat=True))
    assert len(ids) == 2 and deliver_notices(ids) == 0, "a redelivered task sends nothing twice"
    assert len(mail.outbox) == 2
    to_follower = next(m for m in mail.outbox if m.to == [follower.email])
    assert "Vi ser på det i udvalget." in to_follower.body
    assert "Under behandling" in to_follower.subject  # Norwegian Bokmål

    link = re.search(r"http://\S+(/ideas/unsubscribe/\S+/)", to_follower.body).group(1)
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 200
    assert not Follow.objects.filter(idea=idea, user=follower).exists()
    assert client.get(link.replace("unsubscribe/", "unsubscribe/x")).status_code == 404


def test_merge_moves_supporters_and_followers_once_and_tells_the_author(
        idea, staff, campaign, django_capture_on_commit_callbacks):
    duplicate = IdeaFactory(campaign=campaign)
    both, only_dup = UserFactory(), UserFactory()
    for user in (both, only_dup):
        services.idea_support(idea=duplicate, user=user)
        services.idea_follow(idea=duplicate, user=user)
    services.idea_support(idea=idea, user=both)
    services.idea_follow(idea=idea, user=both)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.idea_merge(actor=staff, duplicate=duplicate, into=idea)
    idea.refresh_from_db()
    duplicate.refresh_from_db()
    assert idea.support_count == 2
    assert set(Support.objects.filter(idea=idea).values_list("user", flat=True)) == {both.pk, only_dup.pk}
    assert set(Follow.objects.filter(idea=idea).values_list("user", flat=True)) == {both.pk, only_dup.pk}
    assert duplicate.merged_into == idea and not duplicate.is_public
    assert [m.to for m in mail.outbox] == [[duplicate.author.email]]
    with pytest.raises(ValidationError):
        services.idea_merge(actor=staff, duplicate=idea, into=idea)


def test_roles_are_recorded_with_a_log_and_promoted_is_suggested(idea, staff, municipality, settings):
    services.idea_settings_update(municipality=municipality, promoted_supports=2)
    for _ in range(2):
        services.idea_support(idea=idea, user=UserFactory())
    idea.refresh_from_db()
    assert selectors.promoted_suggested(idea=idea)
    from django.utils import translation

    with translation.override("en"):
        services.idea_roles_record(actor=staff, idea=idea, citizens_promoted=True,
                                   citizens_promoted_note="200 støtter på en uge")
    idea.refresh_from_db()
    assert idea.citizens_promoted and not selectors.promoted_suggested(idea=idea)
    event = ModerationEvent.objects.get(idea=idea, action=ModerationAction.ROLES)
    with translation.override("en"):
        assert "citizens promoted it: yes" in event.reason_display
        assert "200 støtter på en uge" in event.reason_display
    assert event.actor == staff


def test_similar_ideas_are_found_while_typing(campaign, municipality):
    bus = IdeaFactory(campaign=campaign, title="Delebus kørt af frivillige")
    IdeaFactory(campaign=campaign, title="Flere bænke i parken")
    found = selectors.idea_similar(municipality=municipality, text="delebus frivillige")
    assert found[0] == bus and len(found) == 1


def test_search_filters_and_sorts(campaign, municipality):
    a = IdeaFactory(campaign=campaign, title="Cykelstier i Viby", body="sikre skoleveje")
    b = IdeaFactory(campaign=campaign, title="Legeplads", body="nye gynger og cykelstier")
    Idea.objects.filter(pk=b.pk).update(support_count=10)
    found = list(selectors.idea_list(municipality=municipality,
                                     filters=selectors.IdeaFilters(q="cykelstier")))
    assert set(found) == {a, b}
    by_support = list(selectors.idea_list(municipality=municipality,
                                          filters=selectors.IdeaFilters(sort="supported")))
    assert by_support[0] == b
    assert list(selectors.idea_list(municipality=municipality,
                                    filters=selectors.IdeaFilters(status="implemented"))) == []


def test_comment_counts_survive_hide_and_restore(idea, citizen, moderator):
    comment = services.comment_add(idea=idea, author=citizen, body="Hej")
    services.moderation_hide(actor=moderator, comment=comment, reason="Test")
    idea.refresh_from_db()
    assert idea.comment_count == 0
    services.moderation_restore(actor=moderator, comment=comment)
    idea.refresh_from_db()
    assert idea.comment_count == 1 == Comment.objects.filter(visibility=Visibility.VISIBLE).count()


@pytest.fixture
def heard_implemented():
    """What `ideas.signals.idea_implemented` told the apps above ideas."""
    heard = []

    def receiver(sender, idea, **kwargs):
        heard.append((idea.pk, Idea.objects.get(pk=idea.pk).status))

    idea_implemented.connect(receiver)
    yield heard
    idea_implemented.disconnect(receiver)


def test_only_the_move_to_implemented_is_announced_and_after_the_idea_is_saved(idea, staff, heard_implemented):
    for status in (Status.ACCEPTED, Status.IN_PROGRESS):
        services.idea_status_change(actor=staff, idea=idea, to_status=status, answer="Videre")
    assert heard_implemented == []
    services.idea_status_change(actor=staff, idea=idea, to_status=Status.IMPLEMENTED, answer="Færdigt")
    assert heard_implemented == [(idea.pk, Status.IMPLEMENTED)]


def test_a_receiver_that_fails_undoes_the_status_change_it_heard_of(idea, staff):
    # Receivers run inside the status change's transaction: what they write commits with it.
    def fail(sender, idea, **kwargs):
        raise RuntimeError("the registry could not record it")

    idea_implemented.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            services.idea_status_change(actor=staff, idea=idea, to_status=Status.IMPLEMENTED, answer="Færdigt")
    finally:
        idea_implemented.disconnect(fail)
    idea.refresh_from_db()
    assert idea.status != Status.IMPLEMENTED and not idea.status_changes.exists()
    assert not Notice.objects.exists(), "nobody is told of a change that did not happen"


def test_page_writes_are_rate_limited_and_keep_the_text(client, campaign, citizen, idea, settings):
    from django.urls import reverse

    settings.IDEA_SUBMIT_RATE = "2/h"
    settings.COMMENT_RATE = "1/h"
    client.force_login(citizen)
    for n in range(2):
        assert client.post(reverse("ideas:submit"), {"campaign": campaign.pk, "title": f"Idé {n}",
                                                     "body": "Tekst"}).status_code == 302
    third = client.post(reverse("ideas:submit"), {"campaign": campaign.pk, "title": "Tredje idé", "body": "Behold"})
    assert third.status_code == 200 and 'value="Tredje idé"' in third.content.decode()
    assert Idea.objects.filter(author=citizen).count() == 2
    assert client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Første"}).status_code == 302
    second = client.post(reverse("ideas:comment", args=[idea.pk]), {"body": "Anden kommentar"})
    assert second.status_code == 400 and "Anden kommentar" in second.content.decode()
