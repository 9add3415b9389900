"""Idea cards in lists show the idea's first image, small, with its description as alt text."""
import io
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from ideas.models import IdeaImage
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def add_image(idea, alt: str, size=(400, 300)) -> IdeaImage:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 100, 200)).save(out, "PNG")
    image = IdeaImage(idea=idea, extension="png", alt_text=alt, width=size[0], height=size[1])
    image.image.save("image.png", ContentFile(out.getvalue()), save=False)
    image.width, image.height = size
    image.save()
    return image


def test_cards_show_the_first_image_with_its_alt_text(client, campaign, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with_images = IdeaFactory(campaign=campaign, title="Legeplads med skitse")
    first = add_image(with_images, "Skitse af legepladsen set fra vejen")
    add_image(with_images, "Kort over området")
    IdeaFactory(campaign=campaign, title="Idé uden billede")
    for url in (reverse("ideas:list"), reverse("ideas:campaign", args=[campaign.pk])):
        html = client.get(url).content.decode()
        cards = {re.search(r'<a href="[^"]+">([^<]+)</a>', card).group(1): card
                 for card in html.split('<li class="hoest-card"')[1:]}
        card = cards["Legeplads med skitse"]
        assert f'src="{first.image.url}"' in card and 'alt="Skitse af legepladsen set fra vejen"' in card
        assert 'width="160" height="120"' in card, "a thumbnail, in the image's proportions"
        assert "Kort over området" not in card, "the first image only"
        assert "<img" not in cards["Idé uden billede"]
    # The image itself is served in the run mode (config.media).
    response = client.get(first.image.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
