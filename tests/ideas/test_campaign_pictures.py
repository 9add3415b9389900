"""A campaign's picture: set on the staff page and through the API (one form), checked and
cleaned as idea images are (real JPEG/PNG/WebP, no metadata), kept large and small, shown on
the campaign's page and as its card on the front page; a picture always has a description."""
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from accounts.models import Role
from ideas.models import Campaign
from tests.factories import MunicipalityFactory, api_token
from tests.ideas.conftest import member
from tests.ideas.factories import CampaignFactory

pytestmark = pytest.mark.django_db
ALT = "Tegning af havnen med både og kajen"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo(fmt="JPEG", size=(2400, 1600), gps=False) -> bytes:
    image = Image.new("RGB", size, (40, 110, 160))
    out = io.BytesIO()
    kwargs = {}
    if gps:
        exif = Image.Exif()
        exif[0x010F] = "Kamera A/S"
        exif[0x8825] = {2: (56.0, 9.0, 0.0)}
        kwargs["exif"] = exif.tobytes()
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(data: bytes, name="havn.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def local(dt) -> str:
    return timezone.localtime(dt).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides) -> dict:
    now = timezone.now()
    data = {"title": "Hvordan skal havnen bruges?", "open_to_influence": "Kajens brug.",
            "fixed_frame": "2 mio. kr.", "decided_by": "Teknisk udvalg",
            "answer_by": (now + timedelta(days=60)).date().isoformat(),
            "opens_at": local(now - timedelta(hours=1)), "closes_at": local(now + timedelta(days=30))}
    data.update(overrides)
    return data


@pytest.fixture
def staff_client(client, municipality):
    client.force_login(member(municipality, Role.STAFF))
    return client


def test_staff_give_a_new_campaign_a_picture_kept_large_and_small_without_its_metadata(staff_client, municipality):
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                                 form_data(image=upload(photo(gps=True)), image_alt=ALT))
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.image_width, campaign.image_height, campaign.image_alt) == (1600, 1067, ALT)
    large = Image.open(campaign.image.path)
    small = Image.open(campaign.image_small.path)
    assert (large.format, large.size) == ("JPEG", (1600, 1067)), "wide uploads shrink to 1600 px"
    assert (small.format, small.size) == ("WEBP", (640, 427)), "the small one for cards and phones"
    assert b"Kamera" not in Path(campaign.image.path).read_bytes() and not large.getexif()


def test_the_campaign_page_and_the_front_page_card_show_it_at_the_right_size(staff_client, municipality, client):
    staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                      form_data(image=upload(photo()), image_alt=ALT))
    campaign = Campaign.objects.get()
    client.logout()
    page = client.get(reverse("ideas:campaign", args=[campaign.pk])).content.decode()
    img = re.search(r'<img [^>]*class="hoest-intro-picture"[^>]*>', page).group(0)
    assert f'alt="{ALT}"' in img and 'width="1600" height="1067"' in img
    assert f'srcset="{campaign.image_small.url} 640w, {campaign.image.url} 1600w"' in img and "sizes=" in img
    assert 'loading="lazy"' not in img, "the top of its page is not lazy"
    home = client.get("/").content.decode()
    card = home.split('id="campaigns-title"')[1].split("</section>")[0]
    card_img = re.search(r"<img [^>]*>", card).group(0)
    assert 'class="hoest-card-image"' in card_img and 'loading="lazy"' in card_img
    assert 'width="1600" height="1067"' in card_img and f'src="{campaign.image_small.url}"' in card_img
    # The pictures are served in the run mode, as idea images are.
    assert client.get(campaign.image_small.url)["Content-Type"] == "image/webp"


def test_a_small_picture_is_shown_as_it_is_without_a_srcset(staff_client, municipality, client):
    staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                      form_data(image=upload(photo("PNG", (500, 300)), "kort.png", "image/png"), image_alt=ALT))
    campaign = Campaign.objects.get()
    assert Image.open(campaign.image.path).format == "PNG" and campaign.image_width == 500
    img = re.search(r'<img [^>]*hoest-intro-picture[^>]*>',
                    client.get(reverse("ideas:campaign", args=[campaign.pk])).content.decode()).group(0)
    assert "srcset" not in img and 'width="500" height="300"' in img


