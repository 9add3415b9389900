"""The innovation registry's move from ideas to reports (reports 0002, ideas 0014, reports 0003)
keeps every record: an innovation linked to two ideas and its co-creation invitation, made in
the tables as they were, are the same rows under reports' model afterwards; the content type
follows the model, so its permissions and the admin's history stay attached; and the way back
gives the old tables with the same rows."""
from decimal import Decimal

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from reports import services
from reports.models import Innovation
from tests.factories import MunicipalityFactory, UserFactory
from tests.ideas.factories import CampaignFactory, IdeaFactory

BEFORE = [("ideas", "0013_sent_mail_and_marks_removed"), ("reports", "0001_initial")]
OLD_TABLES = ["ideas_innovation", "ideas_innovation_ideas"]
NEW_TABLES = ["reports_innovation", "reports_innovation_ideas"]


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    state = MigrationExecutor(connection).loader.project_state([t for t in targets if t[1] is not None])
    ContentType.objects.clear_cache()  # the migrations changed the rows behind it
    return state.apps


def _innovation_tables() -> list[str]:
    with connection.cursor() as cursor:
        return sorted(name for name in connection.introspection.table_names(cursor) if "innovation" in name
                      and "cocreation" not in name)


@pytest.fixture
def back_to_the_latest_afterwards():
    yield
    _migrate()


@pytest.mark.django_db(transaction=True)
def test_innovations_their_ideas_and_invitations_move_to_reports_and_back(back_to_the_latest_afterwards):
    municipality = MunicipalityFactory(slug="aarhus")
    campaign = CampaignFactory(municipality=municipality)
    first, second, unlinked = (IdeaFactory(campaign=campaign) for _ in range(3))
    staff = UserFactory(municipality=municipality)

    old = _migrate(BEFORE)  # the tables as they were, with the rows below in them
    assert _innovation_tables() == OLD_TABLES
    OldInnovation, OldInvitation = old.get_model("ideas", "Innovation"), old.get_model("reports", "CoCreationInvitation")
    OldContentType, OldPermission = old.get_model("contenttypes", "ContentType"), old.get_model("auth", "Permission")
    innovation = OldInnovation.objects.create(
        municipality_id=municipality.pk, title="Legepladsen bygget med beboerne", description="Tegnet sammen",
        year=2024, subsector="culture", innovation_type="process", citizens_cocreated=True,
        citizens_cocreated_note="Beboerne byggede", value_quality=True, weight=Decimal("2.5"))
    innovation.ideas.add(first.pk, second.pk)
    other = OldInnovation.objects.create(municipality_id=municipality.pk, title="Uden borgere", year=2023)
    invitation = OldInvitation.objects.create(innovation_id=innovation.pk, party="citizen", label="Beboer",
                                              created_by_id=staff.pk, equal_standing_1=4, leadership_3=2)
    content_type, _ = OldContentType.objects.get_or_create(app_label="ideas", model="innovation")
    permission, _ = OldPermission.objects.get_or_create(content_type=content_type, codename="change_innovation",
                                                        defaults={"name": "Can change innovation"})
    entry = LogEntry.objects.create(  # the admin's table is the same before and after
        content_type_id=content_type.pk, object_id=str(innovation.pk), object_repr=innovation.title,
        action_flag=CHANGE, change_message="[]", user_id=staff.pk)

    _migrate()
    assert _innovation_tables() == NEW_TABLES
    moved = Innovation.objects.get(pk=innovation.pk)
    assert (moved.municipality, moved.title, moved.description, moved.year, moved.subsector,
            moved.innovation_type, moved.citizens_cocreated, moved.citizens_cocreated_note,
            moved.value_quality, moved.weight, moved.created_at) == (
        municipality, innovation.title, innovation.description, 2024, "culture", "process", True,
        "Beboerne byggede", True, Decimal("2.5"), innovation.created_at)
    assert sorted(moved.ideas.values_list("pk", flat=True)) == sorted([first.pk, second.pk])
    assert list(first.innovations.all()) == [moved] == list(second.innovations.all())
    assert not unlinked.innovations.exists() and not Innovation.objects.get(pk=other.pk).ideas.exists()
    assert list(moved.cocreation_invitations.values_list("pk", "label", "equal_standing_1", "leadership_3",
                                                         "created_by", "token")) == [
        (invitation.pk, "Beboer", 4, 2, staff.pk, invitation.token)]
    assert ContentType.objects.get_for_model(Innovation).pk == content_type.pk
    assert not ContentType.objects.filter(app_label="ideas", model="innovation").exists()
    assert Permission.objects.get(pk=permission.pk).content_type.app_label == "reports"
    assert LogEntry.objects.get(pk=entry.pk).get_edited_object() == moved
    newer = services.innovation_create(municipality=municipality, title="Efter flytningen", ideas=[unlinked])
    assert newer.pk > other.pk and list(unlinked.innovations.all()) == [newer]

    old = _migrate(BEFORE)
    assert _innovation_tables() == OLD_TABLES
    OldInnovation = old.get_model("ideas", "Innovation")
    assert OldInnovation.objects.count() == 3
    assert sorted(OldInnovation.objects.get(pk=innovation.pk).ideas.values_list("pk", flat=True)) == sorted(
        [first.pk, second.pk])
    assert old.get_model("reports", "CoCreationInvitation").objects.get(pk=invitation.pk).innovation_id == innovation.pk
    assert old.get_model("contenttypes", "ContentType").objects.get(pk=content_type.pk).app_label == "ideas"


@pytest.mark.django_db(transaction=True)
def test_a_content_type_made_half_way_gives_way_to_the_one_with_the_history(back_to_the_latest_afterwards):
    staff = UserFactory()
    old = _migrate(BEFORE)
    OldContentType = old.get_model("contenttypes", "ContentType")
    content_type, _ = OldContentType.objects.get_or_create(app_label="ideas", model="innovation")
    # As if content types had been made between reports 0002 and 0003, for the model as it is.
    OldContentType.objects.get_or_create(app_label="reports", model="innovation")
    entry = LogEntry.objects.create(
        content_type_id=content_type.pk, object_id="1", object_repr="Gammel", action_flag=CHANGE,
        change_message="[]", user_id=staff.pk)

    _migrate()
    assert list(ContentType.objects.filter(model="innovation").values_list("pk", "app_label")) == [
        (content_type.pk, "reports")]
    assert LogEntry.objects.get(pk=entry.pk).content_type_id == content_type.pk
