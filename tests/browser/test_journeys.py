import re

import pytest
from playwright.sync_api import expect

from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK
from apps.stations.models import ServiceLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_desk_officer_records_a_consultation_and_sees_the_counter_go_up(org, page, log_in, snap):
    log_in(XIPENG_DESK)
    expect(page).to_have_url(re.compile(r"/$"))
    counter = page.get_by_test_id("services-today")
    expect(counter).to_have_text("0")
    snap("home")
    page.get_by_role("button", name=re.compile("群众咨询")).click()
    expect(counter).to_have_text("1")
    snap("after-consultation")
    assert ServiceLog.objects.filter(station=org.xipeng, kind="consultation").count() == 1


def test_a_shuangfeng_officer_opening_a_xipeng_page_gets_not_found(org, page, log_in, snap):
    log_in(SHUANGFENG_DESK)
    expect(page).to_have_url(re.compile(r"/$"))
    response = page.goto(org.park_post.get_absolute_url())
    assert response.status == 404
    expect(page.get_by_test_id("not-found")).to_be_visible()
    expect(page.get_by_text("西彭园区警务站")).to_have_count(0)
    snap("not-found")


def test_the_lockout_message_shows_after_repeated_failures(org, page, log_in, snap):
    for _ in range(5):
        log_in(XIPENG_DESK, "wrong-password")
    log_in(XIPENG_DESK)
    expect(page.get_by_test_id("lockout")).to_contain_text("登录失败次数过多")
    snap("locked-out")
