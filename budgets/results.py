"""The council's result: approved once, signed, frozen, and checked against the database.

The council's approval computes a **result document**: canonical JSON (sorted keys, no
whitespace, UTF-8) holding the process (id, title, municipality, currency, tally rule,
ballot type), each election (key, name, budget, every project with its code, title, cost and
whether it was on the ballot, the SHA-256 and number of its sorted ballot lines, the funded
projects and the amount spent), the time of the approval and the approving member's public
name. Its SHA-256 is the result's fingerprint; it is signed with an Ed25519 key that is not
in the database (budgets.signing). Document, fingerprint, signature and public key are
stored on the Result and published (`result.json`); anyone verifies the signature offline
(`manage.py verify_result`, or any Ed25519 implementation).

`result_check` makes the same document again from what the database says now (projects,
costs, budgets, counted ballots, funded projects) and compares: a change made behind the
services' back, with SQL, shows on the process page.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import is_council_member
from ideas.models import Follow
from ideas.services.events import tell_followers_live
from notify.outbox import queue_all

from . import counting, notices, signing
from .elections import BudgetElection, process_elections
from .models import (
    BallotType,
    BudgetProcess,
    CouncilDecision,
    CouncilReview,
    CountedBallots,
    CountState,
    Feasibility,
    Phase,
    PhaseChange,
    Project,
    Result,
)

#: names the layout of the document; a verifier refuses a format it does not know
DOCUMENT_FORMAT = "hoest-result/1"
#: the layout of the downloadable file around the document
FILE_FORMAT = "hoest-signed-result/1"
#: the citywide election's name in the document: fixed, not translated, so the document does
#: not depend on the language of the request that approved or checks it
CITYWIDE_NAME = "Citywide"


def canonical(document: dict) -> bytes:
    """The bytes that are hashed and signed: sorted keys, no whitespace, UTF-8 (not \\u escapes)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def fingerprint_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- ballot lines ---------------------------------------------------------------------------

def ballot_lines(ballot_type: str, contents: list[dict], codes: set[str]) -> list[str]:
    """One election's counted ballots as sorted lines: the codes of the projects on the ballot
    (`codes`) in the ballot's order, joined by commas, and for cumulative ballots ":points"
    after each. The lines are read as budgets.selectors.election_from_ballots reads ballots
    for the tally and the `.pb` export, so anyone can make them again from the export's VOTES."""
    lines = []
    if ballot_type == BallotType.CUMULATIVE:
        for content in contents:
            lines.append(",".join(f"{c}:{n}" for c, n in (content.get("points") or {}).items() if c in codes))
    else:
        for content in contents:
            lines.append(",".join(c for c in (content.get("projects") or content.get("ranking") or []) if c in codes))
    lines.sort()
    return lines


def lines_fingerprint(lines: list[str]) -> str:
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def ballots_fingerprint(process: BudgetProcess, election: BudgetElection | None = None) -> tuple[str, int]:
    """SHA-256 over one election's counted ballots (`ballot_lines`), and their number. It
    changes if any ballot is added, removed or altered, and anyone can recompute it from the
    VOTES of the election's `.pb` export."""
    election = election or BudgetElection(process)
    codes = set(Project.objects.filter(**election.filter).exclude(feasibility=Feasibility.NOT_FEASIBLE)
                .values_list("code", flat=True))
    contents = CountedBallots.objects.filter(**election.filter).values_list("contents", flat=True).first() or []
    lines = ballot_lines(process.ballot_type, contents, codes)
    return lines_fingerprint(lines), len(lines)


# -- the document ---------------------------------------------------------------------------

