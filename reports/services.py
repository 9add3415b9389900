"""Writes of the reports app: the innovation registry (staff register, edit, remove and import
records; an implemented idea becomes one) and the co-creation questionnaire.

Every change to an innovation record moves the data version on, so cached report figures
are computed afresh."""
from __future__ import annotations

import contextlib
import time

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Municipality
from ideas.models import Idea
from ideas.services.staff import ROLE_FIELDS

from . import innovation_csv
from .models import SCORE_FIELDS, CoCreationInvitation, Innovation

DATA_VERSION_KEY = "reports:innovations:version"
EDITABLE_FIELDS = [
    "title", "description", "year", "sector_level", "subsector", "innovation_type",
    "citizens_initiated", "citizens_initiated_note", "citizens_promoted", "citizens_promoted_note",
    "citizens_cocreated", "citizens_cocreated_note", "partner_companies", "partner_associations",
    "partner_public_bodies", "value_quality", "value_efficiency", "value_employee_satisfaction",
    "value_citizen_involvement", "value_political_goals", "weight",
]


def innovation_data_version() -> int:
    """A number that changes whenever an innovation record changes (a cache key part).
    If the cache lost it, a new one starts from the clock, so it never repeats."""
    try:
        version = cache.get(DATA_VERSION_KEY)
        if version is None:
            cache.add(DATA_VERSION_KEY, time.time_ns(), None)
            version = cache.get(DATA_VERSION_KEY, time.time_ns())
        return int(version)
    except Exception:  # noqa: BLE001 - without a cache, figures are simply not reused
        return time.time_ns()


def _bump_after_commit() -> None:
    def bump():
        with contextlib.suppress(Exception):
            try:
                cache.incr(DATA_VERSION_KEY)
            except ValueError:
                cache.set(DATA_VERSION_KEY, time.time_ns(), None)

    transaction.on_commit(bump)


def _check_ideas(municipality: Municipality, ideas) -> list:
    ideas = list(ideas)
    if any(idea.municipality_id != municipality.pk for idea in ideas):
        raise ValidationError({"ideas": _("Only ideas from the same municipality can be linked.")})
    return ideas


def innovation_changed() -> None:
    """Tell the reports that innovation records changed (called by every write here)."""
    _bump_after_commit()


@transaction.atomic
def innovation_create(*, municipality: Municipality, ideas=(), **fields) -> Innovation:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown innovation fields: {sorted(unknown)}")
    fields.setdefault("year", timezone.localdate().year)
    ideas = _check_ideas(municipality, ideas)
    innovation = Innovation(municipality=municipality, **fields)
    innovation.full_clean()
    innovation.save()
    if ideas:
        innovation.ideas.set(ideas)
    innovation_changed()
    return innovation


@transaction.atomic
def innovation_update(*, innovation: Innovation, ideas=None, **fields) -> Innovation:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"unknown innovation fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(innovation, name, value)
    innovation.full_clean()
    innovation.save()
    if ideas is not None:
        innovation.ideas.set(_check_ideas(innovation.municipality, ideas))
    innovation_changed()
    return innovation


@transaction.atomic
def innovation_delete(*, innovation: Innovation) -> None:
    innovation.delete()
    innovation_changed()


@transaction.atomic
def innovations_import(*, municipality: Municipality, data: bytes | str) -> dict:
    """Import innovation records from CSV, all or nothing.

    A row whose id is one of this municipality's records updates it; other rows become new
    records. Raises ValidationError with one message per bad cell ("line 3, column
    weight: ...") and then imports nothing."""
    parsed = innovation_csv.parse(data)
    errors = list(parsed.errors)
    for row in parsed.rows:
        if row["municipality"] not in (municipality.slug, municipality.name):
            errors.append(innovation_csv.CsvError(row["line"], "municipality", _(
                "must be %(slug)s: a file is imported into one municipality") % {"slug": municipality.slug}))
        if row["country"] != municipality.country:
            errors.append(innovation_csv.CsvError(row["line"], "country", _(
                "must be %(country)s, the municipality's country") % {"country": municipality.country}))
    if errors:
        errors.sort(key=lambda e: e.line)
        raise ValidationError([str(e) for e in errors])
    ids = [row["id"] for row in parsed.rows if row["id"]]
    existing = Innovation.objects.filter(municipality=municipality, pk__in=ids).in_bulk()
    this_year = timezone.localdate().year
    created, updated = [], []
    for row in parsed.rows:
        values = {name: row[name] for name in innovation_csv.COLUMNS[3:]}
        if row.get("year"):
            values["year"] = row["year"]
        if row.get("title"):
            values["title"] = row["title"]
        innovation = existing.get(row["id"])
        if innovation is None:
            values.setdefault("year", this_year)
            values.setdefault("title", _("Innovation from line %(line)s") % {"line": row["line"]})
            innovation = Innovation(municipality=municipality, **values)
            created.append(innovation)
        else:
            for name, value in values.items():
                setattr(innovation, name, value)
            updated.append(innovation)
        try:
            innovation.full_clean(exclude=["municipality"], validate_unique=False)
        except ValidationError as error:
            errors.extend(innovation_csv.CsvError(row["line"], name, "; ".join(messages))
                          for name, messages in error.message_dict.items())
    if errors:
        raise ValidationError([str(e) for e in errors])
    now = timezone.now()
    for innovation in created + updated:
        innovation.updated_at = now
    Innovation.objects.bulk_create(created, batch_size=2000)
    fields = [*innovation_csv.COLUMNS[3:], "year", "title", "updated_at"]
    Innovation.objects.bulk_update(updated, fields, batch_size=2000)
    innovation_changed()
    return {"created": len(created), "updated": len(updated)}


@transaction.atomic
def innovation_from_idea(*, idea: Idea) -> Innovation:
    """An implemented idea becomes an innovation record carrying the citizens' roles; staff
    complete its type, subsector and values. Calling it again changes nothing.

    Called for `ideas.signals.idea_implemented` (connected in reports' AppConfig), inside the
    idea's status change."""
    existing = idea.innovations.first()
    if existing is not None:
        return existing
    innovation = Innovation(
        municipality=idea.municipality, title=idea.title[:200], description=idea.body,
        year=timezone.localdate().year,
        **{name: getattr(idea, name) for name in ROLE_FIELDS},
    )
    innovation.full_clean()
    innovation.save()
    innovation.ideas.add(idea)
    innovation_changed()
    return innovation


# The co-creation questionnaire.
@transaction.atomic
def invitation_create(*, innovation: Innovation, party: str, label: str = "", actor=None) -> CoCreationInvitation:
    """A personal link for one person (citizen or staff) to answer about an innovation."""
    invitation = CoCreationInvitation(innovation=innovation, party=party, label=label, created_by=actor)
    invitation.full_clean()
    invitation.save()
    return invitation


@transaction.atomic
def invitation_answer(*, invitation: CoCreationInvitation, scores: dict[str, int]) -> CoCreationInvitation:
    """Record (or revise) one person's twelve answers."""
    missing = [name for name in SCORE_FIELDS if scores.get(name) is None]
    if missing:
        raise ValidationError({name: _("Choose a number from 1 to 5.") for name in missing})
    invitation = CoCreationInvitation.objects.select_for_update().get(pk=invitation.pk)
    for name in SCORE_FIELDS:
        setattr(invitation, name, int(scores[name]))
    invitation.answered_at = timezone.now()
    invitation.full_clean()
    invitation.save()
    return invitation
