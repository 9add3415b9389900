"""Traps on the way to an idea: a campaign chosen for you, a push to support an idea that was
turned down, images lost on an error, and an e-mail that asks for a reply nobody reads."""
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from ideas import services
from ideas.models import Idea, IdeaImage, Status
from tests.ideas.factories import CampaignFactory, IdeaFactory

pytestmark = pytest.mark.django_db


def png(name="skitse.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (20, 120, 30)).save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def english(client):
    client.cookies["django_language"] = "en"
    return client


def selected_campaign(html: str) -> str:
    select = html.split('name="campaign"')[1].split("</select>")[0]
    return select.split(" selected>")[0].rsplit('value="', 1)[1].split('"')[0] if " selected>" in select else ""


def test_the_idea_form_preselects_the_standing_idea_box_not_the_first_campaign(citizen_client, municipality):
    campaign = CampaignFactory(municipality=municipality, title="Havnen")
    box = CampaignFactory(municipality=municipality, title="Idékassen", is_general_idea_box=True)
    html = citizen_client.get(reverse("ideas:submit")).content.decode()
    assert selected_campaign(html) == str(box.pk)
    # Coming from a campaign's page, that campaign is the choice.
    html = citizen_client.get(reverse("ideas:submit") + f"?campaign={campaign.pk}").content.decode()
    assert selected_campaign(html) == str(campaign.pk)


def test_without_an_idea_box_nothing_is_chosen_for_the_person(citizen_client, municipality):
    CampaignFactory(municipality=municipality, title="Havnen")
    html = english(citizen_client).get(reverse("ideas:submit")).content.decode()
    assert selected_campaign(html) == ""
    assert "Choose a campaign" in html


def test_the_similar_ideas_hint_does_not_urge_support_for_a_turned_down_idea(citizen_client, municipality):
    campaign = CampaignFactory(municipality=municipality)
    IdeaFactory(campaign=campaign, title="Cykelsti langs havnen", status=Status.NOT_PURSUED)
    html = english(citizen_client).get(reverse("ideas:similar") + "?q=Cykelsti langs havnen").content.decode()
    assert "Cykelsti langs havnen" in html
    assert "Not pursued" in html and "no longer open for support" in html
    assert "Perhaps support one of them instead" not in html
    IdeaFactory(campaign=campaign, title="Cykelsti til havnen", status=Status.PUBLISHED)
    html = citizen_client.get(reverse("ideas:similar") + "?q=Cykelsti langs havnen").content.decode()
    assert "Perhaps support one of them instead" in html


def test_valid_images_are_kept_across_an_error_and_can_be_left_out(citizen_client, municipality):
    campaign = CampaignFactory(municipality=municipality)
    bad = SimpleUploadedFile("notes.jpg", b"not an image", content_type="image/jpeg")
    response = english(citizen_client).post(reverse("ideas:submit"), {
        "campaign": campaign.pk, "title": "", "body": "Gynger", "images": [png("skitse.png"), png("kort.png"), bad],
        "image_description": "Skitse"})
    assert response.status_code == 200
    kept = response.context["kept_images"]
    assert [k["name"] for k in kept] == ["skitse.png", "kort.png"], "the unreadable file is not kept"
    html = response.content.decode()
    assert "Images you have added" in html and "skitse.png" in html and "kort.png" in html
    # Sent again with the title, without choosing files: the kept images come along, but
    # not the one the person unticked.
    response = citizen_client.post(reverse("ideas:submit"), {
        "campaign": campaign.pk, "title": "Legeplads", "body": "Gynger", "image_description": "Skitse",
        "keep_image": [kept[0]["token"]]})
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert IdeaImage.objects.filter(idea=idea).count() == 1


def test_kept_images_belong_to_the_session_that_uploaded_them(client, citizen_client, municipality):
    from tests.factories import UserFactory

    campaign = CampaignFactory(municipality=municipality)
    response = citizen_client.post(reverse("ideas:submit"), {
        "campaign": campaign.pk, "title": "", "body": "x", "images": [png()]})
    token = response.context["kept_images"][0]["token"]
    other = UserFactory(municipality=municipality)
    from django.test import Client

    someone_else = Client()
    someone_else.force_login(other)
    someone_else.post(reverse("ideas:submit"), {"campaign": campaign.pk, "title": "Min idé", "body": "y",
                                                "keep_image": [token]})
    assert not IdeaImage.objects.exists()


def test_the_hidden_e_mail_says_how_to_disagree_not_to_reply_to_noreply(
        idea, moderator, django_capture_on_commit_callbacks):
    idea.author.preferred_language = "en"
    idea.author.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(actor=moderator, reason="Personlige oplysninger", idea=idea)
    body = mail.outbox[-1].body
    assert "answer this e-mail" not in body
    assert "Replies to this e-mail are not read" in body and idea.municipality.name in body
    services.idea_settings_update(municipality=idea.municipality, contact_email="moderation@aarhus.example")
    other = IdeaFactory(campaign=idea.campaign, author=idea.author)
    with django_capture_on_commit_callbacks(execute=True):
        services.moderation_hide(actor=moderator, reason="Igen", idea=other)
    assert "write to moderation@aarhus.example" in mail.outbox[-1].body


def test_kept_images_nobody_came_back_for_are_swept_after_a_day(citizen_client, municipality, settings, tmp_path):
    import os
    import time

    from ideas import upload_stash
    from ideas.tasks import sweep_upload_stash

    settings.VAR_DIR = tmp_path
    campaign = CampaignFactory(municipality=municipality)
    response = citizen_client.post(reverse("ideas:submit"), {
        "campaign": campaign.pk, "title": "", "body": "x", "images": [png("gammel.png"), png("ny.png")]})
    old, new = response.context["kept_images"]
    files = {path.stem: path for path in (tmp_path / "upload-stash").iterdir()}
    day_and_a_minute_ago = time.time() - upload_stash.KEPT_FOR.total_seconds() - 60
    os.utime(files[old["token"]], (day_and_a_minute_ago, day_and_a_minute_ago))

    assert sweep_upload_stash.apply().get() == 1
    assert sweep_upload_stash.apply().get() == 0, "a second run finds nothing more"
    assert sorted(path.stem for path in (tmp_path / "upload-stash").iterdir()) == [new["token"]]
    # The person comes back: the swept image is no longer offered, the recent one still is.
    response = citizen_client.post(reverse("ideas:submit"), {"campaign": campaign.pk, "title": "", "body": "x",
                                                             "keep_image": [old["token"], new["token"]]})
    assert [k["name"] for k in response.context["kept_images"]] == ["ny.png"]
