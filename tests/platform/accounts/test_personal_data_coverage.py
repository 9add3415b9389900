"""The data download covers every model holding personal data.

The test walks every model: each relation to a person, and each field of a model reached
that way, must be written down below — in the download (and then its value is found in the
owner's download, on demo data), withheld with the reason, or listed as a known gap. A new
model or field pointing at a person, or a new field on such a model, fails the test until
someone decides where it goes.
"""
import json
import warnings

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from accounts.selectors import user_personal_data

User = get_user_model()

OWN = "the person's own account row"
# Relations to a person that are not downloaded, with the reason.
NOT_DOWNLOADED = {
    ("admin.LogEntry", "user"): "the admin site's audit trail of changes staff made there; "
                                "deleted with the account",
    ("dinners.Dinner", "reporter"): "who the host chose to write the report; the report itself "
                                    "is in dinners.reports_written",
    ("reports.CoCreationInvitation", "created_by"): "the staff member who made a questionnaire link: "
                                                    "bookkeeping of their work, not data about them",
    ("budgets.BallotBox", "prepared_by"): "the staff member who prepared a ballot box: bookkeeping of "
                                          "their work, shown on the box's public page",
    ("budgets.BallotBox", "opened_by"): "the council member who presented shares at the opening: "
                                        "bookkeeping of their office, shown on the box's public page",
    ("budgets.KeyHolder", "member"): "who holds a share of a ballot box key: public on the box's page "
                                     "by design (the council must be seen to hold it)",
    ("budgets.PhaseChange", "changed_by"): "who changed a process's phase: public on the process page",
    ("ideas.SettingsChange", "actor"): "the staff member who changed the moderation settings: bookkeeping "
                                       "of their work, shown to the municipality's staff",
}
# Relations whose rows should be in the download and are not yet (owners: see the app).
KNOWN_GAPS: dict[tuple[str, str], str] = {}
# A second relation of a downloaded model to a person: where its rows are in that person's
# download (the values are checked through the model's first relation, in DOWNLOADED).
ALSO_DOWNLOADED = {
    ("budgets.PaperBallot", "confirmed_by"): "budgets.paper_ballots",
}

