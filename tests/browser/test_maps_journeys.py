"""The maps in a real browser, each at its person's size: the wall screen (1920×1080) shows
西彭's villages as areas with the incidents' category and age and the patrol's officer as
labels; the desk's intake map (1366×768) names the posts and villages and chooses the
village a click falls in, and draws on the bureau's offline tile package when one is set;
the tablet (1024×768) shows the posts, villages and planned area before the patrol and its
own track during it. On every map no two labels overlap."""

import itertools
import math
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.core.testing.mbtiles import make_mbtiles
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK, XIPENG_LEADER
from apps.patrols.choices import PatrolMode
from apps.patrols.models import Patrol
from apps.stations.models import Community, Post
from devtools.demo.stations import seed_boundaries, seed_organisation
from tests.stats.board_scene import category, incident, patrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VILLAGES = 28  # 西彭's 25 villages and 3 committees, each with its boundary


@pytest.fixture
def xipeng(org):
    """The demo's 西彭 (three posts, nine villages) merged into the test organisation, with
    the approximate boundaries the demo ships."""
    seed_organisation()
    seed_boundaries()
    return org


def label_boxes(page, map_id):
    """The labels a person sees on the map: text and box of each one not hidden."""
    return page.evaluate(
        """(id) => Array.from(document.querySelectorAll('#' + id + ' .ps-label'))
            .filter((n) => getComputedStyle(n).visibility !== 'hidden')
            .map((n) => {
                const r = n.getBoundingClientRect();
                return {text: n.textContent, left: r.left, top: r.top,
                        right: r.right, bottom: r.bottom};
            })""",
        map_id,
    )


def assert_labels_apart(page, map_id, at_least):
    boxes = label_boxes(page, map_id)
    assert len(boxes) >= at_least, [b["text"] for b in boxes]
    for a, b in itertools.combinations(boxes, 2):
        apart = (
            a["right"] <= b["left"]
            or b["right"] <= a["left"]
            or a["bottom"] <= b["top"]
            or b["bottom"] <= a["top"]
        )
        assert apart, f"labels overlap: {a} and {b}"
    return [b["text"] for b in boxes]


def click_at(page, map_id, lat, lon):
    point = page.evaluate(
        "([id, lat, lon]) => document.getElementById(id).psMap.map"
        ".latLngToContainerPoint([lat, lon])",
        [map_id, lat, lon],
    )
    box = page.locator(f"#{map_id}").bounding_box()
    page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])


@pytest.mark.parametrize("size", ["wall"], indirect=True)
def test_the_wall_screen_names_the_places_and_labels_what_happens(page, log_in, snap, xipeng):
    org = xipeng
    fight = category(org, "打架斗殴")
    # Two incidents a few metres apart at 泥璧村: their labels would sit on each other.
    incident(
        org,
        status="received",
        ago=12,
        now=None,
        category=fight,
        latitude=Decimal("29.348900"),
        longitude=Decimal("106.300600"),
    )
    incident(
        org,
        status="received",
        ago=2,
        now=None,
        category=category(org, "邻里纠纷", "dispute"),
        latitude=Decimal("29.349000"),
        longitude=Decimal("106.300800"),
    )
    incident(
        org,
        status="dispatched",
        ago=40,
        now=None,
        place_text="迎新村三组",
        latitude=Decimal("29.378150"),
        longitude=Decimal("106.292470"),
    )
    officer = org.user(XIPENG_COMMUNITY)
    officer.first_name, officer.last_name = "强", "李"
    officer.save()
    patrol(org, officers=[officer], at=(29.3623, 106.3301), now=None)

    log_in(XIPENG_LEADER)
    page.goto("/stats/board/")
    expect(page.locator("#wall")).to_have_attribute("data-state", "live")
    board = page.locator("#board-map")
    expect(board).to_have_attribute("data-boundaries", str(VILLAGES))
    expect(board.locator("path.ps-boundary")).to_have_count(VILLAGES)
    expect(board.locator("path.ps-board-incident")).to_have_count(3)
    expect(board.locator(".ps-label-late")).to_have_text(re.compile(r"^打架斗殴 · 4[01]分钟$"))
    expect(
        board.locator(".ps-label", has_text=re.compile(r"^打架斗殴 · 1[23]分钟$"))
    ).to_be_visible()
    expect(
        board.locator(".ps-label", has_text=re.compile(r"^邻里纠纷 · [23]分钟$"))
    ).to_be_visible()
    expect(board.locator(".ps-label", has_text="李强")).to_be_visible()
    shown = assert_labels_apart(page, "board-map", at_least=10)
    # The station, its posts and most villages are named around what happens.
    assert {"西彭派出所", "西彭园区警务站", "大石堡警务站", "宝华村", "长石村"} <= set(shown)
    snap("labelled")


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_intake_map_names_the_places_and_a_click_chooses_the_village(
    page, log_in, snap, xipeng
):
    log_in(XIPENG_DESK)
    page.goto("/cases/incidents/new/")
    place = page.locator("#place-map")
    expect(place).to_have_attribute("data-boundaries", str(VILLAGES))
    expect(place.locator("path.ps-boundary")).to_have_count(VILLAGES)
    expect(place.locator("path.ps-place-post")).to_have_count(3)
    shown = assert_labels_apart(page, "place-map", at_least=8)
    assert {"西彭派出所", "西彭园区警务站", "城西家园警务站", "迎新村", "长石村"} <= set(shown)
    snap("places")

    # A kilometre south-west of 长石村's own position, well inside its boundary.
    click_at(page, "place-map", 29.2905, 106.3110)
    changshi = Community.objects.get(name="长石村")
    expect(page.locator("#id_community")).to_have_value(str(changshi.pk))
    # Where the click fell, to a pixel or two (some 40 m each at this zoom).
    assert float(page.locator("#id_latitude").input_value()) == pytest.approx(29.2905, abs=0.001)
    assert float(page.locator("#id_longitude").input_value()) == pytest.approx(106.311, abs=0.001)
    expect(place.locator("path.ps-picked")).to_have_count(1)
    expect(page.locator("#suggestions")).to_contain_text("大石堡警务站")  # the nearest post
    snap("picked")


