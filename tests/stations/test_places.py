"""What every map draws beneath its own data: the stations, posts and villages with their
boundaries, in the user's scope (GET /api/v1/places/), and rendered into the pages that
must work offline (the tablet) or pick a place (the intake)."""

import json

import pytest
from django.urls import reverse

from apps.core.testing.factories import CommunityFactory
from apps.core.testing.personas import (
    CITIZEN,
    JLP_ADMIN,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.patrols.choices import PatrolMode
from apps.patrols.models import Patrol
from apps.stations.models import Community
from tests.stations.test_boundaries import square

pytestmark = pytest.mark.django_db


def names(rows):
    return sorted(row["name"] for row in rows)


def page_json(response, element_id):
    html = response.content.decode()
    start = html.index(f'<script id="{element_id}" type="application/json">')
    return json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])


def test_the_desk_gets_its_stations_places_with_the_boundaries(client, org):
    Community.objects.filter(pk=org.yingxin.pk).update(boundary=square(29.52, 106.52))
    client.force_login(org.user(XIPENG_DESK))
    response = client.get(reverse("places"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, max-age=300"
    data = response.json()
    assert names(data["stations"]) == ["西彭派出所"]
    assert names(data["posts"]) == ["西彭园区警务站"]
    [yingxin] = data["communities"]
    assert yingxin == {
        "id": org.yingxin.pk,
        "name": "迎新村",
        "kind": "village",
        "station": org.xipeng.pk,
        "lat": 29.52,
        "lon": 106.52,
        "boundary": square(29.52, 106.52),
    }


def test_the_sub_bureau_admin_gets_the_bureau_or_one_station(client, org):
    client.force_login(org.user(JLP_ADMIN))
    everything = client.get(reverse("places")).json()
    assert names(everything["stations"]) == ["石桥铺派出所", "西彭派出所"]
    one = client.get(reverse("places"), {"station": org.shiqiaopu.pk}).json()
    assert names(one["stations"]) == ["石桥铺派出所"] and one["communities"] == []


def test_another_bureaus_station_is_not_found_and_a_bad_one_is_refused(client, org):
    client.force_login(org.user(XIPENG_DESK))
    assert client.get(reverse("places"), {"station": org.shuangfeng.pk}).status_code == 404
    refused = client.get(reverse("places"), {"station": "西彭"})
    assert refused.status_code == 400
    assert "请填写派出所编号（数字）。" in refused.content.decode()
    client.force_login(org.user(SHUANGFENG_DESK))
    assert names(client.get(reverse("places")).json()["communities"]) == []


def test_a_citizen_gets_no_places(client, org):
    client.force_login(org.user(CITIZEN))
    assert client.get(reverse("places")).status_code == 403


def test_the_places_take_three_queries_however_many_villages(
    client, org, django_assert_max_num_queries
):
    for n in range(30):
        CommunityFactory(station=org.xipeng, name=f"村{n}", boundary=square(29.52, 106.52))
    client.force_login(org.user(JLP_ADMIN))
    with django_assert_max_num_queries(3 + 4):  # session, user, permissions
        data = client.get(reverse("places")).json()
    assert len(data["communities"]) == 31


def test_the_tablet_page_carries_its_stations_places_and_the_planned_villages(client, org):
    patrol = Patrol.objects.create(
        station=org.xipeng,
        mode=PatrolMode.FOOT,
        planned_start="2026-01-05T20:00:00+08:00",
        created_by=org.user(XIPENG_COMMUNITY),
    )
    patrol.officers.add(org.user(XIPENG_COMMUNITY))
    patrol.communities.add(org.yingxin)
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = client.get(reverse("patrols:patrol_tablet", args=[patrol.pk]))
    places = page_json(response, "tablet-places")
    assert names(places["posts"]) == ["西彭园区警务站"] and names(places["communities"]) == [
        "迎新村"
    ]
    html = response.content.decode()
    assert 'data-places="tablet-places"' in html and f'data-highlight="{org.yingxin.pk}"' in html


def test_the_intake_map_carries_the_stations_places(client, org):
    client.force_login(org.user(XIPENG_DESK))
    places = page_json(client.get(reverse("cases:incident_create")), "place-data")
    assert names(places["stations"]) == ["西彭派出所"]
    assert names(places["communities"]) == ["迎新村"]
