"""Every write to participatory budgets."""
from __future__ import annotations

from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import CensusEntry
from health.postgresql import prepared
from ideas.services.events import tell_followers_live
from ui.images import clean_image
from ui.slugs import slug_of

from . import eligibility, events, frozen, sealing, secrecy
from .ballots import clean_ballot
from .elections import BudgetElection
from .models import (
    PHASE_ORDER,
    Ballot,
    BudgetProcess,
    Channel,
    DistrictBudget,
    Feasibility,
    Participation,
    Phase,
    Project,
    ProjectUpdate,
    Voters,
    VotingCode,
)
from .selectors import BoxKey, ballot_context_forget, ballot_projects, box_key


@transaction.atomic
def process_create(**fields) -> BudgetProcess:
    process = BudgetProcess(**fields)
    process.full_clean()
    process.save()
    return process


@transaction.atomic
def district_budget_add(*, process: BudgetProcess, district, amount: int, name: str = "", slug: str = "",
                        spending_limit: int | None = None) -> DistrictBudget:
    """Give a district of the municipality its own budget in the process, tallied apart."""
    frozen.refuse_if_frozen(process)
    if district.municipality_id != process.municipality_id:
        raise ValidationError({"district": _("Choose a district of the process's municipality.")})
    if PHASE_ORDER.index(process.phase) >= PHASE_ORDER.index(Phase.VOTING):
        raise ValidationError(_("District budgets can be added only before voting opens."))
    budget = DistrictBudget(process=process, district=district, name=(name or district.name)[:200],
                            slug=(slug or slug_of(name or district.name) or district.slug)[:80], amount=amount,
                            spending_limit=spending_limit)
    budget.full_clean()
    budget.save()
    ballot_context_forget(process.pk)
    return budget


@transaction.atomic
def project_propose(*, process: BudgetProcess, user, title: str, description: str, cost: int,
                    district=None, idea=None, district_budget: DistrictBudget | None = None) -> Project:
    if process.phase != Phase.PROPOSALS and idea is None:
        raise PermissionDenied(_("Projects can be proposed only while proposals are open."))
    frozen.refuse_if_frozen(process)
    if district_budget is not None and district_budget.process_id != process.pk:
        raise ValidationError({"district_budget": _("Choose a budget of this process.")})
    number = Project.objects.filter(process=process).count() + 1
    if district_budget is not None and district is None:
        district = district_budget.district
    project = Project(process=process, code=str(number), title=title, description=description, cost=cost,
                      district=district, proposed_by=user, idea=idea, district_budget=district_budget)
    while Project.objects.filter(process=process, code=project.code).exists():
        number += 1
        project.code = str(number)
    project.full_clean()
    project.save()
    ballot_context_forget(process.pk)
    return project


@transaction.atomic
def project_from_idea(*, process: BudgetProcess, idea, cost: int, actor) -> Project:
    """Staff promote an idea to a budget project; the idea links to it and its followers
    hear about it, in their own language."""
    if idea.municipality_id != process.municipality_id:
        raise ValidationError({"idea": _("Choose an idea of the same municipality.")})
    if process.phase not in (Phase.PROPOSALS, Phase.REVIEW):
        raise ValidationError({"idea": _("Projects can be added only before voting opens.")})
    if Project.objects.filter(process=process, idea=idea).exists():
        raise ValidationError({"idea": _("This idea is already a project in this budget.")})
    project = project_propose(process=process, user=actor, title=idea.title[:200], description=idea.body,
                              cost=cost, district=idea.district, idea=idea)
    if idea.latitude is not None and idea.longitude is not None:
        project.latitude, project.longitude = idea.latitude, idea.longitude
        project.save(update_fields=["latitude", "longitude"])
    url = project.get_absolute_url()
    tell_followers_live(
        idea_ids=[idea.pk], event="idea.project", payload=lambda _id: {"idea": idea.pk, "url": url},
        message=lambda _id: _("“%(title)s” is now a project in %(budget)s") % {"title": idea.title,
                                                                               "budget": process.title})
    return project


