"""The desk at 1366×768: a service recorded at the window moves every counter of the home
page at once (the day's consultations, the station overview), and the duty roster's week
fits the screen, the weekend group's day reading 全天."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.cases.models import DutyShift
from apps.core.testing.factories import StaffAssignmentFactory
from apps.core.testing.personas import XIPENG_DESK
from apps.stations.models import ServiceLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_a_consultation_recorded_at_the_window_moves_every_counter(page, log_in, snap, org):
    log_in(XIPENG_DESK)
    page.goto("/")
    consultations = page.get_by_test_id("count-consultations")
    services = page.get_by_test_id("services-today")
    overview = page.get_by_test_id("station-services-today")
    for counter in (consultations, services, overview):
        expect(counter).to_have_text("0")
    page.locator("#service-entry button[value=consultation]").click()
    for counter in (consultations, services, overview):
        expect(counter).to_have_text("1")
    page.locator("#service-entry button[value=residence_registration]").click()
    expect(services).to_have_text("2")
    expect(overview).to_have_text("2")
    expect(consultations).to_have_text("1")  # a registration is no consultation
    assert ServiceLog.objects.count() == 2
    snap("counters")


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_roster_week_fits_the_desk_and_a_whole_day_reads_all_day(page, log_in, snap, org):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    tz = timezone.get_current_timezone()
    for number in range(6):
        staff = StaffAssignmentFactory(
            station=org.xipeng, post=org.park_post, name=f"值班民警{number}"
        )
        for offset in range(5):
            day = monday + timedelta(days=offset)
            DutyShift.objects.create(
                station=org.xipeng,
                post=org.park_post,
                staff=staff,
                starts_at=datetime.combine(day, time(8, 30), tz),
                ends_at=datetime.combine(day, time(17, 30), tz),
            )
        saturday = datetime.combine(monday + timedelta(days=5), time(0), tz)
        DutyShift.objects.create(
            station=org.xipeng,
            post=org.park_post,
            staff=staff,
            starts_at=saturday,
            ends_at=saturday + timedelta(days=1),
        )
    log_in(XIPENG_DESK)
    page.goto("/cases/roster/")
    roster = page.locator("table.roster")
    expect(roster.locator("a", has_text="全天")).to_have_count(6)
    expect(roster.locator("a", has_text="00:00–00:00")).to_have_count(0)
    expect(roster.locator("a", has_text="08:30–17:30")).to_have_count(30)
    width = page.evaluate("() => document.documentElement.clientWidth")
    assert roster.bounding_box()["width"] <= width
    assert page.evaluate(
        "() => [...document.querySelectorAll('.table-responsive')]"
        ".every(box => box.scrollWidth <= box.clientWidth)"
    )
    snap("roster")
