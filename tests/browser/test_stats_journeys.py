"""The leader's dashboard in a real browser: 西彭's leader opens the statistics from the
menu, picks the year, reads the table with its year-on-year changes and sees the charts
drawn (Chart.js on canvases, from json_script data)."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from apps.core.testing.personas import XIPENG_LEADER, build_org
from tests.stats.dash_data import fact

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_leaders_dashboard(page, log_in, snap):
    org = build_org()
    year = date.today().year - 1  # a whole year that the picker can name
    for month in range(1, 13):
        day = date(year, month, 3)
        fact(org.xipeng, day, "incidents", 20 + month)
        fact(org.xipeng, day - timedelta(days=365), "incidents", 15 + month)
        fact(org.xipeng, day, "consultations", 80 + 2 * month)
        fact(org.xipeng, day, "disputes_received", 4)
        fact(org.xipeng, day, "disputes_resolved", 3)
        fact(org.xipeng, day, "patrol_hours", 40 + month)
        fact(org.xipeng, day, "incidents_by_category", 10 + month, "01")
        fact(org.xipeng, day, "incidents_by_category", 10, "02")

    log_in(XIPENG_LEADER)
    page.locator('nav a[href="/stats/"]').click()
    expect(page.locator('[data-testid="stats-table"]')).to_be_visible()
    page.locator("#id_period").select_option("year")
    page.locator("#id_at").fill(f"{year}-06-30")
    page.locator('[data-testid="stats-picker"] button[type="submit"]').click()
    expect(page.locator('[data-testid="value-incidents"]')).to_have_text(str(sum(range(21, 33))))
    # 318 against 258 a year before
    expect(page.locator('[data-testid="yoy-incidents"]')).to_have_text("+23.3%")
    expect(page.locator('[data-testid="value-dispute_resolution_rate"]')).to_have_text("75")
    expect(page.locator('[data-testid="yoy-consultations"]')).to_have_text("—")
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".filter(c => Chart.getChart(c)).length"
    )
    assert drawn >= 4
    snap("year")
