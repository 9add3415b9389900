"""Voting codes for letters: generated in batches, or one per resident on the census. A code
is returned once, for printing; only its hash is kept."""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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


@transaction.atomic
def code_return(*, process: BudgetProcess, code: str) -> VotingCode:
    """Staff mark a letter that came back undeliverable by typing its code: the code is void
    from then on, so whoever holds the letter cannot vote with it. The resident can still
    vote with e-ID or on paper. One conditional UPDATE: a ballot claiming the code at the
    same moment (budgets.services.ballot_cast) either comes first, and the code is then
    refused here as used, or finds it void."""
    found = VotingCode.objects.filter(process=process, code_hash=secrecy.code_hash(code or "")).first()
    if found is None:
        raise ValidationError({"code": _("No letter of this budget has this code. Check the code as printed on the "
                                         "letter.")})
    if found.returned_at is not None:
        raise ValidationError({"code": _("This letter is already marked as returned: its code is void.")})
    voided = VotingCode.objects.filter(pk=found.pk, used=False, returned_at__isnull=True).update(
        returned_at=timezone.now())
    if not voided:
        raise ValidationError({"code": _("This code has already been used to vote, so its letter was delivered: "
                                         "the ballot stands.")})
    found.refresh_from_db()
    return found
