"""What there is to probe, read from the running configuration, never listed by hand: the
named URL patterns of the resolver, the operations of the OpenAPI schema, and the models
registered in Django admin. tests/security/test_coverage.py fails for any of them that the
declaration table (tests/security/access.py) does not cover."""

import re
from dataclasses import dataclass
from functools import cache

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Pattern:
    name: str | None  # namespaced, e.g. "cases:incident_detail"; None for an unnamed pattern
    route: str  # the joined pattern, for messages


@dataclass(frozen=True)
class Operation:
    method: str  # upper case
    path: str  # as in the schema: /api/v1/incidents/{id}/dispatch/
    name: str  # the URL name it resolves to


def _walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield Pattern(name=name, route=prefix + str(pattern.pattern))


@cache
def url_patterns() -> tuple[Pattern, ...]:
    """Every pattern of the URLconf except Django admin's (probed per ModelAdmin)."""
    return tuple(p for p in _walk(get_resolver().url_patterns) if not p.route.startswith("admin/"))


@cache
def schema() -> dict:
    """The OpenAPI schema as /api/schema/ serves it (same generator, same settings)."""
    return SchemaGenerator().get_schema(request=None, public=True)


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


@cache
def api_operations() -> tuple[Operation, ...]:
    return tuple(
        Operation(method=method.upper(), path=path, name=resolve(_concrete(path)).url_name)
        for path, item in schema()["paths"].items()
        for method in METHODS
        if method in item
    )


def page_names() -> set[str]:
    """Named patterns that are not operations of the schema: the HTML pages, files, and any
    API route the schema leaves out (which must then be declared like a page)."""
    operations = {op.name for op in api_operations()}
    return {p.name for p in url_patterns() if p.name and p.name not in operations}


def admin_models() -> list:
    return sorted(admin.site._registry, key=lambda m: m._meta.label)
