"""The ballot box: prepared before voting, closed with its bulletin board, opened by the council.

1. Staff prepare the box before voting: a key pair is made, its private half split among
   n ≥ 3 council members, k of whom will be needed to open it (budgets.sealing). Each share
   waits, sealed with a key outside the database, until its holder collects it once; voting
   cannot open before every share is collected, so from the first ballot on the server holds
   no part of the private key.
2. While voting, ballots are sealed to the public key (services.ballot_cast); a voter's
   receipt is derived from the sealed ballot.
3. At the close the bulletin board lists the receipts of every sealed ballot in the box.
4. In council review, k holders present their shares in one request: the ballots are
   unsealed in memory, shuffled and stored as one anonymous list per election
   (CountedBallots), and the sealed rows are erased. Per-project counts exist from then on.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role

from . import frozen, sealing, secrecy
from .elections import BudgetElection, process_elections
from .models import (
    PHASE_ORDER,
    Ballot,
    BallotBox,
    BudgetProcess,
    CountedBallots,
    KeyHolder,
    Phase,
)
from .selectors import ballot_context_forget

SHARE_PURPOSE = "key-share"
MIN_HOLDERS = 3


def _holder_name(user) -> str:
    # Shown on the box's public page: the member's public name, never their e-mail.
    return (user.display_name or _("Council member %(n)s") % {"n": user.pk})[:200]


def _council_of(process: BudgetProcess):
    return get_user_model().objects.filter(
        memberships__municipality_id=process.municipality_id,
        memberships__role__in=[Role.COUNCIL, Role.ADMIN], is_active=True).distinct()


def council_members(process: BudgetProcess):
    """The council members (and admins) of the process's municipality, who may hold shares."""
    return _council_of(process).order_by("display_name", "email")


def _create(process: BudgetProcess, *, threshold: int, holders: list[tuple[object | None, str]], actor,
            pending: bool) -> tuple[BallotBox, list[sealing.Share]]:
    key = sealing.key_split(threshold=threshold, holders=len(holders))
    box = BallotBox.objects.create(process=process, public_key=key.public_key, threshold=threshold,
                                   prepared_by=actor)
    KeyHolder.objects.bulk_create([
        KeyHolder(box=box, member=member, name=name, index=share.index,
                  share_check=sealing.share_check(box.pk, share),
                  pending_share=secrecy.seal_pending(SHARE_PURPOSE, share.secret) if pending else None,
                  collected_at=None if pending else timezone.now())
        for (member, name), share in zip(holders, key.shares, strict=True)])
    ballot_context_forget(process.pk)
    return box, key.shares


@transaction.atomic
def box_prepare(*, process: BudgetProcess, actor, members: list, threshold: int) -> BallotBox:
    """Make the box's key and give each chosen council member a share to collect. A box
    that has no ballot yet (before voting) can be prepared again: the old key is dropped."""
    process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
    if PHASE_ORDER.index(process.phase) >= PHASE_ORDER.index(Phase.VOTING):
        raise ValidationError(_("The ballot box is prepared before voting opens; it cannot change now."))
    members = list(dict.fromkeys(members))
    eligible = set(_council_of(process).values_list("pk", flat=True))
    if any(m.pk not in eligible for m in members):
        raise ValidationError({"members": _("Choose council members of the municipality.")})
    if len(members) < MIN_HOLDERS:
        raise ValidationError({"members": _("Choose at least %(n)s council members to hold the key.")
                               % {"n": MIN_HOLDERS}})
    if not 2 <= threshold <= len(members):
        raise ValidationError({"threshold": _("Between 2 and %(n)s members (as many as hold a share) must be "
                                              "needed to open the box.") % {"n": len(members)}})
    BallotBox.objects.filter(process=process).delete()
    box, _shares = _create(process, threshold=threshold, holders=[(m, _holder_name(m)) for m in members],
                           actor=actor, pending=True)
    return box


def box_create_collected(*, process: BudgetProcess, threshold: int, names: list[str],
                         actor=None) -> tuple[BallotBox, list[sealing.Share]]:
    """A box whose shares are handed over at once, to the caller: for the demo data (which
    writes them to files for the demo council) and for tests. Never used by a page."""
    with transaction.atomic():
        BallotBox.objects.filter(process=process).delete()
        return _create(process, threshold=threshold, holders=[(None, n) for n in names], actor=actor, pending=False)


@dataclass(frozen=True)
class CollectedShare:
    share: sealing.Share
    file: bytes
    holder: KeyHolder


