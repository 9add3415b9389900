import pytest
from django.core.management import call_command

from reports import selectors
from reports.models import Innovation


@pytest.mark.django_db
def test_seed_demo_adds_innovation_records_like_the_chapters_once(client):
    call_command("seed_demo", verbosity=0)
    counts = {slug: Innovation.objects.filter(municipality__slug=slug).count() for slug in ("aarhus", "bergen")}
    call_command("seed_demo", verbosity=0)
    assert {slug: Innovation.objects.filter(municipality__slug=slug).count() for slug in counts} == counts
    assert counts["aarhus"] > 300 and counts["bergen"] > 200
    aarhus = selectors.barometer(selectors.Selection(municipality="aarhus"))
    bergen = selectors.barometer(selectors.Selection(municipality="bergen"))
    assert 0.58 <= aarhus["citizen_role"]["any"] <= 0.70
    assert 0.60 <= bergen["citizen_role"]["any"] <= 0.72
    assert aarhus["outcomes"]["citizen_involvement"]["adjusted"].significant
    client.login(email="council@example.dk", password="demo-password-1")
    # The demo's council member is asked to set up a second factor first (accounts.mfa).
    assert client.get("/reports/m/aarhus/innovations/")["Location"] == "/accounts/2fa/"
    from django.contrib.auth import get_user_model

    from tests.factories import second_factor_add

    second_factor_add(get_user_model().objects.get(email="council@example.dk"))
    assert client.get("/reports/m/aarhus/innovations/").status_code == 200
