"""Demo participatory budgets: Aarhus voting now, Bergen with a published result, and a
real election imported from the shared pabulib files when they are there. Idempotent."""
from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Country, Language, Municipality
from accounts.services import membership_grant, municipality_upsert

from . import ballotbox, counting, phases, results, selectors, services, voting_codes
from .comments.services import project_comment_add
from .elections import BudgetElection
from .models import BudgetProcess, DistrictBudget, Phase, Project, ProjectComment
from .pabulib import process_import

AARHUS_PROJECTS = [
    ("Legeplads i Gellerupparken", 450_000), ("Lys på stien langs Brabrand Sø", 300_000),
    ("Bænke og skygge i Mølleparken", 120_000), ("Cykelværksted for unge i Viby", 180_000),
    ("Fællesspisning på biblioteket", 90_000), ("Træer på Ingerslevs Plads", 250_000),
    ("Bytte-hylder i Aarhus N", 40_000), ("Udendørs fitness i Højbjerg", 220_000),
    ("Ladcykel til dagplejerne", 60_000), ("Musikrum for unge i Midtbyen", 350_000),
    ("Blomstereng ved skolen i Tilst", 75_000), ("Kajakhylder ved havnen", 140_000),
]
#: district budgets of the Aarhus process, each tallied as its own election
AARHUS_DISTRICT_BUDGETS = {
    "brabrand": ("Brabrand", 200_000, [("Bålhytte ved Årslev Engsø", 80_000), ("Nye net på boldbanerne", 30_000),
                                        ("Sansehave ved plejehjemmet", 110_000), ("Lys i Gellerup-tunnelen", 60_000)]),
    "viby": ("Viby", 150_000, [("Bænke langs Viby Ringvej", 40_000), ("Legehus i Rosenhøj", 90_000),
                               ("Byttecentral ved Viby Torv", 35_000), ("Pumptrack i Viby Syd", 120_000)]),
}
#: the district each citywide demo project is in, by its title (None: no one district)
AARHUS_PROJECT_DISTRICTS = {
    "Legeplads i Gellerupparken": "Brabrand", "Lys på stien langs Brabrand Sø": "Brabrand",
    "Bænke og skygge i Mølleparken": "Midtbyen", "Cykelværksted for unge i Viby": "Viby",
    "Fællesspisning på biblioteket": None, "Træer på Ingerslevs Plads": "Midtbyen",
    "Bytte-hylder i Aarhus N": "Aarhus N", "Udendørs fitness i Højbjerg": "Højbjerg",
    "Ladcykel til dagplejerne": None, "Musikrum for unge i Midtbyen": "Midtbyen",
    "Blomstereng ved skolen i Tilst": "Aarhus V", "Kajakhylder ved havnen": "Midtbyen",
}
BERGEN_PROJECTS = [
    ("Nye benker i Nordnesparken", 150_000), ("Lekeplass på Årstad", 600_000),
    ("Sykkelverksted på Laksevåg", 200_000), ("Turstier i Fana", 350_000),
    ("Gatekunst i Bergenhus", 120_000), ("Utendørs treningsapparater i Åsane", 280_000),
]
BERGEN_PROJECT_DISTRICTS = {
    "Nye benker i Nordnesparken": "Bergenhus", "Lekeplass på Årstad": "Årstad",
    "Sykkelverksted på Laksevåg": "Laksevåg", "Turstier i Fana": "Fana",
    "Gatekunst i Bergenhus": "Bergenhus", "Utendørs treningsapparater i Åsane": "Åsane",
}
PROJECT_DISTRICTS = {**AARHUS_PROJECT_DISTRICTS, **BERGEN_PROJECT_DISTRICTS}
#: where each demo project is, by its title (latitude, longitude); those left out have no one place
PROJECT_PLACES = {
    "Legeplads i Gellerupparken": (56.1545, 10.1370), "Lys på stien langs Brabrand Sø": (56.1430, 10.1030),
    "Bænke og skygge i Mølleparken": (56.1573, 10.2040), "Cykelværksted for unge i Viby": (56.1300, 10.1600),
    "Fællesspisning på biblioteket": (56.1537, 10.2143), "Træer på Ingerslevs Plads": (56.1480, 10.2080),
    "Bytte-hylder i Aarhus N": (56.1830, 10.1950), "Udendørs fitness i Højbjerg": (56.1130, 10.2100),
    "Musikrum for unge i Midtbyen": (56.1590, 10.2000), "Blomstereng ved skolen i Tilst": (56.1880, 10.1130),
    "Kajakhylder ved havnen": (56.1560, 10.2200), "Bålhytte ved Årslev Engsø": (56.1480, 10.0750),
    "Nye net på boldbanerne": (56.1560, 10.1300), "Lys i Gellerup-tunnelen": (56.1520, 10.1400),
    "Bænke langs Viby Ringvej": (56.1330, 10.1700), "Legehus i Rosenhøj": (56.1200, 10.1550),
    "Byttecentral ved Viby Torv": (56.1290, 10.1640), "Pumptrack i Viby Syd": (56.1150, 10.1500),
    "Nye benker i Nordnesparken": (60.4005, 5.3030), "Lekeplass på Årstad": (60.3700, 5.3480),
    "Sykkelverksted på Laksevåg": (60.3870, 5.2900), "Turstier i Fana": (60.3000, 5.3300),
    "Gatekunst i Bergenhus": (60.3930, 5.3240), "Utendørs treningsapparater i Åsane": (60.4650, 5.3300),
}
DESCRIPTIONS = {
    "aarhus": "Borgerne foreslår, kommunen vurderer, borgerne stemmer, byrådet godkender.",
    "bergen": "Innbyggerne foreslår, kommunen vurderer, innbyggerne stemmer, bystyret godkjenner.",
}