# model -> (relation to the person, {field: where it is in the download | "withheld: why" |
# "gap: what"}). Every concrete field but the primary key and the relation itself.
DOWNLOADED = {
    "accounts.User": (None, {
        "email": "account", "display_name": "account", "preferred_language": "account",
        "birth_year": "account", "municipality": "account", "district": "account",
        "date_joined": "account", "last_login": "account",
        "password": "withheld: a salted hash, of no use to the person; no more copies of it",
        "is_superuser": "withheld: the account's state, not data about the person",
        "is_staff": "withheld: the account's state; the roles are in account.roles",
        "is_active": "withheld: the account's state, not data about the person",
        "is_deleted_placeholder": "withheld: marks the one 'deleted user' row",
    }),
    "accounts.Membership": ("user", {"municipality": "account.roles", "role": "account.roles",
                                     "created_at": "account.roles"}),
    "account.EmailAddress": ("user", {"email": "account.email_addresses",
                                      "verified": "account.email_addresses",
                                      "primary": "account.email_addresses"}),
    "accounts.Verification": ("user", {
        "person_key": "withheld: a keyed hash of the identity number, of no use to the person",
        "issuer": "account.identity_verification", "level_of_assurance": "account.identity_verification",
        "birth_year": "account.identity_verification", "verified_at": "account.identity_verification"}),
    "socialaccount.SocialAccount": ("user", {
        "provider": "account.e_id_sign_ins", "date_joined": "account.e_id_sign_ins",
        "last_login": "account.e_id_sign_ins",
        "uid": "withheld: a keyed hash of the provider's subject, of no use to the person",
        "extra_data": "withheld: only the issuer and the level of assurance, as in account.identity_verification"}),
    "restapi.ApiToken": ("user", {"prefix": "api_tokens", "name": "api_tokens",
                                  "created_at": "api_tokens", "expires_at": "api_tokens",
                                  "digest": "withheld: a digest of the token, of no use to the person"}),
    "mfa.Authenticator": ("user", {
        "type": "account.second_factors", "created_at": "account.second_factors",
        "last_used_at": "account.second_factors",
        "data": "withheld: the second factor's secret (the authenticator app's key, the recovery "
                "codes' seed, a passkey's public key); a copy would weaken the factor"}),
    "ideas.Idea": ("author", {
        "title": "ideas.ideas", "body": "ideas.ideas", "status": "ideas.ideas",
        "visibility": "ideas.ideas", "created_at": "ideas.ideas", "campaign": "ideas.ideas",
        "category": "ideas.ideas", "district": "ideas.ideas", "latitude": "ideas.ideas",
        "longitude": "ideas.ideas",
        "body_html": "withheld: the body as HTML, the same words",
        "search_vector": "withheld: derived from title and body",
        "municipality": "withheld: the campaign's municipality",
        "source": "withheld: 'platform' for every idea a person sent themselves",
        "citizen_name": "withheld: ideas staff typed in for a citizen without an account; that "
                        "citizen has no download (staff remove the name on request)",
        "citizens_initiated": "withheld: staff's record of the citizens' role in the innovation",
        "citizens_initiated_note": "withheld: staff's record of the citizens' role",
        "citizens_promoted": "withheld: staff's record of the citizens' role",
        "citizens_promoted_note": "withheld: staff's record of the citizens' role",
        "citizens_cocreated": "withheld: staff's record of the citizens' role",
        "citizens_cocreated_note": "withheld: staff's record of the citizens' role",
        "merged_into": "withheld: moderation of duplicates, shown on the idea's page",
        "support_count": "withheld: a count of other people's supports",
        "comment_count": "withheld: a count of other people's comments",
        "flag_count": "withheld: a count of other people's reports",
        "updated_at": "withheld: bookkeeping",
        "submission_key": "withheld: a one-time technical key against double submission",
    }),
    "ideas.Support": ("user", {"idea": "ideas.supports", "created_at": "ideas.supports"}),
    "ideas.Follow": ("user", {"idea": "ideas.follows", "created_at": "ideas.follows"}),
    "ideas.Comment": ("author", {
        "idea": "ideas.comments", "parent": "ideas.comments", "body": "ideas.comments",
        "visibility": "ideas.comments", "created_at": "ideas.comments",
        "body_html": "withheld: the body as HTML, the same words",
        "flag_count": "withheld: a count of other people's reports",
    }),
    "ideas.Flag": ("user", {
        "idea": "ideas.reports", "comment": "ideas.reports", "reason": "ideas.reports",
        "explanation": "ideas.reports", "created_at": "ideas.reports",
        "resolved": "withheld: the moderators' handling of the report",
    }),
    "ideas.ModerationEvent": ("actor", {
        "idea": "ideas.moderation_decisions", "comment": "ideas.moderation_decisions",
        "action": "ideas.moderation_decisions", "reason": "ideas.moderation_decisions",
        "created_at": "ideas.moderation_decisions",
    }),
    "ideas.StatusChange": ("author", {
        "from_status": "ideas.status_answers", "to_status": "ideas.status_answers",
        "answer": "ideas.status_answers", "created_at": "ideas.status_answers",
        "idea": "ideas.status_answers",
    }),
    "budgets.Project": ("proposed_by", {
        "process": "budgets.projects_proposed", "title": "budgets.projects_proposed",
        "cost": "budgets.projects_proposed",
        "district_budget": "budgets.projects_proposed",
        "description": "budgets.projects_proposed",
        "district": "budgets.projects_proposed",
        "created_at": "budgets.projects_proposed",
        "code": "withheld: the process's numbering",
        "idea": "withheld: the idea staff made it from (in ideas.ideas when it is theirs)",
        "feasibility": "withheld: staff's review", "feasibility_reason": "withheld: staff's review",
        "selected": "withheld: the public result",
        "latitude": "budgets.projects_proposed", "longitude": "budgets.projects_proposed",
        "image": "withheld: the picture staff add in their review", "image_alt": "withheld: staff's review",
    }),
    "budgets.Participation": ("user", {
        "process": "budgets.took_part_in", "channel": "budgets.took_part_in",
        "voted_on": "budgets.took_part_in", "district_budget": "budgets.took_part_in",
        "district": "budgets.took_part_in", "age_band": "budgets.took_part_in",
    }),
    "budgets.CouncilReview": ("member", {
        "process": "budgets.council_reviews", "decision": "budgets.council_reviews",
        "comment": "budgets.council_reviews", "created_at": "budgets.council_reviews",
    }),
    "budgets.Result": ("approved_by", {
        "process": "budgets.results_approved", "approved_at": "budgets.results_approved",
        **{name: "withheld: the published result of the whole process, not data about the approver"
           for name in ("rule", "selected_codes", "spent", "ballots", "fingerprint", "elections", "signature",
                        "public_key")},
        "document": "withheld: the signed result of the whole process; the approver's public name in it is "
                    "published with the result",
    }),
    "budgets.PaperBallot": ("entered_by", {
        "voter_person_key": "withheld: the census key of the voter the paper is for, not the staff member's data",
        "process": "budgets.paper_ballots", "district_budget": "budgets.paper_ballots",
        "created_at": "budgets.paper_ballots",
        "sealed_content": "withheld: an anonymous citizen's vote, not data about the staff member",
        "confirmed_by": "withheld: the colleague who confirmed it (in their own download, see ALSO_DOWNLOADED)",
    }),
    "budgets.ProjectUpdate": ("author", {
        "project": "budgets.project_updates", "text": "budgets.project_updates",
        "milestone": "budgets.project_updates", "happened_on": "budgets.project_updates",
        "created_at": "budgets.project_updates",
    }),
    "budgets.ProjectComment": ("author", {
        "project": "budgets.project_comments", "parent": "budgets.project_comments",
        "body": "budgets.project_comments", "visibility": "budgets.project_comments",
        "created_at": "budgets.project_comments",
        "body_html": "withheld: the body as HTML, the same words",
        "flag_count": "withheld: a count of other people's reports",
    }),
    "budgets.ProjectCommentFlag": ("user", {
        "comment": "budgets.project_comment_reports", "reason": "budgets.project_comment_reports",
        "explanation": "budgets.project_comment_reports", "created_at": "budgets.project_comment_reports",
        "resolved": "withheld: the moderators' handling of the report",
    }),
    "budgets.ProjectCommentEvent": ("actor", {
        "comment": "budgets.project_comment_decisions", "action": "budgets.project_comment_decisions",
        "reason": "budgets.project_comment_decisions", "created_at": "budgets.project_comment_decisions",
    }),
    "dinners.Dinner": ("host", {
        **{name: "dinners.hosted" for name in (
            "programme", "title", "welcome", "venue_type", "starts_at", "duration_minutes", "district", "seats",
            "private_seats", "address", "accessibility", "menu", "diets", "language", "status", "status_reason")},
        "reporter": "withheld: the guest the host named to write the report (that guest's own data)",
        "invite_token": "withheld: the secret of the guests' invitation link",
        "ics_sequence": "withheld: calendar bookkeeping",
        "guest_list_sent_at": "withheld: bookkeeping", "created_at": "withheld: bookkeeping",
        "updated_at": "withheld: bookkeeping",
    }),
    "dinners.Seat": ("guest", {
        "dinner": "dinners.seats", "status": "dinners.seats", "kind": "dinners.seats", "diet": "dinners.seats",
        "needs": "dinners.seats", "created_at": "dinners.seats", "confirmed_at": "dinners.seats",
        "cancelled_at": "dinners.seats", "reminded_at": "withheld: when a reminder went out",
    }),
    "dinners.MatchRequest": ("guest", {
        **{name: "dinners.requests_for_any_dinner" for name in (
            "programme", "status", "district", "diet", "needs", "earliest", "latest", "created_at")},
        "planned_dinner": "withheld: the matching's bookkeeping; the seat is in dinners.seats",
        "seat": "withheld: the seat is in dinners.seats",
    }),
    "notify.Notice": ("recipient", {
        "kind": "emails", "language": "emails", "state": "emails", "created_at": "emails", "sent_at": "emails",
        "key": "withheld: the e-mail's idempotency key, ids only",
        "context": "withheld: ids of the rows the e-mail is about (in the other sections where they are the "
                   "person's own)",
        "attempts": "withheld: bookkeeping of the sending", "error": "withheld: bookkeeping of the sending",
        "failed_at": "withheld: bookkeeping; the state says failed",
        "read_at": "emails",
        "digest": "withheld: the daily digest that carried it, itself one of the person's notices in emails",
    }),
    "notify.MailChoice": ("user", {"kind": "email_choices", "delivery": "email_choices",
                                   "updated_at": "email_choices"}),
    "dinners.Report": ("author", {
        "dinner": "dinners.reports_written", "participants": "dinners.reports_written",
        "themes": "dinners.reports_written", "submitted_at": "dinners.reports_written",
    }),
}


