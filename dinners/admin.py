"""The technical administration of dinner dialogues: programme configuration and a read view
of dinners. Seats, decisions and reports happen on the site, where guests are told; the
admin shows no guest's diet or needs and no address in its lists."""
from django.contrib import admin

from .models import Dinner, GuidingQuestion, Programme


class GuidingQuestionInline(admin.TabularInline):
    model = GuidingQuestion
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "signup_opens", "signup_closes", "dinners_from", "dinners_until"]
    list_filter = ["municipality"]
    inlines = [GuidingQuestionInline]
    # A picture is set on the staff pages, where it is checked and stripped of metadata.
    readonly_fields = ["matching_planned_at", "matching_sent_at", "image"]


@admin.register(Dinner)
class DinnerAdmin(admin.ModelAdmin):
    list_display = ["title", "programme", "status", "venue_type", "starts_at", "seats"]
    list_filter = ["status", "venue_type", "programme"]
    fields = ["programme", "title", "status", "status_reason", "venue_type", "starts_at", "district", "seats",
              "private_seats", "language"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False  # dinners are offered by hosts on the site

    def has_change_permission(self, request, obj=None):
        return False