def _approval_time(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def result_document(process: BudgetProcess, *, approved_at: str, approved_by: str,
                    selected: dict[str, list[str]] | None = None) -> dict:
    """The result document of a process as the database has it now. `selected` (election key
    -> codes) is the tally's choice at the approval; without it the funded projects are the
    projects marked funded now (the check: if ballots, costs, budgets and rule are those the
    council approved, the tally would choose the same again). Three queries, whatever the
    number of projects, ballots or elections (the district budgets come prefetched from the
    process selectors, or in one query)."""
    projects = list(Project.objects.filter(process=process).order_by("pk")
                    .values_list("code", "title", "cost", "district_budget_id", "feasibility", "selected"))
    counted = dict(CountedBallots.objects.filter(process=process).values_list("district_budget_id", "contents"))
    elections = []
    for election in process_elections(process):
        budget_id = election.district_budget.pk if election.district_budget else None
        # pk order: the tally's tie-break order, and the `.pb` export's order
        mine = [p for p in projects if p[3] == budget_id]
        on_ballot = {code for code, _t, _c, _b, feasibility, _s in mine if feasibility != Feasibility.NOT_FEASIBLE}
        lines = ballot_lines(process.ballot_type, counted.get(budget_id) or [], on_ballot)
        chosen = set(selected[election.key]) if selected is not None else {p[0] for p in mine if p[5]}
        funded = [code for code, *_rest in mine if code in chosen]
        elections.append({
            "key": election.key,
            "name": election.district_budget.name if election.district_budget else CITYWIDE_NAME,
            "budget": election.amount,
            "projects": [{"code": code, "title": title, "cost": cost, "on_ballot": code in on_ballot}
                         for code, title, cost, *_rest in mine],
            "ballots": {"count": len(lines), "sha256": lines_fingerprint(lines)},
            "selected": funded,
            "spent": sum(cost for code, _t, cost, *_rest in mine if code in chosen),
        })
    municipality = process.municipality
    return {
        "format": DOCUMENT_FORMAT,
        "process": {"id": process.pk, "title": process.title, "currency": process.currency,
                    "municipality": {"slug": municipality.slug, "name": municipality.name},
                    "tally_rule": process.tally_rule, "ballot_type": process.ballot_type},
        "elections": elections,
        "approved_at": approved_at,
        "approved_by": approved_by,
    }


# -- the council's decision -----------------------------------------------------------------

class AlreadyApproved(ValidationError):
    """A decision on a result the council has already approved: refused, and nothing changes."""


def approved_message(result: Result) -> str:
    return _("The council approved this result on %(date)s (%(name)s). It is final and frozen: it cannot be "
             "approved again or sent back.") % {
        "date": timezone.localtime(result.approved_at).strftime("%d.%m.%Y %H:%M"),
        "name": result.approved_by.public_name}


def decided_for_council(*, user, process: BudgetProcess) -> bool:
    """True for a council member of the process's municipality once the result is approved:
    their page and API then answer a second decision (a double click, a colleague a moment
    later) with why it is refused, instead of a bare "forbidden"."""
    # The result first: before it exists the council's role is not what decides here.
    return (getattr(user, "is_authenticated", False) and Result.objects.filter(process=process).exists()
            and is_council_member(user, process))


def council_review(*, process: BudgetProcess, member, decision: str, comment: str = "") -> CouncilReview:
    """A council member approves the result (signing, freezing and publishing the count of
    budgets.counting) or sends it back. The process row is locked first, so of two approvals
    at the same moment (a double click, two members, the page and the API) the second waits
    for the first and is then refused: there is one approval and one result."""
    if decision == CouncilDecision.APPROVED and process.phase == Phase.COUNCIL_REVIEW:
        # Outside the decision's transaction, so that an approval refused because a count
        # is still running does not undo that count's start.
        with contextlib.suppress(ValidationError):  # a box not opened: the decision says so
            for election in process_elections(process):
                counting.election_count(process, election)
    return _council_review(process=process, member=member, decision=decision, comment=comment)


@transaction.atomic
def _council_review(*, process: BudgetProcess, member, decision: str, comment: str) -> CouncilReview:
    process = BudgetProcess.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=process.pk)
    approved = Result.objects.select_related("approved_by").filter(process=process).first()
    if approved is not None:
        raise AlreadyApproved({"decision": approved_message(approved)})
    if process.phase != Phase.COUNCIL_REVIEW:
        raise PermissionDenied(_("The result can be reviewed only in the council review phase."))
    if decision == CouncilDecision.SENT_BACK and not comment.strip():
        raise ValidationError({"comment": _("Say why the result is sent back.")})
    review = CouncilReview.objects.create(process=process, member=member, decision=decision, comment=comment.strip())
    if decision == CouncilDecision.APPROVED:
        _approve(process, member)
    return review


def _counted_outcome(process: BudgetProcess, election: BudgetElection) -> dict:
    """The election's outcome by the process's rule, from its count for the database as it is
    now (the first row of the comparison); refused while the count runs or if it failed."""
    count = counting.election_count(process, election)
    if count.state == CountState.DONE:
        return count.comparison["rules"][0]
    name = election.name
    if count.state == CountState.FAILED:
        message = _("The count of %(election)s failed, so the result cannot be approved. The site's developers "
                    "have been told.") % {"election": name}
    else:
        message = _("The ballots of %(election)s are still being counted (a large election takes a few "
                    "minutes). Approve when the comparison is shown.") % {"election": name}
    raise ValidationError({"decision": message})


