"""A small municipality with one real object behind every URL keyword argument, and one
person per role, for the authorisation matrix and the API fuzzing.

Aarhus is the site's default municipality; Bergen is "another municipality". Everything
is made through the apps' services (or the suites' factories), so the objects are in the
states a person would meet them in.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import Country, Role
from tests.factories import DistrictFactory, MembershipFactory, MunicipalityFactory, UserFactory

# The roles of the matrix. "outsider" is a citizen of another municipality and "other_staff"
# staff of another municipality (Bergen); "admin" is the municipality's ADMIN membership (not
# a Django superuser). The privileged roles have a second
# factor (an authenticator app); "<role>_without_2fa" holds the same role without one.
PRIVILEGED = ["moderator", "staff", "council", "admin"]
WITHOUT_2FA = {f"{role}_without_2fa": role for role in PRIVILEGED}
ROLES = ["anonymous", "citizen", "outsider", "other_staff", *PRIVILEGED, *WITHOUT_2FA]


@dataclass
class World:
    aarhus: object
    bergen: object
    users: dict  # role -> user (None for anonymous)
    objects: dict = field(default_factory=dict)  # name -> object or value used in URLs


def _member(municipality, role: str, *, second_factor: bool = True, **extra):
    user = UserFactory(municipality=municipality, birth_year=1980, **extra)
    MembershipFactory(user=user, municipality=municipality, role=role, second_factor=second_factor)
    return user


def _draft(municipality, staff, district):
    """A budget being set up (budgets.setup), every step saved, nothing left to fix, with a
    district budget: only the municipality's staff see it."""
    from budgets import setup

    now = timezone.now()
    process = setup.draft_create(municipality=municipality, actor=staff, title="Borgerbudget under opbygning",
                                 description="Et udkast.", currency="DKK", citywide=True, total_budget=100_000)
    setup.district_budget_add(process=process, district=district, amount=20_000)
    return setup.setup_update(process=process, data={
        "ballot_type": "knapsack", "min_age": 0, "tally_rule": "greedy", "proposals_start": now - timedelta(hours=1),
        "review_start": now + timedelta(days=20), "voting_start": now + timedelta(days=30),
        "voting_end": now + timedelta(days=40), "results_date": now + timedelta(days=50)})


def _census_letters(municipality) -> dict:
    """A census vote whose letters are out: three residents have a letter (their codes kept
    here, as the printed letters hold them), the second letter came back, and a fourth
    resident, added to the census since, has none yet."""
    from accounts import census
    from budgets import voting_codes
    from budgets.models import Voters
    from tests.budgets.factories import BudgetProcessFactory

    def residents(n: int) -> bytes:
        return ("person_id,birth_year,district\n" + "".join(f"0101{70 + k}-{2000 + k},{1970 + k},\n"
                                                          for k in range(n))).encode()

    process = BudgetProcessFactory(municipality=municipality, voters=Voters.CENSUS, title="Borgerbudget med breve")
    census.census_replace(municipality=municipality, data=residents(3))
    codes = [code for code, _district in voting_codes.codes_for_census(process=process)]
    voting_codes.code_return(process=process, code=codes[1])
    census.census_replace(municipality=municipality, data=residents(4))
    return {"census_process": process, "letter_codes": codes, "census_file": residents(5)}


