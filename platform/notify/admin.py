"""The outbox for the site's operators: what was owed to whom, whether it went out, and why
not. Read-only: notices are written by the apps' services and sent by the worker; the one
repair is to queue a failed notice again once its cause is fixed (it keeps its key, so it
is still sent at most once)."""
from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from realtime.enqueue import enqueue_on_commit

from .models import Notice, State
from .tasks import deliver_notices


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ["key", "kind", "recipient", "language", "state", "attempts", "error", "created_at", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["key"]
    date_hierarchy = "created_at"
    list_select_related = ["recipient"]
    actions = ["queue_again"]
    readonly_fields = [f.name for f in Notice._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_queue_permission(self, request) -> bool:
        return request.user.has_perm("notify.change_notice")

    @admin.action(description=_("Queue the failed notices again"), permissions=["queue"])
    def queue_again(self, request, queryset):
        with transaction.atomic():
            ids = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
            Notice.objects.filter(pk__in=ids).update(state=State.QUEUED, failed_at=None, error="")
            if ids:
                enqueue_on_commit(deliver_notices, ids)
        self.message_user(request, ngettext("%(n)s notice queued again.", "%(n)s notices queued again.",
                                            len(ids)) % {"n": len(ids)}, messages.SUCCESS)
