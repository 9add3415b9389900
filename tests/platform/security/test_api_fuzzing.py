"""schemathesis against /api/schema/ on a live server, with every phase, as anonymous and as a
signed-in citizen (API token). Every answer: no server error, a documented status code and
content type, a body that conforms to the documented schema.

The phases, per person:
- examples: one case per operation (the schema has no examples of its own; `fill-missing`);
- fuzzing: FUZZ_EXAMPLES generated cases per operation, valid and invalid input;
- stateful: sequences over the links schemathesis infers from the schema (an id in one answer
  fed to the operations that take it), STATEFUL_EXAMPLES scenarios of up to STATEFUL_STEPS;
- coverage: every boundary and invalid value the schema implies (several hundred cases for a
  large body), for the operations that read this person's input in the phases before (a 2xx
  or a 400). An operation that answered only 401, 403, 404, 405 or 429 refused before it
  read the input, so its coverage cases would repeat that refusal (a citizen on POST
  /budgets/: about 600 cases).

Seeded and deterministic (no example database, no shrinking), so a run repeats. The throttles
are raised for the test (their 429s are tested in tests/platform/restapi), so the cases reach
the views. Together about 70 s here.

The test is `transaction=True` with its own live server: whatever schemathesis manages to
write is flushed with the test database afterwards and cannot reach other tests.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest
import requests
from django.core.cache import cache
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import DEFAULT_DB_ALIAS, connections
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import api_token

from .world import build_world

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.config import SchemathesisConfig  # noqa: E402
from schemathesis.engine import Status, events, from_schema  # noqa: E402
from schemathesis.engine.run import PhaseName  # noqa: E402

FUZZ_EXAMPLES = 5
STATEFUL_EXAMPLES = 10
STATEFUL_STEPS = 8
NOT_READ = {401, 403, 404, 405, 429}  # answers given before the input is read
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance",
          "response_schema_conformance"]

pytestmark = pytest.mark.django_db(transaction=True)


@dataclass
class Run:
    failures: list[str] = field(default_factory=list)
    admitted: set[str] = field(default_factory=set)  # operations that read this person's input
    cases: dict[str, int] = field(default_factory=dict)  # phase -> cases sent


def _config(*, phases: set[str]) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": 17,
        "workers": 1,
        "generation": {"max-examples": FUZZ_EXAMPLES, "database": "none", "deterministic": True,
                       "no-shrink": True},
        "checks": {"enabled": False, **{name: {"enabled": True} for name in CHECKS}},
        "phases": {
            "examples": {"enabled": "examples" in phases, "fill-missing": True},
            "coverage": {"enabled": "coverage" in phases},
            "fuzzing": {"enabled": "fuzzing" in phases},
            "stateful": {"enabled": "stateful" in phases, "max-steps": STATEFUL_STEPS,
                         "generation": {"max-examples": STATEFUL_EXAMPLES}},
        },
    })


def _execute(schema, run: Run) -> None:
    for event in from_schema(schema).execute():
        if isinstance(event, events.FatalError):
            run.failures.append(f"schemathesis stopped: {event.exception!r}")
        elif isinstance(event, events.NonFatalError):
            run.failures.append(f"{event.label}: {event.value!r}"[:2000])
        elif isinstance(event, events.ScenarioFinished):
            recorder = event.recorder
            run.cases[event.phase.value] = run.cases.get(event.phase.value, 0) + len(recorder.cases)
            for case_id in recorder.cases:
                response = recorder.find_response(case_id=case_id)
                if response is not None and response.status_code not in NOT_READ:
                    run.admitted.add(recorder.label)
            for nodes in recorder.checks.values():
                for node in nodes:
                    if node.status == Status.FAILURE:
                        info = node.failure_info
                        run.failures.append(f"{event.phase.value} {recorder.label}: {info.failure.title}: "
                                            f"{info.failure.message[:600]}\n    {info.code_sample[:1500]}")


def _fresh_token_for(user, opened: list):
    """An auth provider that signs every case in with a token of its own: the fuzzing revokes
    tokens (DELETE /auth/token/ and /auth/tokens/), and a run that revoked a shared one would
    go on as anonymous. It issues them in schemathesis' worker threads, whose database
    connections are kept in `opened` to be closed after the run."""

    class FreshToken:
        def get(self, case, context):
            token = api_token(user)
            connection = connections[DEFAULT_DB_ALIAS]
            if connection not in opened:
                connection.inc_thread_sharing()
                opened.append(connection)
            return token

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Token {data}"}

    return FreshToken


def _schema(base_url: str, user, opened: list, *, phases: set[str]):
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/?format=json", config=_config(phases=phases))
    if user is not None:
        schema.auth(refresh_interval=None)(_fresh_token_for(user, opened))
    return schema


def _fuzz(base_url: str, user) -> Run:
    """Examples, fuzzing and stateful over every operation; then coverage over those that let
    this person in."""
    cache.clear()
    run, opened = Run(), []
    try:
        _execute(_schema(base_url, user, opened, phases={"examples", "fuzzing", "stateful"}), run)
        _execute(_schema(base_url, user, opened, phases={"coverage"}).include(name=sorted(run.admitted)), run)
    finally:
        for connection in opened:
            connection.close()
    return run


def test_api_answers_conform_to_the_schema(live_server, monkeypatch):
    # Django's test server leaves Nagle's algorithm on: every answer written in two parts
    # waited for the client's delayed ACK (40 ms a request, 4 times the work).
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)
    for scope in SimpleRateThrottle.THROTTLE_RATES:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "100000/min")
    world = build_world()
    citizen = world.users["citizen"]
    # The citizen's half really is signed in (a wrong header would fuzz as anonymous twice).
    me = requests.get(f"{live_server.url}/api/v1/me/", headers={"Authorization": f"Token {api_token(citizen)}"},
                      timeout=30)
    assert me.status_code == 200 and me.json()["email"] == citizen.email
    problems = []
    for who, user in (("anonymous", None), ("citizen", citizen)):
        started = time.monotonic()
        run = _fuzz(live_server.url, user)
        print(f"{who}: {run.cases} cases in {time.monotonic() - started:.0f} s")  # shown when it fails
        # Every phase really ran: a phase that quietly skipped would pass with nothing tested.
        assert set(run.cases) >= {PhaseName.EXAMPLES.value, PhaseName.FUZZING.value, PhaseName.COVERAGE.value,
                                  PhaseName.STATEFUL_TESTING.value}, (who, run.cases)
        assert all(run.cases.values()), (who, run.cases)
        problems += [f"[{who}] {failure}" for failure in run.failures]
    assert not problems, f"{len(problems)} answers against the schema:\n" + "\n".join(problems)
