"""OpenAPI additions: every operation documents the one error shape and its statuses; the
schema is built once per language a process serves."""

from collections.abc import Callable
from typing import Any

from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.translation import get_language
from drf_spectacular.generators import SchemaGenerator

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "not_found"},
                "message": {"type": "string", "example": "未找到。"},
                "fields": {
                    "type": "object",
                    "additionalProperties": True,
                    "description": "Per-field messages of a validation error.",
                },
            },
        }
    },
}

ERROR_STATUSES = {
    "400": "The request is not valid.",
    "401": "Not logged in, or the token is wrong or expired.",
    "403": "The role lacks the permission.",
    "404": "No such record, or not within the user's station.",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "409": "The record changed meanwhile, or the transition is not allowed.",
    "415": "Unsupported media type.",
    "429": "Too many requests, or the account is locked out.",
    "503": "The database is briefly unavailable; retry after the Retry-After seconds.",
}


def add_error_responses(
    result: dict[str, Any], generator: object, request: object, public: bool
) -> dict[str, Any]:
    """drf-spectacular post-processing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_STATUSES.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result


_built: dict[tuple[object, ...], dict[str, Any]] = {}


class CachedSchemaGenerator(SchemaGenerator):
    """drf-spectacular's generator, remembering its result: /api/schema/ took a second or two
    per request to build the same document again. The schema is served public (the same for
    every caller) and depends only on the code, the settings and the language of its texts;
    a schema filtered by the caller's permissions (not public) is never kept."""

    def get_schema(self, request: Any = None, public: bool = False) -> dict[str, Any]:
        build: Callable[..., dict[str, Any]] = super().get_schema  # drf-spectacular: untyped
        if not public:
            return build(request=request, public=public)
        key = (get_language(), self.api_version, id(self.urlconf), id(self.patterns))
        if key not in _built:
            _built[key] = build(request=request, public=public)
        return _built[key]


@receiver(setting_changed)
def _forget_schema(*, setting: str, **kwargs: Any) -> None:
    if setting in {"REST_FRAMEWORK", "SPECTACULAR_SETTINGS", "ROOT_URLCONF", "INSTALLED_APPS"}:
        _built.clear()
