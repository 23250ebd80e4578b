"""Real-browser journeys: Playwright drives Debian's Chromium against a live server.

Screenshots of every journey at every size go to test-artifacts/ (ignored by git); a
failing journey also leaves its screenshot and page HTML there.
"""

import os
import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from apps.core.testing.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SIZES = {
    "desktop": {"width": 1366, "height": 768},
    "tablet": {"width": 1024, "height": 768},
    "tablet-portrait": {"width": 768, "height": 1024},
}
PHONE = {"phone": {"width": 390, "height": 844}}
# The command room's wall screen (issue 9), for the journeys that name it.
WALL = {"wall": {"width": 1920, "height": 1080}}

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls
    # (fixtures, database flushes) stay synchronous and safe. Tests only, never deployed.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            # The flags keep Chromium off the (closed) network and runnable as root in CI.
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # Chromium's own widgets (file and date inputs) in Chinese, as on an
                # officer's Chinese browser: 选择文件, 2021/10/31.
                "--lang=zh-CN",
            ],
        )
        yield browser
        browser.close()
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture(autouse=True)
def _live_pages_refresh_every_second(settings):
    """A journey waits for a live page's next refresh (a new call on the board, a message in
    the thread): every second here, rather than the 5 to 15 s officers' pages take."""
    settings.LIVE_REFRESH_SECONDS = dict.fromkeys(settings.LIVE_REFRESH_SECONDS, 1)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


def _slug(text: str) -> str:
    return re.sub(r"[^\w.-]+", "_", text).strip("_")


@pytest.fixture(params=list(SIZES))
def size(request):
    return request.param


@pytest.fixture
def page(browser, size, request, live_server):
    """A Chinese-speaking browser tab at one of the sizes, against the live server."""
    context = browser.new_context(
        viewport=(SIZES | PHONE | WALL)[size], locale="zh-CN", base_url=live_server.url
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    # Chromium reports what the Content-Security-Policy blocked on the console: every
    # journey doubles as a check that the policy and the pages agree.
    blocked = []
    tab.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    yield tab
    ARTIFACTS.mkdir(exist_ok=True)
    name = _slug(request.node.name)
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        tab.screenshot(path=ARTIFACTS / f"FAILED-{name}.png", full_page=True)
        (ARTIFACTS / f"FAILED-{name}.html").write_text(tab.content(), encoding="utf-8")
    context.close()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"


@pytest.fixture
def snap(page, request):
    """snap("step") saves a full-page screenshot of the journey at this step."""

    def take(step: str):
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=ARTIFACTS / f"{_slug(request.node.name)}-{step}.png", full_page=True)

    return take


@pytest.fixture
def log_in(page):
    def submit(username: str, password: str = PASSWORD):
        page.goto("/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()

    return submit


def wait_for_charts(page):
    """Until Chart.js has drawn every chart of the page: its script comes after the tables,
    which may show before it has run."""
    page.wait_for_function(
        "() => window.Chart && [...document.querySelectorAll('canvas[data-chart]')]"
        ".every(c => Chart.getChart(c))"
    )
