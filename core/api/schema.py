"""The OpenAPI schema's error side: every operation documents the problem format for the
errors it can answer, so clients (and the schema tests) know them."""

PROBLEM = {
    "type": "object",
    "description": "An error (RFC 9457 in spirit). `errors` holds field errors, if any.",
    "required": ["type", "title", "status", "detail", "errors"],
    "properties": {
        "type": {"type": "string", "example": "urn:trygg:problem:not_found"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {}},
    },
}
_DESCRIPTIONS = {
    "400": "The request is not valid; `errors` says why.",
    "401": "No valid token or session; a revoked or expired token too.",
    "403": "The token lacks the scope, or the person the role.",
    "404": "No such object, or one the caller may not read.",
    "405": "The method is not allowed here.",
    "406": "Only JSON is served.",
    "409": "A rule refused the write given the record's state.",
    "413": "The request body is too large.",
    "415": "Only JSON is accepted.",
    "422": "The Idempotency-Key was used for a different request.",
    "429": "Too many requests; see the Retry-After header.",
}
_EVERY = ("400", "401", "403", "404", "405", "406", "429")
_WRITES = ("409", "413", "415", "422")


def add_error_responses(result, generator, request, public):
    """drf-spectacular post-processing hook."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM
    reference = {"$ref": "#/components/schemas/Problem"}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            codes = _EVERY + (_WRITES if method in ("post", "put", "patch", "delete") else ())
            responses = operation.setdefault("responses", {})
            for code in codes:
                responses.setdefault(
                    code,
                    {
                        "description": _DESCRIPTIONS[code],
                        "content": {"application/json": {"schema": reference}},
                    },
                )
    return result
