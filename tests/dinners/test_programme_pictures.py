"""A dinner programme's picture: given when staff create the programme, changed or removed on
its picture page and through the API (one form), checked as idea images are, shown on the
programme's page and as its card on the front page. Only the municipality's staff."""
import io
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Role
from dinners.models import Programme
from tests.factories import MembershipFactory, MunicipalityFactory, UserFactory, api_token

pytestmark = pytest.mark.django_db
ALT = "Tegning af et langt middagsbord med tallerkener og stearinlys"


def photo(fmt="WEBP", size=(1200, 800)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (150, 90, 60)).save(out, fmt)
    return out.getvalue()


def upload(data: bytes, name="bord.webp", content_type="image/webp"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def programme_form(**extra) -> dict:
    return {"title": "Gjestebud 2027", "theme": "Fremtidens by", "host_instructions": "Inviter naboer",
            "privacy_text": "Vi sletter alt", "signup_opens": "2027-01-01T00:00", "signup_closes": "2027-02-01T00:00",
            "dinners_from": "2027-02-01T00:00", "dinners_until": "2027-03-01T00:00", "max_seats": "8",
            "questions": "Hvad?\nHvorfor?\nHvordan?", **extra}


def test_staff_create_a_programme_with_a_picture(client, staff):
    client.force_login(staff)
    response = client.post(reverse("dinners:programme-new"), programme_form(image=upload(photo()), image_alt=ALT))
    assert response.status_code == 302
    programme = Programme.objects.get(title="Gjestebud 2027")
    assert (programme.image_width, programme.image_height, programme.image_alt) == (1200, 800, ALT)
    assert Image.open(programme.image_small.path).size == (640, 427)
    # Without a description the form says so, and keeps what was typed.
    response = client.post(reverse("dinners:programme-new"), programme_form(title="Uden tekst",
                                                                            image=upload(photo())))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Fortæl, hvad billedet viser, for dem, der ikke kan se det." in html and 'value="Uden tekst"' in html
    assert not Programme.objects.filter(title="Uden tekst").exists()


def test_the_programme_page_and_the_front_page_show_the_picture(client, programme, staff):
    client.force_login(staff)
    page = reverse("dinners:programme", args=[programme.pk])
    assert "Tilføj et billede" in client.get(page).content.decode(), "staff find where to add one"
    response = client.post(reverse("dinners:programme-picture", args=[programme.pk]),
                           {"image": upload(photo("JPEG", (2000, 1000)), "bord.jpg", "image/jpeg"), "image_alt": ALT})
    assert response.status_code == 302
    programme.refresh_from_db()
    client.logout()
    html = client.get(page).content.decode()
    img = re.search(r'<img [^>]*hoest-intro-picture[^>]*>', html).group(0)
    assert f'alt="{ALT}"' in img and 'width="1600" height="800"' in img and "640w" in img
    card = client.get("/").content.decode().split('id="dinners-title"')[1].split("</section>")[0]
    assert re.search(r'<img [^>]*class="hoest-card-image"[^>]*loading="lazy"', card)
    assert f'src="{programme.image_small.url}"' in card


def test_staff_remove_the_picture_on_its_page(client, programme, staff, django_capture_on_commit_callbacks):
    client.force_login(staff)
    url = reverse("dinners:programme-picture", args=[programme.pk])
    client.post(url, {"image": upload(photo()), "image_alt": ALT})
    programme.refresh_from_db()
    files = [Path(programme.image.path), Path(programme.image_small.path)]
    response = client.post(url, {"image": upload(b"GIF89a not really", "bord.gif", "image/gif"), "image_alt": ALT})
    assert response.status_code == 400
    assert "Upload et billede i JPEG, PNG eller WebP." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"remove_image": "on", "image_alt": ""}).status_code == 302
    programme.refresh_from_db()
    assert not programme.image and not any(path.exists() for path in files)


def test_only_the_municipalitys_staff_change_the_picture(client, programme, municipality, host):
    bergen_staff = UserFactory(municipality=MunicipalityFactory(slug="bergen", name="Bergen kommune"))
    MembershipFactory(user=bergen_staff, municipality=bergen_staff.municipality, role=Role.STAFF)
    url = reverse("dinners:programme-picture", args=[programme.pk])
    for person in (host, bergen_staff):
        client.force_login(person)
        assert client.get(url).status_code == 403
        assert client.post(url, {"image": upload(photo()), "image_alt": ALT}).status_code == 403
        api = APIClient()
        api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(person)}")
        assert api.patch(f"/api/v1/dinners/programmes/{programme.pk}/picture/",
                         {"image": upload(photo()), "image_alt": ALT}, format="multipart").status_code == 403
    client.logout()
    assert client.get(url).status_code == 302  # to the sign-in page
    programme.refresh_from_db()
    assert not programme.image


def test_the_api_changes_the_picture_as_the_page_does(programme, staff):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token(staff)}")
    url = f"/api/v1/dinners/programmes/{programme.pk}/picture/"
    response = api.patch(url, {"image": upload(photo())}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"] == {"image_alt": ["Say what the image shows, for people who cannot see it."]}
    response = api.patch(url, {"image": upload(photo()), "image_alt": ALT}, format="multipart")
    assert response.status_code == 200
    assert response.json()["image"]["alt"] == ALT and response.json()["image"]["width"] == 1200
    assert api.get(f"/api/v1/dinners/programmes/{programme.pk}/").json()["image"]["small_url"].endswith(".webp")
    response = api.patch(url, {"remove_image": True}, format="json")
    assert response.status_code == 200 and response.json()["image"] is None


def test_a_chosen_picture_is_kept_when_the_description_is_missing(client, staff, programme, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the kept pictures' folder (ideas.upload_stash)
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(staff)
    # The new programme's form and the picture page keep it alike.
    response = client.post(reverse("dinners:programme-new"), programme_form(title="Med billede", image=upload(photo())))
    kept = response.context["kept_picture"]
    assert response.status_code == 200 and kept["name"] == "bord.webp"
    assert "Det valgte billede" in response.content.decode()
    response = client.post(reverse("dinners:programme-new"), programme_form(title="Med billede", image_alt=ALT,
                                                                            keep_picture=kept["token"]))
    assert response.status_code == 302 and Programme.objects.get(title="Med billede").image_width == 1200

    url = reverse("dinners:programme-picture", args=[programme.pk])
    response = client.post(url, {"image": upload(photo("JPEG", (2000, 1000)), "bord.jpg", "image/jpeg")})
    kept = response.context["kept_picture"]
    assert response.status_code == 400 and kept["name"] == "bord.jpg"
    assert f'value="{kept["token"]}"' in response.content.decode()
    assert client.post(url, {"image_alt": ALT, "keep_picture": kept["token"]}).status_code == 302
    programme.refresh_from_db()
    assert (programme.image_width, programme.image_height, programme.image_alt) == (1600, 800, ALT)
