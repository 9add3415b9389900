"""The API's router: every feature app registers its viewsets on `Router`, not DRF's own."""
from __future__ import annotations

from rest_framework.routers import SimpleRouter

# ASCII digits only: `\d` would also match "²" or "٣", which int() or the database refuse.
ID_PATTERN = "[0-9]+"


class Router(SimpleRouter):
    """DRF's SimpleRouter whose detail routes match only a whole number when the viewset is
    looked up by its id. DRF's default, `[^/.]+`, lets `/ideas/abc/` reach the view, whose
    query then fails on `int("abc")` (a 500); here the URL resolver answers 404 itself, for
    every viewset present and future. A viewset looked up by something else (a slug) sets its
    own `lookup_value_regex`, which always wins."""

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_field = getattr(viewset, "lookup_field", "pk")
        if lookup_field in ("pk", "id") and getattr(viewset, "lookup_value_regex", None) is None:
            lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or lookup_field
            return self._base_pattern.format(  # the regex form: Router never uses path converters
                lookup_prefix=lookup_prefix, lookup_url_kwarg=lookup_url_kwarg, lookup_value=ID_PATTERN)
        return super().get_lookup_regex(viewset, lookup_prefix)
