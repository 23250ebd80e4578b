"""Patrols in a real browser: a community officer of 西彭 walks a patrol with the tablet,
loses the network in the lanes of 迎新村 and gets it back (nothing lost, nothing twice); the
patrol's track is drawn on its page; the noise page shows an open event on its map."""

import io
import time
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK, XIPENG_LEADER
from apps.noise.services import readings_ingest
from apps.patrols.choices import PatrolMode, PatrolStatus, PointFlag
from apps.patrols.models import Broadcast, Finding, Patrol, PatrolSettings, TrackPoint
from tests.browser.conftest import SIZES
from tests.noise.conftest import noise, series  # noqa: F401  (the noise scene fixture)
from tests.registry.factories import AddressFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The lanes of 迎新村, walked northwards a few metres at a time (a walk, not a jump: the
# track flags impossible speeds and keeps its last position at the last valid point).
START = {"latitude": 29.37815, "longitude": 106.29247}
STEP = 0.00002  # about 2 m of latitude


def jpeg() -> bytes:
    picture = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 130, 90)).save(picture, "JPEG")
    return picture.getvalue()


def walk(page, context, step):
    page.wait_for_timeout(300)  # a few km/h
    context.set_geolocation(
        {"latitude": START["latitude"] + step * STEP, "longitude": START["longitude"]}
    )


