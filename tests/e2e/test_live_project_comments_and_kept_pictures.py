"""Two things a person would otherwise miss, in a browser: a reader of a budget project's page
is told, in an aria-live banner, that someone else has just commented, and the banner's link
shows it; a staff member whose picture form came back with an error finds the chosen picture
kept and saves it without choosing it again. axe passes on both pages as they then are."""
import io

import pytest
from PIL import Image

from accounts.models import Role
from budgets.models import ProjectComment
from dinners.models import Programme
from tests.asgi_server import serve_asgi
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.dinners.conftest import make_programme
from tests.factories import MembershipFactory, UserFactory

from .test_ideas_journey import signed_in_context
from .test_maps_journey import axe_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_reader_hears_of_a_new_comment_on_the_project_and_can_show_it(browser, municipality, screenshot_dir):
    project = ProjectFactory(process=BudgetProcessFactory(municipality=municipality), code="A",
                             title="Gynger i Mølleparken")
    reader = UserFactory(municipality=municipality, display_name="Karen Borger")
    neighbour = UserFactory(municipality=municipality, display_name="Nabo Nielsen")
    with serve_asgi() as server:
        page = signed_in_context(browser, f"http://{server}", reader).new_page()
        errors = []
        page.on("console", lambda m: m.type == "error" and errors.append(m.text))
        path = f"/ws/budgets/projects/{project.pk}/"
        with page.expect_websocket(lambda ws: ws.url.endswith(path)):
            page.goto(project.get_absolute_url())
        # Someone else comments, on their own page.
        other = signed_in_context(browser, f"http://{server}", neighbour).new_page()
        other.goto(project.get_absolute_url())
        other.locator("textarea[name=body]").fill("Gerne med skygge")
        with other.expect_navigation():
            other.locator("#comment-form button[type=submit]").click()
        comment = ProjectComment.objects.get(author=neighbour)
        banner = page.locator("#live-announcement")
        banner.wait_for()
        assert banner.get_attribute("role") == "status"
        assert "Der er kommet en ny kommentar." in banner.inner_text()
        assert axe_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "project-live-comment.png"), full_page=True)
        with page.expect_navigation():
            banner.get_by_role("link", name="Vis den").click()
        assert "Gerne med skygge" in page.locator(f"#comment-{comment.pk}").inner_text()
        assert errors == []


def test_staff_keep_the_chosen_picture_when_the_description_is_missing(browser, municipality, tmp_path, settings,
                                                                       screenshot_dir):
    settings.VAR_DIR = tmp_path  # the kept pictures' folder (ideas.upload_stash)
    settings.MEDIA_ROOT = tmp_path / "media"
    programme = make_programme(municipality)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    picture = tmp_path / "bord.png"
    out = io.BytesIO()
    Image.new("RGB", (900, 600), (150, 90, 60)).save(out, "PNG")
    picture.write_bytes(out.getvalue())
    with serve_asgi() as server:
        page = signed_in_context(browser, f"http://{server}", staff).new_page()
        page.goto(f"/dinners/{programme.pk}/picture/")
        page.locator("#id_image").set_input_files(str(picture))
        with page.expect_navigation():
            page.get_by_role("button", name="Gem").click()
        kept = page.locator("#kept-picture")
        assert "Det valgte billede" in kept.inner_text() and "bord.png" in kept.inner_text()
        assert page.get_by_label("bord.png").is_checked()
        assert axe_violations(page) == []
        page.screenshot(path=str(screenshot_dir / "programme-picture-kept.png"), full_page=True)
        # The description, and no file chosen again: the kept picture is saved.
        page.locator("#id_image_alt").fill("Et langt middagsbord")
        with page.expect_navigation():
            page.get_by_role("button", name="Gem").click()
    programme = Programme.objects.get(pk=programme.pk)
    assert (programme.image_width, programme.image_alt) == (900, "Et langt middagsbord")
