"""schemathesis against /api/schema/: generated requests for every documented operation, as
anonymous and as a signed-in citizen with a token, against a live server.

Fixed seed and bounded examples (derandomized Hypothesis, no example database), so a run is
repeatable and short. Every answer must be no server error, have a documented status code
and content type, and a body that conforms to the documented schema.

The test is `transaction=True` with its own live server: whatever schemathesis manages to
write is flushed with the test database afterwards and cannot reach other tests.
"""
from __future__ import annotations

import pytest

from .world import build_world

schemathesis = pytest.importorskip("schemathesis")

MAX_EXAMPLES = 12  # per operation and person: ~60 operations x 2 people in about a minute (40 passed too, in 3.5 min)

pytestmark = pytest.mark.django_db(transaction=True)


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def _first_failure(operation, base_url: str, headers: dict[str, str], checks) -> str | None:
    """A bounded number of generated cases for one operation; the first failure, if any
    (Hypothesis does not shrink it: the point is to name it)."""
    from hypothesis import HealthCheck, Phase, given, settings

    found: list[str] = []

    @settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])
    @given(case=operation.as_strategy())
    def run(case):
        if found:
            return
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=checks, timeout=30)
        except (Exception, BaseExceptionGroup) as exc:  # the checks' FailureGroup, or a transport error
            found.append(f"{operation.label}: {exc}\n    {case.method} {case.formatted_path} "
                         f"query={case.query} body={getattr(case, 'body', None)!r}"[:4000])

    run()
    return found[0] if found else None


def _fuzz(base_url: str, headers: dict[str, str]) -> list[str]:
    """Every documented operation, in the order of the schema."""
    from django.core.cache import cache

    # The throttles count per person in the cache the live server shares with this process;
    # emptied before each operation so the fuzzing meets the views, not only 429s (which are
    # documented and checked all the same).
    cache.clear()
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/?format=json")
    checks = _checks()
    failures = []
    for result in schema.get_all_operations():
        cache.clear()
        failure = _first_failure(result.ok(), base_url, headers, checks)
        if failure:
            failures.append(failure)
    return failures


def test_api_answers_conform_to_the_schema(live_server):
    import requests

    from tests.factories import api_token

    world = build_world()
    token = api_token(world.users["citizen"])
    # The citizen's half really is signed in (a wrong header would fuzz as anonymous twice).
    me = requests.get(f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {token}"}, timeout=30)
    assert me.status_code == 200 and me.json()["email"] == world.users["citizen"].email
    problems = []
    for who, headers in (("anonymous", {}), ("citizen", {"Authorization": f"Token {token}"})):
        problems += [f"[{who}] {failure}" for failure in _fuzz(live_server.url, headers)]
    assert not problems, f"{len(problems)} operations answered against their schema:\n" + "\n".join(problems)
