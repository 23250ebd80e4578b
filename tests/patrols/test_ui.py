"""The map pages: the tile server setting reaching every map (blank background without one),
the tablet page and the live map's permissions, and the noise page's map data."""

import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.core.testing.factories import CommunityFactory
from apps.core.testing.personas import (
    JLP_ADMIN,
    SHUANGFENG_DESK,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.noise.selectors import LOCAL
from apps.noise.services import readings_ingest
from apps.patrols.choices import PatrolMode
from apps.registry.choices import UnitKind
from tests.noise.conftest import noise, series  # noqa: F401  (the noise scene fixture)
from tests.patrols.factories import make_patrol
from tests.registry.factories import AddressFactory, UnitFactory

pytestmark = pytest.mark.django_db


def json_data(response, element_id):
    html = response.content.decode()
    start = html.index(f'<script id="{element_id}" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


# --- The tile server setting ---------------------------------------------------------------


def test_without_a_tile_server_the_maps_have_no_tiles(client, settings, org):
    settings.MAP_TILE_URL = ""
    settings.MAP_TILE_ATTRIBUTION = ""
    settings.MAP_MBTILES_PATH = ""
    client.force_login(org.user(XIPENG_DESK))
    response = client.get(reverse("patrols:live"))
    assert json_data(response, "ps-map-config") == {"tiles": "", "attribution": ""}
    assert "//" not in response.content.decode().split('id="live-map"')[1].split(">")[0]


def test_the_tile_server_reaches_every_map(client, settings, org, noise):  # noqa: F811
    settings.MAP_TILE_URL = "https://tiles.gaj.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "市局地图"
    settings.MAP_MBTILES_PATH = ""
    patrol = make_patrol(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    for url in (
        reverse("noise:dashboard"),
        reverse("patrols:live"),
        reverse("patrols:patrol_detail", args=[patrol.pk]),
        reverse("patrols:patrol_tablet", args=[patrol.pk]),
    ):
        response = client.get(url)
        assert json_data(response, "ps-map-config") == {
            "tiles": "https://tiles.gaj.example/{z}/{x}/{y}.png",
            "attribution": "市局地图",
        }, url
        html = response.content.decode()
        assert "vendor/leaflet/leaflet.js" in html and "js/map.js" in html


# --- The tablet page -----------------------------------------------------------------------


def test_the_community_officer_opens_the_tablet_page(client, org):
    patrol = make_patrol(org, loudspeaker=True)
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = client.get(reverse("patrols:patrol_tablet", args=[patrol.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'data-patrol="{patrol.pk}"' in html and 'data-status="active"' in html
    assert f'data-api="/api/v1/patrols/{patrol.pk}/"' in html
    assert 'data-form="finding"' in html and 'data-form="broadcast"' in html
    assert "patrols/tablet.js" in html and 'data-sw="/patrols/tablet-sw.js"' in html
    texts = json_data(response, "tablet-text")
    assert "%(points)s" in texts["waiting"] and "%(findings)s" in texts["waiting"]


def test_the_tablet_offers_the_stations_enterprises_for_a_visit_enterprises_first(client, org):
    address = AddressFactory(community=org.yingxin)
    hotel = UnitFactory(address=address, name="阿里旅馆", kind=UnitKind.HOTEL)
    plant = UnitFactory(address=address, name="西彭铝业", kind=UnitKind.ENTERPRISE)
    elsewhere = CommunityFactory(station=org.shuangfeng, name="双凤村")
    theirs = UnitFactory(address=AddressFactory(community=elsewhere), name="双凤机械厂")
    patrol = make_patrol(org, mode=PatrolMode.ENTERPRISE)
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = client.get(reverse("patrols:patrol_tablet", args=[patrol.pk]))
    assert [pk for pk, _name in response.context["enterprises"]] == [plant.pk, hotel.pk]
    html = response.content.decode()
    assert 'id="finding-unit" name="unit"' in html and 'name="nothing_found"' in html
    assert f'<option value="{plant.pk}">西彭铝业</option>' in html
    assert theirs.name not in html
    assert "visitSaved" in json_data(response, "tablet-text")


def test_without_units_the_tablet_has_no_enterprise_choice(client, org):
    patrol = make_patrol(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    html = client.get(reverse("patrols:patrol_tablet", args=[patrol.pk])).content.decode()
    assert 'name="unit"' not in html and 'name="nothing_found"' not in html


def test_no_broadcast_form_on_a_patrol_without_loudspeaker(client, org):
    patrol = make_patrol(org, loudspeaker=False)
    client.force_login(org.user(XIPENG_COMMUNITY))
    html = client.get(reverse("patrols:patrol_tablet", args=[patrol.pk])).content.decode()
    assert 'data-form="broadcast"' not in html


def test_another_stations_patrol_is_not_found_on_the_tablet(client, org):
    theirs = make_patrol(org, station=org.shuangfeng)
    client.force_login(org.user(XIPENG_COMMUNITY))
    assert client.get(reverse("patrols:patrol_tablet", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("patrols:patrol_tablet", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", [XIPENG_CASE, XIPENG_DESK, JLP_ADMIN])
def test_roles_that_do_not_patrol_get_403_on_the_tablet(client, org, persona):
    patrol = make_patrol(org)
    client.force_login(org.user(persona))
    assert client.get(reverse("patrols:patrol_tablet", args=[patrol.pk])).status_code == 403


def test_the_tablet_page_asks_anonymous_to_log_in(client, org):
    patrol = make_patrol(org)
    response = client.get(reverse("patrols:patrol_tablet", args=[patrol.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The live map --------------------------------------------------------------------------


@pytest.mark.parametrize("persona", [XIPENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER, JLP_ADMIN])
def test_who_sees_patrols_opens_the_live_map(client, org, persona):
    client.force_login(org.user(persona))
    response = client.get(reverse("patrols:live"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="live-map"' in html and "status=active" in html and 'data-refresh="5"' in html
    texts = json_data(response, "live-text")
    assert texts["modes"]["foot"]


def test_the_case_officer_gets_403_on_the_live_map(client, org):
    client.force_login(org.user(XIPENG_CASE))
    assert client.get(reverse("patrols:live")).status_code == 403


def test_the_live_map_asks_anonymous_to_log_in(client, db):
    assert client.get(reverse("patrols:live")).status_code == 302


def test_shuangfeng_opens_its_own_live_map(client, org):
    # The page is the same for everyone; what it shows comes from the scoped API.
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.get(reverse("patrols:live")).status_code == 200


# --- The noise page's map ------------------------------------------------------------------


@freeze_time("2026-06-01T12:35:00Z")
def test_the_noise_map_marks_the_sensor_with_an_open_event(client, noise):  # noqa: F811
    client.force_login(noise.org.user(XIPENG_DESK))
    [quiet] = json_data(client.get(reverse("noise:dashboard")), "noise-map-data")
    assert quiet["id"] == noise.sensor.pk and quiet["event"] is None
    assert (quiet["lat"], quiet["lon"]) == (29.37815, 106.29247)

    now = timezone.now().astimezone(LOCAL)
    readings_ingest(sensor=noise.sensor, readings=series(now - timedelta(minutes=4), 180, 90))
    with freeze_time("2026-06-01T12:35:00Z"):
        response = client.get(reverse("noise:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    [loud] = json_data(response, "noise-map-data")
    [event] = response.context["events"]
    assert loud["event"] == event.pk and loud["over"] is True
    assert loud["popup"][0] == noise.sensor.name
    assert "Level 90.0 dB(A)" in loud["popup"]
    assert loud["popup"][2].startswith("Over the limit since 20:31")

    # The htmx refresh carries the map's data too, so the map follows it.
    live = client.get(reverse("noise:dashboard"), HTTP_HX_REQUEST="true")
    assert json_data(live, "noise-map-data")[0]["event"] == event.pk


def test_the_tablet_service_worker_is_served_under_patrols(client, db):
    url = reverse("patrols:tablet_sw")
    assert url == "/patrols/tablet-sw.js"  # its scope must cover /patrols/<pk>/tablet/
    response = client.get(url)  # code, no data: no login needed
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    body = response.content.decode()
    assert "caches.match" in body and '"/api/"' in body  # the API is never cached
