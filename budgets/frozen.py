"""Once the council has approved a result, what it was computed from is frozen.

Frozen: the process's title, municipality, currency, total budget, counting rule and ballot
type (and its phase cannot go back before results); its district budgets (name, slug,
district, amount); its projects (code, title, cost, budget, feasibility, funded or not);
its counted ballots; and the Result itself.
Nothing can be added to or deleted from them either, except by deleting the whole process.

The services call `refuse_if_frozen` / `check_save` first, so a page or the API answers with
a message. The same `check_save` / `check_delete` run on every save and delete of these
models (pre_save / pre_delete, connected by `connect` from apps.ready), so the Django admin
and the shell are refused too. QuerySet.update() and raw SQL do not pass through models;
what they change shows on the process page (results.result_check).
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.signals import pre_delete, pre_save
from django.utils.translation import gettext as _

from accounts.models import Municipality

from .models import (
    PHASE_ORDER,
    BudgetProcess,
    CountedBallots,
    DistrictBudget,
    Phase,
    Project,
    Result,
)

#: the columns of each model that the signed result depends on (attnames)
FROZEN_FIELDS: dict[type, tuple[str, ...]] = {
    BudgetProcess: ("title", "municipality_id", "currency", "total_budget", "tally_rule", "ballot_type", "citywide"),
    DistrictBudget: ("process_id", "district_id", "name", "slug", "amount"),
    Project: ("process_id", "district_budget_id", "code", "title", "cost", "feasibility", "selected"),
    CountedBallots: ("process_id", "district_budget_id", "contents"),
    Result: tuple(f.attname for f in Result._meta.concrete_fields if f.attname != "id"),
}
#: deleting these (a whole process, a whole municipality) takes the result with it, in the open
WHOLE = (BudgetProcess, Municipality)


def frozen_message() -> str:
    return _("The council has approved the result of this process: its budgets, projects, costs and counted "
             "ballots are frozen and cannot change.")


def is_frozen(*process_ids: int | None) -> bool:
    ids = [pk for pk in process_ids if pk is not None]
    return bool(ids) and Result.objects.filter(process_id__in=ids).exists()


def refuse_if_frozen(process: BudgetProcess) -> None:
    if is_frozen(process.pk):
        raise ValidationError(frozen_message())


def _process_id(instance) -> int | None:
    return instance.pk if isinstance(instance, BudgetProcess) else instance.process_id


def _field_name(attname: str) -> str:
    return attname[:-3] if attname.endswith("_id") else attname


def check_save(instance) -> None:
    """Refuse saving `instance` if it changes (or adds) what a result was computed from:
    a ValidationError naming the changed fields. One or two queries."""
    model = type(instance)
    fields = FROZEN_FIELDS[model]
    wanted = (*fields, "phase") if model is BudgetProcess else fields
    old = model.objects.filter(pk=instance.pk).values(*wanted).first() if instance.pk is not None else None
    if old is None:
        # A new process has no result yet; a new Result is the approval itself (one per
        # process, kept by its unique process column).
        if model not in (BudgetProcess, Result) and is_frozen(_process_id(instance)):
            raise ValidationError(frozen_message())
        return
    changed = [f for f in fields if old[f] != getattr(instance, f)]
    if model is BudgetProcess and PHASE_ORDER.index(instance.phase) < PHASE_ORDER.index(Phase.RESULTS) \
            and old["phase"] != instance.phase:
        changed.append("phase")
    if not changed:
        return
    if model is Result or is_frozen(old.get("process_id", instance.pk), _process_id(instance)):
        raise ValidationError({_field_name(f): frozen_message() for f in changed})


def check_delete(instance, origin=None) -> None:
    """Refuse deleting a row a result was computed from, unless the whole process (or its
    municipality) is being deleted."""
    if isinstance(origin, WHOLE) or (isinstance(origin, QuerySet) and issubclass(origin.model, WHOLE)):
        return
    if isinstance(instance, Result) or is_frozen(_process_id(instance)):
        raise ValidationError(frozen_message())


def _on_save(sender, instance, raw=False, **kwargs) -> None:
    if not raw:  # loaddata writes fixtures as they are
        check_save(instance)


def _on_delete(sender, instance, origin=None, **kwargs) -> None:
    check_delete(instance, origin)


def connect() -> None:
    for model in FROZEN_FIELDS:
        pre_save.connect(_on_save, sender=model, dispatch_uid=f"budgets.frozen.save.{model.__name__}")
        if model is not BudgetProcess:
            pre_delete.connect(_on_delete, sender=model, dispatch_uid=f"budgets.frozen.delete.{model.__name__}")
