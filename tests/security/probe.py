"""One route, every persona: the request, what its answer means, and for a refused write the
proof that nothing changed."""

import functools
import re
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from apps.accounts.backends import PERMISSIONS_TIMEOUT, user_key
from apps.core.testing.personas import ANONYMOUS, PERSONAS

from .access import FORBIDDEN, LOGIN, NOT_FOUND, OK, Route, expected
from .routes import api_operations

SAFE = {"GET", "HEAD", "OPTIONS"}
# Logging in and out is not a change of the workbench's records.
UNSNAPSHOTTED = {"django_session"}


API_NAMES = {op.name for op in api_operations()}


def _value(scene, value):
    """A value from the scene: "$name" one of its values (a signed token), "#key" the id of
    one of its records; anything else as it is."""
    if isinstance(value, str) and value[:1] == "$":
        return scene.values[value[1:]]
    if isinstance(value, str) and value[:1] == "#":
        return scene[value[1:]].pk
    return value


def url_of(route: Route, scene) -> str:
    kwargs = {k: _value(scene, v) for k, v in route.kwargs}
    if route.obj and route.lookup:
        kwargs[route.lookup] = getattr(scene[route.obj], route.lookup)
    url = reverse(route.name, kwargs=kwargs)
    if route.query:
        url += "?" + re.sub(r"[#$]\w+", lambda m: str(_value(scene, m[0])), route.query)
    return url


@functools.cache
def _snapshot_sql() -> str:
    tables = sorted(set(connection.introspection.django_table_names(only_existing=True)))
    quote = connection.ops.quote_name
    counts = ", ".join(
        f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables if t not in UNSNAPSHOTTED
    )
    return f"SELECT {counts}"


def snapshot(route: Route, scene):
    """Row counts of every table (one query), and the addressed record's values."""
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql())
        counts = cursor.fetchone()
    record = None
    if route.obj:
        obj = scene[route.obj]
        record = type(obj)._base_manager.filter(pk=obj.pk).values().first()
    return counts, record


def outcome(response, *, api: bool, public: bool, method: str) -> str:
    status = response.status_code
    if status == 401 and api:
        return LOGIN
    if status == 302 and not public:
        path = urlsplit(response["Location"]).path
        if path in (resolve_url(settings.LOGIN_URL), reverse("permits:portal_login")):
            return f"{LOGIN}:{path}"
    if status == 403:
        return FORBIDDEN
    if status == 404:
        return NOT_FOUND
    if 200 <= status < 400 or (status in (400, 409) and method not in SAFE):
        return OK
    return str(status)


def wanted(route: Route, persona: str, user, api: bool) -> str:
    want = expected(route, persona, user)
    if want == LOGIN and not api:
        login = reverse("permits:portal_login") if route.portal else resolve_url(settings.LOGIN_URL)
        return f"{LOGIN}:{login}"
    return want


def client_for(scene, persona: str, api: bool) -> Client:
    # A view's exception becomes the 500 page, so that it is reported with the others.
    client = Client(raise_request_exception=False)
    if persona == ANONYMOUS:
        return client
    if api:
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {scene.tokens[persona]}"
    else:
        client.cookies[settings.SESSION_COOKIE_NAME] = scene.sessions[persona]
    return client


def _send(client, route: Route, url: str, scene, api: bool):
    data = {k: _value(scene, v) for k, v in (route.data or {}).items()}
    call = getattr(client, route.method.lower())
    if route.method in SAFE:
        return call(url)
    if api and not route.multipart:
        return call(url, data, content_type="application/json")
    return call(url, data)  # a form, multipart as a browser sends one with a file field


def clean_cache(scene, *, after_a_read: bool) -> None:
    """A cache with no throttle counted and no lockout for the next request (the token
    endpoint allows ten a minute from one address, and every persona's request comes from
    the test client's), but with the personas' permission sets that earlier requests cached,
    kept on the scene across tests: reading them again for every request took a fifth of
    the matrix's time. They are taken only after a request that reads: a write may change
    roles, and the sets cached after it would not hold once it is rolled back."""
    if after_a_read:
        keys = [user_key(user.pk) for user in scene.org.users.values()]
        scene.permission_sets.update(cache.get_many(keys))
    cache.clear()
    cache.set_many(scene.permission_sets, PERMISSIONS_TIMEOUT)


def probe(route: Route, scene) -> list[str]:
    """Every persona against one route; the mismatches, one line each."""
    api = route.name in API_NAMES
    write = route.method not in SAFE
    url = url_of(route, scene)
    problems = []
    for persona in PERSONAS:
        user = scene.org.user(persona)
        want = wanted(route, persona, user, api)
        clean_cache(scene, after_a_read=not write)
        with transaction.atomic():
            before = snapshot(route, scene) if write else None
            response = _send(client_for(scene, persona, api), route, url, scene, api)
            got = outcome(response, api=api, public=route.rule.public, method=route.method)
            if got != want:
                detail = ""
                if response.exc_info:
                    detail = f" ({response.exc_info[1]!r})"
                problems.append(f"{persona}: expected {want}, got {got}{detail}")
            elif write and got != OK and snapshot(route, scene) != before:
                problems.append(f"{persona}: refused ({got}) but the write changed data")
            transaction.set_rollback(True)
    return problems
