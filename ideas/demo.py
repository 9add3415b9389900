"""Demo campaigns and ideas, drawn from real Nordic cases. Idempotent."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import Municipality

from . import services
from .models import Campaign, Idea, Status

AARHUS_IDEAS = [
    {
        "title": "Delebus kørt af frivillige mellem landsbyerne",
        "place": (56.1545, 10.1010),
        "body": "Bussen kører sjældent ud til os. Vi er en gruppe borgere, der gerne vil køre en "
                "delebus selv: kommunen stiller en minibus til rådighed, vi kører den.\n\n"
                "- faste ture til lægen og indkøb\n- booking via telefon eller app",
        "district": "Brabrand", "category": "Trafik og mobilitet",
        "path": [Status.UNDER_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS, Status.IMPLEMENTED],
        "roles": {"citizens_cocreated": True,
                  "citizens_cocreated_note": "Frivillige borgere kører bussen og planlægger ruterne."},
        "supports": 6, "comments": ["Fantastisk idé, min mor ville kunne komme til lægen selv.",
                                    "Jeg vil gerne være chauffør en dag om ugen."],
    },
    {
        "title": "Jobnetværk hvor ledige hjælper hinanden i arbejde",
        "place": (56.1720, 10.1500),
        "body": "Et netværk, hvor ledige mødes hver uge, deler kontakter og læser hinandens "
                "ansøgninger. Jobcentret stiller lokaler til rådighed.",
        "district": "Aarhus V", "category": "Beskæftigelse",
        "path": [Status.UNDER_REVIEW, Status.ACCEPTED, Status.IN_PROGRESS],
        "roles": {"citizens_promoted": True, "citizens_promoted_note": "Mange støtter og kommentarer."},
        "supports": 4, "comments": ["Det virkede for mig i et lignende netværk i Horsens."],
    },
    {
        "title": "Elever designer et robot-cykelstativ ved skolen",
        "place": (56.1280, 10.1620),
        "body": "Eleverne i 8. klasse vil designe og bygge et cykelstativ, der selv rydder op, "
                "sammen med en lokal virksomhed og kommunens ingeniører.",
        "district": "Viby", "category": "Skole og uddannelse",
        "path": [Status.UNDER_REVIEW],
        "roles": {},
        "supports": 3, "comments": [],
    },
    {
        "title": "Flere bænke langs åen",
        "place": (56.1560, 10.2030),
        "body": "Der er langt mellem bænkene på stien langs Aarhus Å. Ældre har brug for at hvile.",
        "district": "Midtbyen", "category": "Byrum og natur",
        "path": [Status.NOT_PURSUED], "roles": {}, "supports": 1, "comments": [],
    },
]

ANSWERS = {
    Status.UNDER_REVIEW: "Tak for idéen. Forvaltningen undersøger den og vender tilbage inden for tre måneder.",
    Status.ACCEPTED: "Idéen er godkendt af udvalget, og der er afsat midler.",
    Status.IN_PROGRESS: "Arbejdet er i gang sammen med borgerne bag idéen.",
    Status.IMPLEMENTED: "Idéen er gennemført. Tak til alle, der bidrog.",
    Status.NOT_PURSUED: "Stien ligger på et fredet areal, hvor vi ikke må sætte bænke op. "
                        "Vi har i stedet sat to bænke op ved indgangene til stien.",
}


#: Drawn by docs/demo_images.py (the demo has no network to fetch photos from).
DEMO_IMAGES = Path(__file__).resolve().parent / "demo_images"


def demo_picture(path: Path) -> SimpleUploadedFile:
    """A shipped demo picture as an upload: it goes through the same checks as staff's."""
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/webp")


def give_picture(campaign: Campaign, path: Path, alt: str) -> None:
    """The campaign's demo picture, also in a demo database made before campaigns had one."""
    if not campaign.image:
        services.campaign_update(campaign=campaign, image=demo_picture(path), image_alt=alt)


def _campaigns(municipality: Municipality, question: dict) -> tuple[Campaign, Campaign]:
    now = timezone.now()
    campaign = Campaign.objects.filter(municipality=municipality, slug=question["slug"]).first()
    if campaign is None:
        fields = {k: v for k, v in question.items() if not k.startswith(("box_", "picture"))}
        campaign = services.campaign_create(
            municipality=municipality, opens_at=now - timedelta(days=30), closes_at=now + timedelta(days=60),
            answer_by=(now + timedelta(days=120)).date(), **fields)
    box = Campaign.objects.filter(municipality=municipality, is_general_idea_box=True).first()
    if box is None:
        box = services.campaign_create(
            municipality=municipality, slug="idekasse", is_general_idea_box=True,
            title=question["box_title"], open_to_influence=question["box_open"],
            fixed_frame=question["box_fixed"], decided_by=question["decided_by"],
            opens_at=now - timedelta(days=365), closes_at=now + timedelta(days=3650),
            answer_by=(now + timedelta(days=3650)).date())
    give_picture(campaign, DEMO_IMAGES / question["picture"][0], question["picture"][1])
    give_picture(box, DEMO_IMAGES / question["box_picture"][0], question["box_picture"][1])
    return campaign, box


