"""An idea's page says which budget projects it became, with a link to each project's page,
in a fixed number of queries; a project in a draft process is not shown."""
import pytest
from django.urls import reverse

from tests.budgets.factories import BudgetProcessFactory, ProjectFactory
from tests.ideas.factories import IdeaFactory

pytestmark = pytest.mark.django_db


def test_the_idea_page_links_to_the_projects_it_became(client, municipality, django_assert_max_num_queries):
    client.cookies["django_language"] = "en"
    idea = IdeaFactory(campaign__municipality=municipality, title="Shelter at the bus stop")
    url = reverse("ideas:detail", args=[idea.pk])
    with django_assert_max_num_queries(40) as before:
        plain = client.get(url).content.decode()
    assert "In a participatory budget" not in plain
    processes = [BudgetProcessFactory(municipality=municipality, title=f"Budget {n}") for n in range(3)]
    for n, process in enumerate(processes):
        ProjectFactory(process=process, code=f"P{n}", idea=idea, title=f"Shelter {n}")
    hidden = BudgetProcessFactory(municipality=municipality, title="Not yet published", draft=True)
    ProjectFactory(process=hidden, code="D1", idea=idea)
    with django_assert_max_num_queries(len(before.captured_queries) + 1):
        page = client.get(url).content.decode()
    assert "In a participatory budget" in page
    for n, process in enumerate(processes):
        assert reverse("budgets:project", args=[process.pk, f"P{n}"]) in page
        assert f"Shelter {n} – Budget {n}" in page
    assert "Not yet published" not in page
