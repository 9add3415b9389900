"""A budget project's public page (and its API twin): what it is, what it costs, where, the
staff's assessment, the idea it came from and the way to the ballot; never a vote count
before the council's result is public."""
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from budgets import phases, results, services
from budgets.models import BudgetProcess, Phase, Project
from ideas.models import Visibility
from tests.budgets.factories import ProjectFactory, open_box
from tests.factories import UserFactory, sign_in_recently
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def page(client, project):
    return client.get(reverse("budgets:project", args=[project.process_id, project.code]))


def png(exif: bytes | None = None) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 30)).save(out, "PNG", **({"exif": exif} if exif else {}))
    return SimpleUploadedFile("skitse.png", out.getvalue(), content_type="image/png")


def test_the_page_shows_the_project_in_plain_danish(client, process):
    project = process.projects.get(code="A")
    Project.objects.filter(pk=project.pk).update(
        description="**Nye gynger** til alle.\n\n<script>alert(1)</script>", feasibility="feasible",
        feasibility_reason="Kan laves i 2027.", latitude="56.150000", longitude="10.200000")
    response = page(client, project)
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>Projekt A</h1>" in html
    assert "<strong>Nye gynger</strong>" in html, "the description is Markdown"
    assert "<script>alert(1)" not in html and "&lt;script&gt;" in html, "and never markup a person typed"
    assert re.search(r'id="project-cost">60\.000 kr\.</dd>', html), "money as elsewhere, one full stop"
    assert "Kan laves i 2027." in html and "Gennemførlig" in html
    assert "56.15000, 10.20000" in html
    assert reverse("budgets:vote", args=[process.pk]) in html, "while voting: the way to the ballot"


def test_the_process_page_and_the_ballot_link_to_each_project(client, process, voter):
    url = reverse("budgets:project", args=[process.pk, "B"])
    assert f'href="{url}"' in client.get(reverse("budgets:detail", args=[process.pk])).content.decode()
    client.force_login(voter)
    assert f'href="{url}"' in client.get(reverse("budgets:vote", args=[process.pk])).content.decode()


def test_codes_with_a_slash_and_unknown_codes(client, process):
    odd = ProjectFactory(process=process, code="2027/7", title="Skrå kode")
    assert page(client, odd).status_code == 200
    assert client.get(reverse("budgets:project", args=[process.pk, "nope"])).status_code == 404
    assert client.get(f"/budgets/{process.pk + 1000}/projects/A/").status_code == 404


def test_the_idea_behind_it_is_linked_only_when_public(client, process, municipality):
    from tests.ideas.factories import CampaignFactory

    idea = IdeaFactory(campaign=CampaignFactory(municipality=municipality), title="Gynger i parken")
    project = process.projects.get(code="C")
    Project.objects.filter(pk=project.pk).update(idea=idea)
    assert reverse("ideas:detail", args=[idea.pk]) in page(client, project).content.decode()
    idea.visibility = Visibility.HIDDEN
    idea.save(update_fields=["visibility"])
    assert reverse("ideas:detail", args=[idea.pk]) not in page(client, project).content.decode()


def test_no_vote_counts_before_the_council_approves(client, process, council, municipality):
    for codes in (["A"], ["A", "C"], ["C"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    project = process.projects.get(code="A")
    api = APIClient()
    html = page(client, project).content.decode()
    data = api.get(f"/api/v1/budgets/{process.pk}/projects/A/").json()
    assert "Finansieret" not in html and "Ikke finansieret" not in html and data["funded"] is None
    assert not {"votes", "score", "count"} & set(data)
    results.council_review(process=process, member=council, decision="approved")
    sign_in_recently(client, council)
    client.logout()
    assert "Finansieret" in page(client, project).content.decode()
    assert api.get(f"/api/v1/budgets/{process.pk}/projects/A/").json()["funded"] is True


def test_the_api_gives_the_same_project(process):
    project = process.projects.get(code="D")
    data = APIClient().get(f"/api/v1/budgets/{process.pk}/projects/D/").json()
    assert data["title"] == project.title and data["cost"] == 20_000 and data["code"] == "D"
    assert data["url"] == reverse("budgets:project", args=[process.pk, "D"])
    assert data["image"] is None and data["idea"] is None
    assert APIClient().get(f"/api/v1/budgets/{process.pk}/projects/Z/").status_code == 404


def test_staff_add_an_image_checked_like_idea_images(client, process, budget_staff, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)  # staff review before voting
    project = process.projects.get(code="B")
    sign_in_recently(client, budget_staff)
    url = reverse("budgets:project-review", args=[project.pk])
    form = {"cost": 50_000, "feasibility": "feasible", "feasibility_reason": "", "latitude": "", "longitude": ""}
    refused = client.post(url, {**form, "image_alt": "Skitse",
                                "image": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")})
    assert refused.status_code == 200 and "JPEG, PNG eller WebP" in refused.content.decode()
    exif = Image.Exif()
    exif[0x010F] = "Kamera A/S"
    done = client.post(url, {**form, "image_alt": "Skitse af gyngerne", "image": png(exif.tobytes()),
                             "latitude": "56.1", "longitude": "10.2"})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.image and b"Kamera" not in project.image.read(), "metadata stripped"
    html = page(client, project).content.decode()
    assert f'src="{project.image.url}" alt="Skitse af gyngerne"' in html
    half_place = client.post(url, {**form, "image_alt": "Skitse af gyngerne", "latitude": "56.1"})
    assert half_place.status_code == 200 and 'value="56.1"' in half_place.content.decode()


def test_a_chosen_review_image_is_kept_when_another_field_has_an_error(client, process, budget_staff, settings,
                                                                        tmp_path):
    settings.VAR_DIR = tmp_path  # the kept pictures' folder (ideas.upload_stash)
    settings.MEDIA_ROOT = tmp_path / "media"
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.REVIEW)
    project = process.projects.get(code="B")
    sign_in_recently(client, budget_staff)
    url = reverse("budgets:project-review", args=[project.pk])
    form = {"cost": 50_000, "feasibility": "feasible", "feasibility_reason": "", "image_alt": "Skitse af gyngerne",
            "longitude": ""}
    half_place = client.post(url, {**form, "latitude": "56.1", "image": png()})
    kept = half_place.context["kept_picture"]
    assert half_place.status_code == 200 and kept["name"] == "skitse.png"
    assert f'name="keep_picture" value="{kept["token"]}"' in half_place.content.decode()
    project.refresh_from_db()
    assert not project.image
    done = client.post(url, {**form, "latitude": "", "keep_picture": kept["token"]})
    assert done.status_code == 302
    project.refresh_from_db()
    assert project.image and project.image_alt == "Skitse af gyngerne"


def test_query_count_does_not_grow_with_progress_updates(client, process, django_assert_max_num_queries):
    project = process.projects.get(code="A")
    with django_assert_max_num_queries(8):
        page(client, project)
    author = UserFactory()
    for n in range(5):
        project.updates.create(text=f"Skridt {n}", happened_on=f"2027-01-0{n + 1}", author=author)
    with django_assert_max_num_queries(8):
        assert "Skridt 4" in page(client, project).content.decode()
