"""The 迎新村 call, end to end in a real browser: the desk officer records it and dispatches
the park post from the incident page, the community officer takes the job and works it on
the tablet, the desk closes it; the command room's board follows without a reload. (The
one-step 登记并派警 journey is test_yingxin_journey.py.)"""

import re

import pytest
from playwright.sync_api import expect

from apps.cases.models import Incident
from apps.core.testing.personas import XIPENG_COMMUNITY, XIPENG_DESK
from tests.cases.conftest import scene  # noqa: F401  (the fixture, at its real coordinates)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def take_the_call(page, scene):  # noqa: F811
    page.goto("/cases/incidents/new/")
    page.select_option("#id_category", value=str(scene.fight.pk))
    page.fill("#id_place_text", "迎新村3组村道旁")
    page.fill("#id_caller_phone", "13983460001")
    page.select_option("#id_community", value=str(scene.org.yingxin.pk))
    suggestions = page.locator("#suggestions")
    expect(suggestions.locator("li").first).to_contain_text("西彭园区警务站")
    expect(page.locator("#caller-history")).to_contain_text("0")
    page.get_by_role("button", name="仅登记，稍后派警").click()
    expect(page).to_have_url(re.compile(r"/cases/incidents/\d+/$"))
    return Incident.objects.get(place_text="迎新村3组村道旁")


def test_a_call_is_dispatched_worked_on_the_tablet_and_closed(page, log_in, snap, scene):  # noqa: F811
    log_in(XIPENG_DESK)
    incident = take_the_call(page, scene)
    snap("recorded")
    panel = page.locator("#dispatch-panel")
    expect(panel.locator("li").first).to_contain_text("西彭园区警务站")
    panel.locator("li").first.get_by_role("button", name="派警").click()
    expect(page.locator("#incident-status")).to_have_text("已指派警务站")
    snap("dispatched")

    page.context.clear_cookies()
    log_in(XIPENG_COMMUNITY)
    page.goto("/cases/jobs/")
    page.get_by_role("link", name=re.compile("打架斗殴")).click()
    page.get_by_role("button", name="接单").click()
    expect(page.locator("#job-status")).to_have_text("已派警")
    page.get_by_role("button", name="出发").click()
    expect(page.locator("#job-status")).to_have_text("出警途中")
    page.get_by_role("button", name="已到场").click()
    expect(page.locator("#job-status")).to_have_text("已到场")
    steps = page.locator("#checklist input[type=checkbox]")
    for index in range(steps.count()):
        page.locator(f"#step-{index}").check()
        expect(page.locator(f"label[for=step-{index}]")).to_contain_text("✓")  # saved
    snap("checklist")
    page.fill("#id_outcome", "制止斗殴，双方带回警务站询问。")
    page.get_by_role("button", name="已处置").click()
    expect(page.locator("#job-status")).to_have_text("已处置")

    page.context.clear_cookies()
    log_in(XIPENG_DESK)
    page.goto(f"/cases/incidents/{incident.pk}/")
    page.select_option("#close-panel select[name=disposition]", value="settled")
    page.locator("#close-panel").get_by_role("button", name="结束").click()
    expect(page.locator("#incident-status")).to_have_text("已结束")
    snap("closed")

    incident.refresh_from_db()
    assert incident.post == scene.org.park_post
    assert incident.officers.get() == scene.officer_on_duty
    assert all(item["done"] for item in incident.checklist)
    assert incident.response_minutes is not None and incident.minutes_saved > 0


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_board_shows_a_new_call_without_a_reload(browser, page, log_in, scene):  # noqa: F811
    log_in(XIPENG_DESK)
    page.goto("/cases/board/")
    expect(page.locator("#board")).not_to_contain_text("迎新村3组村道旁")
    intake = page.context.new_page()
    take_the_call(intake, scene)
    expect(page.locator("#board")).to_contain_text("迎新村3组村道旁", timeout=15_000)
