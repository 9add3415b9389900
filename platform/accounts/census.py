"""The census of eligible residents (accounts.models.CensusEntry): staff upload it as CSV,
checked line by line, and nothing is stored unless every line is right. It is the census,
never the profile, that decides where a letter-code or paper voter lives and how old they
are (budgets.services)."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import CensusEntry, District, Municipality

MAX_BYTES = 50 * 1024 * 1024
MAX_ERRORS_SHOWN = 50
_IDENTIFIER = re.compile(r"^\d{6}-?\d{4,5}$")  # CPR (ddmmyy-xxxx) or fødselsnummer (11 digits)
FIELDS = ("person_id", "birth_year", "district")


def person_key(identifier: str) -> str:
    """The keyed hash a person's national identifier is stored as. The key is IDENTITY_KEY
    (or derived from SECRET_KEY), never in the database."""
    secret = getattr(settings, "IDENTITY_KEY", "") or settings.SECRET_KEY
    key = hashlib.sha256(f"hoest.accounts.person:{secret}".encode()).digest()
    return hmac.digest(key, identifier.replace("-", "").strip().encode(), "sha256").hex()


@dataclass(frozen=True)
class Row:
    line: int
    person_key: str
    birth_year: int
    district: District | None


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValidationError(_("The file is not a CSV text file (it contains binary data)."), code="binary")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file must be UTF-8 encoded text (save it as “CSV UTF-8”)."),
                              code="encoding") from None


def too_large_message() -> str:
    return _("The file is larger than 50 MB.")  # MAX_BYTES


def parse(municipality: Municipality, data: bytes) -> list[Row]:
    """Every row of the file, or a ValidationError listing each wrong line by number."""
    if len(data) > MAX_BYTES:
        raise ValidationError(too_large_message(), code="size")
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel in Danish and Norwegian saves CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = [h.strip().lower() for h in next(reader, [])]
    if tuple(header[:3]) != FIELDS:
        raise ValidationError(_("The first line must name the columns: person_id, birth_year, district."),
                              code="header")
    districts = {}
    for district in municipality.districts.all():
        districts[district.name.casefold()] = district
        districts[district.slug.casefold()] = district
    this_year = timezone.localdate().year
    rows: list[Row] = []
    errors: list[str] = []
    seen: dict[str, int] = {}
    try:
        lines = list(enumerate(reader, start=2))
    except csv.Error as error:
        raise ValidationError(_("Line %(line)s: the CSV is broken there (%(error)s).")
                              % {"line": reader.line_num, "error": error}, code="csv") from None
    for number, fields in lines:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) < 3:
            errors.append(_("Line %(line)s: three columns are needed (person_id, birth_year, district).")
                          % {"line": number})
            continue
        identifier, year, district_name = (f.strip() for f in fields[:3])
        if not _IDENTIFIER.match(identifier):
            errors.append(_("Line %(line)s: “person_id” must be a CPR or national identity number.")
                          % {"line": number})
            continue
        if not year.isdigit() or not 1900 <= int(year) <= this_year:
            errors.append(_("Line %(line)s: “birth_year” must be a year between 1900 and %(year)s.")
                          % {"line": number, "year": this_year})
            continue
        district = None
        if district_name:
            district = districts.get(district_name.casefold())
            if district is None:
                errors.append(_("Line %(line)s: %(municipality)s has no district called “%(district)s”.")
                              % {"line": number, "municipality": municipality.name, "district": district_name[:60]})
                continue
        key = person_key(identifier)
        if key in seen:
            errors.append(_("Line %(line)s: the same person is already on line %(first)s.")
                          % {"line": number, "first": seen[key]})
            continue
        seen[key] = number
        rows.append(Row(number, key, int(year), district))
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… and %(count)s more lines with errors.") % {"count": len(errors) - MAX_ERRORS_SHOWN})
        raise ValidationError(shown, code="lines")
    if not rows:
        raise ValidationError(_("The file lists nobody."), code="empty")
    return rows


@transaction.atomic
def census_replace(*, municipality: Municipality, data: bytes) -> int:
    """The municipality's census becomes the file's residents: each person's birth year and
    district are updated, people no longer listed are removed. All or nothing."""
    rows = parse(municipality, data)
    CensusEntry.objects.bulk_create(
        [CensusEntry(municipality=municipality, person_key=r.person_key, birth_year=r.birth_year,
                     district=r.district) for r in rows],
        update_conflicts=True, unique_fields=["municipality", "person_key"],
        update_fields=["birth_year", "district", "uploaded_at"], batch_size=2000)
    CensusEntry.objects.filter(municipality=municipality).exclude(
        person_key__in=[r.person_key for r in rows]).delete()
    return len(rows)


def census_lookup(*, municipality: Municipality, identifier: str) -> CensusEntry | None:
    if not _IDENTIFIER.match(identifier.strip()):
        return None
    return (CensusEntry.objects.select_related("district")
            .filter(municipality=municipality, person_key=person_key(identifier)).first())


def census_entry(*, municipality: Municipality, person_key: str) -> CensusEntry | None:
    return CensusEntry.objects.filter(municipality=municipality, person_key=person_key).first()


def census_summary(*, municipality: Municipality) -> dict:
    entries = CensusEntry.objects.filter(municipality=municipality)
    by_district = list(entries.values("district__name").annotate(n=Count("pk")).order_by("district__name"))
    latest = entries.order_by("-uploaded_at").values_list("uploaded_at", flat=True).first()
    return {"total": sum(d["n"] for d in by_district), "by_district": by_district, "uploaded_at": latest}
