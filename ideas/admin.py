"""The technical administration of ideas: configuration (campaigns, categories, settings)
and a read view of everything. Moderation and answers happen on the site, where they are
logged and the people concerned are told."""
from django.contrib import admin

from .models import (
    Campaign,
    Category,
    Idea,
    IdeaSettings,
    ModerationEvent,
    StatusChange,
)


@admin.register(IdeaSettings)
class IdeaSettingsAdmin(admin.ModelAdmin):
    list_display = ["municipality", "moderation_mode", "flag_threshold", "promoted_supports"]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ["name", "municipality"]
    list_filter = ["municipality"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "opens_at", "closes_at", "is_general_idea_box"]
    list_filter = ["municipality", "is_general_idea_box"]
    prepopulated_fields = {"slug": ("title",)}
    search_fields = ["title"]
    # A picture is set on the staff pages, where it is checked and stripped of metadata.
    readonly_fields = ["image"]


@admin.register(Idea)
class IdeaAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "status", "visibility", "support_count", "comment_count", "created_at"]
    list_filter = ["municipality", "status", "visibility", "source"]
    search_fields = ["title"]
    list_select_related = ["municipality"]
    readonly_fields = [f.name for f in Idea._meta.fields]

    def has_add_permission(self, request):
        return False  # ideas are entered on the site, through the services


@admin.register(ModerationEvent)
class ModerationEventAdmin(admin.ModelAdmin):
    list_display = ["action", "idea", "comment", "actor", "created_at"]
    list_filter = ["action"]
    readonly_fields = [f.name for f in ModerationEvent._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ["idea", "from_status", "to_status", "author", "created_at"]
    readonly_fields = [f.name for f in StatusChange._meta.fields]

    def has_add_permission(self, request):
        return False