def share_file_for(holder: KeyHolder, share: sealing.Share) -> bytes:
    box = holder.box
    return sealing.share_file(share, box_id=box.pk, process_id=box.process_id, title=box.process.title,
                              holder=holder.name, threshold=box.threshold, holders=box.holders.count(),
                              public_key=bytes(box.public_key))


@transaction.atomic
def share_collect(*, process: BudgetProcess, member) -> CollectedShare:
    """Hand a holder their share, once: the sealed copy is erased in the same transaction."""
    holder = (KeyHolder.objects.select_for_update().select_related("box__process")
              .filter(box__process=process, member=member).first())
    if holder is None:
        raise PermissionDenied(_("You do not hold a share of this ballot box's key."))
    if not holder.pending_share:
        raise ValidationError(_("You have already collected your share. Keep the file or the words you "
                                "printed; the server has no copy."))
    share = sealing.Share(index=holder.index,
                          secret=secrecy.open_pending(SHARE_PURPOSE, bytes(holder.pending_share)))
    holder.pending_share = None
    holder.collected_at = timezone.now()
    holder.save(update_fields=["pending_share", "collected_at"])
    return CollectedShare(share=share, file=share_file_for(holder, share), holder=holder)


def share_file_again(*, process: BudgetProcess, member, text: str) -> bytes:
    """A holder's share file made again from their words (or file): nothing is stored."""
    holder = KeyHolder.objects.select_related("box__process").filter(box__process=process, member=member).first()
    if holder is None:
        raise PermissionDenied(_("You do not hold a share of this ballot box's key."))
    share = _read_share(text, 1)
    if share.index != holder.index or sealing.share_check(holder.box_id, share) != holder.share_check:
        raise ValidationError({"share": _("These words are not your share of this ballot box.")})
    return share_file_for(holder, share)


def box_ready(process: BudgetProcess) -> bool:
    box = BallotBox.objects.filter(process=process).first()
    return box is not None and not box.holders.exclude(pending_share=None).exists()


def check_ready_for_voting(process: BudgetProcess) -> None:
    """Voting opens only on a ballot box whose every share has been collected."""
    box = BallotBox.objects.filter(process=process).first()
    if box is None:
        raise ValidationError(_("Voting cannot open before staff have prepared the ballot box."))
    waiting = list(box.holders.exclude(pending_share=None).values_list("name", flat=True))
    if waiting:
        raise ValidationError(_("Voting cannot open before every key holder has collected their share. Still "
                                "waiting for: %(names)s.") % {"names": ", ".join(waiting)})


def _board(process: BudgetProcess) -> dict[str, list[str]]:
    board: dict[str, list[str]] = {e.key: [] for e in process_elections(process)}
    slugs = dict(process.district_budgets.values_list("pk", "slug"))
    for receipt, budget in Ballot.objects.filter(process=process).values_list("receipt", "district_budget_id"):
        board.setdefault(slugs.get(budget, "") if budget else "", []).append(receipt)
    return {key: sorted(receipts) for key, receipts in board.items()}


@transaction.atomic
def box_close(*, process: BudgetProcess) -> None:
    """Publish the bulletin board when voting closes: every sealed ballot's receipt."""
    box = BallotBox.objects.select_for_update().filter(process=process).first()
    if box is None or box.opened_at:
        return
    box.board = _board(process)
    box.closed_at = box.closed_at or timezone.now()
    box.save(update_fields=["board", "closed_at"])


def _share_problem(code: str) -> str:
    return {
        "empty": _("it is empty"),
        "not_a_file": _("it is not a key share file"),
        "no_number": _("start with the share's number, then its 24 words"),
        "word_count": _("a share has 24 words after its number"),
        "checksum": _("a word is mistyped (the words' checksum does not match)"),
        "unknown_word": _("a word is not in the list of share words"),
        "not_a_share": _("it is not a key share"),
    }.get(code, _("it is not a key share"))


def _read_share(text: str, position: int) -> sealing.Share:
    try:
        return sealing.share_read(text)
    except sealing.ShareError as exc:
        raise ValidationError(_("Share %(n)s cannot be read: %(why)s.")
                              % {"n": position, "why": _share_problem(exc.args[0])}) from None


@dataclass(frozen=True)
class Opening:
    ballots: dict[str, int]  # election key -> ballots counted