def person_relations():
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is User:
                yield model, field


def test_every_relation_to_a_person_is_known():
    unknown = []
    for model, field in person_relations():
        key = (model._meta.label, field.name)
        entry = DOWNLOADED.get(model._meta.label)
        if key in NOT_DOWNLOADED or key in KNOWN_GAPS or key in ALSO_DOWNLOADED or (entry and entry[0] == field.name):
            continue
        unknown.append(f"{key}: add it to the data download (and DOWNLOADED here), or to "
                       "NOT_DOWNLOADED with the reason")
    assert unknown == []


def test_every_field_of_a_downloaded_model_is_known():
    unknown, gaps = [], []
    for label, (relation, fields) in DOWNLOADED.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app not installed in this build
        for field in model._meta.concrete_fields:
            if field.primary_key or field.name == relation:
                continue
            where = fields.get(field.name)
            if where is None:
                unknown.append(f"{label}.{field.name}: put it in the download (and here), or "
                               "say here why it is withheld")
            elif where.startswith("gap:"):
                gaps.append(f"{label}.{field.name}")
    assert unknown == []
    if gaps:
        warnings.warn(f"personal data not yet in the download: {', '.join(gaps)}", stacklevel=1)


@pytest.mark.django_db
def test_downloaded_fields_really_are_in_the_owners_download(settings):
    """On the demo data plus what the demo lacks: each field said to be in the download is
    found there, for the row's own person, under the section named."""
    call_command("seed_demo", verbosity=0)
    _fill_what_the_demo_lacks()
    checked, missing = set(), []
    for label, (relation, fields) in DOWNLOADED.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        rows = model._base_manager.all()
        if relation is not None:
            rows = rows.exclude(**{f"{relation}__isnull": True}).exclude(
                **{f"{relation}__is_deleted_placeholder": True})
        else:
            rows = rows.exclude(is_deleted_placeholder=True)
        for row in rows.order_by("pk")[:3]:
            owner = row if relation is None else getattr(row, relation)
            document = user_personal_data(user=owner)
            for name, where in fields.items():
                if where.startswith(("withheld:", "gap:")):
                    continue
                section, _, key = where.partition(".")
                assert document.get(section), f"{label}: no section {section!r}"
                if key:
                    assert key in document[section], f"{label}: no {where!r} in the download"
                field = model._meta.get_field(name)
                value = getattr(row, field.attname)
                if value in (None, "") or isinstance(value, bool) or field.is_relation:
                    continue  # ids of related rows and flags are not found as plain text
                expected = value.isoformat() if hasattr(value, "isoformat") else str(value)
                expected = json.dumps(expected, ensure_ascii=False)[1:-1]  # as written in JSON
                part = document[section][key] if key else document[section]
                if expected not in json.dumps(part, cls=DjangoJSONEncoder, ensure_ascii=False):
                    missing.append(f"{label}.{name} = {expected!r} (row {row.pk}) not in {where}")
                checked.add(label)
    assert missing == []
    # Every downloaded model of this build had rows to check.
    assert {label for label in DOWNLOADED if _model_exists(label)} - checked == set()


