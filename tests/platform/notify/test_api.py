"""/api/v1/me/notifications/: the signed-in person's own notifications and marking them read.
Signing in is needed, another person's notification is not found, and a wrong request is a
400 with the field named, never a 500."""
import pytest
from rest_framework.test import APIClient

from ideas import services as idea_services
from ideas.models import Status
from notify.models import Notice
from tests.factories import UserFactory, api_token

from .conftest import status_change

pytestmark = pytest.mark.django_db
LIST = "/api/v1/me/notifications/"
READ = "/api/v1/me/notifications/read/"


def _client(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


@pytest.fixture
def news(idea, staff, author):
    """Two notices for the author, one for a neighbour who follows the idea too."""
    status_change(idea, staff, Status.UNDER_REVIEW)
    neighbour = UserFactory()
    idea_services.idea_follow(idea=idea, user=neighbour)
    status_change(idea, staff, Status.ACCEPTED)
    return neighbour


def test_signing_in_is_needed():
    client = APIClient()
    assert client.get(LIST).status_code in (401, 403)
    assert client.post(READ, {"all": True}, format="json").status_code in (401, 403)


def test_the_list_is_mine_newest_first_with_a_line_and_a_link(news, author, idea):
    answer = _client(author).get(LIST)
    assert answer.status_code == 200
    body = answer.json()
    assert body["count"] == 2
    first, second = body["results"]
    assert first["text"] == "“Bænke ved åen” is now: Accepted" and second["text"].endswith("Under review")
    assert first["url"] == f"/ideas/{idea.pk}/" and first["kind"] == "ideas.status_changed"
    assert first["category"] == "ideas.followed" and first["unread"] is True and first["read_at"] is None
    neighbours = _client(news).get(LIST).json()
    assert neighbours["count"] == 1 and neighbours["results"][0]["id"] not in {first["id"], second["id"]}


def test_marking_read_by_id_and_all(news, author):
    client = _client(author)
    ids = [n["id"] for n in client.get(LIST).json()["results"]]
    answer = client.post(READ, {"ids": [ids[0]]}, format="json")
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 1}
    assert [n["id"] for n in client.get(LIST, {"unread": "true"}).json()["results"]] == [ids[1]]
    assert client.post(READ, {"all": True}, format="json").json() == {"marked": 1, "unread": 0}
    assert client.post(f"{LIST}{ids[0]}/read/").json() == {"marked": 0, "unread": 0}, "read twice is harmless"


def test_another_persons_notification_is_not_found_and_nothing_is_marked(news, author):
    theirs = Notice.objects.get(recipient=news).pk
    mine = Notice.objects.filter(recipient=author).first().pk
    client = _client(author)
    assert client.post(f"{LIST}{theirs}/read/").status_code == 404
    assert client.post(READ, {"ids": [mine, theirs]}, format="json").status_code == 404
    assert client.post(f"{LIST}999999/read/").status_code == 404
    assert not Notice.objects.filter(read_at__isnull=False).exists()


@pytest.mark.parametrize("body, field", [
    ({}, "ids"), ({"ids": []}, "ids"), ({"ids": ["x"]}, "ids"), ({"ids": [0]}, "ids"),
    ({"ids": [1], "all": True}, "ids"), ({"all": "maybe"}, "all"), ({"ids": list(range(1, 102))}, "ids"),
    ({"ids": "1"}, "ids"),
])
def test_a_wrong_request_is_a_400_naming_the_field(news, author, body, field):
    answer = _client(author).post(READ, body, format="json")
    assert answer.status_code == 400
    assert field in answer.json()["fields"]
    assert not Notice.objects.filter(read_at__isnull=False).exists()


def test_a_wrong_filter_is_a_400(author):
    answer = _client(author).get(LIST, {"unread": "perhaps"})
    assert answer.status_code == 400 and "unread" in answer.json()["fields"]


def test_the_schema_documents_the_endpoints(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    assert "get" in paths["/api/v1/me/notifications/"]
    assert "post" in paths["/api/v1/me/notifications/read/"]
    assert "post" in paths["/api/v1/me/notifications/{id}/read/"]
    parameters = {p["name"] for p in paths["/api/v1/me/notifications/"]["get"]["parameters"]}
    assert {"unread", "page"} <= parameters


def test_marking_read_is_throttled_like_other_writes(author, settings, monkeypatch):
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES, "write": "2/min"})
    client = _client(author)
    statuses = [client.post(READ, {"all": True}, format="json").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
