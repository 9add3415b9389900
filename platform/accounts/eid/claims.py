"""What a national e-ID vouches for, read from the OpenID Connect claims and kept as a
verification (accounts.models.Verification): the person's identifier only as the census's
keyed hash, the birth year, the issuer and the level of assurance. Nothing else from the
provider is kept: allauth's copy of the claims is cut down to the issuer and the level."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.census import person_key
from accounts.models import Verification

PENDING_SESSION_KEY = "hoest_eid_pending"


class EidRefused(Exception):
    """The e-ID sign-in cannot be taken; the message says why, for the person."""


@dataclass(frozen=True)
class Facts:
    person_key: str
    issuer: str
    level_of_assurance: str
    birth_year: int | None


def facts_from(sociallogin) -> Facts:
    app = sociallogin.account.get_provider().app
    settings = app.settings or {}
    data = sociallogin.account.extra_data or {}
    id_token = data.get("id_token") or {}
    if not id_token or id_token.get("nonce") != (sociallogin.state or {}).get("nonce"):
        # No ID token, or one issued for another sign-in: a replay.
        raise EidRefused(_("The sign-in with your e-ID could not be checked. Please try again."))
    claims = {**(data.get("userinfo") or {}), **id_token}
    mapping = {"person_id": "person_id", "birthdate": "birthdate", "loa": "acr", **settings.get("claims", {})}
    identifier = str(claims.get(mapping["person_id"]) or "").strip()
    if not identifier:
        raise EidRefused(_("Your e-ID did not tell us your identity number, so it cannot verify you."))
    level = str(claims.get(mapping["loa"]) or "")
    accepted = settings.get("accepted_loa") or []
    if accepted and level not in accepted:
        raise EidRefused(_("Your e-ID sign-in was not at a high enough level of assurance. Please sign in again "
                           "with your e-ID app or code device."))
    birthdate = str(claims.get(mapping["birthdate"]) or "")
    birth_year = int(birthdate[:4]) if birthdate[:4].isdigit() else None
    return Facts(person_key=person_key(identifier), issuer=str(id_token.get("iss") or ""),
                 level_of_assurance=level, birth_year=birth_year)


def scrubbed(extra_data: dict) -> dict:
    """allauth's copy of the claims, without the identifier, name, birth date or address."""
    id_token = extra_data.get("id_token") or {}
    return {"iss": id_token.get("iss", ""), "acr": id_token.get("acr", "")}


def stash(session, facts: Facts) -> None:
    """For a sign-up through the e-ID: the verification is recorded once the account exists."""
    session[PENDING_SESSION_KEY] = asdict(facts)


def unstash(session) -> Facts | None:
    pending = session.pop(PENDING_SESSION_KEY, None)
    return Facts(**pending) if pending else None


def verified_account(facts: Facts):
    """The active account already verified as this person, or None."""
    found = Verification.objects.select_related("user").filter(person_key=facts.person_key,
                                                               user__is_active=True).first()
    return found.user if found is not None else None


def record(user, facts: Facts) -> Verification:
    """The account's verification; refused if the person is tied to another account, or the
    account to another person (one account per person, and no swapping identities)."""
    existing = Verification.objects.filter(user=user).first()
    if existing is not None and existing.person_key != facts.person_key:
        raise EidRefused(_("This account is already verified as another person."))
    try:
        with transaction.atomic():
            verification, _created = Verification.objects.update_or_create(
                user=user, defaults={"person_key": facts.person_key, "issuer": facts.issuer[:200],
                                     "level_of_assurance": facts.level_of_assurance[:100],
                                     "birth_year": facts.birth_year, "verified_at": timezone.now()})
    except IntegrityError:
        raise EidRefused(_("Your e-ID is already tied to another account on Høst. Sign in to that account, "
                           "or contact the municipality.")) from None
    if facts.birth_year and user.birth_year != facts.birth_year:
        user.birth_year = facts.birth_year
        user.save(update_fields=["birth_year"])
    return verification