def _process(municipality, slug, title, projects, *, phase, total, currency, voting_days):
    process = BudgetProcess.objects.filter(municipality=municipality, slug=slug).first()
    if process is not None:
        return process, False
    now = timezone.now()
    start = now + timedelta(days=voting_days)
    process = services.process_create(
        municipality=municipality, slug=slug, title=title, currency=currency, total_budget=total,
        tally_rule="equalshares/add1", ballot_type="knapsack",
        description=DESCRIPTIONS[municipality.slug],
        proposals_start=start - timedelta(days=60), review_start=start - timedelta(days=30),
        voting_start=start, voting_end=start + timedelta(days=14), results_date=start + timedelta(days=30),
        phase=Phase.VOTING)
    for n, (name, cost) in enumerate(projects, start=1):
        Project.objects.create(process=process, code=str(n), title=name, cost=cost, feasibility="feasible",
                               district=_district(municipality, name))
    return process, True


def _district(municipality, title: str):
    name = PROJECT_DISTRICTS.get(title)
    return municipality.districts.filter(name=name).first() if name else None


def _fix_older_demo(process: BudgetProcess) -> None:
    """An older demo database gave the projects random districts (a playground in
    Gellerupparken in Aarhus N) and Bergen a Danish description, and no places: put them right."""
    for project in process.projects.filter(district_budget__isnull=True, title__in=list(PROJECT_DISTRICTS)):
        district = _district(process.municipality, project.title)
        if project.district_id != (district.pk if district else None):
            Project.objects.filter(pk=project.pk).update(district=district)
    if process.description != DESCRIPTIONS[process.municipality.slug]:
        BudgetProcess.objects.filter(pk=process.pk).update(description=DESCRIPTIONS[process.municipality.slug])
    # Places for the maps, also in a demo database made before projects had them. Not part of
    # a signed result (budgets.frozen), so a decided budget takes them too.
    for title, (latitude, longitude) in PROJECT_PLACES.items():
        process.projects.filter(title=title, latitude__isnull=True).update(latitude=latitude, longitude=longitude)


DEMO_KEY_HOLDERS = ["Demo byrådsmedlem 1", "Demo byrådsmedlem 2", "Demo byrådsmedlem 3"]


