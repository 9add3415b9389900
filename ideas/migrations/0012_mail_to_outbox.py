"""Ideas' e-mails move to notify's outbox: every e-mail `SentMail` says went out becomes a
sent notice with the same key (so it is never sent again), and every status change or
moderation event still waiting for its e-mails becomes queued notices for the e-mails it
still owes (the sweep sends them). The budget results' e-mails, whose keys were kept in
`SentMail` too, move the same way. The next migration removes `SentMail` and the marks."""
from django.conf import settings
from django.db import migrations

BATCH = 1000


def _language(user) -> str:
    return user.preferred_language or settings.LANGUAGE_CODE


def _notice(Notice, *, kind, key, user, context, **fields):
    return Notice(kind=kind, key=key[:120], recipient_id=user.pk, language=_language(user), context=context,
                  **fields)


def _parse(key: str):
    """(kind, recipient id or None, context) of an old key, or None for a key not known."""
    parts = key.split(":")
    try:
        if parts[0] == "status" and len(parts) == 3:
            return "ideas.status_changed", int(parts[2]), {"change": int(parts[1])}
        if parts[0] == "hidden" and len(parts) == 2:
            return "ideas.hidden", None, {"event": int(parts[1])}
        if parts[0] == "merged" and len(parts) == 2:
            return "ideas.merged", None, {"event": int(parts[1])}
        if parts[0] == "result" and len(parts) == 4:
            return "budgets.result", int(parts[3]), {"result": int(parts[1]), "idea": int(parts[2])}
    except ValueError:
        return None
    return None


def forwards(apps, schema_editor):
    SentMail = apps.get_model("ideas", "SentMail")
    StatusChange = apps.get_model("ideas", "StatusChange")
    ModerationEvent = apps.get_model("ideas", "ModerationEvent")
    Follow = apps.get_model("ideas", "Follow")
    Notice = apps.get_model("notify", "Notice")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))

    def author_of(event):
        return event.comment.author if event.comment_id else event.idea.author

    # 1. What was sent stays sent.
    rows = []
    for mail in SentMail.objects.order_by("pk").iterator():
        parsed = _parse(mail.key)
        if parsed is None:
            continue
        kind, user_id, context = parsed
        if user_id is None:
            event = (ModerationEvent.objects.select_related("idea__author", "comment__author")
                     .filter(pk=context["event"]).first())
            user = author_of(event) if event is not None else None
        else:
            user = User.objects.filter(pk=user_id).first()
        if user is None:
            continue  # the account is gone, and nothing can be owed to it any more
        rows.append(_notice(Notice, kind=kind, key=mail.key, user=user, context=context, state="sent",
                            created_at=mail.sent_at, sent_at=mail.sent_at))
        if len(rows) >= BATCH:
            Notice.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Notice.objects.bulk_create(rows, ignore_conflicts=True)

    # 2. What is still owed is queued, dated when it was owed (the next sweep sends it).
    rows = []
    pending = StatusChange.objects.filter(notified_at__isnull=True, mail_failed_at__isnull=True)
    for change in pending.select_related("idea__author").iterator():
        recipients = {f.user_id: f.user for f in Follow.objects.filter(idea_id=change.idea_id).select_related("user")}
        if not change.idea.author.is_deleted_placeholder:
            recipients.setdefault(change.idea.author_id, change.idea.author)
        rows += [_notice(Notice, kind="ideas.status_changed", key=f"status:{change.pk}:{user.pk}", user=user,
                         context={"change": change.pk}, created_at=change.created_at)
                 for user in recipients.values()]
    events = ModerationEvent.objects.filter(notified_at__isnull=True, mail_failed_at__isnull=True,
                                            action__in=["hide", "merge"])
    for event in events.select_related("idea__author", "comment__author").iterator():
        kind, key = ("ideas.hidden", f"hidden:{event.pk}") if event.action == "hide" else (
            "ideas.merged", f"merged:{event.pk}")
        rows.append(_notice(Notice, kind=kind, key=key, user=author_of(event), context={"event": event.pk},
                            created_at=event.created_at))
    # ignore_conflicts: a key sent already (step 1) stays sent.
    Notice.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)


def backwards(apps, schema_editor):
    """What was sent is remembered by `SentMail` again; changes and events with nothing left
    queued are marked notified, the others stay for the old sweeps."""
    from django.utils import timezone

    SentMail = apps.get_model("ideas", "SentMail")
    StatusChange = apps.get_model("ideas", "StatusChange")
    ModerationEvent = apps.get_model("ideas", "ModerationEvent")
    Notice = apps.get_model("notify", "Notice")
    mine = Notice.objects.filter(kind__in=["ideas.status_changed", "ideas.hidden", "ideas.merged", "budgets.result"])
    SentMail.objects.bulk_create([SentMail(key=n.key, sent_at=n.sent_at or n.created_at)
                                  for n in mine.filter(state="sent").iterator()],
                                 batch_size=BATCH, ignore_conflicts=True)
    queued = mine.filter(state="queued")
    owed_changes = {n.context.get("change") for n in queued.filter(kind="ideas.status_changed")}
    owed_events = {n.context.get("event") for n in queued.filter(kind__in=["ideas.hidden", "ideas.merged"])}
    now = timezone.now()
    StatusChange.objects.exclude(pk__in=owed_changes).update(notified_at=now)
    ModerationEvent.objects.exclude(pk__in=owed_events).update(notified_at=now)


class Migration(migrations.Migration):

    dependencies = [
        ("ideas", "0011_merge_settings_log_contact"),
        ("notify", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
