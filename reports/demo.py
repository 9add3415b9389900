"""Demo innovation records whose figures resemble the barometer chapter's (about 63 % with
citizens in Aarhus, 66 % in Bergen; citizens raise involvement and quality), and one
co-created innovation with answered co-creation questionnaires. Idempotent."""
from __future__ import annotations

import random
from decimal import Decimal

from django.contrib.auth import get_user_model

from accounts.models import Municipality

from . import services
from .models import SCORE_FIELDS, Innovation, InnovationType, Party, Subsector

TITLE = {"aarhus": "Registreret innovation nr. {n}", "bergen": "Registrert innovasjon nr. {n}"}
COUNT = {"aarhus": 320, "bergen": 220}
WITH_CITIZENS = {"aarhus": 0.63, "bergen": 0.66}
COCREATED_TITLE = "Legepladsen i Gellerup, bygget med beboerne"


def _records(municipality: Municipality, have: set[str]) -> list[Innovation]:
    rng = random.Random(f"hoest-demo-{municipality.slug}")  # noqa: S311  # nosec B311 - demo data, not security
    new = []
    for n in range(1, COUNT[municipality.slug] + 1):
        with_citizens = rng.random() < WITH_CITIZENS[municipality.slug]
        roles = [False, False, False]
        while with_citizens and not any(roles):
            roles = [rng.random() < p for p in (0.5, 0.45, 0.5)]
        p_value = {"quality": 0.45 + 0.25 * with_citizens, "efficiency": 0.5 + 0.05 * with_citizens,
                   "employee_satisfaction": 0.4 + 0.05 * with_citizens,
                   "citizen_involvement": 0.25 + 0.4 * with_citizens, "political_goals": 0.5}
        fields = {
            "title": TITLE[municipality.slug].format(n=n), "year": rng.choice([2023, 2024, 2025]),
            "innovation_type": rng.choice(InnovationType.values), "subsector": rng.choice(Subsector.values),
            "citizens_initiated": roles[0], "citizens_promoted": roles[1], "citizens_cocreated": roles[2],
            **{f"value_{v}": rng.random() < p for v, p in p_value.items()},
            "weight": Decimal(1),
        }
        if fields["title"] not in have:
            new.append(Innovation(municipality=municipality, **fields))
    return new


def seed() -> list[str]:
    lines = []
    for slug in ("aarhus", "bergen"):
        municipality = Municipality.objects.get(slug=slug)
        have = set(Innovation.objects.filter(municipality=municipality).values_list("title", flat=True))
        new = _records(municipality, have)
        Innovation.objects.bulk_create(new)
        if new:
            services.innovation_changed()
        lines.append(f"Innovation records: {Innovation.objects.filter(municipality=municipality).count()} in "
                     f"{municipality.name} (reports at /reports/m/{slug}/)")
    aarhus = Municipality.objects.get(slug="aarhus")
    staff = get_user_model().objects.get(email="staff@example.dk")
    innovation, created = Innovation.objects.get_or_create(
        municipality=aarhus, title=COCREATED_TITLE,
        defaults={"year": 2025, "subsector": Subsector.CULTURE, "innovation_type": InnovationType.SERVICE,
                  "citizens_cocreated": True, "citizens_cocreated_note": "Beboere og medarbejdere tegnede og byggede.",
                  "value_citizen_involvement": True, "value_quality": True})
    if created:
        services.innovation_changed()
        answers = [(Party.CITIZEN, [4, 3, 4, 5, 4, 4, 4, 5, 3, 2, 3, 2]), (Party.CITIZEN, [3, 3, 4, 4, 5, 4, 5, 4, 4, 2, 2, 3]),
                   (Party.STAFF, [5, 4, 4, 4, 4, 5, 4, 4, 4, 3, 3, 4])]
        for party, scores in answers:
            invitation = services.invitation_create(innovation=innovation, party=party, actor=staff)
            services.invitation_answer(invitation=invitation, scores=dict(zip(SCORE_FIELDS, scores, strict=True)))
    lines.append(f"Co-creation profile: /reports/innovations/{innovation.pk}/cocreation/ (staff@example.dk)")
    return lines
