"""The desk finds 王小红 by what it has and registers a newcomer, in a real browser at the
desk's 1366×768: the person search by initials and by a whole ID number (a logged
lookup), the new-person form filling gender and date of birth from the number as it is
typed, and a number already registered linking to that person."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from apps.core.idnumbers import MALE, make_id_number
from apps.core.masking import mask_id_number
from apps.core.models import AccessLog
from apps.core.testing.personas import XIPENG_DESK
from apps.registry.models import Person
from tests.registry.factories import WANG_XIAOHONG, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ZHAO_GANG = make_id_number(region="510104", birth_date=date(1988, 11, 2), sequence=21, gender=MALE)


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_desk_finds_a_person_by_initials_or_number_and_registers_a_newcomer(
    page, log_in, snap, org
):
    wang = PersonFactory(
        station=org.xipeng,
        name="王小红",
        id_number=WANG_XIAOHONG,
        birth_date=date(1990, 5, 4),
        gender="female",
    )
    PersonFactory(station=org.xipeng, name="李强")
    log_in(XIPENG_DESK)

    page.goto("/registry/persons/")
    search = page.get_by_label("搜索")
    expect(search).to_have_attribute("placeholder", re.compile("首字母"))
    search.fill("wxh")
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("王小红")
    snap("initials")

    search.fill(WANG_XIAOHONG[:-4])  # part of the number: nobody, and the rule said
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("table tbody")).to_contain_text("没有找到记录")
    expect(page.locator(".alert-info")).to_contain_text("须输入完整")
    snap("part-of-a-number")

    search.fill(WANG_XIAOHONG.lower())
    page.get_by_role("button", name="筛选").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(mask_id_number(WANG_XIAOHONG))
    assert AccessLog.objects.get().field == "lookup:id_number"
    snap("whole-id-number")

    page.get_by_role("link", name="新建").click()
    page.fill("#id_name", "赵刚")
    page.locator("#id_id_number").press_sequentially(ZHAO_GANG, delay=10)
    expect(page.locator("#id_gender")).to_have_value("male")
    expect(page.locator("#id_birth_date")).to_have_value("1988-11-02")
    page.select_option("#id_category", "floating")
    snap("new-person-filled")

    page.fill("#id_id_number", WANG_XIAOHONG)  # someone already registered here
    page.get_by_role("button", name="保存").click()
    link = page.get_by_role("link", name="王小红")
    expect(link).to_be_visible()
    snap("already-registered")
    link.click()
    expect(page).to_have_url(re.compile(rf"/registry/persons/{wang.pk}/$"))

    page.goto("/registry/persons/new/")
    page.fill("#id_name", "赵刚")
    page.fill("#id_id_number", ZHAO_GANG)  # gender and date of birth left to the server
    page.select_option("#id_category", "floating")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_contain_text("赵刚")
    zhao = Person.objects.get(name="赵刚")
    assert (zhao.gender, zhao.birth_date, zhao.name_initials) == (MALE, date(1988, 11, 2), "zg")
    snap("saved")
