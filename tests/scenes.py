"""Scenes built once per test module instead of once per test, as Django's `setUpTestData`
does for a class.

The module's scene is built inside a transaction of its own, rolled back after the module's
last test; each test's own transaction (pytest-django's `db`) is then a savepoint of it, so
what one test writes, to the scene's rows too, is gone for the next. Only the transaction
stays open between tests, not the database: a test without `db` still cannot query.

Two scenes are shared this way:

- the `org` fixture's organisation (apps.core.testing.personas). Three quarters of the
  suite's tests ask for it, and building it (three stations, a post, a district, a
  community and eleven users with their roles) is about 200 queries: 0.15 to 0.2 s, paid
  3,500 times, the largest single share of the suite's time. Each test gets its own copy of
  the Python objects, so that no test sees another's changes to them either;
- the demo (`demo_seeded`: `seed_demo`, 10 to 15 s), for the modules that check what it
  seeds.
"""

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from apps.core.testing.personas import Org, build_org

SHARING = pytest.StashKey[dict[str, set[str]]]()
# What the suite's function-scoped fixtures set for every test (tests/conftest.py), which a
# module's scene is built before.
# Real hashing is deliberately slow; eleven personas per test would take minutes.
FAST_PASSWORDS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SCENE_SETTINGS = {"PASSWORD_HASHERS": FAST_PASSWORDS, "DEMO_PARK_YEAR": False}


@contextmanager
def celery_in_process() -> Iterator[None]:
    """Tasks run in the caller's process even when REDIS_URL names a broker (CI): the tests
    check what a task does, not that a worker is listening."""
    from policestation.celery import app

    eager, propagates = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager = app.conf.task_eager_propagates = True
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf.task_eager_propagates = eager, propagates


def built_once(request: pytest.FixtureRequest, build: Callable[[], Any], **overrides: Any):
    """The body of a module-scoped fixture: `yield from built_once(request, build)`."""
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    tmp = request.getfixturevalue("tmp_path_factory").mktemp("scene-files")
    outer = transaction.atomic()
    with (
        blocker.unblock(),
        override_settings(**{**SCENE_SETTINGS, "PRIVATE_MEDIA_ROOT": tmp, **overrides}),
        celery_in_process(),
    ):
        outer.__enter__()
        try:
            built = build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    try:
        yield built
    finally:
        with blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


# --- which modules share ----------------------------------------------------------------------
#
# A scene is shared in a module only where every test of it that uses the database asks for
# the scene (a test that expects an empty database must not find it) and none commits (a
# surrounding transaction would keep its commits from happening); elsewhere each test
# builds its own, as it always did.

SHARED = ("org", "demo_seeded")


def _transactional(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and marker.kwargs.get("transaction"))
    )


def _uses_database(item: pytest.Item) -> bool:
    names = getattr(item, "fixturenames", ())
    return "db" in names or _transactional(item) or bool(item.get_closest_marker("django_db"))


def mark_sharing_modules(config: pytest.Config, items: list[pytest.Item]) -> None:
    """After collection: the modules whose tests share each scene."""
    modules: dict[str, list[pytest.Item]] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], []).append(item)
    sharing: dict[str, set[str]] = {name: set() for name in SHARED}
    for module, module_items in modules.items():
        if any(_transactional(item) for item in module_items):
            continue
        database = [item for item in module_items if _uses_database(item)]
        for name in SHARED:
            asking = [item for item in database if name in item.fixturenames]
            if len(asking) > 1 and len(asking) == len(database):
                sharing[name].add(module)
    config.stash[SHARING] = sharing


def _shares(request: pytest.FixtureRequest, name: str) -> bool:
    return request.node.nodeid in request.config.stash.get(SHARING, {}).get(name, set())


# --- the scenes --------------------------------------------------------------------------------


@pytest.fixture(scope="module", autouse=True)
def _module_org(request: pytest.FixtureRequest):
    """The module's organisation, or None where each test builds its own."""
    if _shares(request, "org"):
        yield from built_once(request, build_org)
    else:
        yield None


@pytest.fixture
def org(db, _module_org: Org | None) -> Org:
    """The small organisation of apps.core.testing.personas, with every persona."""
    return copy.deepcopy(_module_org) if _module_org else build_org()


def _seed_demo() -> bool:
    call_command("seed_demo", verbosity=0)
    return True


@pytest.fixture(scope="module")
def _module_demo(request: pytest.FixtureRequest):
    # DEBUG: seed_demo sets the demo users' well-known password only then.
    if _shares(request, "demo_seeded"):
        yield from built_once(request, _seed_demo, DEBUG=True)
    else:
        yield False


@pytest.fixture
def demo_seeded(db, settings, _module_demo: bool) -> None:
    """The demo as `seed_demo` leaves it (in DEBUG, as the demo runs: a second `seed_demo`
    in the test wants it too)."""
    settings.DEBUG = True
    if not _module_demo:
        _seed_demo()
