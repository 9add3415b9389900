"""A council of three holds the ballot box key (one collects their share in the browser); a
citizen votes (knapsack) in Danish by keyboard and checks the receipt, which says the ballot
is in the box and nothing of what it says; staff close voting; two council members open the
box together (a file and typed words), approve, and the public result and bulletin board
show the citizen's ballot included."""
import json

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.test import Client

from accounts.models import Role
from budgets import ballotbox, phases, results, services
from budgets.models import BudgetProcess, Phase
from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def signed_in(browser, live_server, user):
    client = Client()
    client.force_login(user)
    context = browser.new_context(base_url=live_server.url, locale="da-DK")
    context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def confirm_who_i_am(page) -> None:
    """Signed in long ago: allauth asks for the password before a decision (accounts.mfa)."""
    assert "/accounts/reauthenticate/" in page.url, page.url
    page.locator("#id_password").fill(PASSWORD)
    with page.expect_navigation():
        page.locator('main form button[type="submit"]').click()


def test_council_holds_the_key_citizen_votes_two_members_open_the_box_and_approve(
        browser, live_server, municipality, screenshot_dir, tmp_path):
    process = BudgetProcessFactory(municipality=municipality, ballot_type="knapsack", total_budget=100_000,
                                   tally_rule="equalshares/add1", title="Borgerbudget Viby",
                                   phase=Phase.REVIEW, box=False)
    for code, title, cost in (("1", "Legeplads", 60_000), ("2", "Bænke", 30_000), ("3", "Træer", 50_000)):
        ProjectFactory(process=process, code=code, title=title, cost=cost)
    council = []
    for name in ("Anna", "Bo", "Carl"):
        member = UserFactory(municipality=municipality, display_name=name)
        MembershipFactory(user=member, municipality=municipality, role=Role.COUNCIL)
        council.append(member)
    staff = UserFactory(municipality=municipality)
    MembershipFactory(user=staff, municipality=municipality, role=Role.STAFF)
    ballotbox.box_prepare(process=process, actor=staff, members=council, threshold=2)

    # Anna collects her share in the browser: 24 words on screen, and the file.
    anna = signed_in(browser, live_server, council[0])
    anna.goto(f"/budgets/{process.pk}/ballot-box/share/")
    with anna.expect_navigation():
        anna.get_by_role("button", name="Hent min del").click()
    words = anna.locator("#share-words li").all_inner_texts()
    assert len(words) == 24
    anna.screenshot(path=str(screenshot_dir / "budget-key-share.png"), full_page=True)
    with anna.expect_download() as download:
        anna.get_by_role("button", name="Hent delen som fil").click()
    share_file = tmp_path / "anna.json"
    download.value.save_as(share_file)
    assert json.loads(share_file.read_text())["kind"] == "hoest-ballot-box-key-share"
    anna.goto(f"/budgets/{process.pk}/ballot-box/share/")
    assert "Hent min del" not in anna.locator("main").inner_text(), "a share is collected once"
    bo_share = ballotbox.share_collect(process=process, member=council[1]).share
    ballotbox.share_collect(process=process, member=council[2])
    phases.phase_set(process=process, phase=Phase.VOTING, actor=staff, reason="Afstemningen åbner.")
    process.refresh_from_db()

    for choice in (["1", "2"], ["3", "2"], ["1"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": choice})
    citizen = UserFactory(municipality=municipality, birth_year=1985)

    page = signed_in(browser, live_server, citizen)
    page.goto(f"/budgets/{process.pk}/vote/")
    assert page.locator("html").get_attribute("lang") == "da"
    # Over the limit first: the ballot's bar says so in plain words before anything is sent
    # (the server's own check, without the script, is in tests/e2e/test_ballot_bar.py), and
    # the ticks stay.
    for code in ("1", "3"):
        page.locator(f"#project-{code}").focus()
        page.keyboard.press("Space")
    page.keyboard.press("Enter")
    warning = page.locator("[data-bar-warning]")
    warning.wait_for(state="visible")
    assert "10.000 kr. over grænsen på 100.000 kr." in warning.inner_text()
    assert page.url.endswith(f"/budgets/{process.pk}/vote/")
    assert page.locator("#project-1").is_checked() and page.locator("#project-3").is_checked()
    page.locator("#project-3").focus()
    page.keyboard.press("Space")  # untick Træer
    page.locator("#project-2").focus()
    page.keyboard.press("Space")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    receipt = page.locator("#receipt-code").inner_text().strip()
    assert len(receipt) == 19
    page.screenshot(path=str(screenshot_dir / "budget-receipt.png"), full_page=True)

    page.goto(f"/budgets/{process.pk}/verify/")
    page.locator("#id_receipt").fill(receipt)
    with page.expect_navigation():
        page.locator("#id_receipt").press("Enter")
    checked = page.locator("main").inner_text()
    assert "i stemmeurnen" in checked, checked
    assert not any(title in checked for title in ("Legeplads", "Bænke", "Træer")), "a receipt never shows choices"

    staff_page = signed_in(browser, live_server, staff)
    staff_page.goto(f"/budgets/{process.pk}/phase/")
    staff_page.locator("#id_reason").fill("Afstemningsperioden er slut.")
    with staff_page.expect_navigation():
        staff_page.get_by_role("button", name="Gå videre til “Byrådets behandling”").click()
    confirm_who_i_am(staff_page)  # then the change she asked for is made
    assert "Afstemningsperioden er slut." in staff_page.locator("main").inner_text(), "the change is public"
    board = json.loads(staff_page.request.get(f"/budgets/{process.pk}/ballot-box/board.json").text())
    assert receipt.replace("-", "") in board["receipts"][""]

    # Anna presents her file, Bo types his words: two of three open the box.
    council_page = anna
    council_page.goto(f"/budgets/{process.pk}/ballot-box/open/")
    confirm_who_i_am(council_page)  # before the form; her confirmation lasts to the approval
    assert council_page.url.endswith(f"/budgets/{process.pk}/ballot-box/open/")
    council_page.locator("#id_words_1").fill("1 " + " ".join(["abandon"] * 24))
    with council_page.expect_navigation():
        council_page.locator('form button[type="submit"]').last.click()
    assert "abandon" in council_page.locator("#id_words_1").input_value(), "what was typed is kept"
    assert council_page.locator("#error-summary").is_visible()
    council_page.locator("#id_words_1").fill("")
    council_page.locator("#id_file_1").set_input_files(str(share_file))
    council_page.locator("#id_words_2").fill(f"{bo_share.index} {bo_share.words()}")
    council_page.screenshot(path=str(screenshot_dir / "budget-open-box.png"), full_page=True)
    with council_page.expect_navigation():
        council_page.locator('form button[type="submit"]').last.click()
    assert f"/budgets/{process.pk}/council/" in council_page.url
    council_page.goto(f"/budgets/{process.pk}/council/")
    table = council_page.locator("table").first.inner_text()
    # The three rules side by side, in plain words (budgets.models.rule_label), never their codes.
    assert "Flest stemmer først, så længe pengene rækker" in table
    assert "Lige andele, penge til overs bliver også brugt" in table
    assert "Lige andele, penge til overs bliver ikke brugt" in table
    assert "greedy" not in table and "equalshares" not in table
    council_page.screenshot(path=str(screenshot_dir / "budget-council.png"), full_page=True)
    council_page.locator('input[name="decision"][value="approved"]').check()
    with council_page.expect_navigation():
        council_page.locator('form button[type="submit"]').last.click()
    process.refresh_from_db()
    assert process.phase == Phase.RESULTS

    public = browser.new_context(base_url=live_server.url, locale="da-DK").new_page()
    public.goto(f"/budgets/{process.pk}/")
    result = public.locator("#result-title")
    assert result.is_visible()
    funded = public.locator(".hoest-card", has=public.locator(".badge")).all_inner_texts()
    assert any("Legeplads" in text for text in funded) and any("Bænke" in text for text in funded)
    assert "Kontrolleret" in public.locator("main").inner_text(), "the page checks the signed result"
    public.screenshot(path=str(screenshot_dir / "budget-result.png"), full_page=True)
    # The published result verifies with an independent Ed25519 (cryptography), against the
    # key the municipality publishes on its own page.
    signed = json.loads(public.request.get(f"/budgets/{process.pk}/result.json").text())
    published_key = public.request.get("/budgets/result-key/").text()
    assert signed["public_key"] in published_key
    Ed25519PublicKey.from_public_bytes(bytes.fromhex(signed["public_key"])).verify(
        bytes.fromhex(signed["signature"]), results.canonical(signed["document"]))
    assert signed["document"]["elections"][0]["ballots"]["count"] == 4
    assert BudgetProcess.objects.get(pk=process.pk).result.ballots == 4
    public.goto(f"/budgets/{process.pk}/verify/")
    public.locator("#id_receipt").fill(receipt)
    with public.expect_navigation():
        public.locator("#id_receipt").press("Enter")
    assert "talt med" in public.locator("main").inner_text()
