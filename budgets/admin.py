"""The technical administration of participatory budgets: a read and repair view for the
site's operators. Voting, reviewing, phases and the council's decision happen on the site,
where they are checked and recorded publicly; ballots, participations, voting codes and
counted ballots have no admin page at all (tests/budgets/test_permissions.py).

Once the council has approved a result, what it was computed from is frozen (budgets.frozen):
a change to it is refused here as a form error, and frozen rows cannot be deleted.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from . import frozen
from .models import BudgetProcess, DistrictBudget, Project, Result


class FrozenCheckForm(forms.ModelForm):
    """Runs budgets.frozen's check with the model's own validation, so a frozen change is a
    form error instead of the signal's refusal (a server error) when the admin saves."""

    def _post_clean(self):
        super()._post_clean()
        try:
            frozen.check_save(self.instance)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                self.add_error(field if field in self.fields else None, messages)


class FrozenAdmin(admin.ModelAdmin):
    form = FrozenCheckForm

    def _frozen(self, obj) -> bool:
        return obj is not None and frozen.is_frozen(obj.pk if isinstance(obj, BudgetProcess) else obj.process_id)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not self._frozen(obj)

    def get_actions(self, request):
        # Deleting a selection would meet frozen rows one by one; delete from each row's page.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(BudgetProcess)
class BudgetProcessAdmin(FrozenAdmin):
    list_display = ["title", "municipality", "phase", "total_budget", "tally_rule"]
    list_filter = ["municipality", "phase"]
    search_fields = ["title"]
    list_select_related = ["municipality"]
    # Phases and their dates move on the site (budgets.phases), where each change is recorded
    # with who made it and why.
    readonly_fields = ["phase", "proposals_start", "review_start", "voting_start", "voting_end", "results_date"]

    def has_add_permission(self, request):
        return False  # processes are made on the site or imported (manage.py import_pb)


@admin.register(DistrictBudget)
class DistrictBudgetAdmin(FrozenAdmin):
    list_display = ["name", "process", "district", "amount"]
    list_select_related = ["process", "district"]


@admin.register(Project)
class ProjectAdmin(FrozenAdmin):
    list_display = ["code", "title", "process", "cost", "feasibility", "selected"]
    list_filter = ["feasibility", "selected"]
    search_fields = ["title", "code"]
    list_select_related = ["process"]
    raw_id_fields = ["process", "proposed_by", "idea", "district_budget"]
    readonly_fields = ["selected"]  # only the council's approval funds a project


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    """Read only: a result is made by the council's approval and never changes."""

    list_display = ["process", "approved_at", "approved_by", "ballots", "spent", "fingerprint"]
    list_select_related = ["process", "approved_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
