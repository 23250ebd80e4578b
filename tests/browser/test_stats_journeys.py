"""The leader's dashboard in a real browser, on a desktop and on the 1920×1080 wall screen:
西彭's leader opens the statistics from the menu, picks the year, reads the table with its
year-on-year changes and sees every chart drawn (Chart.js on canvases, from json_script
data), response times recomputed from the incidents included."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from apps.core.testing.personas import XIPENG_DESK, XIPENG_LEADER, build_org
from apps.stats.selectors import CHARTED
from tests.browser.conftest import wait_for_charts
from tests.stats.dash_data import fact
from tests.stats.engine_data import at, incident

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop", "wall"], indirect=True)
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
        fact(org.xipeng, day, "disputes_concluded", 4)
        fact(org.xipeng, day, "patrol_hours", 40 + month)
        fact(org.xipeng, day, "incidents_by_category", 10 + month, "01")
        fact(org.xipeng, day, "incidents_by_category", 10, "02")
        fact(org.xipeng, day, "noise_events", month % 4)
        fact(org.xipeng, day, "minutes_saved", 100 + 10 * month)
    for minutes in (6, 8, 12, 20):
        incident(org.xipeng, org.users[XIPENG_DESK], at(date(year, 5, 4), 9), arrived_min=minutes)

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
    expect(page.locator('[data-testid="value-response_median"]')).to_have_text("10")
    wait_for_charts(page)
    drawn = page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('canvas[data-testid]')]"
        ".map(c => [c.dataset.testid, Chart.getChart(c)?.data.datasets[0].data]))"
    )
    assert set(drawn) >= {f"chart-{name}" for name in CHARTED}
    assert all(drawn[f"chart-{name}"] is not None for name in CHARTED)
    # The year's months: the response time only in May.
    assert drawn["chart-response_median"] == [None] * 4 + [10] + [None] * 7
    assert drawn["chart-dispute_resolution_rate"] == [75] * 12
    # Draw the charts' final state at once for the screenshot (they animate for a second).
    page.evaluate(
        "() => document.querySelectorAll('canvas[data-chart]').forEach(c => {"
        " const chart = Chart.getChart(c); chart.options.animation = false; chart.update(); })"
    )
    snap("year")
