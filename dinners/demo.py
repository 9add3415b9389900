"""Demo dinner dialogues: Aarhus's "Kommunen forfra" with dinners in every kind of venue,
guests, a waiting list, one dinner waiting for approval, and two reports whose ideas are on
Høst. Idempotent."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Municipality
from ideas.demo import demo_picture, give_picture

from . import services
from .models import Dinner, Programme, VenueType

QUESTIONS = [
    "Hvad er et godt liv i Aarhus for dig?",
    "Hvad kan du selv gøre for dit lokalområde – og hvad har du brug for fra kommunen?",
    "Hvordan vil du inddrages, når kommunen træffer beslutninger om dit område?",
    "Hvad skal kommunen holde op med at gøre?",
]
GUESTS = [  # display name, birth year
    ("Aisha Mahmoud", 1994), ("Bent Kristensen", 1951), ("Camilla Holm", 1987), ("Dennis Lund", 2003),
    ("Eva Sørensen", 1969), ("Faisal Khan", 1979), ("Gitte Mørk", 1958), ("Hans Jørgensen", 1945),
    ("Ida Poulsen", 2001), ("Jonas Bech", 1990), ("Karin Dahl", 1975), ("Lars Vinther", 1983),
]
DINNERS = [  # title, venue, days from now, local start time (hour, minute), seats, private seats, host index
    ("Suppe og snak i Trøjborg", VenueType.HOME, 5, (18, 0), 6, 2, 0),
    ("Fællesspisning i beboerforeningen", VenueType.ASSOCIATION, 7, (17, 30), 8, 0, 1),
    ("Frokostdialog hos Aarhus Vand", VenueType.WORKPLACE, 9, (12, 0), 6, 0, 2),
    ("Aftensmad på VIA University College", VenueType.EDUCATION, 11, (18, 30), 8, 0, 3),
    ("Grill i kolonihaven", VenueType.OTHER, 12, (17, 0), 3, 0, 4),
]
#: the district of each dinner, by its title (where the name says where it is)
DINNER_DISTRICTS = {
    "Suppe og snak i Trøjborg": "Aarhus N", "Fællesspisning i beboerforeningen": "Brabrand",
    "Frokostdialog hos Aarhus Vand": "Aarhus V", "Aftensmad på VIA University College": "Aarhus N",
    "Grill i kolonihaven": "Højbjerg", "Lasagne og lokaldemokrati i Viby": "Viby",
    "Spisning i idrætsforeningen": "Aarhus V",
}
REPORTED = [  # title, venue, days ago, host index, ideas
    ("Lasagne og lokaldemokrati i Viby", VenueType.HOME, 6, 5, [
        ("Fællesværksted i det gamle fyrrum", "Et sted hvor naboer kan låne værktøj og hjælpe hinanden med at reparere."),
        ("Borgermøder om aftenen med børnepasning", "Flere kan deltage, hvis der er børnepasning og mad."),
    ]),
    ("Spisning i idrætsforeningen", VenueType.ASSOCIATION, 3, 6, [
        ("Åbne skolegårde i weekenden", "Skolegårdene står tomme i weekenden; lad foreninger og familier bruge dem."),
    ]),
]


def _people(municipality) -> list:
    User = get_user_model()
    districts = list(municipality.districts.order_by("name"))
    people = []
    for n, (name, birth_year) in enumerate(GUESTS):
        user, created = User.objects.get_or_create(
            email=f"gaest{n + 1:02d}@example.dk",
            defaults={"display_name": name, "birth_year": birth_year, "municipality": municipality,
                      "district": districts[n % len(districts)] if districts else None})
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        people.append(user)
    return people


def _at(days: int, hour: int, minute: int = 0):
    """`days` from today at a local clock time (a lunch at noon, a dinner in the evening),
    whatever the server's clock or time zone says now."""
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _fix_older_demo(programme: Programme) -> None:
    """An older demo database started every dinner at the server's UTC hour 18 and the
    lunch too (19:20 in Copenhagen): put the upcoming ones at their local times."""
    for title, _venue, _days, (hour, minute), *_rest in DINNERS:
        for dinner in programme.dinners.filter(title=title, starts_at__gt=timezone.now()):
            local = timezone.localtime(dinner.starts_at)
            if (local.hour, local.minute) != (hour, minute):
                starts = timezone.make_aware(datetime.combine(local.date(), time(hour, minute)))
                Dinner.objects.filter(pk=dinner.pk).update(starts_at=starts)


