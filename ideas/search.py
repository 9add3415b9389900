"""Full-text search of ideas. On PostgreSQL each idea keeps a tsvector (title weighted
above the text) in its municipality's language, under a GIN index; other databases fall
back to matching words in selectors."""
from __future__ import annotations

from django.db import connection
from django.db.models import Value

from .models import Idea

SEARCH_CONFIG = {"da": "danish", "nb": "norwegian", "en": "english"}


def is_postgres() -> bool:
    return connection.vendor == "postgresql"


def config_for(municipality) -> str:
    return SEARCH_CONFIG.get(municipality.default_language, "simple")


def vector_expression(config: str):
    from django.contrib.postgres.search import SearchVector

    return (SearchVector("title", weight="A", config=Value(config))
            + SearchVector("body", weight="B", config=Value(config)))


def index_ideas(queryset) -> None:
    """Recompute the search vectors of the given ideas (idempotent)."""
    if not is_postgres():
        return
    for municipality_id, language in queryset.values_list("municipality_id", "municipality__default_language").distinct():
        config = SEARCH_CONFIG.get(language, "simple")
        Idea.objects.filter(pk__in=queryset.filter(municipality_id=municipality_id).values("pk")).update(
            search_vector=vector_expression(config))