@transaction.atomic
def project_update_post(*, project: Project, author, text: str, milestone: str = "", happened_on=None) -> ProjectUpdate:
    """Staff tell how a funded project is going; followers of the idea behind it hear it."""
    if project.process.phase != Phase.IMPLEMENTATION or not project.selected:
        raise ValidationError(_("Progress can be posted on funded projects during implementation."))
    update = ProjectUpdate(project=project, author=author, text=text.strip(), milestone=milestone.strip(),
                           happened_on=happened_on or timezone.localdate())
    update.full_clean()
    update.save()
    if project.idea_id:
        url = reverse("budgets:detail", args=[project.process_id]) + f"#project-{project.code}"
        tell_followers_live(
            idea_ids=[project.idea_id], event="budget.progress",
            payload=lambda _id: {"project": project.code, "url": url},
            message=lambda _id: _("News on “%(title)s”: %(what)s") % {
                "title": project.title, "what": update.milestone or update.text[:80]})
    return update


@transaction.atomic
def project_review(*, project: Project, cost: int, feasibility: str, reason: str, image=None,
                   remove_image: bool = False, image_alt: str | None = None, latitude=None, longitude=None,
                   place: bool = False) -> Project:
    """Staff's review of a project: cost, feasibility and its public reason; with `image` a
    new picture (checked and stripped of metadata as idea images are), with `place` its
    latitude and longitude (both or neither)."""
    errors = {}
    if feasibility == Feasibility.NOT_FEASIBLE and not reason.strip():
        errors["feasibility_reason"] = _("Explain publicly why the project is not feasible.")
    if place and (latitude is None) != (longitude is None):
        errors["latitude"] = _("Give both latitude and longitude, or neither.")
    clean = None
    if image is not None:
        try:
            clean = clean_image(image)
        except ValidationError as exc:
            errors["image"] = exc.messages
    if image_alt is not None:
        project.image_alt = image_alt.strip()
    if (clean is not None or (project.image and not remove_image)) and not project.image_alt:
        errors["image_alt"] = _("Say what the image shows, for people who cannot see it.")
    if errors:
        raise ValidationError(errors)
    project.cost = cost
    project.feasibility = feasibility
    project.feasibility_reason = reason.strip()
    if place:
        project.latitude, project.longitude = latitude, longitude
    if clean is not None:
        project.image.save(f"image.{clean.extension}", clean.content, save=False)
    elif remove_image:
        project.image = ""
    project.full_clean()
    frozen.check_save(project)  # after an approved result: cost and feasibility are frozen
    project.save()
    ballot_context_forget(project.process_id)
    return project


def _age_band(birth_year: int | None, today=None) -> str:
    if not birth_year:
        return ""
    age = (today or timezone.localdate()).year - birth_year
    for limit, band in ((18, "<18"), (30, "18-29"), (50, "30-49"), (65, "50-64")):
        if age < limit:
            return band
    return "65+"


def _ballot_upsert(ballot: Ballot | SimpleNamespace, participation: SimpleNamespace | None = None) -> bool:
    """Insert the sealed ballot or replace the voter's earlier one in this election; True if
    it replaced one. `ballot` is a Ballot or any object with its attributes (`process_id`,
    ...), `participation` the values of _participation_values. On PostgreSQL one
    statement, INSERT ... ON CONFLICT DO UPDATE ... RETURNING (xmax = 0): a row that was
    updated, not inserted, has a transaction id in xmax; a new row's id is drawn there too
    (gen_random_uuid(), from the server's strong random source, as uuid4 is from ours).
    With `participation` (PostgreSQL only) the same statement also records it, ON CONFLICT
    DO NOTHING, as a data-modifying WITH: one statement is one transaction."""
    if connection.vendor != "postgresql":
        existed = Ballot.objects.filter(process_id=ballot.process_id, voter_hash=ballot.voter_hash).exists()
        Ballot.objects.bulk_create([ballot], update_conflicts=True, unique_fields=["process", "voter_hash"],
                                   update_fields=["receipt", "ciphertext"])
        return existed
    quote = connection.ops.quote_name
    params = [ballot.process_id, ballot.district_budget_id, ballot.voter_hash, ballot.receipt, ballot.ciphertext]
    upsert = (
        f"INSERT INTO {quote(Ballot._meta.db_table)} (id, process_id, district_budget_id, voter_hash, receipt, "  # noqa: S608  # nosec B608 - the model's names
        "ciphertext) VALUES (gen_random_uuid(), %s, %s, %s, %s, %s) "
        "ON CONFLICT (process_id, voter_hash) DO UPDATE SET receipt = EXCLUDED.receipt, "
        "ciphertext = EXCLUDED.ciphertext RETURNING (xmax = 0)")
    if participation is not None:
        p = participation
        upsert = (
            f"WITH ballot AS ({upsert}), voter AS (INSERT INTO {quote(Participation._meta.db_table)} "  # noqa: S608  # nosec B608 - the model's names
            "(process_id, district_budget_id, user_id, channel, district_id, age_band, voted_on) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING) SELECT * FROM ballot")
        params += [p.process_id, p.district_budget_id, p.user_id, p.channel, p.district_id, p.age_band, p.voted_on]
    (inserted,) = prepared.fetchone(upsert, params)
    return not inserted