def test_a_picture_without_a_description_is_refused_beside_the_field_and_the_rest_is_kept(staff_client, municipality):
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                                 form_data(title="Kajen om sommeren", image=upload(photo())))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Fortæl, hvad billedet viser, for dem, der ikke kan se det." in html
    assert 'value="Kajen om sommeren"' in html
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("data, name, message", [
    (b"%PDF-1.4 not an image", "havn.jpg", "Upload et billede i JPEG, PNG eller WebP."),
    (b"GIF89a" + b"\0" * 40, "havn.gif", "Upload et billede i JPEG, PNG eller WebP."),
])
def test_a_file_that_is_no_accepted_image_is_refused_with_a_clear_message(staff_client, municipality, data, name,
                                                                         message):
    response = staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                                 form_data(image=upload(data, name), image_alt=ALT))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Campaign.objects.exists()


def test_staff_replace_and_remove_the_picture_and_its_files_go(staff_client, municipality,
                                                              django_capture_on_commit_callbacks):
    staff_client.post(reverse("ideas:campaign-new", args=[municipality.slug]),
                      form_data(image=upload(photo()), image_alt=ALT))
    campaign = Campaign.objects.get()
    first = [Path(campaign.image.path), Path(campaign.image_small.path)]
    edit = reverse("ideas:campaign-edit", args=[campaign.pk])
    html = staff_client.get(edit).content.decode()
    assert 'class="hoest-current-picture"' in html and 'name="remove_image"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(edit, form_data(image=upload(photo("PNG", (800, 600)), "ny.png", "image/png"),
                                                     image_alt="Ny tegning"))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.image_width, campaign.image_alt) == (800, "Ny tegning")
    assert not any(path.exists() for path in first), "the replaced files are deleted"
    # Emptying the description of a picture that stays is refused.
    response = staff_client.post(edit, form_data(image_alt=""))
    assert response.status_code == 400 and "Fortæl, hvad billedet viser" in response.content.decode()
    second = Path(campaign.image.path)
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(edit, form_data(remove_image="on", image_alt=""))
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert not campaign.image and not campaign.image_small and campaign.image_alt == ""
    assert not second.exists()
    assert "<img" not in staff_client.get(reverse("ideas:campaign", args=[campaign.pk])).content.decode().split(
        "<main")[1].split("hoest-cards")[0]


def test_front_page_queries_do_not_grow_with_pictured_campaigns_and_programmes(client, municipality,
                                                                               django_assert_max_num_queries):
    from ui.images import clean_picture, picture_store

    picture = clean_picture(upload(photo(size=(900, 600))))
    for n in range(6):
        campaign = CampaignFactory(municipality=municipality, title=f"Spørgsmål {n}", image_alt=f"Billede {n}")
        picture_store(campaign, picture)
        campaign.save()
    client.get("/")  # the headline figures are counted once, then cached
    with django_assert_max_num_queries(6):
        html = client.get("/").content.decode()
    assert html.count('class="hoest-card-image"') == 6


# --- The API: the staff page's form, as multipart ------------------------------------------
def api_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token(user)}")
    return client


def api_data(**overrides) -> dict:
    now = timezone.now()
    data = {"municipality": "aarhus", "title": "Havnen", "open_to_influence": "x", "fixed_frame": "y",
            "decided_by": "Byrådet", "answer_by": (now + timedelta(days=90)).date().isoformat(),
            "opens_at": now.isoformat(), "closes_at": (now + timedelta(days=30)).isoformat()}
    data.update(overrides)
    return data


