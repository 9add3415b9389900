"""What schemathesis found: a NUL byte in a municipality slug (query string or path) made
PostgreSQL refuse the query and the API answer 500. It names no municipality: 404."""
import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [
    "/api/v1/ideas/?municipality=aar%00hus",
    "/api/v1/campaigns/?municipality=%00",
    "/api/v1/budgets/?municipality=%00",
    "/api/v1/dinners/programmes/?municipality=%00",
    "/api/v1/innovations/?municipality=%00",
    "/api/v1/reports/aar%00hus/funnel/",
])
def test_a_nul_byte_in_a_municipality_slug_is_not_found(client, municipality, citizen, url):
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 404
    assert set(response.json()) == {"detail", "code", "fields"}
