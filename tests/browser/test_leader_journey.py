"""The station leader's day with the statistics, in a real browser, on the demo as
`make demo` leaves it (issue 16): 西彭's leader opens 统计 at 1366×768 and finds figures
without anyone recomputing; reads the park post's first year (twelve months to October
2021: the seeds' 1,046 consultations, 4,452 residents registered, 833 permits) with its
months in the charts and the table, opens March and sees its days, compares the station's
posts (the table scrolls inside its card, the post column fixed), downloads the XLSX files
(header frozen, columns sized, figures to one decimal) and the quarterly bulletin, and
puts the live command board on the 1920×1080 wall screen."""

from io import BytesIO

import pytest
from django.core.management import call_command
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.stations.models import Post
from devtools.demo.accounts import DEMO_PASSWORD
from tests.browser.conftest import ARTIFACTS, WALL, wait_for_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARK = "西彭园区警务站"
PARK_MONTHS = ["2020-11", "2020-12"] + [f"2021-{m:02d}" for m in range(1, 11)]


@pytest.fixture
def demo(settings):
    settings.DEBUG = True  # the demo's well-known password
    settings.DEMO_PARK_YEAR = True  # what `make demo` loads
    call_command("seed_demo", verbosity=0)


def drawn(page) -> dict:
    """Every chart's data as Chart.js holds it, by its canvas' test id."""
    wait_for_charts(page)
    return page.evaluate(
        "() => Object.fromEntries([...document.querySelectorAll('canvas[data-testid]')]"
        ".map(c => [c.dataset.testid, Chart.getChart(c)?.data]))"
    )


def settle(page):
    wait_for_charts(page)
    # The charts' final state at once for the screenshot (they animate for a second).
    page.evaluate(
        "() => document.querySelectorAll('canvas[data-chart]').forEach(c => {"
        " const chart = Chart.getChart(c); chart.options.animation = false; chart.update(); })"
    )


def pick(page, *, unit, period, at):
    picker = page.locator('[data-testid="stats-picker"]')
    picker.locator("#id_unit").select_option(label=unit)
    picker.locator("#id_period").select_option(period)
    picker.locator("#id_at").fill(at)
    picker.locator('button[type="submit"]').click()


def download(page, name: str) -> bytes:
    with page.expect_download() as caught:
        page.get_by_role("link", name=name).click()
    return caught.value.path().read_bytes()


def workbook_sheet(page):
    return load_workbook(BytesIO(download(page, "导出 XLSX"))).active


