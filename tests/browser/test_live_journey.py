"""Live dispatch in a real browser (issue 20 items 2 and 4), on a real ASGI server.

The desk (1366×768) sends the park post to the 迎新村 call from the incident page; the park
post's officer, whose tablet (1024×768) shows 我的出警任务 and nothing else, sees the job
arrive without touching the screen, with a notice and the unread count. The officer takes
it and sets off; the desk's incident page follows, without a reload. The pages' own polling
is set to ten minutes here, so only the push can bring these changes in time.

When a police network's proxy blocks WebSocket, the same page says so (定时刷新) and the job
still arrives, by polling."""

import re

import pytest
from playwright.sync_api import expect

from apps.cases.models import Incident
from apps.cases.services import incident_dispatch, incident_report
from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from tests.browser.conftest import ARTIFACTS, SIZES, _slug
from tests.cases.conftest import scene  # noqa: F401  (the fixture, at its real coordinates)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PLACE = "迎新村5组村口小卖部"


@pytest.fixture
def screens(browser, asgi_server, request):
    """screens(size) opens a browser of its own at that size against the ASGI server; each
    is checked against the Content-Security-Policy and photographed by `shot`."""
    opened = []

    def open_screen(size):
        context = browser.new_context(
            viewport=SIZES[size], locale="zh-CN", timezone_id="Asia/Shanghai"
        )
        context.set_default_timeout(10_000)
        tab = context.new_page()
        tab.blocked = []
        tab.on(
            "console",
            lambda m: "Content Security Policy" in m.text and tab.blocked.append(m.text),
        )
        opened.append((context, tab))
        return tab

    yield open_screen
    for context, tab in opened:
        context.close()
        assert not tab.blocked, f"blocked by the Content-Security-Policy: {tab.blocked}"


def shot(tab, request, step):
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"{_slug(request.node.name)}-{step}.png")


def log_in(tab, server, username):
    tab.goto(f"{server.url}/accounts/login/")
    tab.get_by_label("用户名").fill(username)
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    expect(tab.locator("#live-mode")).to_be_attached()


def _call(scene):  # noqa: F811
    incident, _ = incident_report(
        by=scene.org.user(XIPENG_DESK),
        source="110",
        place_text=PLACE,
        community=scene.org.yingxin,
        latitude=scene.org.yingxin.latitude,
        longitude=scene.org.yingxin.longitude,
        category=scene.fight,
    )
    return incident


def test_a_dispatch_arrives_on_the_tablet_and_the_desk_follows_without_a_reload(
    screens,
    asgi_server,
    request,
    settings,
    scene,  # noqa: F811
):
    settings.LIVE_REFRESH_SECONDS = dict.fromkeys(settings.LIVE_REFRESH_SECONDS, 600)
    incident = _call(scene)
    tablet = screens("tablet")
    log_in(tablet, asgi_server, XIPENG_COMMUNITY)
    tablet.goto(f"{asgi_server.url}/cases/jobs/")
    expect(tablet.locator("#live-mode")).to_have_text("实时")
    expect(tablet.locator("#jobs")).not_to_contain_text(PLACE)
    tablet.evaluate("window.notReloaded = true")
    shot(tablet, request, "1-tablet-waiting")

    desk = screens("desktop")
    log_in(desk, asgi_server, XIPENG_DESK)
    desk.goto(f"{asgi_server.url}/cases/incidents/{incident.pk}/")
    expect(desk.locator("#live-mode")).to_have_text("实时")
    expect(desk.locator("#incident-status")).to_have_text("已接警")
    desk.evaluate("window.notReloaded = true")
    desk.locator("#dispatch-panel form").first.get_by_role("button", name="派警").click()
    expect(desk.locator("#incident-status")).to_have_text("已指派警务站")
    desk.evaluate("window.notReloaded = true")  # the dispatch itself was a page load
    shot(desk, request, "2-desk-dispatched")

    # The job arrives on the tablet by itself: a notice, the unread count, the list.
    job = tablet.locator("#jobs .job", has_text=PLACE)
    expect(job).to_contain_text("待接单")
    expect(tablet.locator("#live-toasts .toast")).to_contain_text(f"新任务： {incident.number}")
    expect(tablet.locator("#unread-count")).to_have_text("1")
    assert tablet.evaluate("window.notReloaded") is True
    shot(tablet, request, "3-tablet-job-arrived")

    job.get_by_role("button", name="接单").click()
    expect(tablet.locator("#job-status")).to_have_text("已派警")
    tablet.get_by_role("button", name="出发").click()
    expect(tablet.locator("#job-status")).to_have_text("出警途中")

    # The desk's page followed each step on its own.
    expect(desk.locator("#incident-status")).to_have_text("出警途中")
    expect(desk.locator("#timeline")).to_contain_text("接单")
    expect(desk.locator("#dispatch-panel")).to_have_count(0)
    assert desk.evaluate("window.notReloaded") is True
    shot(desk, request, "4-desk-follows")
    assert Incident.objects.get(pk=incident.pk).status == "en_route"


def test_a_blocked_socket_falls_back_to_polling_and_says_so(
    screens,
    asgi_server,
    request,
    settings,
    scene,  # noqa: F811
):
    settings.LIVE_REFRESH_SECONDS = dict.fromkeys(settings.LIVE_REFRESH_SECONDS, 1)
    tablet = screens("tablet")
    # A proxy that refuses WebSocket: every attempt is closed at once.
    tablet.route_web_socket(re.compile(r"/ws/live/"), lambda ws: ws.close())
    log_in(tablet, asgi_server, XIPENG_COMMUNITY)
    tablet.goto(f"{asgi_server.url}/cases/jobs/")
    expect(tablet.locator("#live-mode")).to_have_text("定时刷新")
    expect(tablet.locator("#live-mode")).to_have_attribute("title", re.compile("每隔几秒"))
    tablet.evaluate("window.notReloaded = true")
    incident = _call(scene)
    asgi_server.run(
        incident_dispatch,
        incident=incident,
        post=scene.org.park_post,
        by=scene.org.user(XIPENG_DESK),
    )
    expect(tablet.locator("#jobs .job", has_text=PLACE)).to_contain_text("待接单")
    assert tablet.evaluate("window.notReloaded") is True
    shot(tablet, request, "polling-job-arrived")
