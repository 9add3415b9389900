from datetime import timedelta

import factory
from django.utils import timezone

from ideas.models import Campaign, Category, Idea, Status, Visibility
from tests.factories import MunicipalityFactory, UserFactory
from ui.markdown import render_markdown


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    municipality = factory.SubFactory(MunicipalityFactory)
    title = factory.Sequence(lambda n: f"Hvordan gør vi byen bedre? ({n})")
    slug = factory.Sequence(lambda n: f"kampagne-{n}")
    open_to_influence = "Hvilke tiltag vi afprøver."
    fixed_frame = "Budgettet er 1 mio. kr."
    decided_by = "Byrådet"
    answer_by = factory.LazyFunction(lambda: (timezone.now() + timedelta(days=90)).date())
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=30))


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"Kategori {n}")


class IdeaFactory(factory.django.DjangoModelFactory):
    """A published, visible idea (rows made directly, for reading tests)."""

    class Meta:
        model = Idea
        skip_postgeneration_save = True

    campaign = factory.SubFactory(CampaignFactory)
    municipality = factory.SelfAttribute("campaign.municipality")
    author = factory.SubFactory(UserFactory, municipality=factory.SelfAttribute("..municipality"))
    title = factory.Sequence(lambda n: f"Idé nummer {n}")
    body = "En god idé til kommunen."
    body_html = factory.LazyAttribute(lambda idea: render_markdown(idea.body))
    status = Status.PUBLISHED
    visibility = Visibility.VISIBLE
    citizens_initiated = True

    @factory.post_generation
    def indexed(idea, create, extracted, **kwargs):
        if create:
            from ideas.search import index_ideas

            index_ideas(Idea.objects.filter(pk=idea.pk))