def _demo_box(process: BudgetProcess) -> list[str]:
    """A ballot box whose three demo key shares are written to var/demo-key-shares/, so the
    demo council can open it: a real council collects each share in person
    (budgets.ballotbox.share_collect) and the server keeps none."""
    if hasattr(process, "ballot_box"):
        return []
    box, shares = ballotbox.box_create_collected(process=process, threshold=2, names=DEMO_KEY_HOLDERS)
    folder = Path(settings.BASE_DIR) / "var" / "demo-key-shares"
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for holder, share in zip(box.holders.order_by("index"), shares, strict=True):
        path = folder / f"{process.municipality.slug}-{process.slug}-share-{share.index}.json"
        path.write_bytes(ballotbox.share_file_for(holder, share))
        path.chmod(0o600)
        lines.append(f"Key share {share.index} of {process.title}: {path}")
    return lines


def _aarhus_districts(process: BudgetProcess) -> list[str]:
    """Two district budgets besides the citywide one; the demo voters of those districts
    vote in theirs too. Added to an older demo database as well."""
    lines = []
    rng = random.Random(8000)  # noqa: S311  # nosec B311 - demo data, not security
    for slug, (district_name, amount, projects) in AARHUS_DISTRICT_BUDGETS.items():
        district = process.municipality.districts.filter(name=district_name).first()
        if district is None or DistrictBudget.objects.filter(process=process, slug=slug).exists():
            continue
        # Straight to the model: the demo process is already voting, when staff may no
        # longer add budgets (services.district_budget_add).
        budget = DistrictBudget(process=process, district=district, name=district_name, slug=slug, amount=amount)
        budget.full_clean()
        budget.save()
        first = Project.objects.filter(process=process).count() + 1
        for n, (name, cost) in enumerate(projects, start=first):
            Project.objects.create(process=process, district_budget=budget, district=district, code=str(n),
                                   title=name, cost=cost, feasibility="feasible")
        election = BudgetElection(process, budget)
        costs = dict(budget.projects.values_list("code", "cost"))
        for neighbour in get_user_model().objects.filter(email__startswith="stemmer", district=district):
            choice, spent = [], 0
            for code in rng.sample(sorted(costs), k=2):
                if spent + costs[code] <= amount:
                    choice.append(code)
                    spent += costs[code]
            services.ballot_cast(process=process, user=neighbour, choice={"projects": choice}, election=election)
        lines.append(f"Budget: {process.title}, district budget {district_name} "
                     f"({budget.ballots.count()} ballots)")
    return lines


