"""A day at 西彭 (issue 16): the 迎新村 call end to end, in a real browser.

Two old men fall out over a game of chess at 迎新村, the most remote village, about 40
minutes by car from the station HQ and 20 from the park post. The desk officer (1366×768)
finds the category by typing, sees the park post suggested with its officer on duty and
the building head apart as 联防力量, and records and dispatches in one click. The park
post's officer, on a 1024×768 tablet, finds the job in 我的出警任务 without being told,
takes it, and reports on the way, arrived and handled. The desk then reads the response
time and the minutes saved on the incident page."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from apps.cases.models import DutyShift, Incident
from apps.cases.services import taxonomy_seed
from apps.core.testing.factories import PASSWORD, StaffAssignmentFactory
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from apps.stations.choices import StaffKind
from tests.browser.conftest import ARTIFACTS, SIZES, _slug
from tests.cases.conftest import scene  # noqa: F401  (the fixture, at its real coordinates)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# As the caller says it (issue 20, item 8): the words give the village and the point.
PLACE = "迎新村5组，两个老人下棋打起来了"


@pytest.fixture
def yingxin(scene):  # noqa: F811
    """The scene as the seeds tell it: the whole taxonomy, named people, and the park post's
    building head on duty beside its officer."""
    taxonomy_seed(bureau=scene.org.jiulongpo)
    desk, officer = scene.org.user(XIPENG_DESK), scene.officer_on_duty
    desk.last_name, desk.first_name = "陈", "晓东"
    desk.save()
    officer.last_name, officer.first_name = "李", "强"
    officer.save()
    shift = DutyShift.objects.get(post=scene.org.park_post)
    shift.staff.name = "李强"
    shift.staff.save()
    jiang = StaffAssignmentFactory(
        station=scene.org.xipeng,
        post=scene.org.park_post,
        name="蒋某某",
        kind=StaffKind.BUILDING_HEAD,
    )
    DutyShift.objects.create(
        station=scene.org.xipeng,
        post=scene.org.park_post,
        staff=jiang,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at + timedelta(hours=1),
    )
    return scene


@pytest.fixture
def tablet(browser, live_server, request):
    """The park post officer's tablet: its own browser, 1024×768, checked against the CSP."""
    context = browser.new_context(
        viewport=SIZES["tablet"],
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    blocked = []
    tab.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    yield tab
    context.close()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"


def tablet_snap(tab, request, step):
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"{_slug(request.node.name)}-{step}.png", full_page=True)


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_yingxin_call_reaches_the_park_posts_officer_and_back(
    page, log_in, snap, tablet, request, yingxin
):
    # --- the desk takes the call --------------------------------------------------------
    log_in(XIPENG_DESK)
    page.goto("/cases/incidents/new/")
    expect(page.locator("h1")).to_contain_text("新接警情")
    search = page.locator(".select-search")
    search.press_sequentially("斗殴")
    category = page.locator("#id_category")
    expect(category.locator("option", has_text="0202")).to_have_count(1)
    expect(category.locator("option", has_text="盗窃")).to_have_count(0)
    expect(page.locator(".select-search-count")).to_contain_text("匹配")
    category.select_option(value=str(yingxin.fight.pk))
    snap("1-category-found-by-typing")

    # No click on the map and no village picked: the words are enough.
    page.locator("#id_place_text").press_sequentially(PLACE)
    expect(page.locator("#place-match-name")).to_have_text("迎新村")
    expect(page.locator("#place-match-score")).to_have_text("匹配度 100%")
    expect(page.locator("#id_community option:checked")).to_have_text("迎新村")
    expect(page.locator("#id_latitude")).to_have_value(f"{yingxin.org.yingxin.latitude:.6f}")
    expect(page.locator("#place-source")).to_have_value("match")
    page.locator("#id_caller_phone").press_sequentially("13983460088")
    page.fill("#id_caller_name", "王大爷")
    page.fill("#id_description", "两位老人下象棋起争执，互相推搡，围观村民劝不开。")
    first = page.locator("#suggestions li").first
    expect(first).to_contain_text("★ 西彭园区警务站")
    expect(first.locator(".on-duty")).to_contain_text("李强")
    expect(first.locator(".on-duty")).not_to_contain_text("蒋某某")
    expect(first.locator(".joint-forces")).to_contain_text("联防力量: 蒋某某（楼栋长）")
    expect(first).to_contain_text(re.compile(r"节省 1\d\.\d 分钟"))
    expect(page.locator("#suggestions .card-header")).to_contain_text(
        re.compile(r"约 (3[5-9]|4\d)\.\d")
    )
    snap("2-suggestion")

    page.locator("#record-and-dispatch").click()
    expect(page).to_have_url(re.compile(r"/cases/incidents/\d+/$"))
    expect(page.locator("#incident-status")).to_have_text("已指派警务站")
    expect(page.locator("#waiting-for-taker")).to_contain_text("李强")
    expect(page.locator(".alert-success")).to_contain_text("已登记并派往西彭园区警务站")
    snap("3-dispatched-waiting-for-the-post")
    incident = Incident.objects.get(place_text=PLACE)
    assert incident.community == yingxin.org.yingxin
    assert incident.latitude == yingxin.org.yingxin.latitude

    # --- the park post's officer, on the tablet ------------------------------------------
    tablet.goto("/accounts/login/")
    tablet.get_by_label("用户名").fill(XIPENG_COMMUNITY)
    tablet.get_by_label("密码").fill(PASSWORD)
    tablet.get_by_role("button", name="登录").click()
    tablet.goto("/cases/jobs/")
    job = tablet.locator("#jobs .job", has_text=PLACE)
    expect(job).to_contain_text("待接单")
    tablet_snap(tablet, request, "4-tablet-my-jobs")
    job.get_by_role("button", name="接单").click()
    expect(tablet.locator("#job-status")).to_have_text("已派警")
    expect(tablet.locator("#job-holders")).to_contain_text("李强")
    tablet_snap(tablet, request, "5-tablet-taken")
    tablet.get_by_role("button", name="出发").click()
    expect(tablet.locator("#job-status")).to_have_text("出警途中")
    tablet.get_by_role("button", name="已到场").click()
    expect(tablet.locator("#job-status")).to_have_text("已到场")
    steps = tablet.locator("#checklist input[type=checkbox]")
    for index in range(steps.count()):
        tablet.locator(f"#step-{index}").check()
        expect(tablet.locator(f"label[for=step-{index}]")).to_contain_text("✓")
    tablet_snap(tablet, request, "6-tablet-arrived-checklist")
    tablet.fill("#id_outcome", "劝开双方，握手言和，棋局改日再下。")
    tablet.get_by_role("button", name="已处置").click()
    expect(tablet.locator("#job-status")).to_have_text("已处置")
    tablet_snap(tablet, request, "7-tablet-handled")
    tablet.goto("/cases/jobs/")
    expect(tablet.locator("#jobs")).not_to_contain_text(PLACE)

    # --- back at the desk -----------------------------------------------------------------
    page.reload()
    expect(page.locator("#incident-status")).to_have_text("已处置")
    expect(page.locator("#response-times")).to_contain_text(re.compile(r"到场 \d+\.\d 分钟"))
    expect(page.locator("#minutes-saved")).to_contain_text(re.compile(r"节省 1\d\.\d 分钟"))
    labels = page.locator("#timeline .event-label").all_inner_texts()
    assert labels[:4] == ["已接警", "已指派警务站", "接单", "出警途中"]
    statuses = [label for label in labels if label != "处置清单"]
    assert len(statuses) == len(set(statuses)), f"a status repeats: {labels}"
    disposition = page.locator("#close-panel select[name=disposition]")
    expect(disposition).to_have_value("")
    snap("8-desk-response-and-minutes-saved")

    incident.refresh_from_db()
    assert incident.officers.get() == yingxin.officer_on_duty
    assert incident.response_minutes is not None and incident.minutes_saved > 15