def _model_exists(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def _fill_what_the_demo_lacks():
    """Rows of models the demo may not have, made through the services."""
    from ideas import services as idea_services
    from ideas.models import Comment, Flag, Idea, ModerationEvent, StatusChange

    citizen = User.objects.get(email="borger@example.dk")
    moderator = User.objects.get(email="moderator@example.dk")
    from tests.factories import api_token

    api_token(citizen)
    # An e-ID verification and its sign-in, as accounts.eid records them.
    from allauth.socialaccount.models import SocialAccount

    from accounts.census import person_key
    from accounts.models import Verification

    Verification.objects.get_or_create(user=citizen, defaults={
        "person_key": person_key("0101801234"), "issuer": "https://test-id.example", "level_of_assurance": "substantial",
        "birth_year": 1980, "verified_at": timezone.now()})
    SocialAccount.objects.get_or_create(user=citizen, provider="test-id-aarhus",
                                        defaults={"uid": person_key("sub"), "extra_data": {"iss": "x", "acr": "y"},
                                                  "last_login": timezone.now()})
    from tests.factories import UserFactory, second_factor_add

    second_factor_add(moderator).record_usage()
    from tests.ideas.factories import IdeaFactory

    neighbour = UserFactory(municipality=citizen.municipality)
    campaign = Idea.objects.filter(author=citizen).first().campaign
    ideas = [IdeaFactory(campaign=campaign, author=neighbour) for _ in range(3)]
    if not Flag.objects.exists():
        idea_services.flag_add(user=citizen, idea=ideas[0], reason="spam", explanation="Reklame")
    if not Comment.objects.filter(parent__isnull=False).exists():
        parent = Comment.objects.filter(parent__isnull=True).first()
        idea_services.comment_add(author=citizen, idea=parent.idea, body="Enig!", parent=parent)
    if not ModerationEvent.objects.exclude(actor=None).exists():
        idea_services.moderation_hide(actor=moderator, reason="Personoplysninger", idea=ideas[1])
    if not StatusChange.objects.exists():
        staff = User.objects.get(email="staff@example.dk")
        idea = ideas[2]
        idea_services.idea_status_change(actor=staff, idea=idea, answer="Vi ser på det.",
                                         to_status=idea_services.allowed_next_statuses(idea.status)[0])
    from budgets.models import BudgetProcess, Project
    from dinners import services as dinner_services
    from dinners.models import MatchRequest, Programme
    from tests.budgets.factories import ProjectFactory

    programme = Programme.objects.first()
    if not MatchRequest.objects.exists() and programme is not None:
        dinner_services.match_request_create(programme=programme, guest=citizen, earliest=programme.dinners_from,
                                             latest=programme.dinners_until,
                                             district=programme.municipality.districts.first(), diet="Vegansk")
    if not Project.objects.exclude(proposed_by=None).exists():
        ProjectFactory(process=BudgetProcess.objects.first(), proposed_by=citizen,
                       title="Bålplads i Riis Skov", cost=45_000)
    from budgets.models import PaperBallot, ProjectUpdate
    from budgets.secrecy import seal_paper

    staff = User.objects.get(email="staff@example.dk")
    project = Project.objects.exclude(proposed_by=None).first()
    if not PaperBallot.objects.exists():
        colleague = UserFactory(municipality=citizen.municipality)
        PaperBallot.objects.create(process=project.process, sealed_content=seal_paper({"projects": [project.code]}),
                                   entered_by=staff, confirmed_by=colleague)
    from notify.services import mail_choices_set

    mail_choices_set(user=citizen, choices={"dinners.reminder": "never"})
    from budgets.comments import services as comment_services
    from budgets.models import ProjectComment, ProjectCommentEvent, ProjectCommentFlag

    commented = ProjectComment.objects.exclude(author=citizen).first()
    if commented is not None and not ProjectCommentFlag.objects.exists():
        comment_services.project_comment_flag(comment=commented, user=citizen, reason="off_topic",
                                              explanation="Handler ikke om projektet")
    if commented is not None and not ProjectCommentEvent.objects.exclude(actor=None).exists():
        comment_services.project_comment_hide(actor=moderator, comment=commented, reason="Uden for emnet")
    if not ProjectUpdate.objects.exists():
        ProjectUpdate.objects.create(project=project, author=staff, text="Gravemaskinen er bestilt.",
                                     milestone="Byggestart", happened_on=timezone.localdate())


@pytest.mark.django_db
def test_staff_find_their_paper_ballots_and_updates_but_no_ballot_content():
    from budgets import services
    from budgets.models import PaperBallot
    from budgets.secrecy import seal_paper
    from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
    from tests.factories import UserFactory

    process = BudgetProcessFactory(phase="implementation")
    project = ProjectFactory(process=process, code="X7", selected=True)
    typist, checker = UserFactory(), UserFactory()
    paper = PaperBallot.objects.create(process=process, sealed_content=seal_paper({"projects": ["X7"]}),
                                       entered_by=typist)
    paper.confirmed_by = checker
    paper.save()
    services.project_update_post(project=project, author=typist, text="Bestilt.", milestone="Start")

    typed = user_personal_data(user=typist)["budgets"]
    confirmed = user_personal_data(user=checker)["budgets"]
    assert [p["as"] for p in typed["paper_ballots"]] == ["entered"]
    assert [p["as"] for p in confirmed["paper_ballots"]] == ["confirmed"]
    assert typed["project_updates"][0]["text"] == "Bestilt."
    assert "X7" not in json.dumps(typed["paper_ballots"]) + json.dumps(confirmed["paper_ballots"]), \
        "what an anonymous citizen voted is not the staff member's data"
