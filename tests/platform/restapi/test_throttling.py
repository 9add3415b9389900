"""API writes beyond the rate get 429 with Retry-After; reads are counted apart."""
import pytest
from rest_framework.test import APIClient

from restapi.throttling import ReadRateThrottle, WriteRateThrottle
from tests.factories import UserFactory


@pytest.fixture
def signed_in(db, monkeypatch):
    monkeypatch.setattr(WriteRateThrottle, "THROTTLE_RATES", {**WriteRateThrottle.THROTTLE_RATES, "write": "3/min"})
    monkeypatch.setattr(ReadRateThrottle, "THROTTLE_RATES", {**ReadRateThrottle.THROTTLE_RATES, "read": "1000/min"})
    api = APIClient()
    api.force_authenticate(UserFactory())
    return api


def test_the_fourth_write_in_a_minute_is_refused_with_when_to_try_again(signed_in):
    codes = [signed_in.post("/api/v1/ideas/", {}, format="json").status_code for _ in range(3)]
    assert codes == [400] * 3, "invalid writes count too, but are answered"
    refused = signed_in.post("/api/v1/ideas/", {}, format="json")
    assert refused.status_code == 429
    assert refused.json()["code"] == "throttled"
    assert 0 < int(refused["Retry-After"]) <= 60
    assert signed_in.get("/api/v1/ideas/").status_code == 200, "reading goes on"


def test_each_person_has_their_own_write_allowance(signed_in):
    for _ in range(4):
        signed_in.post("/api/v1/ideas/", {}, format="json")
    other = APIClient()
    other.force_authenticate(UserFactory())
    assert other.post("/api/v1/ideas/", {}, format="json").status_code == 400
