"""The API's JSON parser (REST_FRAMEWORK's DEFAULT_PARSER_CLASSES, and every view that names
its parsers): refuses JSON nested deeper than Høst ever reads, with a translated 400."""
from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

# Høst's deepest request body is a ballot ({"choice": {"points": {"A": 3}}}): 3 levels.
MAX_DEPTH = 32


def too_deep(data, limit: int = MAX_DEPTH) -> bool:
    """Whether lists and objects in `data` nest more than `limit` levels (walked without
    recursion, so a deep value cannot exhaust the stack here either)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JSONParser(parsers.JSONParser):
    """DRF's JSONParser, but thousands of nested `[` (an attacker's try at /api/v1/auth/token/)
    are a 400 instead of a RecursionError (a 500): Python's decoder recurses once per level.
    Nesting below the decoder's limit is refused too, before serializers and the error
    renderer, which recurse over the data as well, meet it."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON is nested too deeply.")) from None
        if too_deep(data):
            raise ParseError(_("The JSON is nested too deeply."))
        return data
