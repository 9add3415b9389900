"""Once the council has approved, what the result was computed from is frozen: refused with a
message through the services, the API and the Django admin, and by the models themselves
(the shell), while the whole process can still be deleted and what is not part of the
result (descriptions, progress) can still change."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import District
from budgets import ballotbox, frozen, phases, results, services
from budgets.elections import BudgetElection
from budgets.models import BudgetProcess, CountedBallots, DistrictBudget, Phase, Project, Result
from tests.budgets.factories import ProjectFactory, open_box
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A refused delete is raised inside Django's own atomic block; the tests run inside one
# transaction, so each refused delete gets a savepoint of its own (in the shell, under
# autocommit, Django's block is the whole transaction).


@pytest.fixture
def approved(process, council, municipality):
    for codes in (["A"], ["A", "C"], ["B", "C"], ["C", "D"]):
        services.ballot_cast(process=process, user=UserFactory(municipality=municipality), choice={"projects": codes})
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    results.council_review(process=process, member=council, decision="approved")
    process.refresh_from_db()
    return process


def frozen_fields(caught) -> set[str]:
    return set(caught.value.message_dict) if hasattr(caught.value, "error_dict") else {"__all__"}


def test_before_the_approval_nothing_is_frozen(process):
    project = process.projects.get(code="A")
    project.cost = 65_000
    project.save()
    services.project_review(project=project, cost=61_000, feasibility="feasible", reason="")
    BudgetProcess.objects.get(pk=process.pk).save()
    assert not frozen.is_frozen(process.pk)


def test_services_refuse_changes_after_the_approval(approved, municipality):
    project = approved.projects.get(code="C")
    with pytest.raises(ValidationError) as caught:
        services.project_review(project=project, cost=55_000, feasibility="feasible", reason="")
    assert frozen_fields(caught) == {"cost"}
    project = approved.projects.get(code="D")
    with pytest.raises(ValidationError) as caught:
        services.project_review(project=project, cost=20_000, feasibility="not_feasible", reason="For dyrt")
    assert frozen_fields(caught) == {"feasibility"}
    # What is not in the result may still change: staff's public reason.
    services.project_review(project=approved.projects.get(code="D"), cost=20_000, feasibility="feasible",
                            reason="Klar til at bygge")
    district = District.objects.create(municipality=municipality, name="Nordby", slug="nordby")
    with pytest.raises(ValidationError, match=frozen.frozen_message()):
        services.district_budget_add(process=approved, district=district, amount=10_000)
    with pytest.raises(ValidationError, match=frozen.frozen_message()):
        ballotbox.counted_store(process=approved, election=BudgetElection(approved), contents=[{"projects": ["B"]}])
    with pytest.raises((PermissionDenied, ValidationError)):
        services.project_propose(process=approved, user=UserFactory(municipality=municipality), title="Mere",
                                 description="", cost=1_000)
    assert Project.objects.get(process=approved, code="C").cost == 30_000
    assert results.result_check(approved).verified


def test_the_models_refuse_changes_from_the_shell(approved, municipality):
    project = Project.objects.get(process=approved, code="A")
    for field, value in (("cost", 1), ("title", "Noget andet"), ("selected", False), ("code", "Z")):
        changed = Project.objects.get(pk=project.pk)
        setattr(changed, field, value)
        with pytest.raises(ValidationError) as caught:
            changed.save()
        assert frozen_fields(caught) == {field}
    with pytest.raises(ValidationError), transaction.atomic():
        project.delete()
    with pytest.raises(ValidationError), transaction.atomic():
        Project.objects.filter(pk=project.pk).delete()
    with pytest.raises(ValidationError):
        ProjectFactory(process=approved, code="NEW")
    process = BudgetProcess.objects.get(pk=approved.pk)
    for field, value in (("total_budget", 200_000), ("tally_rule", "equalshares/add1"), ("title", "Ny titel"),
                         ("currency", "EUR"), ("ballot_type", "cumulative"), ("phase", Phase.COUNCIL_REVIEW)):
        changed = BudgetProcess.objects.get(pk=approved.pk)
        setattr(changed, field, value)
        with pytest.raises(ValidationError) as caught:
            changed.save()
        assert frozen_fields(caught) == {field}
    process.description = "Nu med billeder fra indvielsen."
    process.save()  # not part of the result
    counted = CountedBallots.objects.get(process=approved)
    counted.contents = [*counted.contents, {"projects": ["B"]}]
    with pytest.raises(ValidationError):
        counted.save()
    with pytest.raises(ValidationError), transaction.atomic():
        CountedBallots.objects.get(process=approved).delete()
    result = Result.objects.get(process=approved)
    result.ballots = 114
    with pytest.raises(ValidationError):
        result.save()
    with pytest.raises(ValidationError), transaction.atomic():
        Result.objects.get(process=approved).delete()
    assert results.result_check(approved).verified
    # The district budgets of a frozen process, too.
    district = District.objects.create(municipality=municipality, name="Sydby", slug="sydby")
    with pytest.raises(ValidationError):
        DistrictBudget.objects.create(process=approved, district=district, name="Sydby", slug="sydby", amount=1)


def test_district_budgets_are_frozen(municipality, council):
    from tests.budgets.factories import BudgetProcessFactory

    process = BudgetProcessFactory(municipality=municipality, citywide=False, box=False)
    district = District.objects.create(municipality=municipality, name="Nordby", slug="nordby")
    budget = DistrictBudget.objects.create(process=process, district=district, name="Nordby", slug="nordby",
                                           amount=40_000)
    ProjectFactory(process=process, district_budget=budget, code="N1", cost=30_000)
    from tests.budgets.factories import ballot_box_for

    ballot_box_for(process)
    resident = UserFactory(municipality=municipality, district=district)
    services.ballot_cast(process=process, user=resident, choice={"projects": ["N1"]},
                         election=BudgetElection(process, budget))
    phases.phase_set(process=process, phase=Phase.COUNCIL_REVIEW)
    open_box(process, council)
    results.council_review(process=process, member=council, decision="approved")
    budget.refresh_from_db()
    budget.amount = 50_000
    with pytest.raises(ValidationError) as caught:
        budget.save()
    assert frozen_fields(caught) == {"amount"}
    with pytest.raises(ValidationError), transaction.atomic():
        DistrictBudget.objects.get(pk=budget.pk).delete()


def test_the_process_moves_on_and_can_be_deleted_as_a_whole(approved, budget_staff):
    phases.phase_set(process=approved, phase=Phase.IMPLEMENTATION, actor=budget_staff, reason="Byggeriet går i gang")
    project = Project.objects.get(process=approved, code="C")
    services.project_update_post(project=project, author=budget_staff, text="Første spadestik", milestone="Start")
    assert results.result_check(approved).verified
    BudgetProcess.objects.get(pk=approved.pk).delete()  # in the open: the page is gone
    assert not Result.objects.filter(process_id=approved.pk).exists()


def test_the_api_refuses_changes_after_the_approval(approved, council, municipality):
    api = APIClient()
    api.force_authenticate(council)
    response = api.post(f"/api/v1/budgets/{approved.pk}/council/", {"decision": "sent_back", "comment": "Omvalg"},
                        format="json")
    assert response.status_code == 409 and list(response.json()["fields"]) == ["decision"]
    api.force_authenticate(UserFactory(municipality=municipality))
    response = api.post(f"/api/v1/budgets/{approved.pk}/projects/", {"title": "Bænke", "cost": 5000}, format="json")
    assert response.status_code == 403
    assert results.result_check(approved).verified


@pytest.fixture
def operator(client):
    user = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def _project_form(project, **changes) -> dict:
    data = {"process": project.process_id, "code": project.code, "title": project.title,
            "description": project.description, "cost": project.cost, "district": "", "district_budget": "",
            "proposed_by": "", "idea": "", "feasibility": project.feasibility,
            "feasibility_reason": project.feasibility_reason}
    data.update(changes)
    return data


def test_the_admin_refuses_changes_as_a_form_error(client, operator, approved):
    project = Project.objects.get(process=approved, code="C")
    url = reverse("admin:budgets_project_change", args=[project.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _project_form(project, cost=55_000))
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert frozen.frozen_message() in response.content.decode().replace("&#x27;", "'")
    assert Project.objects.get(pk=project.pk).cost == 30_000
    response = client.post(url, _project_form(project, description="Indviet i maj."))
    assert response.status_code == 302, "what is not part of the result can be edited"
    assert Project.objects.get(pk=project.pk).description == "Indviet i maj."
    assert client.get(reverse("admin:budgets_project_delete", args=[project.pk])).status_code == 403
    assert client.post(reverse("admin:budgets_project_delete", args=[project.pk]), {"post": "yes"}).status_code == 403
    assert Project.objects.filter(pk=project.pk).exists()
    # The process: its budget and rule.
    url = reverse("admin:budgets_budgetprocess_change", args=[approved.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) if form.initial.get(name) is not None else "" for name in form.fields}
    data.update(total_budget=200_000, citywide="on" if approved.citywide else "",
                residents_only="on" if approved.residents_only else "", allow_revote="on" if approved.allow_revote else "")
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(url, data)
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert BudgetProcess.objects.get(pk=approved.pk).total_budget == 100_000
    assert client.get(reverse("admin:budgets_budgetprocess_delete", args=[approved.pk])).status_code == 403
    # The result: read only.
    result = Result.objects.get(process=approved)
    assert client.get(reverse("admin:budgets_result_change", args=[result.pk])).status_code == 200
    assert client.post(reverse("admin:budgets_result_change", args=[result.pk]), {"ballots": 114}).status_code == 403
    assert client.get(reverse("admin:budgets_result_delete", args=[result.pk])).status_code == 403
    assert results.result_check(approved).verified


def test_the_admin_edits_a_process_that_has_no_result(client, operator, process):
    project = Project.objects.get(process=process, code="C")
    response = client.post(reverse("admin:budgets_project_change", args=[project.pk]),
                           _project_form(project, cost=35_000))
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).cost == 35_000
