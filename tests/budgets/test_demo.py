import pytest
from django.core.management import call_command

from budgets.models import BudgetProcess, Phase


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_has_every_part(settings):
    call_command("seed_demo", verbosity=0)
    first = {p.slug: (p.phase, p.ballots.count()) for p in BudgetProcess.objects.all()}
    call_command("seed_demo", verbosity=0)
    assert {p.slug: (p.phase, p.ballots.count()) for p in BudgetProcess.objects.all()} == first
    aarhus = BudgetProcess.objects.get(slug="borgerbudget-2027")
    assert aarhus.phase == Phase.VOTING and aarhus.projects.filter(district_budget=None).count() == 12
    # Two district budgets besides the citywide one, each with its own projects and voters.
    districts = list(aarhus.district_budgets.all())
    assert len(districts) == 2 and aarhus.citywide
    for budget in districts:
        assert budget.projects.count() == 4 and budget.ballots.count() > 0
        assert budget.participations.exclude(district=budget.district).count() == 0
    bergen = BudgetProcess.objects.get(slug="innbyggerbudsjett-2026")
    assert bergen.phase == Phase.RESULTS and bergen.result.ballots > 0
    from pathlib import Path

    shared = Path(settings.BASE_DIR).parent / "shared" / "pabulib" / "Netherlands_Assen_2024.pb"
    assert BudgetProcess.objects.filter(title__startswith="Assen").exists() == shared.exists()


@pytest.mark.django_db
def test_seed_demo_publishes_its_result_with_a_broker_and_no_worker_yet(monkeypatch):
    """`./hoest serve` with PostgreSQL and Redis seeds before any worker runs: the demo's
    council still approves, its counts made by the command itself."""
    from budgets import counting
    from budgets.tasks import count_election

    monkeypatch.setitem(count_election.app.conf, "task_always_eager", False)
    monkeypatch.setattr(counting, "enqueue_now", lambda task, *args, countdown=None: True)  # queued, never run
    call_command("seed_demo", verbosity=0)
    bergen = BudgetProcess.objects.get(slug="innbyggerbudsjett-2026")
    assert bergen.phase == Phase.RESULTS and bergen.result.ballots > 0
