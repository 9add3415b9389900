"""OpenAPI schema additions shared by every API operation."""
from __future__ import annotations

ERROR_COMPONENT = {
    "type": "object",
    "description": "The one error shape of the whole API.",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "required": ["detail", "code", "fields"],
}
ERROR_STATUSES = {
    "400": "The request is invalid; `fields` names what to correct.",
    "401": "Not signed in (token authentication).",
    "403": "Not allowed for this person (or not signed in).",
    "404": "No such object, or not visible to this person.",
    "429": "Too many requests; try again later.",
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: every operation may answer 400, 401, 403, 404 and
    429 in the shared error shape (restapi.errors), so clients and schema checks know them."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_COMPONENT
    reference = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in {"get", "put", "patch", "post", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {
                    "description": description, "content": {"application/json": {"schema": reference}}})
    return result
