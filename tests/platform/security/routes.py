"""Every route of the site, as the matrix sees it: the pages from the URL configuration and
the API operations from the OpenAPI schema, and how to request each with the world's objects."""
from __future__ import annotations

from django.urls import URLPattern, URLResolver, get_resolver

API_PREFIX = "api/v1/"


def url_names() -> dict[str, str]:
    """{route name: pattern} for every URL pattern of the project, walking every include.
    The admin site counts as one route, "admin"; an unnamed pattern is named by its pattern."""
    found: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str | None) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    found["admin"] = prefix + str(entry.pattern)
                    continue
                inner = namespace
                if entry.namespace:
                    inner = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                walk(entry.url_patterns, prefix + str(entry.pattern), inner)
            elif isinstance(entry, URLPattern):
                pattern = prefix + str(entry.pattern)
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                else:
                    name = pattern
                found[name] = pattern

    walk(get_resolver().url_patterns, "", None)
    return found


def page_names() -> set[str]:
    return {name for name, pattern in url_names().items() if not pattern.startswith(API_PREFIX)}


def api_url_names() -> set[str]:
    return {name for name, pattern in url_names().items() if pattern.startswith(API_PREFIX)}


def schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def api_operations() -> set[str]:
    """'METHOD /path/{param}/' for every operation the OpenAPI schema documents."""
    return {f"{method.upper()} {path}" for path, operations in schema()["paths"].items()
            for method in operations if method in {"get", "put", "patch", "post", "delete"}}


def api_id_routes() -> dict[str, str]:
    """{route name: path} for every API route with an id in it, the id written as "{id}"
    (router detail routes and actions, and hand-written paths with <int:pk> alike)."""
    import re

    group = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)|<(?:\w+:)?(?P<conv>\w+)>")
    found: dict[str, str] = {}
    for name, pattern in url_names().items():
        if not pattern.startswith(API_PREFIX):
            continue

        def fill(match):
            kwarg = match.group("name") or match.group("conv")
            return "{id}" if kwarg == "pk" or kwarg.endswith("_pk") or kwarg == "id" else "x"

        path = group.sub(fill, pattern.replace("^", "").replace("$", ""))
        if "{id}" in path:
            found[name] = "/" + path.replace("\\.", ".")
    return found
