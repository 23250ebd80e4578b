"""A bureau's offline tile package (MAP_MBTILES_PATH): the workbench serves its tiles at
/tiles/{z}/{x}/{y}.png to signed-in staff, Leaflet's rows turned into the package's TMS
rows, cached by the browser; every map is told to use it."""

import json
from datetime import UTC, datetime

import pytest
from django.urls import reverse
from django.utils.http import http_date

from apps.core.testing.mbtiles import make_mbtiles, png
from apps.core.testing.personas import CITIZEN, XIPENG_COMMUNITY, XIPENG_DESK
from apps.core.tiles import check_map_tiles, map_config


@pytest.fixture
def package(settings, tmp_path):
    # z=1 has four tiles; Leaflet's y=0 is the northern row, the package's row 1.
    path = make_mbtiles(
        tmp_path / "jiulongpo.mbtiles", {(1, 0, 0): "#ff0000", (1, 0, 1): "#0000ff"}
    )
    settings.MAP_MBTILES_PATH = str(path)
    settings.MAP_TILE_URL = ""
    return path


def tile(client, z, x, y, ext="png", **headers):
    return client.get(reverse("map_tile", args=[z, x, y, ext]), **headers)


def test_it_serves_the_northern_tile_for_leaflets_row_zero(client, org, package):
    client.force_login(org.user(XIPENG_COMMUNITY))
    north, south = tile(client, 1, 0, 0), tile(client, 1, 0, 1)
    assert north.status_code == south.status_code == 200
    assert north["Content-Type"] == "image/png"
    assert north.content == png("#ff0000") and south.content == png("#0000ff")
    assert north["Cache-Control"] == "private, max-age=86400"


def test_a_tile_the_package_lacks_is_not_found(client, org, package):
    client.force_login(org.user(XIPENG_DESK))
    assert tile(client, 1, 1, 0).status_code == 404  # inside the world, not in the file
    assert tile(client, 1, 2, 0).status_code == 404  # outside the world at z=1
    assert tile(client, 1, 0, 0, "jpg").status_code == 404  # not the package's format


def test_an_unchanged_package_answers_not_modified(client, org, package):
    client.force_login(org.user(XIPENG_DESK))
    modified = tile(client, 1, 0, 0)["Last-Modified"]
    assert tile(client, 1, 0, 0, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    earlier = http_date(datetime(2020, 1, 1, tzinfo=UTC).timestamp())
    assert tile(client, 1, 0, 0, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_tiles_are_for_signed_in_staff(client, org, package):
    response = tile(client, 1, 0, 0)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(org.user(CITIZEN))
    assert tile(client, 1, 0, 0).status_code == 403


def test_without_a_package_there_are_no_tiles(client, org, settings):
    settings.MAP_MBTILES_PATH = ""
    client.force_login(org.user(XIPENG_DESK))
    assert tile(client, 1, 0, 0).status_code == 404


def test_every_map_is_told_to_use_the_package(client, org, package):
    assert map_config() == {
        "tiles": "/tiles/{z}/{x}/{y}.png",
        "attribution": "九龙坡区分局离线地图",
        "minZoom": 1,
        "maxNativeZoom": 1,
    }
    client.force_login(org.user(XIPENG_DESK))
    html = client.get(reverse("patrols:live")).content.decode()
    start = html.index('<script id="ps-map-config" type="application/json">')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert config["tiles"] == "/tiles/{z}/{x}/{y}.png"


def test_the_check_refuses_a_vector_package_and_both_settings(settings, tmp_path):
    settings.MAP_TILE_URL = ""
    settings.MAP_MBTILES_PATH = str(
        make_mbtiles(tmp_path / "v.mbtiles", {(0, 0, 0): "#000"}, "pbf")
    )
    [error] = check_map_tiles()
    assert "only raster packages (png, jpg, webp)" in error.msg
    settings.MAP_MBTILES_PATH = str(tmp_path / "missing.mbtiles")
    [error] = check_map_tiles()
    assert "missing.mbtiles" in error.msg and "No such file" in error.msg
    settings.MAP_MBTILES_PATH = str(make_mbtiles(tmp_path / "r.mbtiles", {(0, 0, 0): "#000"}))
    assert check_map_tiles() == []
    settings.MAP_TILE_URL = "https://tiles.gaj.example/{z}/{x}/{y}.png"
    [error] = check_map_tiles()
    assert "not both" in error.msg