def test_the_api_takes_the_picture_as_the_page_does(municipality):
    api = api_client(member(municipality, Role.STAFF))
    response = api.post("/api/v1/campaigns/", api_data(image=upload(photo()), image_alt=ALT), format="multipart")
    assert response.status_code == 201, response.content
    picture = response.json()["image"]
    campaign = Campaign.objects.get()
    assert picture == {"url": campaign.image.url, "small_url": campaign.image_small.url, "width": 1600,
                       "height": 1067, "alt": ALT}
    # The same checks, as field messages.
    response = api.post("/api/v1/campaigns/", api_data(image=upload(photo())), format="multipart",
                        HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"]["image_alt"] == ["Say what the image shows, for people who cannot see it."]
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"image": upload(b"not an image"), "image_alt": ALT},
                         format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["fields"]["image"] == ["This file is not an image we can read. Upload a JPEG, PNG or "
                                                  "WebP image."]
    # A change leaves what it does not name as it was, and removes the picture when asked.
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"decided_by": "Byrådet i Aarhus"}, format="json")
    assert response.status_code == 200 and response.json()["image"]["alt"] == ALT
    response = api.patch(f"/api/v1/campaigns/{campaign.pk}/", {"remove_image": True}, format="json")
    assert response.status_code == 200 and response.json()["image"] is None
    campaign.refresh_from_db()
    assert campaign.decided_by == "Byrådet i Aarhus" and campaign.title == "Havnen" and not campaign.image


def test_another_municipalitys_staff_and_citizens_cannot_change_a_campaign_through_the_api(municipality, citizen):
    campaign = CampaignFactory(municipality=municipality, decided_by="Byrådet")
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune")
    for user in (member(bergen, Role.STAFF), citizen, member(municipality, Role.MODERATOR)):
        response = api_client(user).patch(f"/api/v1/campaigns/{campaign.pk}/",
                                          {"image": upload(photo()), "image_alt": ALT, "decided_by": "Ingen"},
                                          format="multipart")
        assert response.status_code == 403
    assert APIClient().patch(f"/api/v1/campaigns/{campaign.pk}/", {"decided_by": "Ingen"},
                             format="json").status_code == 403
    campaign.refresh_from_db()
    assert campaign.decided_by == "Byrådet" and not campaign.image


def test_a_chosen_picture_is_kept_when_another_field_has_an_error(staff_client, municipality, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the kept pictures' folder (ideas.upload_stash)
    url = reverse("ideas:campaign-new", args=[municipality.slug])
    staff_client.cookies["django_language"] = "en"
    response = staff_client.post(url, form_data(title="", image=upload(photo()), image_alt=ALT))
    assert response.status_code == 400 and not Campaign.objects.exists()
    kept = response.context["kept_picture"]
    html = response.content.decode()
    assert kept["name"] == "havn.jpg"
    assert "The image you chose" in html and "you need not choose it again" in html
    assert f'name="keep_picture" value="{kept["token"]}"' in html
    # Sent again with the title and without choosing the file: the campaign has the picture.
    response = staff_client.post(url, form_data(image_alt=ALT, keep_picture=kept["token"]))
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert (campaign.image_width, campaign.image_height) == (1600, 1067)
    assert not list((tmp_path / "upload-stash").iterdir()), "the kept file goes once it is used"


def test_an_unticked_kept_picture_is_left_out_and_another_session_cannot_use_it(
        staff_client, client, municipality, settings, tmp_path):
    from django.test import Client

    settings.VAR_DIR = tmp_path
    url = reverse("ideas:campaign-new", args=[municipality.slug])
    token = staff_client.post(url, form_data(title="", image=upload(photo()), image_alt=ALT)
                              ).context["kept_picture"]["token"]
    other = Client()
    other.force_login(member(municipality, Role.STAFF))
    assert other.post(url, form_data(title="Andens", image_alt=ALT, keep_picture=token)).status_code == 302
    assert not Campaign.objects.get(title="Andens").image, "a token from another session is nothing"
    # Unticked, the kept picture is not used.
    assert staff_client.post(url, form_data(title="Uden billede", image_alt=ALT)).status_code == 302
    assert not Campaign.objects.get(title="Uden billede").image
