"""Deeply nested JSON is a 400, never a RecursionError (an attacker posted 3,000 nested `[` to
/api/v1/auth/token/ and got a 500)."""
import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from restapi.parsers import MAX_DEPTH, JSONParser, too_deep

pytestmark = pytest.mark.django_db

ERROR_KEYS = {"detail", "code", "fields"}


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.fixture
def api():
    client = APIClient()
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("depth", [3000, 100_000, MAX_DEPTH + 1])
def test_deeply_nested_json_for_a_token_is_a_bad_request(api, depth):
    response = api.post("/api/v1/auth/token/", nested(depth), content_type="application/json",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json() == {"detail": "The JSON is nested too deeply.", "code": "parse_error", "fields": {}}


def test_deeply_nested_objects_for_an_idea_are_a_bad_request(api, citizen):
    api.force_authenticate(citizen)
    body = '{"title": ' * 3000 + '"x"' + "}" * 3000
    response = api.post("/api/v1/ideas/", body, content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == ERROR_KEYS and response.json()["code"] == "parse_error"


def test_a_ballot_nested_as_deep_as_hoest_reads_is_parsed(api, citizen):
    """The limit leaves room: a body nested a few levels still reaches the view (here the
    token view, which answers for the missing fields)."""
    response = api.post("/api/v1/auth/token/", '{"choice": {"points": {"A": [[[3]]]}}}',
                        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert set(response.json()["fields"]) == {"email", "password"}


def test_the_depth_is_counted_without_recursion():
    assert not too_deep({"a": [{"b": 1}]}, limit=3)
    assert too_deep({"a": [{"b": []}]}, limit=3)
    deep: list = []
    for _ in range(100_000):
        deep = [deep]
    assert too_deep(deep)


def _api_views():
    def walk(patterns):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns)
            elif isinstance(entry, URLPattern) and hasattr(entry.callback, "cls"):
                yield str(entry.pattern), entry.callback.cls
    return list(walk(get_resolver().url_patterns))


def test_every_api_view_parses_json_with_the_guarded_parser():
    """A view that names its own parser_classes must name restapi's JSONParser, not DRF's."""
    views = _api_views()
    assert len(views) > 20
    for pattern, cls in views:
        json_parsers = [p for p in cls.parser_classes if "json" in (p.media_type or "")]
        assert all(issubclass(p, JSONParser) for p in json_parsers), (pattern, cls, json_parsers)