def _approve(process: BudgetProcess, member) -> Result:
    elections, selected, codes, rule = [], {}, [], process.tally_rule
    for election in process_elections(process):
        outcome = _counted_outcome(process, election)
        chosen = outcome["selected"]
        fingerprint, count = ballots_fingerprint(process, election)
        elections.append({"key": election.key, "name": election.name, "budget": election.amount,
                          "selected_codes": chosen, "spent": outcome["spent"], "ballots": count,
                          "fingerprint": fingerprint})
        selected[election.key] = chosen
        codes += chosen
        rule = outcome["rule"]
    # Whole seconds: the time in the document and in the row are the same instant.
    approved_at = timezone.now().replace(microsecond=0)
    document = result_document(process, approved_at=_approval_time(approved_at),
                               approved_by=str(member.public_name), selected=selected)
    data = canonical(document)
    signature, public_key = signing.sign(data)
    result = Result.objects.create(
        process=process, rule=rule, selected_codes=codes, spent=sum(e["spent"] for e in elections),
        ballots=sum(e["ballots"] for e in elections), fingerprint=fingerprint_of(data), elections=elections,
        document=data.decode("utf-8"), signature=signature, public_key=public_key, approved_by=member,
        approved_at=approved_at)
    Project.objects.filter(process=process).update(selected=False)
    Project.objects.filter(process=process, code__in=codes).update(selected=True)
    # The approval is the one way into results; the public history shows it like any phase change.
    PhaseChange.objects.create(process=process, from_phase=Phase.COUNCIL_REVIEW, to_phase=Phase.RESULTS,
                               changed_by=member, reason=_("The council approved the result."))
    BudgetProcess.objects.filter(pk=process.pk).update(phase=Phase.RESULTS)
    process.phase = Phase.RESULTS
    _tell_idea_followers_of_result(process, result)
    return result


def _tell_idea_followers_of_result(process: BudgetProcess, result: Result) -> None:
    """Followers of the ideas behind the projects hear whether their project is funded, live
    and by e-mail."""
    by_idea = {p.idea_id: p for p in Project.objects.filter(process=process, idea__isnull=False)}
    base = reverse("budgets:detail", args=[process.pk])

    def message(idea_id):
        project = by_idea[idea_id]
        text = (_("“%(title)s” is funded in %(budget)s") if project.selected
                else _("“%(title)s” was not funded in %(budget)s"))
        return text % {"title": project.title, "budget": process.title}

    tell_followers_live(
        idea_ids=by_idea, event="budget.result", message=message,
        payload=lambda idea_id: {"project": by_idea[idea_id].code,
                                 "url": f"{base}#project-{by_idea[idea_id].code}"})
    followers = defaultdict(list)
    for follow in Follow.objects.filter(idea_id__in=by_idea).select_related("user"):
        followers[follow.idea_id].append(follow.user)
    for idea_id, users in followers.items():
        queue_all(notices.RESULT, [(f"result:{result.pk}:{idea_id}:{user.pk}", user) for user in users],
                  result=result.pk, idea=idea_id)


# -- checking a stored result ---------------------------------------------------------------

VERIFIED, ALTERED, UNSIGNED = "verified", "altered", "unsigned"


@dataclass(frozen=True)
class ResultCheck:
    """`verified`: the stored result is signed with this site's key, and the database still
    says what it says. `altered`: it does not (the `problems` say where). `unsigned`: a
    result approved before results were signed, which cannot be checked."""

    state: str
    problems: list[str] = field(default_factory=list)

    @property
    def verified(self) -> bool:
        return self.state == VERIFIED


def _election_name(election: dict) -> str:
    return _("Citywide") if not election.get("key") else str(election.get("name", ""))


def _columns_agree(result: Result, document: dict) -> bool:
    """Whether the figures the pages and exports show (the Result's columns) are the signed ones."""
    try:
        signed = {e["key"]: e for e in document["elections"]}
        shown = {e.get("key"): e for e in result.elections}
        if set(signed) != set(shown):
            return False
        for key, e in signed.items():
            s = shown[key]
            if (s.get("budget"), set(s.get("selected_codes", [])), s.get("spent"), s.get("ballots"),
                    s.get("fingerprint")) != (e["budget"], set(e["selected"]), e["spent"], e["ballots"]["count"],
                                              e["ballots"]["sha256"]):
                return False
        return (set(result.selected_codes) == {c for e in signed.values() for c in e["selected"]}
                and result.spent == sum(e["spent"] for e in signed.values())
                and result.ballots == sum(e["ballots"]["count"] for e in signed.values()))
    except (KeyError, TypeError, AttributeError):
        return False