def tile_xy(lat, lon, z):
    n = 2**z
    lat = math.radians(lat)
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(lat)) / math.pi) / 2 * n)


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_bureaus_offline_tile_package_is_the_base_map(
    page, log_in, snap, xipeng, settings, tmp_path
):
    tiles = {}
    for z in (12, 13):
        (west, north), (east, south) = tile_xy(29.41, 106.26, z), tile_xy(29.27, 106.38, z)
        for x, y in itertools.product(range(west, east + 1), range(north, south + 1)):
            tiles[(z, x, y)] = "#cfe3f5" if (x + y) % 2 else "#e8f1fa"
    settings.MAP_MBTILES_PATH = str(make_mbtiles(tmp_path / "jiulongpo.mbtiles", tiles))
    settings.MAP_TILE_URL = ""
    log_in(XIPENG_DESK)
    page.goto("/cases/incidents/new/")
    place = page.locator("#place-map")
    expect(place).to_have_class(re.compile(r"\bps-map-tiled\b"))
    expect(place.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert place.locator("img.leaflet-tile-loaded").count() >= 4
    sources = place.locator("img.leaflet-tile").evaluate_all("(imgs) => imgs.map((i) => i.src)")
    assert all(re.search(r"/tiles/1[23]/\d+/\d+\.png$", src) for src in sources), sources
    expect(place.locator(".leaflet-control-attribution")).to_contain_text("九龙坡区分局离线地图")
    expect(place.locator("path.ps-boundary")).to_have_count(VILLAGES)  # over the tiles
    assert_labels_apart(page, "place-map", at_least=6)
    snap("tiles")


@pytest.mark.parametrize("size", ["tablet"], indirect=True)
def test_the_tablet_shows_the_area_before_the_patrol_and_its_track_during_it(
    page, log_in, snap, xipeng
):
    org = xipeng
    officer = org.user(XIPENG_COMMUNITY)
    walk = Patrol.objects.create(
        station=org.xipeng,
        post=Post.objects.get(name="西彭园区警务站"),
        mode=PatrolMode.FOOT,
        planned_start="2026-01-05T20:00:00+08:00",
        route="迎新村—泥璧村",
        created_by=officer,
    )
    walk.officers.add(officer)
    walk.communities.set(Community.objects.filter(name__in=["迎新村", "泥璧村"]))
    context = page.context
    context.grant_permissions(["geolocation"])
    start = {"latitude": 29.3520, "longitude": 106.3030}  # in 泥璧村
    context.set_geolocation(start)
    log_in(XIPENG_COMMUNITY)
    page.goto(f"/patrols/{walk.pk}/tablet/")

    # Before the start: where the officer is, among the posts, villages and planned area.
    tablet_map = page.locator("#tablet-map")
    expect(tablet_map.locator("path.ps-boundary")).to_have_count(VILLAGES)
    expect(tablet_map.locator("path.ps-boundary-planned")).to_have_count(2)
    expect(tablet_map.locator("path.ps-place-post")).to_have_count(3)
    expect(tablet_map.locator(".ps-label", has_text="您在这里")).to_be_visible()
    shown = assert_labels_apart(page, "tablet-map", at_least=6)
    assert {"迎新村", "泥璧村"} <= set(shown)  # the planned villages are named
    snap("before")

    page.get_by_role("button", name="开始巡逻").click()
    expect(page.get_by_test_id("patrol-status")).to_have_text("巡逻中")
    for step in range(1, 5):
        page.wait_for_timeout(400)
        context.set_geolocation(
            {"latitude": start["latitude"] + step * 0.00003, "longitude": start["longitude"]}
        )
        expect(page.get_by_test_id("recorded")).to_have_text(str(step))
    expect(tablet_map.locator("path.ps-track")).to_have_count(1)
    assert int(tablet_map.get_attribute("data-points")) >= 2
    expect(tablet_map.locator(".ps-label", has_text="您在这里")).to_have_count(0)
    # Near the track: its village and the neighbours' names, still apart.
    assert "泥璧村" in assert_labels_apart(page, "tablet-map", at_least=3)
    snap("during")
