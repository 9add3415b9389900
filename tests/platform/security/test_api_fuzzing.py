"""schemathesis against /api/schema/ on a live server, with every phase, as anonymous, as a
signed-in citizen and as a staff member of the municipality with a second factor (each with an
API token, as the token endpoint issues it; for the staff member only against a current code
from the authenticator app). Every answer: no server error, a documented status code and
content type, a body that conforms to the documented schema. One test per person, so
pytest-xdist can run them side by side.

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

The staff member's pass differs in two ways. A random id finds nothing, and the staff's
operations on an object (setting up a budget, the census and its letters, paper ballots,
review, campaigns, moderation, ideas' status, innovations, dinners to approve) would all stop
at 404: so those operations get the world's objects as their path parameters
(`_staff_targets`) and fuzz the body. And its coverage runs over those targeted operations
only (about 2,300 cases, against 7,400 over all it reaches): most of the others are a
citizen's too (a dinner offered, a ballot cast, whose coverage the citizen's test runs) or
create what a targeted operation edits with the same form (POST /budgets/ and PATCH
/budgets/{id}/: about 600 cases each). POST /budgets/{id}/codes/ is left untargeted: its
boundary case makes 100,000 codes, seconds of work (it is still fuzzed, on a budget the
stateful phase creates).
A moderator's operations are a subset of the staff member's; a council member's own one
(the council's decision) needs a recent sign-in that a token client confirms with a fresh
code in each request, which fuzzing does not send: neither has a pass of its own.

Seeded and deterministic (no example database, no shrinking), so a run repeats. The throttles
are raised for the test (their 429s are tested in tests/platform/restapi), so the cases reach
the views. Durations are in docs/BENCHMARKS.md.

Each test is `transaction=True` with the live server: whatever schemathesis manages to write
is flushed with the test database afterwards and cannot reach other tests.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field

import pytest
import requests
from django.core.cache import cache
from django.core.servers.basehttp import ServerHandler, WSGIRequestHandler
from django.db import DEFAULT_DB_ALIAS, connections
from rest_framework.throttling import SimpleRateThrottle

from tests.factories import api_token

from .world import PRIVILEGED, build_world

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


def _config(*, phases: set[str], targets: dict[str, dict]) -> SchemathesisConfig:
    return SchemathesisConfig.from_dict({
        "seed": 17,
        "operations": [{"include-path-regex": regex, "parameters": parameters}
                       for regex, parameters in targets.items()],
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


def _schema(base_url: str, user, opened: list, *, phases: set[str], targets: dict[str, dict] | None = None):
    schema = schemathesis.openapi.from_url(f"{base_url}/api/schema/?format=json",
                                           config=_config(phases=phases, targets=targets or {}))
    if user is not None:
        schema.auth(refresh_interval=None)(_fresh_token_for(user, opened))
    return schema


def _staff_targets(world) -> dict[str, dict]:
    """The staff member's objects in the world, by the operations that take them: a random id
    finds nothing (404) and the operation never reads the input (the anonymous and citizen
    passes fuzz the ids themselves)."""
    o = world.objects
    draft, census, voting = o["draft"].pk, o["census_process"].pk, o["process"]["voting"].pk
    return {
        r"^/api/v1/budgets/\{id\}/(publish/|district-budgets/|check/|projects/$)?$": {"id": draft},
        r"^/api/v1/budgets/\{id\}/projects/\{code\}/review/$": {"id": o["process"]["review"].pk, "code": "R"},
        r"^/api/v1/budgets/\{id\}/(census|letters|letter-text|returned-letters)": {"id": census},
        r"^/api/v1/budgets/\{id\}/paper-ballots/": {"id": voting, "paper": o["paper_ballot"].pk},
        r"^/api/v1/innovations/\{id\}/$": {"id": o["innovation"].pk},
        r"^/api/v1/campaigns/\{id\}/$": {"id": o["campaign"].pk},
        r"^/api/v1/ideas/\{id\}/(status|merge|roles)/$": {"id": o["idea"].pk},
        r"^/api/v1/moderation/": {"kind": "ideas", "id": o["pending_idea"].pk},
        r"^/api/v1/dinners/programmes/\{id\}/picture/$": {"id": o["programme"].pk},
        r"^/api/v1/dinners/dinners/\{id\}/decide/$": {"id": o["pending_dinner"].pk},
    }


def _fuzz(base_url: str, user, *, targets: dict[str, dict] | None = None) -> Run:
    """Examples, fuzzing and stateful over every operation; then coverage over those that let
    this person in (with `targets`, only over the targeted ones among them)."""
    cache.clear()
    run, opened = Run(), []
    try:
        _execute(_schema(base_url, user, opened, phases={"examples", "fuzzing", "stateful"}, targets=targets), run)
        covered = {label for label in run.admitted
                   if targets is None or any(re.search(regex, label.partition(" ")[2]) for regex in targets)}
        # exclude(), not include(): with per-operation settings in the config, schemathesis
        # adds their operations as includes of its own, and an include of ours then widens.
        _execute(_schema(base_url, user, opened, phases={"coverage"}, targets=targets)
                 .exclude(func=lambda context: context.operation.label not in covered), run)
    finally:
        for connection in opened:
            connection.close()
    return run


_cleanup_headers = ServerHandler.cleanup_headers


def _close_after_a_chunked_request(handler) -> None:
    """Django's test server reads no chunked request body (wsgiref knows only Content-Length;
    the production server, granian, decodes it): the body's chunks stayed in the connection and
    were read as the next request, whose answer then lacked its status line (schemathesis sends
    some bodies chunked). So the connection closes after a chunked request, as a server that
    cannot read the body should."""
    _cleanup_headers(handler)
    if "HTTP_TRANSFER_ENCODING" in handler.environ:
        handler.headers["Connection"] = "close"
        handler.request_handler.close_connection = True


# Who fuzzes: anonymous, a citizen, and a staff member of the municipality with a second
# factor (world.PRIVILEGED), each with an API token as the token endpoint issues it to them.
PEOPLE = ["anonymous", "citizen", "staff"]
# What only this person may read: proof that their token signs them in, in their role (a
# wrong header would fuzz as anonymous, a missing second factor as a citizen).
THEIRS = {"citizen": "/api/v1/me/", "staff": "/api/v1/innovations/?municipality=aarhus"}


def _signed_in_as(base_url: str, user, who: str) -> None:
    answer = requests.get(f"{base_url}{THEIRS[who]}", headers={"Authorization": f"Token {api_token(user)}"},
                          timeout=30)
    assert answer.status_code == 200, (who, answer.status_code, answer.text[:300])


@pytest.mark.parametrize("who", PEOPLE)
def test_api_answers_conform_to_the_schema(who, live_server, monkeypatch):
    # Django's test server leaves Nagle's algorithm on: every answer written in two parts
    # waited for the client's delayed ACK (40 ms a request, 4 times the work).
    monkeypatch.setattr(WSGIRequestHandler, "disable_nagle_algorithm", True)
    monkeypatch.setattr(ServerHandler, "cleanup_headers", _close_after_a_chunked_request)
    for scope in SimpleRateThrottle.THROTTLE_RATES:
        monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, scope, "100000/min")
    world = build_world()
    user = world.users[who]
    if user is not None:
        _signed_in_as(live_server.url, user, who)
    started = time.monotonic()
    run = _fuzz(live_server.url, user, targets=_staff_targets(world) if who in PRIVILEGED else None)
    print(f"{who}: {run.cases} cases in {time.monotonic() - started:.0f} s")  # shown when it fails
    # Every phase really ran: a phase that quietly skipped would pass with nothing tested.
    assert set(run.cases) >= {PhaseName.EXAMPLES.value, PhaseName.FUZZING.value, PhaseName.COVERAGE.value,
                              PhaseName.STATEFUL_TESTING.value}, run.cases
    assert all(run.cases.values()), run.cases
    if who in PRIVILEGED:  # every target reached the view (a stale one would quietly 404)
        assert all(any(re.search(regex, label.partition(" ")[2]) for label in run.admitted)
                   for regex in _staff_targets(world)), sorted(run.admitted)
    assert not run.failures, f"{len(run.failures)} answers against the schema:\n" + "\n".join(run.failures)