def _differences(signed: dict, now: dict) -> list[str]:
    """What the database says now that differs from the signed document, in plain words."""
    problems = []
    if signed.get("process") != now["process"]:
        problems.append(_("The process's title, municipality, currency, counting rule or ballot type differ from "
                          "those the council approved."))
    signed_elections = {e["key"]: e for e in signed.get("elections", [])}
    now_elections = {e["key"]: e for e in now["elections"]}
    if set(signed_elections) != set(now_elections):
        problems.append(_("The budgets of the process (citywide and district budgets) differ from those the "
                          "council approved."))
    for key, then in signed_elections.items():
        current = now_elections.get(key)
        if current is None:
            continue
        name = _election_name(then)
        if (then.get("name"), then.get("budget")) != (current["name"], current["budget"]):
            problems.append(_("%(budget)s: the budget differs from the approved one.") % {"budget": name})
        if then.get("projects") != current["projects"]:
            problems.append(_("%(budget)s: the projects or their costs differ from the approved ones.")
                            % {"budget": name})
        if then.get("ballots") != current["ballots"]:
            problems.append(_("%(budget)s: the counted ballots differ from the approved ones (%(now)s ballots now, "
                              "%(then)s approved).") % {"budget": name, "now": current["ballots"]["count"],
                                                        "then": (then.get("ballots") or {}).get("count")})
        if (then.get("selected"), then.get("spent")) != (current["selected"], current["spent"]):
            problems.append(_("%(budget)s: the funded projects differ from the approved ones.") % {"budget": name})
    return problems


def result_check(process: BudgetProcess, result: Result | None = None) -> ResultCheck | None:
    """Whether the stored result is the one the council approved and signed, and whether the
    database still says what it says: the signature and fingerprint of the stored document,
    its key, the figures shown beside it, and the document made again from the projects,
    costs, budgets, counted ballots and funded projects in the database now. None without a
    result. A constant number of queries (see result_document)."""
    if result is None:
        result = Result.objects.filter(process=process).first()
        if result is None:
            return None
    if not result.document:
        return ResultCheck(UNSIGNED)
    data = result.document.encode("utf-8")
    problems = []
    if fingerprint_of(data) != result.fingerprint or not signing.verify(data, result.signature, result.public_key):
        problems.append(_("The stored result does not match its signature: it was changed after the council "
                          "approved it."))
    elif result.public_key not in signing.trusted_public_keys():
        problems.append(_("The stored result is signed with a key that is not this site's result key."))
    try:
        document = json.loads(data)
        readable = document.get("format") == DOCUMENT_FORMAT and isinstance(document.get("elections"), list)
    except (ValueError, AttributeError):
        document, readable = None, False
    if not readable:
        problems.append(_("The stored result cannot be read."))
        return ResultCheck(ALTERED, problems)
    if not _columns_agree(result, document):
        problems.append(_("The figures shown with the result (ballots, amount spent, funded projects) differ from "
                          "the signed result."))
    now = result_document(process, approved_at=document.get("approved_at", ""),
                          approved_by=document.get("approved_by", ""))
    problems += _differences(document, now)
    return ResultCheck(ALTERED if problems else VERIFIED, problems)


def result_file(result: Result, *, key_url: str = "") -> bytes:
    """The downloadable signed result: the document (as JSON, to read), its fingerprint, the
    signature and public key, and how to verify them. A stored document that is no longer
    JSON (changed with SQL) is served as the text it is, for anyone to see."""
    try:
        document, text = json.loads(result.document), None
    except ValueError:
        document, text = None, result.document
    return json.dumps({
        "format": FILE_FORMAT,
        "document": document,
        **({"document_text": text} if text is not None else {}),
        "fingerprint": result.fingerprint,
        "signature": result.signature,
        "public_key": result.public_key,
        "algorithm": signing.ALGORITHM,
        "key_url": key_url,
        "how_to_verify": "bytes = json.dumps(document, sort_keys=True, separators=(',', ':'), "
                         "ensure_ascii=False).encode('utf-8'); sha256(bytes) == fingerprint; Ed25519 "
                         "signature over bytes with public_key (hex). Or: python manage.py verify_result FILE "
                         "--public-key HEX",
    }, indent=1, ensure_ascii=False, sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class FileCheck:
    ok: bool
    reason: str
    document: dict | None = None


def verify_file(data: bytes, *, public_key: str | None = None) -> FileCheck:
    """Check a downloaded result file offline: the document's canonical bytes against the
    fingerprint, and the signature with `public_key` (hex; default: the key in the file,
    which the caller should compare with the one the municipality publishes)."""
    try:
        content = json.loads(data)
        document = content["document"]
        fingerprint, signature = str(content["fingerprint"]), str(content["signature"])
        key = (public_key or str(content["public_key"])).strip().lower()
    except (ValueError, KeyError, TypeError):
        raise ValueError("not a Høst result file") from None
    if not isinstance(document, dict) or document.get("format") != DOCUMENT_FORMAT:
        raise ValueError("not a Høst result document of a known format")
    body = canonical(document)
    if fingerprint_of(body) != fingerprint:
        return FileCheck(False, "the document does not match its fingerprint: it was changed", document)
    if not signing.verify(body, signature, key):
        return FileCheck(False, "the signature does not verify with the public key " + key, document)
    return FileCheck(True, "signed with the public key " + key, document)
