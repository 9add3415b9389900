"""Dinners' notices move to notify's outbox, each with its key, state and dates (a sent
notice stays sent, a queued one is sent by the next sweep). The next migration removes the
old table."""
from django.conf import settings
from django.db import migrations

BATCH = 1000


def forwards(apps, schema_editor):
    OldNotice = apps.get_model("dinners", "Notice")
    Notice = apps.get_model("notify", "Notice")
    rows = []
    for old in OldNotice.objects.select_related("recipient").order_by("pk").iterator():
        state = "sent" if old.sent_at else "failed" if old.failed_at else "queued"
        rows.append(Notice(
            kind=f"dinners.{old.kind}", key=old.key, recipient_id=old.recipient_id,
            language=old.recipient.preferred_language or settings.LANGUAGE_CODE,
            context={"dinner": old.dinner_id, "seat": old.seat_id, "programme": old.programme_id},
            state=state, created_at=old.created_at, sent_at=old.sent_at, failed_at=old.failed_at))
        if len(rows) >= BATCH:
            Notice.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Notice.objects.bulk_create(rows, ignore_conflicts=True)


def backwards(apps, schema_editor):
    OldNotice = apps.get_model("dinners", "Notice")
    Notice = apps.get_model("notify", "Notice")
    Dinner, Seat, Programme = (apps.get_model("dinners", name) for name in ("Dinner", "Seat", "Programme"))
    rows = []
    for notice in Notice.objects.filter(kind__startswith="dinners.").iterator():
        context = notice.context
        dinner = context.get("dinner") if Dinner.objects.filter(pk=context.get("dinner")).exists() else None
        seat = context.get("seat") if Seat.objects.filter(pk=context.get("seat")).exists() else None
        programme = context.get("programme") if Programme.objects.filter(pk=context.get("programme")).exists() else None
        rows.append(OldNotice(
            key=notice.key, kind=notice.kind.removeprefix("dinners."), recipient_id=notice.recipient_id,
            dinner_id=dinner, seat_id=seat, programme_id=programme, created_at=notice.created_at,
            sent_at=notice.sent_at or (notice.created_at if notice.state == "skipped" else None),
            failed_at=notice.failed_at))
    OldNotice.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("dinners", "0002_mail_failed"),
        ("notify", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
