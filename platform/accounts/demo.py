"""Demo municipalities and accounts (see the public contract in docs/ARCHITECTURE.md). Idempotent."""
from django.contrib.auth import get_user_model
from django.db import transaction

from accounts import census
from accounts.models import Country, Language, Role
from accounts.services import membership_grant, municipality_upsert

DEMO_PASSWORD = "demo-password-1"  # noqa: S105 - demo accounts only, printed on purpose  # nosec B105

MUNICIPALITIES = [
    {
        "slug": "aarhus", "name": "Aarhus Kommune", "country": Country.DENMARK,
        "default_language": Language.DANISH,
        "districts": ["Midtbyen", "Aarhus N", "Aarhus V", "Viby", "Højbjerg", "Brabrand"],
    },
    {
        "slug": "bergen", "name": "Bergen kommune", "country": Country.NORWAY,
        "default_language": Language.NORWEGIAN_BOKMAL,
        "districts": ["Bergenhus", "Årstad", "Fana", "Laksevåg", "Åsane"],
    },
]

#: the demo census: test persons' identity numbers (not real people's), birth year, district.
#: With Test-ID, the demo's stand-in e-ID, anyone can sign in as one of them.
DEMO_RESIDENTS = {
    "aarhus": [("010180-1234", 1980, "Viby"), ("150392-2345", 1992, "Aarhus N"), ("241265-3456", 1965, "Midtbyen"),
               ("030707-4567", 2007, "Brabrand"), ("120558-5678", 1958, "Højbjerg")],
    "bergen": [("01018012345", 1980, "Årstad"), ("15039223456", 1992, "Fana"), ("24126534567", 1965, "Bergenhus")],
}

ACCOUNTS = [
    ("borger@example.dk", "Borger Demo", Role.CITIZEN),
    ("moderator@example.dk", "Moderator Demo", Role.MODERATOR),
    ("staff@example.dk", "Medarbejder Demo", Role.STAFF),
    ("council@example.dk", "Byrådsmedlem Demo", Role.COUNCIL),
    ("admin@example.dk", "Administrator Demo", Role.ADMIN),
]


@transaction.atomic
def seed() -> list[str]:
    """Create the demo municipalities and accounts; returns lines to print."""
    from allauth.account.models import EmailAddress

    municipalities = {m["slug"]: municipality_upsert(**m) for m in MUNICIPALITIES}
    aarhus = municipalities["aarhus"]
    User = get_user_model()
    for email, name, role in ACCOUNTS:
        user, created = User.objects.get_or_create(
            email=email,
            defaults={"display_name": name, "municipality": aarhus,
                      "district": aarhus.districts.order_by("name").first()},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        if role == Role.ADMIN:
            user.is_staff = user.is_superuser = True
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        membership_grant(user=user, municipality=aarhus, role=role)

    lines = _seed_identity(municipalities)
    lines = ["Municipalities: " + ", ".join(m.name for m in municipalities.values()), *lines,
             f"Accounts (password {DEMO_PASSWORD!r}, demo only):"]
    lines += [f"  {email:<24} {role.label}" for email, _name, role in ACCOUNTS]
    return lines


def _seed_identity(municipalities: dict) -> list[str]:
    """The demo census and, where EID_TEST_PROVIDER is on, a Test-ID sign-in per municipality."""
    import secrets

    from django.conf import settings

    for slug, residents in DEMO_RESIDENTS.items():
        rows = "\n".join(f"{person},{year},{district}" for person, year, district in residents)
        census.census_replace(municipality=municipalities[slug],
                              data=f"person_id,birth_year,district\n{rows}\n".encode())
    if not getattr(settings, "EID_TEST_PROVIDER", False):
        return []
    from allauth.socialaccount.models import SocialApp

    for slug in municipalities:
        app, _created = SocialApp.objects.get_or_create(
            provider="eid", provider_id=f"test-id-{slug}",
            defaults={"name": "Test-ID", "client_id": f"hoest-demo-{slug}", "secret": secrets.token_urlsafe(24)})
        app.settings = {"server_url": "/test-id", "municipality": slug, "scope": ["openid"],
                        "claims": {"person_id": "person_id", "birthdate": "birthdate", "loa": "acr"},
                        "accepted_loa": ["substantial", "high"]}
        app.save()
    person, year, district = DEMO_RESIDENTS["aarhus"][0]
    return [f"Test-ID (a stand-in e-ID, demo only): sign in as a demo resident, e.g. {person} "
            f"(born {year}, {district}); the demo census lists {sum(map(len, DEMO_RESIDENTS.values()))} residents."]