@transaction.atomic
def seed() -> list[str]:
    User = get_user_model()
    aarhus = Municipality.objects.get(slug="aarhus")
    bergen = Municipality.objects.get(slug="bergen")
    lines = []
    process, created = _process(aarhus, "borgerbudget-2027", "Borgerbudget 2027: 1 mio. kr. til dit lokalområde",
                                AARHUS_PROJECTS, phase=Phase.VOTING, total=1_000_000, currency="DKK", voting_days=-3)
    lines += _demo_box(process)
    if created:
        rng = random.Random(2027)  # noqa: S311 - demo data, not security  # nosec B311
        districts = list(aarhus.districts.all())
        User.objects.bulk_create([
            User(email=f"stemmer{n}@example.dk", display_name=f"Stemmer {n}", municipality=aarhus,
                 district=districts[n % len(districts)], birth_year=1940 + (n * 7) % 65,
                 password="!")  # noqa: S106 - "!" is Django's unusable password  # nosec B106
            for n in range(1, 121)], ignore_conflicts=True)
        for neighbour in User.objects.filter(email__startswith="stemmer"):
            choice, spent = [], 0
            for project in rng.sample(list(process.projects.all()), k=6):
                if spent + project.cost <= process.knapsack_limit:
                    choice.append(project.code)
                    spent += project.cost
            services.ballot_cast(process=process, user=neighbour, choice={"projects": choice})
    lines += _aarhus_districts(process)
    lines += _demo_comments(process)
    _fix_older_demo(process)
    lines.append(f"Budget: {process.title} (voting, {process.ballots.count()} sealed ballots)")

    bergen_process, created = _process(bergen, "innbyggerbudsjett-2026", "Innbyggerbudsjett 2026",
                                       BERGEN_PROJECTS, phase=Phase.VOTING, total=1_000_000, currency="NOK",
                                       voting_days=-5)
    if created:
        rng = random.Random(2026)  # noqa: S311 - demo data, not security  # nosec B311
        BudgetProcess.objects.filter(pk=bergen_process.pk).update(residents_only=False)
        bergen_process.refresh_from_db()
        box, shares = ballotbox.box_create_collected(process=bergen_process, threshold=2, names=DEMO_KEY_HOLDERS)
        costs = {str(n): cost for n, (_name, cost) in enumerate(BERGEN_PROJECTS, start=1)}
        for code in voting_codes.codes_generate(process=bergen_process, count=40, batch="demo"):
            chosen = rng.sample(sorted(costs), k=2)
            if sum(costs[c] for c in chosen) <= bergen_process.knapsack_limit:
                services.ballot_cast(process=bergen_process, code=code, choice={"projects": chosen})
        # The vote is over: move its calendar into the past, then the council decides.
        shift = timedelta(days=20)
        BudgetProcess.objects.filter(pk=bergen_process.pk).update(
            proposals_start=F("proposals_start") - shift, review_start=F("review_start") - shift,
            voting_start=F("voting_start") - shift, voting_end=F("voting_end") - shift,
            results_date=F("results_date") - shift)
        phases.phase_set(process=bergen_process, phase=Phase.COUNCIL_REVIEW)
        council = User.objects.get(email="council@example.dk")
        membership_grant(user=council, municipality=bergen, role="council")
        ballotbox.box_open(process=bergen_process, member=council,
                           shares=[f"{s.index} {s.words()}" for s in shares[:2]])
        counting.counts_made_here(bergen_process)  # no worker waits to count in a command
        results.council_review(process=bergen_process, member=council, decision="approved")
    _fix_older_demo(bergen_process)
    lines.append(f"Budget: {bergen_process.title} (results published)")

    lines += _assen()
    return lines


#: (project title, author's e-mail, comment, reply by the second author or "")
DEMO_COMMENTS = [
    ("Legeplads i Gellerupparken", "borger@example.dk",
     "Mine børn leger der hver dag. Husk skygge og bænke til forældrene.",
     "Enig, og gerne et vandpost til de varme dage."),
    ("Lys på stien langs Brabrand Sø", "stemmer2@example.dk",
     "Stien er mørk fra oktober. Kan lyset slukke efter midnat af hensyn til dyrelivet?", ""),
]


def _demo_comments(process: BudgetProcess) -> list[str]:
    """Comments on two projects, one with a reply; also in an older demo database."""
    if ProjectComment.objects.filter(project__process=process).exists():
        return []
    User = get_user_model()
    replier = User.objects.filter(email="stemmer1@example.dk").first()
    for title, email, text, reply in DEMO_COMMENTS:
        project = process.projects.filter(title=title).first()
        author = User.objects.filter(email=email).first()
        if project is None or author is None:
            continue
        comment = project_comment_add(project=project, author=author, body=text)
        if reply and replier is not None and comment.visibility == "visible":
            project_comment_add(project=project, author=replier, body=reply, parent=comment)
    return [f"Budget comments: {ProjectComment.objects.filter(project__process=process).count()}"]


def _assen() -> list[str]:
    """A real election (Assen, the Netherlands) from the shared pabulib files, under a
    municipality of its own: it is no budget of Aarhus's and must not show on Aarhus's pages.
    An older demo database had imported it into Aarhus; it is moved."""
    source = Path(settings.BASE_DIR).parent / "shared" / "pabulib" / "Netherlands_Assen_2024.pb"
    existing = BudgetProcess.objects.filter(slug__startswith="assen")
    if not source.exists() and not existing.exists():
        return []
    assen = municipality_upsert(slug="assen", name="Gemeente Assen (pabulib)", country=Country.OTHER,
                                default_language=Language.ENGLISH)
    existing.exclude(municipality=assen).update(municipality=assen)
    if existing.exists():
        return []
    imported = process_import(source=source, municipality=assen, title="Assen 2024 (pabulib, imported)")
    return [f"Budget: {imported.title} imported ({selectors.counted_total(process=imported)} ballots)"]
