from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ui.slugs import slug_of

from . import personal_data
from .models import District, Membership, Municipality, Role

User = get_user_model()


@transaction.atomic
def municipality_upsert(
    *, slug: str, name: str, country: str, default_language: str, districts: list[str] = ()
) -> Municipality:
    municipality, _created = Municipality.objects.update_or_create(
        slug=slug, defaults={"name": name, "country": country, "default_language": default_language}
    )
    municipality.full_clean()
    for district_name in districts:
        District.objects.get_or_create(
            municipality=municipality, slug=slug_of(district_name), defaults={"name": district_name}
        )
    return municipality


def municipality_create(*, name: str, slug: str, country: str, default_language: str) -> Municipality:
    municipality = Municipality(name=name, slug=slug, country=country, default_language=default_language)
    municipality.full_clean()
    municipality.save()
    return municipality


def district_create(*, municipality: Municipality, name: str, slug: str = "") -> District:
    district = District(municipality=municipality, name=name, slug=slug or slug_of(name) or "district")
    district.full_clean()
    district.save()
    return district


@transaction.atomic
def membership_grant(*, user, municipality: Municipality, role: str) -> Membership:
    """Give a person a role in a municipality; granting a role they hold changes nothing."""
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    membership, _created = Membership.objects.get_or_create(
        user=user, municipality=municipality, role=role
    )
    return membership


@transaction.atomic
def user_profile_update(
    *, user, display_name: str, preferred_language: str, birth_year: int | None,
    municipality: Municipality | None, district,
):
    user.display_name = display_name
    user.preferred_language = preferred_language
    user.birth_year = birth_year
    user.municipality = municipality
    user.district = district
    user.full_clean()
    user.save()
    return user


@transaction.atomic
def user_delete(*, user) -> None:
    """Delete an account for good.

    What the person wrote stays, attributed to the shared "deleted user" (content foreign
    keys use on_delete=SET(deleted_user)); everything else about them — profile, e-mail
    addresses, roles, API token, sessions — goes with the row.
    """
    from importlib import import_module

    from django.conf import settings
    from django.contrib.sessions.models import Session

    if user.is_deleted_placeholder:
        raise ValueError("The deleted-user placeholder cannot be deleted.")
    personal_data.erase(user)
    user_pk = str(user.pk)
    # Sessions are stored encoded, so they can only be matched by decoding them; the
    # expired ones are purged nightly, this removes the live ones on other devices.
    stale = [
        s.session_key
        for s in Session.objects.iterator()
        if s.get_decoded().get("_auth_user_id") == user_pk
    ]
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for session_key in stale:
        store(session_key=session_key).delete()  # also drops the cached copy
    user.delete()


def user_language_set(*, user, language: str) -> None:
    if user.preferred_language != language:
        user.preferred_language = language
        user.full_clean(validate_unique=False, validate_constraints=False)
        user.save(update_fields=["preferred_language"])