def only_one_decimal(sheet):
    for row in sheet.iter_rows(min_row=2, values_only=True):
        for value in row:
            if isinstance(value, float):
                assert round(value, 1) == value, row


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_leader_reads_the_park_posts_first_year(demo, page, log_in, snap, browser, live_server):
    log_in("xipeng_leader", DEMO_PASSWORD)
    page.locator('nav a[href="/stats/"]').click()
    # First opening: the station's month, already computed (the demo's recent weeks): the
    # month or the one before has figures, nobody had to recompute.
    expect(page.locator("h1")).to_contain_text("西彭派出所")
    expect(page.locator('[data-testid="stats-along"] tbody tr').first).to_be_visible()
    this_and_previous = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stats-table\"] tbody tr')]"
        ".flatMap(r => [...r.querySelectorAll('td')].slice(0, 2).map(c => Number(c.innerText)))"
    )
    assert any(value > 0 for value in this_and_previous)
    settle(page)
    snap("1-first-open")

    # The park post's first year: twelve months to October 2021.
    pick(page, unit=f"· {PARK}", period="12m", at="2021-10-31")
    expect(page.locator("h1")).to_contain_text(f"{PARK} · 2020-11 至 2021-10")
    expect(page.locator('[data-testid="value-consultations"]')).to_have_text("1046")
    expect(page.locator('[data-testid="value-residents_registered"]')).to_have_text("4452")
    expect(page.locator('[data-testid="value-permits_issued"]')).to_have_text("833")
    charts = drawn(page)
    assert charts["chart-permits_issued"]["labels"] == PARK_MONTHS
    assert sum(charts["chart-permits_issued"]["datasets"][0]["data"]) == 833
    assert all(charts["chart-consultations"]["datasets"][0]["data"])  # every month worked
    months = page.locator('[data-testid="stats-along"] tbody th')
    expect(months).to_have_text(PARK_MONTHS)
    settle(page)
    snap("2-park-first-year")

    # A month of it: its days.
    months.get_by_role("link", name="2021-03", exact=True).click()
    expect(page.locator("h1")).to_contain_text(f"{PARK} · 2021-03")
    days = page.locator('[data-testid="stats-along"] tbody th')
    expect(days).to_have_count(31)
    expect(days.first).to_have_text("2021-03-01")
    labels = drawn(page)["chart-consultations"]["labels"]
    assert labels[0] == "03-01" and len(labels) == 31
    march = int(page.locator('[data-testid="value-consultations"]').inner_text())
    by_day = page.evaluate(
        "() => [...document.querySelectorAll('[data-testid=\"stats-along\"] tbody tr')]"
        ".map(r => Number(r.querySelector('td').innerText))"
    )
    assert sum(by_day) == march > 0
    settle(page)
    snap("3-march-by-day")

    # The station's posts side by side over the same twelve months.
    pick(page, unit="西彭派出所", period="12m", at="2021-10-31")
    page.get_by_role("link", name="各警务站对比").click()
    table = page.locator('[data-testid="compare-table"]')
    park_row = table.locator(f'tr:has(th:has-text("{PARK}"))')
    expect(park_row.locator("td").first).to_contain_text("1046")
    # Only the park post has figures in its first year: it is ranked, the others are not.
    assert park_row.locator(".badge").count() > 10
    assert table.locator("tbody .badge").count() == park_row.locator(".badge").count()
    expect(table.locator("tbody tr").last.locator("td").first).to_have_text("—")
    # 1366 px: the page itself does not run sideways; the table scrolls in its card with
    # the post column in place.
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    scroller = page.locator('[data-testid="compare-scroll"]')
    first_cell = park_row.locator("th")
    before = first_cell.bounding_box()["x"]
    scroller.evaluate("e => { e.scrollLeft = e.scrollWidth; }")
    assert scroller.evaluate("e => e.scrollLeft") > 500
    assert first_cell.bounding_box()["x"] == pytest.approx(before, abs=1)
    settle(page)
    snap("4-compare-scrolled")
    scroller.evaluate("e => { e.scrollLeft = 0; }")
    snap("4-compare")

    # The comparison as a spreadsheet: header and post column frozen, sized, rounded.
    sheet = workbook_sheet(page)
    assert sheet.freeze_panes == "B2"
    assert sheet["A1"].value == "部门" and sheet["B1"].value == "群众咨询"
    assert {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)} == set(
        Post.objects.filter(station__name="西彭派出所").values_list("name", flat=True)
    )
    assert sheet.column_dimensions["A"].width == 2 * len(PARK) + 2
    only_one_decimal(sheet)

    # The station's figures as a spreadsheet, and the quarterly bulletin.
    page.get_by_role("link", name="返回统计").click()
    sheet = workbook_sheet(page)
    assert sheet.freeze_panes == "A2"
    assert sheet["C1"].value == "2020-11 至 2021-10"
    figures = {row[0]: row[2] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert (figures["群众咨询"], figures["办理居住证"]) == (1046, 833)
    assert 0 < figures["响应时间中位数"] < 60
    only_one_decimal(sheet)
    assert sheet.column_dimensions["A"].width >= 2 * len("警务站就近出警节省时间")
    pdf = download(page, "季通报（PDF）")  # its layout is the bulletin's own tests'
    (ARTIFACTS / "test_leader_journey-bulletin.pdf").write_bytes(pdf)
    assert "西彭派出所2021年第4季度工作通报" in PdfReader(BytesIO(pdf)).pages[0].extract_text()

    # The command room's wall screen.
    wall = browser.new_context(viewport=WALL["wall"], locale="zh-CN", base_url=live_server.url)
    board = wall.new_page()
    board.goto("/accounts/login/")
    board.get_by_label("用户名").fill("xipeng_leader")
    board.get_by_label("密码").fill(DEMO_PASSWORD)
    board.get_by_role("button", name="登录").click()
    board.goto("/stats/board/")
    expect(board.locator('[data-testid="board-updated"]')).not_to_have_text("—")
    expect(board.locator('[data-testid="board-incidents"] li').first).to_be_visible()
    assert board.evaluate("document.documentElement.scrollWidth") <= 1920
    board.wait_for_timeout(500)
    board.screenshot(path=ARTIFACTS / "test_leader_journey-5-board.png")
    wall.close()
