"""The technical administration of the innovation registry. Staff keep the records on the site
(`/reports/m/<slug>/innovations/`); the admin is for corrections."""
from django.contrib import admin

from .models import Innovation
from .services import innovation_changed


@admin.register(Innovation)
class InnovationAdmin(admin.ModelAdmin):
    list_display = ["title", "municipality", "year", "innovation_type", "subsector", "citizens_initiated",
                    "citizens_promoted", "citizens_cocreated"]
    list_filter = ["municipality", "year", "innovation_type", "subsector"]
    filter_horizontal = ["ideas"]

    # Edits here must also refresh the cached report figures.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        innovation_changed()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        innovation_changed()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        innovation_changed()
