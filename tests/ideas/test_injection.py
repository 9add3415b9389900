"""HTML and script typed into titles, texts, comments and reports never come back as
markup: not in pages, not in the API's bytes, not in e-mails."""
from html.parser import HTMLParser

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from ideas import services
from ideas.models import Idea, Status, Visibility

CORPUS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "[klik](javascript:alert(1))",
    "<a href='http://evil.example' onclick='steal()'>link</a>",
    "</textarea><script>alert(2)</script>",
    "{{ 7*7 }} {% debug %}",
]


class MarkupAudit(HTMLParser):
    """Collects every element a browser would build from the page."""

    def __init__(self):
        super().__init__()
        self.problems = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not (attrs.get("src") or "").startswith("/static/"):
            self.problems.append(f"<script> {attrs}")
        # The site's own logo mark (base.html) is the one <svg> a page may hold.
        if tag in {"iframe", "svg", "object", "embed"} and attrs.get("class") != "hoest-logo-mark":
            self.problems.append(f"<{tag}>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...>")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"<{tag} {name}={value}>")


def assert_clean(html: str, where: str) -> None:
    audit = MarkupAudit()
    audit.feed(html)
    assert audit.problems == [], f"injected markup in {where}: {audit.problems}"


def assert_clean_json(raw: bytes, where: str) -> None:
    assert b"<" not in raw and b">" not in raw, f"raw angle brackets in {where}"


@pytest.mark.django_db
@pytest.mark.parametrize("payload", CORPUS)
def test_payload_never_comes_back_as_markup(client, campaign, citizen, staff, moderator, payload,
                                            django_capture_on_commit_callbacks, settings):
    settings.LANGUAGE_CODE = "da"
    author = citizen
    with django_capture_on_commit_callbacks(execute=True):
        idea = services.idea_submit(author=author, campaign=campaign, title=f"Idé {payload}"[:140],
                                    body=f"Tekst {payload}\n\n**fed** {payload}")
        comment = services.comment_add(idea=idea, author=staff, body=f"Svar {payload}")
        services.flag_add(user=moderator, comment=comment, reason="other", explanation=f"Fordi {payload}")
        services.idea_status_change(actor=staff, idea=idea, to_status=Status.UNDER_REVIEW,
                                    answer=f"Vi ser på {payload}")
    Idea.objects.filter(pk=idea.pk).update(visibility=Visibility.VISIBLE)

    pages = [reverse("ideas:detail", args=[idea.pk]), reverse("ideas:list"),
             reverse("ideas:list") + "?q=script", reverse("ideas:campaign", args=[campaign.pk])]
    for path in pages:
        assert_clean(client.get(path).content.decode(), path)
    client.force_login(moderator)
    for path in (reverse("ideas:moderation"), reverse("ideas:detail", args=[idea.pk])):
        html = client.get(path).content.decode()
        assert_clean(html, f"{path} as moderator")

    api = APIClient()
    for path in (f"/api/v1/ideas/{idea.pk}/", f"/api/v1/ideas/{idea.pk}/comments/",
                 f"/api/v1/ideas/?municipality={campaign.municipality.slug}"):
        response = api.get(path)
        assert response.status_code == 200
        assert_clean_json(response.content, path)
    # The data itself is unchanged once parsed: nothing a person typed is lost.
    assert api.get(f"/api/v1/ideas/{idea.pk}/").json()["body"].endswith(payload)
    api.force_authenticate(moderator)
    assert_clean_json(api.get("/api/v1/moderation/queue/", {"municipality": campaign.municipality.slug})
                      .content, "moderation API")

    assert mail.outbox, "the status change was e-mailed"
    for message in mail.outbox:
        # Plain-text e-mails carry the text as text: no HTML part a mail client would render.
        assert message.content_subtype == "plain"
        assert not getattr(message, "alternatives", None)
        assert payload in message.body, "the text arrives as typed, not mangled"
