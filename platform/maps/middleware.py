"""Allows a municipality's tile server in the Content-Security-Policy of the pages that
show its map, and only those (every other page keeps img-src 'self')."""
from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction


class MapTileSourcesMiddleware:
    """Placed after config.middleware.ContentSecurityPolicyMiddleware, so that it sees the
    response first: the origins a page's maps noted (maps.templatetags.maps) become a
    django-csp update of img-src for that response. Sync and async, as the stack around it
    is, so that it adds no thread hop under ASGI."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self.__acall__(request)
        return allow_tile_sources(request, self.get_response(request))

    async def __acall__(self, request):
        return allow_tile_sources(request, await self.get_response(request))


def allow_tile_sources(request, response):
    sources = getattr(request, "map_tile_sources", None)
    if sources:
        update = dict(getattr(response, "_csp_update", None) or {})
        update["img-src"] = [*update.get("img-src", []), *sorted(sources)]
        response._csp_update = update
    return response