def build_world() -> World:
    from budgets import phases as budget_phases
    from budgets.models import BudgetProcess, Phase
    from dinners import services as dinner_services
    from dinners.models import Dinner, DinnerStatus
    from ideas import services as idea_services
    from ideas.models import Idea, Visibility
    from ideas.notices import unsubscribe_token
    from notify.models import Notice
    from reports import services as report_services
    from reports.models import SCORE_FIELDS, Party
    from tests.budgets.factories import ProjectFactory
    from tests.budgets.test_permissions import setup_process
    from tests.dinners.conftest import make_dinner, make_programme
    from tests.ideas.factories import CampaignFactory, IdeaFactory

    aarhus = MunicipalityFactory(slug="aarhus", name="Aarhus Kommune")
    bergen = MunicipalityFactory(slug="bergen", name="Bergen kommune", country=Country.NORWAY)
    district = DistrictFactory(municipality=aarhus, name="Trøjborg", slug="trojborg")
    users = {
        "anonymous": None,
        "citizen": UserFactory(municipality=aarhus, birth_year=1980, district=district),
        "outsider": UserFactory(municipality=bergen, birth_year=1980),
        "other_staff": _member(bergen, Role.STAFF),
        "moderator": _member(aarhus, Role.MODERATOR),
        "staff": _member(aarhus, Role.STAFF),
        "council": _member(aarhus, Role.COUNCIL),
        "admin": _member(aarhus, Role.ADMIN),
        **{name: _member(aarhus, role, second_factor=False) for name, role in WITHOUT_2FA.items()},
    }
    # People who own things in the world but are none of the roles above.
    author = UserFactory(municipality=aarhus, birth_year=1975)
    host = UserFactory(municipality=aarhus, district=district, birth_year=1970, display_name="Vera Vært")
    guest = UserFactory(municipality=aarhus, birth_year=1990)
    o: dict = {}

    # Ideas: an open campaign, a visible idea with a comment, a duplicate to merge.
    campaign = CampaignFactory(municipality=aarhus)
    idea = IdeaFactory(campaign=campaign, author=author)
    duplicate = IdeaFactory(campaign=campaign, author=author)
    comment = idea_services.comment_add(idea=idea, author=author, body="Godt forslag")
    pending = IdeaFactory(campaign=campaign, author=author)
    Idea.objects.filter(pk=pending.pk).update(visibility=Visibility.PENDING)
    bergen_idea = IdeaFactory(campaign=CampaignFactory(municipality=bergen))
    o.update(campaign=campaign, idea=idea, bergen_idea=bergen_idea, duplicate=duplicate, comment=comment, pending_idea=pending,
             unsubscribe_token=unsubscribe_token(user_id=author.pk, idea_id=idea.pk))

    # Budgets: one process per phase (each with projects and one ballot cast while voting).
    processes = {}
    for phase in ("proposals", "review", "voting", "council_review", "results"):
        processes[phase] = setup_process(aarhus, phase)
    implementation = setup_process(aarhus, "results")
    budget_phases.phase_set(process=implementation, phase=Phase.IMPLEMENTATION)
    processes["implementation"] = BudgetProcess.objects.get(pk=implementation.pk)
    o["process"] = processes
    # A district budget in the voting process: Trøjborg's residents vote in it too.
    from budgets.models import DistrictBudget

    trojborg = DistrictBudget.objects.create(process=processes["voting"], district=district, name="Trøjborg",
                                             slug="trojborg", amount=50_000)
    ProjectFactory(process=processes["voting"], code="T1", cost=20_000, district_budget=trojborg)
    o["review_project"] = ProjectFactory(process=processes["review"], code="R", cost=10_000)
    # A comment on a project while voting (by someone who is none of the roles), and a
    # project in the draft, whose page only its staff see and where nobody comments yet.
    from budgets.comments import services as comment_services

    o["project_comment"] = comment_services.project_comment_add(
        project=processes["voting"].projects.get(code="A"), author=author, body="Gode gynger, tak")
    o["built_project"] = processes["implementation"].projects.order_by("pk").first()
    o["draft"] = _draft(aarhus, users["staff"], district)
    o["draft_project"] = ProjectFactory(process=o["draft"], code="U1", cost=10_000)
    # A paper ballot typed in by a staff member who is none of the roles, waiting for a colleague.
    from budgets.paper_ballots import paper_ballot_enter

    o["paper_ballot"] = paper_ballot_enter(process=processes["voting"], staff=_member(aarhus, Role.STAFF),
                                           choice={"projects": ["A"]})
    o.update(_census_letters(aarhus))

    # Dinners: a programme open for sign-up, an approved dinner with a confirmed guest,
    # a dinner waiting for approval, and one that took place (to be reported on).
    programme = make_programme(aarhus)
    dinner = make_dinner(programme, host, district=district, seats=4)
    seat = dinner_services.seat_book(dinner=dinner, guest=guest)
    pending_dinner = dinner_services.dinner_offer(
        programme=programme, host=host, title="Venter", venue_type="home",
        starts_at=timezone.now() + timedelta(days=4), district=district, seats=4, address="Hemmeligvej 7")
    Dinner.objects.filter(pk=pending_dinner.pk).update(status=DinnerStatus.PENDING)
    past = make_dinner(programme, host, district=district, title="Holdt")
    Dinner.objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(hours=2))
    o["bergen_programme"] = make_programme(bergen, slug="bergen-middager")
    o.update(programme=programme, dinner=Dinner.objects.get(pk=dinner.pk), seat=seat,
             pending_dinner=Dinner.objects.get(pk=pending_dinner.pk), past_dinner=Dinner.objects.get(pk=past.pk),
             host=host, guest=guest)

    # Reports: an innovation with two co-creation invitations, one of them answered.
    innovation = report_services.innovation_create(municipality=aarhus, title="Legeplads bygget sammen", year=2025,
                                                   citizens_cocreated=True)
    invitation = report_services.invitation_create(innovation=innovation, party=Party.CITIZEN,
                                                   actor=users["staff"])
    answered = report_services.invitation_create(innovation=innovation, party=Party.STAFF, actor=users["staff"])
    report_services.invitation_answer(invitation=answered, scores=dict.fromkeys(SCORE_FIELDS, 4))
    o.update(innovation=innovation, invitation=invitation, answered_invitation=answered)

    # Someone else's passkey (the host's): no role may rename or remove it.
    from allauth.mfa.models import Authenticator

    o["passkey"] = Authenticator.objects.create(user=host, type=Authenticator.Type.WEBAUTHN,
                                                data={"name": "Værtens nøgle", "credential": {}})
    # A notification of the citizen's (notify): only they may open it or mark it read.
    o["citizen_notice"] = Notice.objects.create(kind="ideas.merged", key="world:citizen-notice",
                                                recipient=users["citizen"], language="da", context={"event": 0})
    # The citizen's one-click link to stop a kind of e-mail (notify.unsubscribe): no sign-in.
    from notify.unsubscribe import token_for

    o["mail_unsubscribe_token"] = token_for(user_id=users["citizen"].pk, kind="ideas.status_changed")
    return World(aarhus=aarhus, bergen=bergen, users=users, objects=o)
