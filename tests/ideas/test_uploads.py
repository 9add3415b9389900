"""Images on ideas: only real JPEG, PNG or WebP within bounds; metadata stripped; bad files
refused with a clear message, and nothing else typed is lost."""
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from rest_framework.test import APIClient

from ideas.models import Idea, IdeaImage

pytestmark = pytest.mark.django_db


def image_bytes(fmt="PNG", size=(40, 30), exif=None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", size, (200, 30, 30))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(name, data, content_type="image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def post_idea(client, campaign, files, **extra):
    data = {"campaign": campaign.pk, "title": "Legeplads i Viby", "body": "Med gynger", "images": files,
            "image_description": "Skitse af legepladsen", **extra}
    return client.post(reverse("ideas:submit"), data)


def test_valid_images_are_stored_without_their_metadata(citizen_client, campaign):
    exif = Image.Exif()
    exif[0x010F] = "Kamera A/S"  # Make
    exif[0x8825] = {2: (55.0, 40.0, 0.0)}  # GPS latitude
    jpeg = image_bytes("JPEG", exif=exif.tobytes())
    assert b"Kamera" in jpeg
    response = post_idea(citizen_client, campaign, [upload("a.jpg", jpeg, "image/jpeg"),
                                                    upload("b.png", image_bytes())])
    assert response.status_code == 302
    images = list(IdeaImage.objects.all())
    assert [(i.extension, i.width, i.height) for i in images] == [("jpg", 40, 30), ("png", 40, 30)]
    stored = images[0].image.read()
    assert b"Kamera" not in stored, "EXIF (camera, GPS position) never reaches the public"
    assert not Image.open(io.BytesIO(stored)).getexif()


BAD = {
    "text renamed to .jpg": (upload("x.jpg", b"this is not an image", "image/jpeg"), "not an image"),
    "SVG with a script": (upload("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
                                 "image/svg+xml"), "not an image"),
    "GIF": (upload("x.gif", image_bytes("GIF"), "image/gif"), "JPEG, PNG or WebP"),
    "image bomb": (upload("bomb.png", image_bytes("PNG", size=(10_000, 10_000))), "million pixels"),
    "too large": (upload("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 10)), "limit"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_uploads_are_refused_with_a_message_and_the_text_kept(client, citizen, campaign, case, settings):
    client.force_login(citizen)
    client.post(reverse("set_language"), {"language": "en"})
    bad, message = BAD[case]
    response = post_idea(client, campaign, [bad])
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'value="Legeplads i Viby"' in html and "Med gynger" in html
    assert not Idea.objects.exists(), "a refused image stores no half idea"


def test_at_most_three_images(citizen_client, campaign):
    response = post_idea(citizen_client, campaign, [upload(f"{n}.png", image_bytes()) for n in range(4)])
    assert response.status_code == 200 and not Idea.objects.exists()


def test_api_refuses_bad_images_with_field_errors(citizen, campaign):
    api = APIClient()
    api.force_authenticate(citizen)
    response = api.post("/api/v1/ideas/", {"campaign": campaign.pk, "title": "T", "body": "B",
                                           "images": [upload("x.jpg", b"nope", "image/jpeg")]},
                        format="multipart", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "images" in response.json()["fields"]
    assert not Idea.objects.exists()


def test_staff_enter_an_idea_received_on_paper(client, staff, campaign):
    client.force_login(staff)
    response = client.post(reverse("ideas:enter-for-citizen"), {
        "source": "paper", "citizen_name": "Else Jensen", "campaign": campaign.pk,
        "title": "Bænk ved busstoppet", "body": "Brev modtaget 3. marts."})
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.source, idea.citizen_name, idea.author) == ("paper", "Else Jensen", staff)
    assert idea.citizens_initiated
    assert not idea.follows.exists(), "staff typing in a letter do not follow it themselves"
    page = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "Bænk ved busstoppet" in page
    assert "Else Jensen" in page and staff.display_name not in page.split("<main")[1]