def box_open(*, process: BudgetProcess, member, shares: list[str]) -> Opening:
    """k holders' shares (files' text or number and words) open the box: every sealed
    ballot is unsealed in memory, each election's ballots shuffled into one anonymous list,
    and the sealed rows are erased, all in one transaction."""
    texts = [t for t in shares if t and t.strip()]
    with transaction.atomic():
        process = BudgetProcess.objects.select_for_update().get(pk=process.pk)
        box = BallotBox.objects.select_for_update().filter(process=process).first()
        if process.phase != Phase.COUNCIL_REVIEW:
            raise PermissionDenied(_("The ballot box is opened in the council review phase, after voting has closed."))
        if box is None:
            raise ValidationError(_("This process has no ballot box."))
        if box.opened_at:
            raise ValidationError(_("The ballot box is already open."))
        holders = {h.index: h for h in box.holders.all()}
        read: dict[int, sealing.Share] = {}
        wrong = []
        for position, text in enumerate(texts, start=1):
            share = _read_share(text, position)
            holder = holders.get(share.index)
            if holder is None or sealing.share_check(box.pk, share) != holder.share_check:
                wrong.append(_("share %(n)s (%(name)s)") % {"n": share.index,
                                                             "name": holder.name if holder else "?"})
                continue
            read[share.index] = share
        if wrong:
            raise ValidationError(_("These shares are not the ones their holders received: %(list)s. Check the "
                                    "number and every word.") % {"list": ", ".join(wrong)})
        if len(read) < box.threshold:
            raise ValidationError(_("%(k)s different shares are needed to open the box; %(n)s given.")
                                  % {"k": box.threshold, "n": len(read)})
        try:
            private = sealing.key_combine(list(read.values()), bytes(box.public_key))
        except sealing.ShareError:
            raise ValidationError(_("The shares do not open this ballot box.")) from None
        if box.closed_at is None:
            box.board = _board(process)
            box.closed_at = timezone.now()
        counted: dict[str, int] = {}
        for election in process_elections(process):
            try:
                contents = [sealing.unseal(private, bytes(c)) for c in
                            Ballot.objects.filter(**election.filter).values_list("ciphertext", flat=True).iterator()]
            except sealing.ShareError:
                raise ValidationError(_("A sealed ballot in the box is damaged; nothing was opened.")) from None
            _counted_append(process, election, contents)
            counted[election.key] = len(contents)
        del private
        # The board now holds every sealed ballot that went in (paper ballots confirmed
        # after the close too); the sealed rows, and with them any link to a voter, go.
        box.board = _board(process)
        Ballot.objects.filter(process=process).delete()
        box.opened_at = timezone.now()
        box.opened_by = member
        box.save(update_fields=["board", "closed_at", "opened_at", "opened_by"])
        ballot_context_forget(process.pk)
    return Opening(ballots=counted)


def _counted_append(process: BudgetProcess, election: BudgetElection, contents: list[dict]) -> None:
    frozen.refuse_if_frozen(process)
    row, _created = CountedBallots.objects.select_for_update().get_or_create(
        process=process, district_budget=election.district_budget)
    row.contents = sealing.shuffled([*row.contents, *contents])
    row.save(update_fields=["contents"])


def counted_store(*, process: BudgetProcess, election: BudgetElection, contents: list[dict]) -> None:
    """Ballots of a published election (pabulib import): counted as they are, shuffled."""
    _counted_append(process, election, contents)


@dataclass(frozen=True)
class ReceiptStatus:
    state: str  # "in_box" (voting), "included" (on the bulletin board), "absent"
    election: str = ""


def receipt_status(*, process: BudgetProcess, receipt: str) -> ReceiptStatus:
    """Whether a receipt's sealed ballot is in the box (and on the board): never its content.
    A receipt that is not there was replaced by the same voter's later ballot (or mistyped)."""
    code = secrecy.normalise_code(receipt)
    box = BallotBox.objects.filter(process=process).first()
    if box is not None and box.closed_at:
        for election in process_elections(process):
            if code in set(box.board.get(election.key, [])):
                return ReceiptStatus("included", election.name)
        return ReceiptStatus("absent")
    ballot = Ballot.objects.select_related("district_budget").filter(process=process, receipt=code).first()
    if ballot is None:
        return ReceiptStatus("absent")
    return ReceiptStatus("in_box", BudgetElection(process, ballot.district_budget).name)


def board_json(box: BallotBox) -> bytes:
    return json.dumps({"process": box.process_id, "closed_at": box.closed_at.isoformat() if box.closed_at else None,
                       "opened_at": box.opened_at.isoformat() if box.opened_at else None,
                       "public_key": bytes(box.public_key).hex(), "threshold": box.threshold,
                       "receipts": box.board}, indent=1).encode()
