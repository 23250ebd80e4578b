"""The command room's wall screen in a real browser at 1920×1080: posts, open incidents, a
patrol and a noise event on the map; an incident taken meanwhile shows in the counters
without a reload; the network blinks and the board says so, then recovers by itself."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_LEADER
from tests.browser.conftest import ARTIFACTS, WALL
from tests.stats.board_scene import incident, noise_event, patrol, sensor

# A round of the board is a second in the tests (conftest); an expectation waits for more.
ROUND = 12_000
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def received_today(rows, having=None):
    """How many of `rows` were received today in Chongqing (a run near midnight splits),
    with the timestamp `having` set if one is named."""
    today = timezone.localdate()
    return sum(
        timezone.localtime(row.received_at).date() == today
        and (having is None or getattr(row, having) is not None)
        for row in rows
    )


def minutes_ago(minutes):
    return timezone.now() - timedelta(minutes=minutes)


@pytest.fixture
def wall_page(browser, live_server):
    context = browser.new_context(viewport=WALL["wall"], locale="zh-CN", base_url=live_server.url)
    context.set_default_timeout(15_000)
    tab = context.new_page()
    yield tab
    context.close()


def test_the_wall_screen_lives_through_a_network_blink(wall_page, org):
    page = wall_page
    rows = [incident(org, status="received", ago=3, now=None, priority=1)]
    rows += [
        incident(
            org,
            status="dispatched",
            ago=40,
            now=None,
            post=org.park_post,
            assigned_at=minutes_ago(39),
            dispatched_at=minutes_ago(38),
            latitude=Decimal("29.400000"),
            longitude=Decimal("106.450000"),
        )
    ]
    rows += [
        incident(
            org,
            status="arrived",
            ago=70,
            now=None,
            place_text="西彭园区金属大道",
            assigned_at=minutes_ago(69),
            dispatched_at=minutes_ago(68),
            en_route_at=minutes_ago(67),
            arrived_at=minutes_ago(55),
            latitude=Decimal("29.480000"),
            longitude=Decimal("106.360000"),
        )
    ]
    patrol(org, officers=[org.user(XIPENG_COMMUNITY)], at=(29.45, 106.40), now=None)
    noise_event(sensor(org), now=None)

    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(XIPENG_LEADER)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto("/stats/board/")
    expect(page.locator("#wall")).to_have_attribute("data-state", "live")
    for kind, count in (("post", 1), ("incident", 3), ("patrol", 1), ("noise", 1)):
        expect(page.locator(f"#board-map path.ps-board-{kind}")).to_have_count(count)
    expect(page.locator("#board-map path.ps-board-late")).to_have_count(1)  # dispatched 40 min ago
    today = page.locator("[data-counter=incidents_today]")
    expect(today).to_have_text(str(received_today(rows)))
    for counter in ("dispatched", "arrived"):
        expect(page.locator(f"[data-counter={counter}_today]")).to_have_text(
            str(received_today(rows, having=f"{counter}_at"))
        )
    expect(page.locator("#board-incidents li")).to_have_count(3)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "board-1920x1080.png")

    # Taken at the desk meanwhile: the board shows it on its next round, with no reload.
    page.evaluate("window.stillTheSamePage = true")
    rows.append(incident(org, status="received", ago=0, now=None, place_text="迎新村三组"))
    expect(today).to_have_text(str(received_today(rows)), timeout=ROUND)
    expect(page.locator("#board-map path.ps-board-incident")).to_have_count(4)
    assert page.evaluate("window.stillTheSamePage") is True

    page.context.set_offline(True)
    notice = page.get_by_test_id("board-offline")
    expect(notice).to_be_visible(timeout=ROUND)
    expect(page.locator("#wall")).to_have_attribute("data-state", "offline")
    expect(today).to_have_text(str(received_today(rows)))  # the last picture stays
    page.screenshot(path=ARTIFACTS / "board-1920x1080-offline.png")
    page.context.set_offline(False)
    expect(notice).to_be_hidden(timeout=ROUND)
    expect(page.locator("#wall")).to_have_attribute("data-state", "live")
    assert page.evaluate("window.stillTheSamePage") is True

    page.set_viewport_size({"width": 1366, "height": 768})
    expect(page.locator("[data-counter=noise_open]")).to_be_in_viewport()
    page.screenshot(path=ARTIFACTS / "board-1366x768.png")