#: Drawn by docs/demo_images.py.
DEMO_IMAGES = Path(__file__).resolve().parent / "demo_images"
PICTURE_ALT = "Tegning af et langt middagsbord set oppefra med tallerkener, glas, brød og stearinlys"
CAMPAIGN_PICTURE_ALT = "Tegning af farvede sedler med idéer på et bord, med en kop kaffe og et stykke kage"


def _pictures(programme: Programme) -> None:
    """The programme's and its ideas campaign's pictures, also in an older demo database."""
    if not programme.image:
        services.programme_picture_set(programme=programme, image=demo_picture(DEMO_IMAGES / "table.webp"),
                                       image_alt=PICTURE_ALT)
    give_picture(programme.campaign, DEMO_IMAGES / "notes.webp", CAMPAIGN_PICTURE_ALT)


def seed() -> list[str]:
    aarhus = Municipality.objects.filter(slug="aarhus").first()
    if aarhus is None:
        return []
    existing = Programme.objects.filter(municipality=aarhus, slug="kommunen-forfra").first()
    if existing is not None:
        _fix_older_demo(existing)
        _pictures(existing)
        return []
    now = timezone.now()
    programme = services.programme_create(
        municipality=aarhus, slug="kommunen-forfra", title="Kommunen forfra",
        theme="Hvis vi skulle opfinde Aarhus Kommune forfra – hvad skulle fællesskabet så kunne? "
              "Inviter 5-8 mennesker til middag og tal om det. Kommunen stiller spørgsmålene, I giver svarene.",
        host_instructions="Inviter 5-8 gæster, gerne nogle du ikke kender i forvejen. Afsæt cirka to timer. "
                          "Tal om spørgsmålene i den rækkefølge, der passer jer. Skriv bagefter en kort rapport.",
        privacy_text="Adressen ses kun af værten, bekræftede gæster og kommunens medarbejdere. "
                     "Oplysningerne slettes et år efter programmet.",
        signup_opens=now - timedelta(days=30), signup_closes=now + timedelta(days=4),
        dinners_from=now - timedelta(days=20), dinners_until=now + timedelta(days=30),
        questions=QUESTIONS, max_seats=8, hosts_need_approval=True,
        image=demo_picture(DEMO_IMAGES / "table.webp"), image_alt=PICTURE_ALT)
    _pictures(programme)
    people = _people(aarhus)
    districts = list(aarhus.districts.order_by("name"))
    staff = get_user_model().objects.filter(email="staff@example.dk").first() or people[0]

    def offer(title, venue, when, seats, private, host):
        dinner = services.dinner_offer(
            programme=programme, host=host, title=title, venue_type=venue, starts_at=when,
            district=next((d for d in districts if d.name == DINNER_DISTRICTS.get(title)), districts[0]),
            seats=seats, private_seats=private,
            address=f"{title.split()[-1]}vej {len(title)}, 8000 Aarhus C", language="da",
            menu="Det, værten har lyst til at lave", diets="Vegetarisk", accessibility="Niveaufri adgang",
            welcome="Velkommen til bords – vi glæder os til at tale med jer.")
        services.dinner_decide(dinner=dinner, actor=staff, approve=True)
        return dinner

    lines = []
    for title, venue, days, (hour, minute), seats, private, host_index in DINNERS:
        dinner = offer(title, venue, _at(days, hour, minute), seats, private, people[host_index])
        guests = [p for p in people if p != dinner.host][: seats + 2 if venue == VenueType.OTHER else seats // 2]
        for guest in guests:
            services.seat_book(dinner=dinner, guest=guest, diet="Vegetar" if guest.birth_year % 3 == 0 else "")
    for title, venue, days_ago, host_index, ideas in REPORTED:
        # Booked while they were ahead; moved back in time so the demo has evenings to report.
        dinner = offer(title, venue, _at(1, 18), 6, 0, people[host_index])
        for guest in [p for p in people if p != dinner.host][host_index: host_index + 5]:
            services.seat_book(dinner=dinner, guest=guest)
        Dinner.objects.filter(pk=dinner.pk).update(starts_at=_at(-days_ago, 18))
        dinner.refresh_from_db()
        services.report_file(
            dinner=dinner, author=dinner.host, participants=6, themes="Fællesskab, tillid, lokale mødesteder",
            answers={q.pk: "Vi talte længe om det; svarene peger på naboskab og tid." for q in programme.questions.all()},
            ideas=ideas)
    services.dinner_offer(
        programme=programme, host=people[7], title="Kaffe og kage hos Hans", venue_type=VenueType.HOME,
        starts_at=_at(14, 15), district=districts[0], seats=5, address="Hans' vej 1, 8200 Aarhus N")
    lines.append(f"Dinner dialogues: “{programme.title}” with {programme.dinners.count()} dinners")
    return lines