def on_the_server(patrol, recorded) -> int:
    """The patrol's points on the server once they match what the tablet says it recorded
    (a fix may be recorded while the page reads the counters), waiting 10 s at most."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        stored = TrackPoint.objects.filter(patrol=patrol).count()
        if stored == int(recorded.inner_text()):
            break
        time.sleep(0.2)
    return stored


def active_patrol(org, **extra):
    now = timezone.now()
    fields = {
        "station": org.xipeng,
        "mode": PatrolMode.FOOT,
        "status": PatrolStatus.ACTIVE,
        "planned_start": now - timedelta(minutes=30),
        "started_at": now - timedelta(minutes=30),
        "route": "迎新村—园区",
        "loudspeaker": True,
        "created_by": org.user(XIPENG_LEADER),
    }
    patrol = Patrol.objects.create(**(fields | extra))
    patrol.officers.add(org.user(XIPENG_COMMUNITY))
    return patrol


@pytest.mark.parametrize("size", ["tablet"], indirect=True)
def test_a_patrol_on_a_tablet_loses_the_network_and_loses_nothing(page, log_in, snap, org):
    patrol = active_patrol(org)
    plant = UnitFactory(address=AddressFactory(community=org.yingxin), name="西彭铝业")
    context = page.context
    context.grant_permissions(["geolocation"])
    context.set_geolocation(START)
    log_in(XIPENG_COMMUNITY)
    page.goto(f"/patrols/{patrol.pk}/tablet/")
    recorded = page.get_by_test_id("recorded")
    waiting = page.get_by_test_id("waiting")
    walk(page, context, 0)  # a fresh fix (the one set before the page is the browser's cache)
    expect(recorded).not_to_have_text("0")
    expect(waiting).to_have_attribute("data-points", "0", timeout=15_000)  # sent while online
    assert on_the_server(patrol, recorded) == int(recorded.inner_text())

    context.set_offline(True)
    expect(page.get_by_test_id("network")).to_have_attribute("data-online", "false")
    before = int(recorded.inner_text())
    for step in range(1, 6):
        walk(page, context, step)
        expect(recorded).to_have_text(str(before + step))
    page.locator("#finding-kind").select_option("hazard")
    page.locator("#finding-place").fill("迎新村3组路口")
    page.locator("#finding-description").fill("电线杆倾斜，电线垂到路面")
    page.locator("[data-form=finding] button[type=submit]").click()
    expect(waiting).to_have_attribute("data-findings", "1")
    # A second one with a photo: the picture waits in IndexedDB and goes as multipart.
    page.locator("#finding-kind").select_option("suspicious_person")
    page.locator("#finding-description").fill("两名男子在厂区围墙外徘徊")
    page.locator("#finding-photo").set_input_files(
        files=[{"name": "wall.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}]
    )
    page.locator("[data-form=finding] button[type=submit]").click()
    expect(waiting).to_have_attribute("data-findings", "2")
    # An enterprise visit with nothing found: the enterprise from the list in the page.
    page.locator("#finding-unit").select_option(str(plant.pk))
    page.locator("#finding-nothing-found").check()
    page.locator("[data-form=finding] button[type=submit]").click()
    expect(waiting).to_have_attribute("data-points", "5")
    expect(waiting).to_have_attribute("data-findings", "3")
    assert TrackPoint.objects.filter(patrol=patrol).count() == before  # nothing got through
    assert not Finding.objects.exists()
    snap("offline")
    page.set_viewport_size(SIZES["tablet-portrait"])
    snap("offline-portrait")
    page.set_viewport_size(SIZES["tablet"])

    # Reloaded in the dead spot, the page opens from the service worker's cache and the queue
    # is still there; recording goes on.
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    page.reload()
    expect(page.get_by_test_id("network")).to_have_attribute("data-online", "false")
    expect(waiting).to_have_attribute("data-findings", "3")
    last = START["latitude"] + 6 * STEP
    walk(page, context, 6)
    expect(page.get_by_test_id("position")).to_contain_text(f"{last:.5f}")
    # The fix is shown before it is queued (IndexedDB answers later): wait for the count.
    page.wait_for_function(
        "() => Number(document.querySelector('[data-testid=waiting]').dataset.points) >= 6"
    )

    context.set_offline(False)
    expect(page.get_by_test_id("network")).to_have_attribute("data-online", "true")
    expect(waiting).to_have_attribute("data-points", "0", timeout=15_000)
    expect(waiting).to_have_attribute("data-findings", "0", timeout=15_000)
    total = int(recorded.inner_text())
    points = TrackPoint.objects.filter(patrol=patrol)
    assert total >= before + 6
    assert points.count() == total  # every point, once
    assert points.values("client_id").distinct().count() == total
    assert points.last().latitude == pytest.approx(last)
    finding, seen, visit = Finding.objects.order_by("pk")  # each once, in the order made
    assert visit.unit == plant and not visit.trouble and visit.status == "handled"
    assert seen.kind == "suspicious_person" and seen.photo and seen.patrol == patrol
    assert seen.photo.read(3) == b"\xff\xd8\xff"  # the picture itself, stored privately
    assert finding.patrol == patrol and finding.kind == "hazard" and not finding.photo
    assert finding.place == "迎新村3组路口" and finding.found_by == org.user(XIPENG_COMMUNITY)
    assert finding.latitude == pytest.approx(START["latitude"] + 5 * STEP)
    patrol.refresh_from_db()
    assert patrol.last_latitude == pytest.approx(last)
    assert patrol.distance_m >= 10  # six steps of 2 m, none flagged
    assert not points.exclude(flag=PointFlag.OK).exists()
    snap("synced")

    # In the loudspeakers' quiet hours the server refuses the broadcast, and the tablet says so.
    local_now = timezone.localtime()
    PatrolSettings.objects.update_or_create(
        bureau=org.jiulongpo,
        defaults={
            "broadcast_quiet_from": (local_now - timedelta(hours=1)).time(),
            "broadcast_quiet_until": (local_now + timedelta(hours=1)).time(),
        },
    )
    quiet_from = (local_now - timedelta(hours=1)).time()
    page.locator("[data-form=broadcast] button[type=submit]").click()
    # The server's own message, naming the quiet hours.
    expect(page.get_by_test_id("message")).to_contain_text(f"{quiet_from:%H:%M}")
    assert not Broadcast.objects.exists()
    page.set_viewport_size(SIZES["tablet-portrait"])
    snap("synced-portrait")


@pytest.mark.parametrize("size", ["tablet"], indirect=True)
def test_a_finding_the_server_refuses_is_set_aside_and_the_next_one_still_goes(page, log_in, org):
    patrol = active_patrol(org)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(START)
    log_in(XIPENG_COMMUNITY)
    page.goto(f"/patrols/{patrol.pk}/tablet/")
    waiting = page.get_by_test_id("waiting")
    page.context.set_offline(True)
    expect(page.get_by_test_id("network")).to_have_attribute("data-online", "false")
    # A "photo" that is no picture: the server refuses it, and would refuse it every time.
    page.locator("#finding-kind").select_option("hazard")
    page.locator("#finding-description").fill("井盖缺失")
    page.locator("#finding-photo").set_input_files(
        files=[{"name": "cover.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture"}]
    )
    page.locator("[data-form=finding] button[type=submit]").click()
    # Stored (the form is emptied once IndexedDB answers) before the next one is written.
    expect(waiting).to_have_attribute("data-findings", "1")
    page.locator("#finding-kind").select_option("other")
    page.locator("#finding-description").fill("路灯不亮")
    page.locator("#finding-photo").set_input_files(files=[])
    page.locator("[data-form=finding] button[type=submit]").click()
    expect(waiting).to_have_attribute("data-findings", "2")

    page.context.set_offline(False)
    expect(waiting).to_have_attribute("data-findings", "0", timeout=15_000)
    assert list(Finding.objects.values_list("description", flat=True)) == ["路灯不亮"]
    # The form was free: the refused finding's text is back in it, for another photo (the
    # list of refused findings is for when the officer is typing: test_tablet_patrol_journey).
    expect(page.locator("#finding-description")).to_have_value("井盖缺失")
    expect(page.get_by_test_id("message")).to_contain_text("文字已放回表单")
    expect(page.get_by_test_id("refused")).to_be_hidden()


@pytest.mark.parametrize("size", ["tablet-portrait"], indirect=True)
def test_the_tablet_starts_and_finishes_the_patrol(page, log_in, snap, org):
    patrol = active_patrol(org, loudspeaker=False)
    Patrol.objects.filter(pk=patrol.pk).update(status=PatrolStatus.PLANNED, started_at=None)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(START)
    log_in(XIPENG_COMMUNITY)
    page.goto(f"/patrols/{patrol.pk}/tablet/")
    tablet = page.locator("#tablet")
    recorded = page.get_by_test_id("recorded")
    finish = page.locator("[data-action=finish]")
    expect(finish).to_be_disabled()
    expect(recorded).to_have_text("0")  # nothing is recorded before the start

    page.locator("[data-action=start]").click()
    expect(tablet).to_have_attribute("data-status", "active")
    for step in range(1, 5):
        walk(page, page.context, step)
        expect(page.get_by_test_id("position")).to_contain_text(
            f"{START['latitude'] + step * STEP:.5f}"
        )
    snap("under-way")
    finish.click()
    expect(tablet).to_have_attribute("data-status", "finished")
    expect(page.get_by_test_id("waiting")).to_have_attribute("data-points", "0")
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.FINISHED and patrol.started_at and patrol.ended_at
    # Every point recorded before the finish is on the server, none after it.
    assert TrackPoint.objects.filter(patrol=patrol).count() == int(recorded.inner_text()) >= 4
    walk(page, page.context, 9)
    page.wait_for_timeout(1000)
    assert TrackPoint.objects.filter(patrol=patrol).count() == int(recorded.inner_text())
    expect(page.locator("[data-action=start]")).to_be_disabled()
    snap("finished")


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_patrol_page_draws_its_track(page, log_in, snap, org):
    patrol = active_patrol(org)
    start = patrol.started_at
    TrackPoint.objects.bulk_create(
        TrackPoint(
            patrol=patrol,
            client_id=uuid.uuid4(),
            recorded_at=start + timedelta(minutes=i),
            latitude=START["latitude"] + i * 0.0005,
            # A zigzag up the lane (Leaflet merges points on a straight line), and one jump.
            longitude=START["longitude"] + (0.3 if i == 3 else (i % 2) * 0.0004),
            flag=PointFlag.IMPOSSIBLE_SPEED if i == 3 else PointFlag.OK,
        )
        for i in range(8)
    )
    log_in(XIPENG_DESK)
    page.goto(f"/patrols/{patrol.pk}/")
    track = page.locator("#track-map path.ps-track")
    expect(track).to_have_count(1)
    expect(page.locator("#track-map path.ps-flagged")).to_have_count(1)
    expect(page.locator("#track-map")).to_have_attribute("data-points", "8")
    assert track.get_attribute("d").count("L") == 6  # seven valid points: M and six L
    snap("track")


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_command_room_watches_the_patrol_move(page, log_in, snap, org):
    patrol = active_patrol(
        org,
        last_latitude=START["latitude"],
        last_longitude=START["longitude"],
        last_seen_at=timezone.now(),
    )
    # Another station's patrol under way nearby: not on 西彭's map.
    active_patrol(
        org,
        station=org.shuangfeng,
        last_latitude=START["latitude"],
        last_longitude=START["longitude"] + 0.001,
        last_seen_at=timezone.now(),
    )
    log_in(XIPENG_DESK)
    page.goto("/patrols/live/")
    marker = page.locator(f"#live-map path.ps-patrol-{patrol.pk}")
    expect(marker).to_have_count(1)
    expect(page.locator(f'#live-list [data-patrol="{patrol.pk}"]')).to_contain_text("迎新村—园区")
    expect(page.get_by_test_id("live-count")).to_have_text("1")
    where = marker.get_attribute("d")
    snap("live")
    Patrol.objects.filter(pk=patrol.pk).update(
        last_latitude=START["latitude"] + 0.002, last_seen_at=timezone.now()
    )
    # The next refresh moves the marker; the page is not reloaded.
    page.evaluate("window.notReloaded = true")
    expect(marker).not_to_have_attribute("d", where, timeout=12_000)
    assert page.evaluate("window.notReloaded") is True
    Patrol.objects.filter(pk=patrol.pk).update(status=PatrolStatus.FINISHED)
    expect(marker).to_have_count(0, timeout=12_000)
    expect(page.get_by_test_id("live-count")).to_have_text("0")


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_noise_map_shows_an_open_event(page, log_in, snap, noise):  # noqa: F811
    now = timezone.now()
    readings_ingest(sensor=noise.sensor, readings=series(now - timedelta(minutes=4), 180, 90))
    log_in(XIPENG_DESK)
    page.goto("/noise/")
    marker = page.locator(f"#noise-map path.ps-noise-event.ps-sensor-{noise.sensor.pk}")
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("fill", "#dc3545")
    marker.click()
    popup = page.locator("#noise-map .leaflet-popup-content")
    expect(popup).to_contain_text(noise.sensor.name)
    expect(popup).to_contain_text("90.0 dB(A)")
    snap("event-on-map")