@transaction.atomic
def seed() -> list[str]:
    User = get_user_model()
    aarhus = Municipality.objects.get(slug="aarhus")
    bergen = Municipality.objects.get(slug="bergen")
    staff = User.objects.get(email="staff@example.dk")
    citizen = User.objects.get(email="borger@example.dk")
    neighbours = []
    for n in range(1, 7):
        user, created = User.objects.get_or_create(
            email=f"nabo{n}@example.dk", defaults={"display_name": f"Nabo {n}", "municipality": aarhus})
        if created:
            user.set_unusable_password()
            user.save()
        neighbours.append(user)

    campaign, box = _campaigns(aarhus, {
        "slug": "landsbyer", "title": "Hvordan gør vi det lettere at bo i landsbyerne?",
        "description": "Byrådet vil styrke livet uden for byen og spørger borgerne først.",
        "open_to_influence": "Hvilke tiltag, der afprøves, og hvordan de gennemføres.",
        "fixed_frame": "Budgettet er 2 mio. kr. i 2027. Kollektiv trafik i regionalt regi kan ikke ændres.",
        "decided_by": "Teknisk Udvalg", "box_title": "Idékassen: din idé til Aarhus",
        "box_open": "Alt, kommunen selv bestemmer over.", "box_fixed": "Love og vedtagne budgetter.",
        "picture": ("village.webp", "Tegning af en landsby med en hvid kirke, huse og marker og en lille bus "
                                    "på landevejen"),
        "box_picture": ("harbour.webp", "Tegning af Aarhus set fra bugten: havnens hvide huse, domkirkens spir "
                                        "og sejlbåde"),
    })
    _campaigns(bergen, {
        "slug": "nabolag", "title": "Hvordan kan nabolagene i Bergen bli mer inkluderende?",
        "description": "Bystyret ønsker innspill før handlingsplanen skrives.",
        "open_to_influence": "Hvilke tiltak som prøves ut i bydelene.",
        "fixed_frame": "Rammen er 1,5 millioner kroner. Tiltakene må starte innen 2027.",
        "decided_by": "Bystyret", "box_title": "Idékassen for Bergen",
        "box_open": "Alt kommunen selv bestemmer over.", "box_fixed": "Lover og vedtatte budsjetter.",
        "picture": ("bryggen.webp", "Tegning av fargerike trehus på rad langs kaien i Bergen, med fjellet bak"),
        "box_picture": ("fjord.webp", "Tegning av en fjord mellom bratte fjell, med et rødt naust og en robåt"),
    })
    created = 0
    for spec in AARHUS_IDEAS:
        if Idea.objects.filter(municipality=aarhus, title=spec["title"]).exists():
            continue
        created += 1
        category = services.category_create(municipality=aarhus, name=spec["category"])
        idea = services.idea_submit(
            author=citizen, campaign=campaign if spec["path"][-1] != Status.NOT_PURSUED else box,
            title=spec["title"], body=spec["body"], category=category,
            district=aarhus.districts.get(name=spec["district"]))
        for supporter in neighbours[: spec["supports"]]:
            services.idea_support(idea=idea, user=supporter)
        for author, text in zip(neighbours, spec["comments"], strict=False):
            services.comment_add(idea=idea, author=author, body=text)
        for status in spec["path"]:
            services.idea_status_change(actor=staff, idea=idea, to_status=status, answer=ANSWERS[status])
            idea.refresh_from_db()
        if spec["roles"]:
            services.idea_roles_record(actor=staff, idea=idea, **spec["roles"])
    # Places for the maps, also in a demo database made before the ideas had them.
    for spec in AARHUS_IDEAS:
        latitude, longitude = spec["place"]
        Idea.objects.filter(municipality=aarhus, title=spec["title"], latitude__isnull=True).update(
            latitude=latitude, longitude=longitude)
    return [f"Ideas: {Idea.objects.count()} ({created} new), campaigns: {Campaign.objects.count()}"]
