"""The API's page-number lists: the count a client reads, and the COUNT(*) it costs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.testing.factories import PostFactory
from apps.core.testing.personas import JLP_ADMIN, XIPENG_DESK
from apps.registry.models import Person
from apps.stations.models import Post
from tests.registry.factories import PersonFactory


def listed(client, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("post-list"), params)
    counted = [q["sql"] for q in queries if q["sql"].startswith("SELECT COUNT(")]
    return response, counted


def test_a_list_that_fits_its_page_is_counted_from_the_page_not_by_count(client, org):
    PostFactory.create_batch(3, station=org.xipeng)
    client.force_login(org.user(JLP_ADMIN))
    in_scope = Post.objects.restrict(org.user(JLP_ADMIN)).count()
    assert in_scope >= 3

    response, counted = listed(client, page_size=200)
    assert response.status_code == 200
    assert response.json()["count"] == in_scope
    assert len(response.json()["results"]) == in_scope
    assert response.json()["next"] is None
    assert counted == []

    # A later page counts first, to refuse a page past the end before reading it.
    response, counted = listed(client, page_size=in_scope - 1, page=2)
    assert response.json()["count"] == in_scope
    assert len(response.json()["results"]) == 1
    assert response.json()["previous"] is not None
    assert len(counted) == 1


def test_a_full_page_and_a_page_past_the_end_still_count(client, org):
    PostFactory.create_batch(2, station=org.xipeng)
    client.force_login(org.user(JLP_ADMIN))
    in_scope = Post.objects.restrict(org.user(JLP_ADMIN)).count()

    response, counted = listed(client, page_size=1)
    assert response.json()["count"] == in_scope
    assert response.json()["next"] is not None
    assert len(counted) == 1

    response, _ = listed(client, page_size=1, page="last")
    assert response.json()["count"] == in_scope
    assert response.json()["next"] is None

    response, counted = listed(client, page_size=1, page=in_scope + 1)
    assert response.status_code == 404
    assert len(counted) == 1

    # A filter that keeps nothing: the first page, empty, and a count of 0.
    response, counted = listed(client, q="没有这个警务站")
    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "previous": None, "results": []}
    assert counted == []


def test_the_persons_list_pages_without_a_total(client, org):
    """A station's registry runs to hundreds of thousands: its list never counts them."""
    PersonFactory.create_batch(3, station=org.xipeng)
    client.force_login(org.user(JLP_ADMIN))
    url = reverse("person-list")
    in_scope = Person.objects.restrict(org.user(JLP_ADMIN)).count()
    assert in_scope >= 3

    with CaptureQueriesContext(connection) as queries:
        first = client.get(url, {"page_size": in_scope - 1}).json()
    assert not [q for q in queries if q["sql"].startswith("SELECT COUNT(")]
    assert set(first) == {"next", "previous", "results"}
    assert len(first["results"]) == in_scope - 1
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 1
    assert second["next"] is None
    assert second["previous"] is not None
    ids = [p["id"] for p in first["results"] + second["results"]]
    assert len(set(ids)) == in_scope

    for past in (3, 10**20):  # past the end; past what the database takes as an offset
        response = client.get(url, {"page_size": in_scope - 1, "page": past})
        assert response.status_code == 404
    response = client.get(url, {"page": "last"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "page" in response.json()["error"]["fields"]


def test_a_page_number_past_any_table_is_an_empty_page_not_an_error(client, org):
    """The HTML lists page without a count (NoCountPaginator): a page number beyond the
    largest offset the database takes reads nothing instead of failing in it."""
    client.force_login(org.user(XIPENG_DESK))
    for name in ("stations:servicelog_list", "cases:incident_list"):
        response = client.get(reverse(name), {"page": 10**20})
        assert response.status_code == 200, name
