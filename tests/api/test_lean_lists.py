"""The API lists' lean read path (apps/core/api/lean.py, issue 21 item 4) answers exactly
what DRF's serializers answer: every list of the API, for every demo user, on the demo's
records, first and second page."""

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from apps.accounts.models import User
from apps.cases.api.serializers import IncidentSerializer
from apps.core.api import lean
from apps.registry.api.serializers import PersonSerializer
from apps.stations.api.serializers import (
    CommunitySerializer,
    PostSerializer,
    ServiceLogSerializer,
    StationSerializer,
)
from tests.audit.site import demo_database


def api_lists() -> list[str]:
    """The path of every API list: a viewset route whose GET is `list`."""
    found = []

    def walk(patterns, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern).lstrip("^"))
            elif isinstance(pattern, URLPattern):
                actions = getattr(pattern.callback, "actions", None) or {}
                route = prefix + str(pattern.pattern).lstrip("^").rstrip("$")
                if actions.get("get") == "list" and "<" not in route and "(" not in route:
                    found.append(route)

    walk(get_resolver().url_patterns, "/")
    return sorted(found)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock(), demo_database(tmp_path_factory.mktemp("lean")):
        yield


def pages(client: Client, path: str) -> list[object]:
    """The first two pages of a list, two rows each, as JSON."""
    answers = []
    url: str | None = f"{path}?page_size=2"
    while url and len(answers) < 2:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        if response.status_code == 403:
            return [403]
        body = response.json()
        answers.append(body)
        url = body.get("next") if isinstance(body, dict) else None
    return answers


@pytest.mark.django_db
def test_every_api_list_answers_the_same_through_the_lean_path(demo):
    paths = api_lists()
    assert "/api/v1/incidents/" in paths and len(paths) > 30
    # A list whose serializer has no plan answers through DRF either way (and some of those
    # answer with the time, e.g. how long a patrol has been out).
    leaned = [p for p in paths if lean.lean_list(resolve(p).func.cls.serializer_class)]
    assert len(leaned) > 15
    compared = 0
    for user in User.objects.filter(is_active=True).order_by("username"):
        client = Client()
        client.force_login(user)
        for path in leaned:
            lean_answer = pages(client, path)
            with mock.patch("apps.core.api.viewsets.lean_list", return_value=None):
                drf_answer = pages(client, path)
            assert lean_answer == drf_answer, (user.username, path)
            compared += sum(
                len(page.get("results", ())) for page in lean_answer if isinstance(page, dict)
            )
    assert compared > 100  # the demo's records were listed, not only empty pages


@pytest.mark.parametrize(
    "serializer",
    [
        IncidentSerializer,
        PersonSerializer,
        StationSerializer,
        PostSerializer,
        CommunitySerializer,
        ServiceLogSerializer,
    ],
)
def test_the_benchmarked_lists_take_the_lean_path(serializer):
    """`make bench` measures these lists against their SQL: a field added that the plan
    cannot read (a method field, a nested serializer) would quietly put them back on DRF.
    (The noise events' and patrols' lists compute fields in Python and stay there.)"""
    assert lean.lean_list(serializer) is not None


def test_a_serializer_with_a_method_field_lists_through_drf():
    from rest_framework import serializers

    from apps.stations.models import Post

    class WithMethod(serializers.ModelSerializer):
        label = serializers.SerializerMethodField()

        class Meta:
            model = Post
            fields = ["id", "label"]

        def get_label(self, post):
            return post.name

    assert lean.lean_list(WithMethod) is None


@pytest.mark.django_db
def test_an_incident_page_costs_the_same_queries_for_one_row_or_fifty(demo):
    """Session, user, the page, and its officers in one query (the permissions are in the
    cache after the first request)."""
    client = Client()
    client.force_login(User.objects.get(username="xipeng_desk"))
    client.get(reverse("incident-list"))
    counts, rows = [], []
    for size in (1, 50):
        with CaptureQueriesContext(connection) as queries:
            body = client.get(reverse("incident-list") + f"?page_size={size}").json()
        counts.append(len(queries))
        rows.append(len(body["results"]))
    assert rows[0] == 1 and rows[1] > 5
    assert counts[0] == counts[1] <= 4
