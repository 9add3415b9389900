"""The e-mails about approved results that are still owed become queued notices in
notify's outbox (the e-mails already sent moved there with ideas' `SentMail`, under the
same keys, so none is sent again). The next migration removes the marks on the result."""
from django.conf import settings
from django.db import migrations


def forwards(apps, schema_editor):
    Result = apps.get_model("budgets", "Result")
    Project = apps.get_model("budgets", "Project")
    Follow = apps.get_model("ideas", "Follow")
    Notice = apps.get_model("notify", "Notice")
    rows = []
    for result in Result.objects.filter(followers_emailed_at__isnull=True,
                                        followers_email_failed_at__isnull=True).iterator():
        ideas = Project.objects.filter(process_id=result.process_id, idea__isnull=False).values_list("idea_id",
                                                                                                   flat=True)
        for follow in Follow.objects.filter(idea_id__in=list(ideas)).select_related("user"):
            rows.append(Notice(
                kind="budgets.result", key=f"result:{result.pk}:{follow.idea_id}:{follow.user_id}",
                recipient_id=follow.user_id, language=follow.user.preferred_language or settings.LANGUAGE_CODE,
                context={"result": result.pk, "idea": follow.idea_id}, created_at=result.approved_at))
    # ignore_conflicts: a key sent already stays sent.
    Notice.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)


def backwards(apps, schema_editor):
    """Results with no e-mail left queued are marked e-mailed; the others stay for the old sweep."""
    from django.utils import timezone

    Result = apps.get_model("budgets", "Result")
    Notice = apps.get_model("notify", "Notice")
    owed = {n.context.get("result") for n in Notice.objects.filter(kind="budgets.result", state="queued")}
    Result.objects.exclude(pk__in=owed).update(followers_emailed_at=timezone.now())


class Migration(migrations.Migration):

    dependencies = [
        ("budgets", "0015_merge_setup_draft"),
        # After ideas' sent e-mails (among them the results') moved to the outbox.
        ("ideas", "0012_mail_to_outbox"),
        ("notify", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