def _census_ballot_cast(*, process: BudgetProcess, election: BudgetElection, user, person_key: str, receipt: str,
                        ciphertext: bytes) -> bool | None:
    """The ballot of a verified account in a census process, in one PostgreSQL statement
    (one round trip, atomic by itself, as _ballot_upsert's): the person's census entry
    allows this election (eligibility.census_sql), no letter code of theirs was used, and
    the ballot is inserted, or replaces their own earlier e-ID ballot (their participation
    says so) where re-voting is allowed, with the participation beside it. True if it
    replaced one, False if new, None if the statement stored nothing: ballot_cast's checks
    then say why. A letter code claimed at the same moment cannot pass either: both
    ballots carry the person's one voter hash, and the unique index keeps the first."""
    quote = connection.ops.quote_name
    census_conditions, census_params = eligibility.census_sql(process=process, election=election, alias="c")
    budget_id = election.district_budget.pk if election.district_budget is not None else None
    voter = secrecy.voter_hash(process.pk, eligibility.census_identity(person_key), election.hash_scope)
    participation = _participation_values(process=process, user=user, channel=Channel.ONLINE, election=election,
                                          district_id=None)
    if process.allow_revote:
        own = "p.district_budget_id = %s" if budget_id is not None else "p.district_budget_id IS NULL"
        conflict = (
            "DO UPDATE SET receipt = EXCLUDED.receipt, ciphertext = EXCLUDED.ciphertext WHERE EXISTS "  # noqa: S608  # nosec B608 - the model's names
            f"(SELECT 1 FROM {quote(Participation._meta.db_table)} p WHERE p.process_id = %s "
            f"AND p.user_id = %s AND {own})")
        conflict_params = [process.pk, user.pk] + ([budget_id] if budget_id is not None else [])
    else:
        conflict, conflict_params = "DO NOTHING", []
    sql = (
        f"WITH entry AS (SELECT c.district_id FROM {quote(CensusEntry._meta.db_table)} c "  # noqa: S608  # nosec B608 - the model's names
        f"WHERE c.municipality_id = %s AND c.person_key = %s AND {census_conditions} "
        f"AND NOT EXISTS (SELECT 1 FROM {quote(VotingCode._meta.db_table)} v "
        # A used code is never returned (voting_codes.code_return): "not returned" changes
        # nothing but lets PostgreSQL read the one-code-per-person index, not the process's.
        "WHERE v.process_id = %s AND v.person_key = %s AND v.returned_at IS NULL AND v.used)), "
        f"ballot AS (INSERT INTO {quote(Ballot._meta.db_table)} "
        "(id, process_id, district_budget_id, voter_hash, receipt, ciphertext) "
        "SELECT gen_random_uuid(), %s, %s::bigint, %s, %s, %s FROM entry "
        f"ON CONFLICT (process_id, voter_hash) {conflict} RETURNING (xmax = 0) AS inserted), "
        f"voter AS (INSERT INTO {quote(Participation._meta.db_table)} "
        "(process_id, district_budget_id, user_id, channel, district_id, age_band, voted_on) "
        "SELECT %s, %s::bigint, %s, %s, COALESCE((SELECT district_id FROM entry), %s::bigint), %s, %s::date "
        "FROM ballot ON CONFLICT DO NOTHING) "
        "SELECT inserted FROM ballot")
    p = participation
    params = [process.municipality_id, person_key, *census_params, process.pk, person_key,
              process.pk, budget_id, voter, receipt, ciphertext, *conflict_params,
              p["process_id"], p["district_budget_id"], p["user_id"], p["channel"], p["district_id"], p["age_band"],
              p["voted_on"]]
    row = prepared.fetchone(sql, params)
    return None if row is None else not row[0]


