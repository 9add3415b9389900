"""Demo municipalities and accounts (see the contract in DESIGN.md). Idempotent."""
from django.contrib.auth import get_user_model
from django.db import transaction

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

    lines = ["Municipalities: " + ", ".join(m.name for m in municipalities.values()),
             f"Accounts (password {DEMO_PASSWORD!r}, demo only):"]
    lines += [f"  {email:<24} {role.label}" for email, _name, role in ACCOUNTS]
    return lines
