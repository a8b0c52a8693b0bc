"""How the OpenAPI schema describes the API's two ways in (imported by ApiConfig.ready)."""

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                "`Token golive_…`: a token made on the API tokens page (the menu under your "
                "name). It acts as the person who made it."
            ),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "A person logged in to the app; changes need the CSRF token.",
        }


ERROR = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
FIELD_ERRORS = {
    "type": "object",
    "description": (
        "Messages by field, each a list of strings; those about no single field under "
        "non_field_errors; a body that could not be read at all under detail."
    ),
    "additionalProperties": {
        "oneOf": [{"type": "array", "items": {"type": "string"}}, {"type": "string"}]
    },
}
STALE = {
    "type": "object",
    "properties": {
        "version": {"type": "array", "items": {"type": "string"}},
        "current_version": {"type": "integer"},
    },
    "required": ["version", "current_version"],
}


def _answer(description: str, component: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{component}"}}},
    }


def error_responses(result, generator, request, public):
    """Every operation's refusals, as the API answers them (api/errors.py, STYLE.md)."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update({"Error": ERROR, "FieldErrors": FIELD_ERRORS, "StaleVersion": STALE})
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            answers = {
                "401": _answer("No token or session, or a token revoked or expired.", "Error"),
                "403": _answer(
                    "The caller may see this but not do it (the detail says why).", "Error"
                ),
            }
            pages = any(p.get("name") == "page" for p in operation.get("parameters", []))
            if "{" in path:
                answers["404"] = _answer("No such object, or one the caller may not see.", "Error")
            elif pages:
                answers["404"] = _answer("No such page of the list.", "Error")
            if method in ("post", "put", "patch") or operation.get("parameters"):
                answers["400"] = _answer("Bad input, said field by field.", "FieldErrors")
            if method in ("put", "patch"):
                answers["409"] = _answer(
                    "Changed by someone else since the version sent: nothing was saved.",
                    "StaleVersion",
                )
            for status, answer in answers.items():
                responses.setdefault(status, answer)
    return result
