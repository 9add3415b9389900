"""The co-creation questionnaire: personal links, answers, and the profile afterwards."""
import pytest

from reports import selectors, services
from reports.models import SCORE_FIELDS, Party


@pytest.fixture
def innovation(municipality):
    return services.innovation_create(municipality=municipality, title="Legeplads bygget sammen", year=2025,
                                      citizens_cocreated=True)


def scores(equal, exchange, learning, leadership):
    values = {"equal_standing": equal, "exchange": exchange, "learning": learning, "leadership": leadership}
    return {name: values[name.rsplit("_", 1)[0]] for name in SCORE_FIELDS}


def test_staff_make_personal_links_and_respondents_see_the_profile_after_answering(staff_client, client, innovation):
    page = staff_client.post(f"/reports/innovations/{innovation.pk}/cocreation/", {"party": "citizen", "label": "Mette"})
    assert page.status_code == 302
    invitation = selectors.invitation_list(innovation=innovation).get()
    assert "Mette" in staff_client.get(f"/reports/innovations/{innovation.pk}/cocreation/").content.decode()

    client.logout()
    # Signed out, the page would speak the municipality's language (Danish): ask for English.
    client.cookies["django_language"] = "en"
    answer_url = f"/reports/cocreation/{invitation.token}/"
    form = client.get(answer_url)
    assert form.status_code == 200 and "Legeplads bygget sammen" in form.content.decode()
    incomplete = client.post(answer_url, {"equal_standing_1": "4"})
    assert incomplete.status_code == 400, "every statement needs an answer"
    assert client.get(answer_url + "profile/").status_code == 404, "no profile before answering"
    response = client.post(answer_url, {name: "4" for name in SCORE_FIELDS} | {"leadership_1": "1"})
    assert response.status_code == 302 and response["Location"].endswith("/profile/")
    profile_page = client.get(response["Location"]).content.decode()
    assert "Collective leadership" in profile_page.split("data-weakest>")[1].split("</p>")[0]
    radar = client.get(f"/reports/innovations/{innovation.pk}/cocreation.svg?token={invitation.token}")
    assert radar.status_code == 200 and b"<title" in radar.content
    assert client.get(f"/reports/innovations/{innovation.pk}/cocreation.svg").status_code == 404, "token needed"
    assert client.get("/reports/cocreation/not-a-token/").status_code == 404


def test_profile_per_party_and_overall_names_the_weakest_value(staff, innovation):
    a = services.invitation_create(innovation=innovation, party=Party.CITIZEN, actor=staff)
    b = services.invitation_create(innovation=innovation, party=Party.CITIZEN, actor=staff)
    c = services.invitation_create(innovation=innovation, party=Party.STAFF, actor=staff)
    services.invitation_create(innovation=innovation, party=Party.STAFF, actor=staff)  # never answers
    services.invitation_answer(invitation=a, scores=scores(2, 4, 5, 3))
    services.invitation_answer(invitation=b, scores=scores(3, 4, 4, 3))
    services.invitation_answer(invitation=c, scores=scores(5, 5, 4, 2))
    profile = selectors.cocreation_profile(innovation)
    assert profile["parties"]["citizen"]["equal_standing"] == pytest.approx(2.5)
    assert profile["parties"]["staff"]["equal_standing"] == pytest.approx(5)
    assert profile["overall"]["equal_standing"] == pytest.approx(10 / 3)
    assert profile["overall"]["leadership"] == pytest.approx(8 / 3)
    assert profile["weakest"] == "leadership"
    assert profile["invited"] == 4 and profile["overall"]["respondents"] == 3
    # answering again revises, it does not count twice
    services.invitation_answer(invitation=a, scores=scores(5, 5, 5, 5))
    assert selectors.cocreation_profile(innovation)["overall"]["respondents"] == 3


def test_only_staff_of_the_municipality_manage_the_questionnaire(client, council, innovation):
    client.force_login(council)
    assert client.get(f"/reports/innovations/{innovation.pk}/cocreation/").status_code == 403