@dataclass(frozen=True)
class CastResult:
    receipt: str
    replaced: bool


def ballot_seal(box: BoxKey | None, process: BudgetProcess, content: dict) -> tuple[bytes, str]:
    """The ballot sealed to the process's ballot box, and its receipt."""
    box = box or box_key(process=process)
    if box is None:
        raise PermissionDenied(_("Voting is not open: the ballot box is not ready."))
    ciphertext = sealing.seal(box.public_key, content, box.length)
    return ciphertext, sealing.receipt_of(ciphertext)


def ballot_cast(*, process: BudgetProcess, choice: dict, user=None, code: str = "",
                channel: str = Channel.ONLINE, election: BudgetElection | None = None,
                projects: dict[str, int] | None = None, box: BoxKey | None = None) -> CastResult:
    """Cast (or, where allowed, replace) a ballot in one election of the process (default:
    the citywide one). Exactly one of `user` and `code`. The ballot is checked, then only
    its sealed form goes into the ballot box (budgets.ballotbox); the receipt is derived
    from the sealed ballot, so it proves inclusion and says nothing of the content.

    One ballot per voter per election is kept by the database: the ballot's voter hash
    (an HMAC of voter and election) is unique in the process, and a replacement is a single
    INSERT ... ON CONFLICT DO UPDATE. A voting code votes once per election: its ballot is
    a plain INSERT that the same unique index refuses the second time; in a district
    election the code is bound to that district by a conditional UPDATE."""
    election = election or BudgetElection(process)
    # A verified account in a census process on PostgreSQL: the census, the letter and the
    # ballot are checked and written in one statement (_census_ballot_cast); its refusals
    # go on to the checks below, which say why.
    verification = None
    if process.voters == Voters.CENSUS and not code and user is not None and connection.vendor == "postgresql":
        verification = getattr(user, "verification", None)
    if verification is not None:
        eligibility.check_open(process=process, election=election)
    else:
        eligibility.check_eligible(process=process, user=user, election=election)
    if projects is None:  # else the caller's (selectors.ballot_context) projects on this ballot
        projects = ballot_projects(process=process, election=election)
    try:
        content = clean_ballot(process, choice, projects, limit=election.knapsack_limit)
    except ValidationError:
        if verification is not None:  # one who may not vote hears that first, as on every path
            eligibility.check_eligible(process=process, user=user, election=election)
        raise
    ciphertext, receipt = ballot_seal(box, process, content)
    if verification is not None:
        replaced = _census_ballot_cast(process=process, election=election, user=user,
                                       person_key=verification.person_key, receipt=receipt, ciphertext=ciphertext)
        if replaced is not None:
            events.turnout_changed(process.pk)
            return CastResult(receipt=sealing.receipt_display(receipt), replaced=replaced)
        eligibility.check_eligible(process=process, user=user, election=election)
    if process.allow_revote and not code and user is not None and connection.vendor == "postgresql" \
            and process.voters == Voters.ACCOUNTS:
        # The common case of a surge: ballot and participation in one statement, atomic by
        # itself, so no BEGIN/COMMIT round trips (docs/BENCHMARKS.md, vote surge).
        # The rows' values without model instances: two of them, with their init signals, cost
        # time on every ballot of a surge.
        voter = secrecy.voter_hash(process.pk, f"user:{user.pk}", election.hash_scope)
        participation = _participation_values(process=process, user=user, channel=channel, election=election,
                                              district_id=None)
        ballot = SimpleNamespace(process_id=process.pk,
                                 district_budget_id=participation["district_budget_id"], voter_hash=voter,
                                 receipt=receipt, ciphertext=ciphertext)
        replaced = _ballot_upsert(ballot, participation=SimpleNamespace(**participation))
        events.turnout_changed(process.pk)
        return CastResult(receipt=sealing.receipt_display(receipt), replaced=replaced)
    with transaction.atomic():
        district = getattr(user, "district_id", None)
        if code:
            hashed = secrecy.code_hash(code)
            # A returned letter's code is void (voting_codes.code_return): it claims nothing.
            codes = VotingCode.objects.filter(process=process, code_hash=hashed, returned_at__isnull=True)
            # A census letter's code: the census of today decides the district (and whether the
            # person may vote at all), not the district printed on the letter.
            person = codes.values_list("person_key", flat=True).first()
            if person:
                district = eligibility.census_code_voter(process=process, election=election,
                                                         person_key=person).district_id
                claimed = codes.update(used=True, district_id=district)
            elif election.district_budget is not None:
                district = election.district_budget.district_id
                codes = codes.filter(Q(district__isnull=True) | Q(district_id=district))
                claimed = codes.update(used=True, district_id=district)
            else:
                claimed = codes.update(used=True)
            if not claimed:
                if VotingCode.objects.filter(code_hash=hashed, process=process, returned_at__isnull=False).exists():
                    raise ValidationError({"code": _("This voting code is void: its letter was returned to the "
                                                     "municipality. Vote with e-ID or on paper at a citizen service "
                                                     "centre.")})
                if election.district_budget is not None and VotingCode.objects.filter(code_hash=hashed,
                                                                                      process=process).exists():
                    raise ValidationError({"code": _("This voting code is for another district.")})
                raise ValidationError({"code": _("This voting code is not valid or has already been used.")})
            identity = eligibility.census_identity(person) if person else f"code:{hashed}"
            channel = Channel.CODE
        elif user is not None and process.voters == Voters.CENSUS:
            entry = eligibility.census_voter_online(process=process, user=user, election=election)
            person, district = entry.person_key, entry.district_id
            # The person's letter code, locked: a ballot by code (which claims it) and this
            # one cannot pass each other, and one who voted by letter is told so.
            letter = (VotingCode.objects.select_for_update().filter(process=process, person_key=person)
                      .order_by("pk").values_list("used", flat=True))
            if any(letter):
                raise ValidationError(_("You have already voted with the code in your letter; your e-ID cannot "
                                        "cast a second ballot."))
            identity = eligibility.census_identity(person)
        elif user is not None:
            identity = f"user:{user.pk}"
        else:
            raise ValueError("a ballot needs a voter or a code")
        voter = secrecy.voter_hash(process.pk, identity, election.hash_scope)
        ballot = Ballot(process=process, district_budget=election.district_budget, voter_hash=voter,
                        receipt=receipt, ciphertext=ciphertext)
        replaced = False
        # A census person's earlier ballot in this election may have come by letter or on
        # paper: only their own earlier e-ID ballot (their participation says so) is replaced.
        revote = process.allow_revote and not code and (
            process.voters == Voters.ACCOUNTS or Participation.objects.filter(
                process=process, user=user, district_budget=election.district_budget).exists())
        if revote:
            replaced = _ballot_upsert(ballot)
        else:
            try:
                with transaction.atomic():
                    ballot.save(force_insert=True)
            except IntegrityError:
                if code:
                    raise ValidationError({"code": _("This voting code is not valid or has already been used.")}
                                          ) from None
                if process.voters == Voters.CENSUS:
                    raise ValidationError(_("You have already voted in this budget, with your letter code or on "
                                            "paper.")) from None
                raise ValidationError(_("You have already voted in this process.")) from None
        participation_record(process=process, user=user, channel=channel, election=election, district_id=district)
        events.turnout_changed(process.pk)
    return CastResult(receipt=sealing.receipt_display(receipt), replaced=replaced)


def _participation_values(*, process: BudgetProcess, user, channel: str, election: BudgetElection | None,
                          district_id: int | None) -> dict:
    """A participation row's values by attribute name: the district is the voter's own
    unless the ballot named one (a code bound to a district), the age band from the birth year."""
    budget = election.district_budget if election else None
    today = timezone.localdate()
    return {"process_id": process.pk, "district_budget_id": budget.pk if budget else None,
            "user_id": user.pk if user is not None else None, "channel": channel, "voted_on": today,
            "district_id": district_id if district_id else getattr(user, "district_id", None),
            "age_band": _age_band(getattr(user, "birth_year", None), today)}


def participation_record(*, process: BudgetProcess, user, channel: str, election: BudgetElection | None = None,
                         district_id: int | None = None) -> None:
    """Record that someone voted in an election: one INSERT ... ON CONFLICT DO NOTHING, so a
    re-vote or a simultaneous request of the same voter adds nothing."""
    Participation.objects.bulk_create([Participation(**_participation_values(
        process=process, user=user, channel=channel, election=election, district_id=district_id))],
        ignore_conflicts=True)


