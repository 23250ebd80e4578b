"""Nothing is routed without a declared access rule: every named URL pattern, every
operation of the OpenAPI schema and every ModelAdmin is covered by the access matrix, and
the matrix declares nothing that is not routed."""

from collections import Counter

from .access import ADMIN_SCENE, ROUTES
from .routes import admin_models, api_operations, page_names, url_patterns

API = {(op.name, op.method) for op in api_operations()}
API_NAMES = {name for name, _method in API}


def test_every_url_pattern_has_a_name():
    unnamed = [p.route for p in url_patterns() if not p.name]
    assert not unnamed, f"URL patterns without a name cannot be declared: {unnamed}"


def test_every_page_has_a_declared_access_rule():
    declared = {r.name for r in ROUTES}
    missing = sorted(page_names() - declared)
    assert not missing, (
        "These URL names have no access rule in tests/security/access.py:\n  "
        + "\n  ".join(missing)
    )


def test_every_api_operation_has_exactly_one_declared_access_rule():
    declared = Counter((r.name, r.method) for r in ROUTES if r.name in API_NAMES)
    missing = sorted(API - set(declared))
    twice = sorted(key for key, n in declared.items() if n > 1)
    assert not missing, (
        "These API operations have no access rule in tests/security/access.py:\n  "
        + "\n  ".join(f"{method} {name}" for name, method in missing)
    )
    assert not twice, f"Declared more than once: {twice}"


def test_the_matrix_declares_only_what_is_routed():
    names = page_names() | API_NAMES
    stale = sorted(
        r.label
        for r in ROUTES
        if r.name not in names or (r.name in API_NAMES and (r.name, r.method) not in API)
    )
    assert not stale, f"Declared but not routed (or not offered in the schema): {stale}"


def test_every_model_admin_is_probed():
    missing = sorted(m._meta.label for m in admin_models() if m._meta.label not in ADMIN_SCENE)
    assert not missing, (
        "These admin models have no entry in ADMIN_SCENE in tests/security/access.py:\n  "
        + "\n  ".join(missing)
    )
