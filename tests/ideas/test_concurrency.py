"""50 simultaneous supports by one person on one idea: exactly one support, count 1.
Real concurrent HTTP requests against a threaded server on PostgreSQL."""
import json
import threading
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

from ideas.models import Support
from tests.factories import api_token
from tests.services import need_postgres
from tests.wsgi_server import serve_wsgi

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow_tier]


def test_fifty_simultaneous_supports_leave_one(idea, citizen, monkeypatch):
    need_postgres()
    # This test is about one voter's simultaneous requests, not about throttling them: DRF
    # binds rates at import, so raise the write rate on the class itself.
    from restapi.throttling import WriteRateThrottle

    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES,
                                                              "write": "100000/min"})
    token = api_token(citizen)
    path = f"/api/v1/ideas/{idea.pk}/support/"
    start = threading.Barrier(50)

    def support(_):
        request = urllib.request.Request(base + path, method="POST", data=b"",
                                         headers={"Authorization": f"Token {token}"})
        start.wait()
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())["support_count"]

    with serve_wsgi() as base, ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(support, range(50)))
    assert {status for status, _count in results} == {200}
    assert Support.objects.filter(idea=idea).count() == 1
    idea.refresh_from_db()
    assert idea.support_count == 1
    assert {count for _status, count in results} == {1}
