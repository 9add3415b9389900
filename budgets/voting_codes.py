"""Voting codes for letters: generated in batches, or one per resident on the census. A code
is returned once, for printing; only its hash is kept.

A letter that comes back undeliverable is marked returned, which voids its code; a mark made
by mistake is undone, and a returned letter is reissued with a new code (the old one void).
Whatever staff do, a census person has at most one code they can vote with
(`VotingCode`'s constraint), a used code is never voided or replaced, and every code, old or
new, votes as the same census identity (budgets.eligibility.census_identity): one ballot per
person and election stays the ballot box's to keep.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import census
from accounts.models import CensusEntry

from . import secrecy
from .models import BudgetProcess, Voters, VotingCode


@transaction.atomic
def codes_for_census(*, process: BudgetProcess) -> list[tuple[str, str]]:
    """One voting code for each resident on the census who may vote and has none yet, bound
    to their census district: (code, district name) for the letters, returned once."""
    if process.voters != Voters.CENSUS:
        raise ValidationError(_("This process does not use the census: its voters are set to accounts."))
    year = process.voting_end.year
    entries = (CensusEntry.objects.filter(municipality=process.municipality)
               .exclude(person_key__in=VotingCode.objects.filter(process=process).exclude(person_key="")
                        .values("person_key"))
               .select_related("district").order_by("?"))  # no order that follows the upload's
    if process.min_age:
        entries = entries.filter(birth_year__lte=year - process.min_age)
    made = [(secrecy.new_voting_code(), entry) for entry in entries]
    VotingCode.objects.bulk_create([VotingCode(process=process, code_hash=secrecy.code_hash(code),
                                               person_key=entry.person_key, district=entry.district,
                                               batch="census") for code, entry in made], batch_size=2000)
    return [(code, entry.district.name if entry.district else "") for code, entry in made]


@transaction.atomic
def codes_generate(*, process: BudgetProcess, count: int, batch: str = "", district=None) -> list[str]:
    """Make `count` voting codes, each good for one ballot per election. The codes are
    returned once, for printing on letters; only their hashes are kept. With `district`
    (letters to its residents) they vote in that district's budgets only; without, the
    holder picks their district at their first district ballot."""
    if not 1 <= count <= 100_000:
        raise ValidationError({"count": _("Generate between 1 and 100,000 codes at a time.")})
    if district is not None and district.municipality_id != process.municipality_id:
        raise ValidationError({"district": _("Choose a district of the process's municipality.")})
    codes = [secrecy.new_voting_code() for _ in range(count)]
    VotingCode.objects.bulk_create([VotingCode(process=process, code_hash=secrecy.code_hash(c), batch=batch,
                                               district=district)
                                    for c in codes], batch_size=2000)
    return codes


def _letter_code(process: BudgetProcess, code: str) -> VotingCode:
    found = VotingCode.objects.filter(process=process, code_hash=secrecy.code_hash(code or "")).first()
    if found is None:
        raise ValidationError({"code": _("No letter of this budget has this code. Check the code as printed on the "
                                         "letter.")})
    return found


@transaction.atomic
def code_return(*, process: BudgetProcess, code: str) -> VotingCode:
    """Staff mark a letter that came back undeliverable by typing its code: the code is void
    from then on, so whoever holds the letter cannot vote with it. The resident can still
    vote with e-ID or on paper. One conditional UPDATE: a ballot claiming the code at the
    same moment (budgets.services.ballot_cast) either comes first, and the code is then
    refused here as used, or finds it void."""
    found = _letter_code(process, code)
    if found.returned_at is not None:
        raise ValidationError({"code": _("This letter is already marked as returned: its code is void.")})
    voided = VotingCode.objects.filter(pk=found.pk, used=False, returned_at__isnull=True).update(
        returned_at=timezone.now())
    if not voided:
        raise ValidationError({"code": _("This code has already been used to vote, so its letter was delivered: "
                                         "the ballot stands.")})
    found.refresh_from_db()
    return found


@transaction.atomic
def code_return_undo(*, process: BudgetProcess, code: str) -> VotingCode:
    """Undo a mark made by mistake (the wrong letter, a code mistyped into another letter's):
    the code can vote again. Not once the letter has been reissued: the new code is then the
    only one its resident can vote with."""
    found = _letter_code(process, code)
    # Locked: a reissue of the same letter waits for this, or this for it (code_reissue).
    found = VotingCode.objects.select_for_update().get(pk=found.pk)
    if found.returned_at is None:
        raise ValidationError({"code": _("This letter is not marked as returned: its code is valid.")})
    if VotingCode.objects.filter(reissue_of=found).exists():
        raise ValidationError({"code": _("This letter has been reissued with a new code, so its own code stays "
                                         "void. If the new letter comes back too, mark it as returned.")})
    try:
        with transaction.atomic():
            VotingCode.objects.filter(pk=found.pk).update(returned_at=None)
    except IntegrityError:  # the person has another valid code (the constraint on VotingCode)
        raise ValidationError({"code": _("This resident already has another valid voting code, so this one stays "
                                         "void.")}) from None
    found.returned_at = None
    return found


@transaction.atomic
def code_reissue(*, process: BudgetProcess, code: str) -> tuple[str, str]:
    """A new letter for one that came back: a new code for the same resident (or, for a code
    made without the census, for the same batch and district), the old code void, marked
    returned if it was not yet. Returns (code, district name) for the letter, once.

    Refused when the old code has voted (its letter was delivered), when the letter was
    reissued before, and for a census resident who is no longer on the census or who
    already has another code that is valid or has voted. The resident's codes are locked
    in the order a ballot by e-ID locks them (budgets.services.ballot_cast), and a ballot
    claiming the old code updates its row: whichever comes first, the other sees it."""
    found = _letter_code(process, code)
    person = found.person_key
    mine = VotingCode.objects.filter(process=process, person_key=person) if person else VotingCode.objects.filter(
        pk=found.pk)
    held = {c.pk: c for c in mine.select_for_update().order_by("pk")}
    old = held[found.pk]
    if old.used:
        raise ValidationError({"code": _("This code has already been used to vote, so its letter was delivered: no "
                                         "new letter is made.")})
    if VotingCode.objects.filter(reissue_of=old).exists():
        raise ValidationError({"code": _("This letter has already been reissued. If the new letter comes back too, "
                                         "reissue that one.")})
    district = old.district
    if person:
        others = [c for pk, c in held.items() if pk != old.pk]
        if any(c.used for c in others):
            raise ValidationError({"code": _("This resident has already voted with another letter's code, so no new "
                                             "letter is made.")})
        if any(c.returned_at is None for c in others):
            raise ValidationError({"code": _("This resident already has another valid voting code, so no new letter "
                                             "is made.")})
        entry = census.census_entry(municipality=process.municipality, person_key=person)
        if entry is None:
            raise ValidationError({"code": _("The resident this letter was for is no longer on the census of "
                                             "%(municipality)s, so no new letter is made.")
                                   % {"municipality": process.municipality}})
        district = entry.district
    if old.returned_at is None:
        VotingCode.objects.filter(pk=old.pk).update(returned_at=timezone.now())
    new = secrecy.new_voting_code()
    try:
        with transaction.atomic():
            VotingCode.objects.create(process=process, code_hash=secrecy.code_hash(new), batch=old.batch,
                                      district=district, person_key=person, reissue_of=old)
    except IntegrityError:  # the constraints behind the checks above: one valid code, one reissue
        raise ValidationError({"code": _("This resident already has another valid voting code, so no new letter "
                                         "is made.")}) from None
    return new, district.name if district else ""
