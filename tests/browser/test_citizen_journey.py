"""A citizen on a phone (390×844), end to end (issue 16, item 9): sign up with an SMS code,
register the residence with the documents, follow the timeline to its legal deadline; the
park post's community officer on the desk (1366×768) opens every document and approves;
the citizen finds the decided step and the electronic certificate with its QR code, whose
link verifies it (核验通过, the number) while a tampered link fails with its reason; then
logs out, logs in with an SMS code, and resets the password with one. Every step is
screenshot to test-artifacts/citizen-journey-*.png."""

import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts.models import PhoneCode
from apps.core.testing.factories import PASSWORD
from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.permits.models import PermitApplication, ResidenceCertificate
from tests.browser.conftest import ARTIFACTS, SIZES
from tests.permits.conftest import ID_NUMBER, image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = "13912345678"
SENT: list[str] = []


class RecordingSender:
    """The SMS gateway's stand-in: the journey reads each code from what was 'texted'."""

    def send(self, *, phone, title, body):
        SENT.append(title)


@pytest.fixture
def sms(settings, log_secrets):
    settings.NOTIFICATION_SENDER = "tests.browser.test_citizen_journey.RecordingSender"
    SENT.clear()
    yield SENT
    # The suite's log guard then fails the journey if any code reached a log record.
    log_secrets.update(m.group() for m in (re.search(r"\d{6}", t) for t in SENT) if m)


def last_code() -> str:
    return re.search(r"\d{6}", SENT[-1]).group()


def a_minute_later():
    """One code a minute per phone: the codes sent so far are moved back a minute (the
    clock cannot be moved: the live server shares it)."""
    PhoneCode.objects.update(created_at=F("created_at") - timedelta(minutes=1, seconds=5))


def ask_code_and_enter(page, step):
    page.locator("#phone-form input[name=phone]").fill(PHONE)
    shot(page, f"{step}-phone")
    page.locator("#phone-form button").click()
    expect(page.locator("#code-sent")).to_contain_text("139****5678")
    expect(page.locator("#code-form input[name=phone]")).to_have_count(0)  # asked once
    page.locator("#code-form input[name=code]").fill(last_code())


@pytest.mark.parametrize("size", ["phone"], indirect=True)
def test_a_citizen_on_a_phone_from_sign_up_to_the_verified_certificate(
    browser, page, org, sms, live_server, tmp_path
):
    # --- sign up, the phone asked once --------------------------------------------------------
    page.goto("/apply/")
    expect(page).to_have_url(re.compile(r"/apply/login/"))
    expect(page.locator("#portal-brand")).to_have_attribute("href", "/apply/")
    shot(page, "01-login")
    page.locator("#signup-link").click()
    ask_code_and_enter(page, "02-signup")
    page.locator("#code-form input[name=name]").fill("王小红")
    page.locator("#code-form input[name=password]").fill("Migrant-2026!")
    shot(page, "03-signup-code")
    page.locator("#code-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/apply/$"))
    expect(page.locator("#first-steps")).to_be_visible()
    shot(page, "04-home-new")

    # --- the registration, its documents, the timeline with its deadline -----------------------
    page.locator("#new-application").click()
    page.select_option("#id_community", value=str(org.yingxin.pk))
    page.fill("#id_address_text", "迎新村3组12号")
    page.fill("#id_name", "王小红")
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_phone", PHONE)
    page.select_option("#id_basis", value="employment")
    page.fill("#id_basis_detail", "西彭铝产业园某公司")
    shot(page, "05-form")
    page.locator("#application-form button").click()
    expect(page).to_have_url(re.compile(r"/apply/\d+/$"))
    expect(page.locator("[data-step=submitted]")).to_have_attribute("data-state", "current")
    expect(page.locator("#submit-application")).to_have_count(0)  # documents first
    shot(page, "06-draft")
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(image_bytes(size=(640, 400)))
    for n, kind in enumerate(("id_front", "id_back", "lease_or_property", "portrait"), 1):
        page.select_option("#upload-form select[name=kind]", value=kind)
        page.set_input_files("#upload-form input[type=file]", str(photo))
        page.locator("#upload-form button").click()
        expect(page.locator("#documents li a")).to_have_count(n)
    shot(page, "07-uploaded")
    page.locator("#submit-application").click()
    expect(page.locator("#application-status")).to_have_text("已提交")
    due = (timezone.localdate() + timedelta(days=15)).isoformat()
    expect(page.locator("#deadline")).to_have_attribute("data-due", due)
    expect(page.locator("#deadline")).to_contain_text(f"最迟 {due} 办结")
    expect(page.locator("[data-step=submitted]")).to_have_attribute("data-state", "done")
    expect(page.locator("[data-step=review]")).to_have_attribute("data-state", "current")
    shot(page, "08-timeline")
    application = PermitApplication.objects.get(name="王小红")
    portal_url = page.url

    # --- the officer opens every document on the desk, then approves --------------------------
    officer_approves(browser, live_server, org, application)

    # --- the decided step, the certificate and its QR code -----------------------------------
    page.goto(portal_url)
    expect(page.locator("[data-step=decided]")).to_have_attribute("data-state", "done")
    expect(page.locator("[data-step=visit]")).to_have_attribute("data-state", "skipped")
    expect(page.locator("#deadline")).to_contain_text(f"法定办结期限：{due} 前")
    shot(page, "10-decided")
    page.locator("#issued-link").click()
    certificate = ResidenceCertificate.objects.get(application=application)
    expect(page.locator(".e-document .qr svg")).to_be_visible()
    expect(page.locator(".e-document")).to_contain_text(certificate.number)
    shot(page, "11-certificate")
    shown = page.locator("#verify-link").get_attribute("href")
    expect(page.locator("#live-code-caption")).to_have_text("实时码 · 扫码核验")
    # The live code renews itself without a reload (every second here, every minute in use).
    expect(page.locator("#verify-link")).not_to_have_attribute("href", shown, timeout=15_000)
    verify_url = page.locator("#verify-link").get_attribute("href")

    # --- whoever scans it: verified with the number; a tampered link fails with its reason ----
    scanner = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    check = scanner.new_page()
    check.goto(verify_url)
    expect(check.locator("#verify-result")).to_have_text("核验通过")
    expect(check.locator("#verify-number")).to_have_text(certificate.number)
    expect(check.locator("#verify-name")).to_have_text("王**")
    expect(check.locator("#verify-code")).to_have_attribute("data-code", "live")
    expect(check.locator("#portal-brand")).to_have_attribute("href", "/apply/")
    shot(check, "12-verified")
    tampered = verify_url[:-4] + ("AAAA" if not verify_url.endswith("AAAA") else "BBBB")
    check.goto(tampered)
    expect(check.locator("#verify-result")).to_have_text("核验失败")
    expect(check.locator("#verify-reason")).to_contain_text("链接已被改动或不完整")
    expect(check.locator("[data-testid=not-found]")).to_have_count(0)
    assert certificate.number not in check.content()
    shot(check, "13-tampered")
    scanner.close()

    # --- log out; back in with an SMS code --------------------------------------------------
    page.goto("/apply/")
    page.locator("#portal-logout").click()
    expect(page).to_have_url(re.compile(r"/apply/login/"))
    shot(page, "14-logged-out")
    page.locator("#code-login-link").click()
    a_minute_later()
    ask_code_and_enter(page, "15-code-login")
    shot(page, "16-code-login-code")
    page.locator("#code-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/apply/$"))
    expect(page.locator("#my-documents [data-document=certificate]")).to_be_visible()
    expect(page.locator("[data-permit-offer=wait]")).to_contain_text("可申领居住证")
    shot(page, "17-home-after-code-login")

    # --- forgot the password: a new one by SMS code ----------------------------------------
    # From the menu this time, as on any page.
    page.locator(".navbar-toggler").click()
    page.locator("#main-nav .dropdown-toggle").last.click()
    page.locator("#main-nav").get_by_role("button", name="退出登录").click()
    page.locator("#reset-link").click()
    a_minute_later()
    ask_code_and_enter(page, "18-reset")
    page.locator("#code-form input[name=password]").fill("Xin-Mima-2026")
    shot(page, "19-reset-code")
    page.locator("#code-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/apply/login/$"))
    expect(page.locator(".alert-success")).to_contain_text("密码已重置")
    expect(page.locator("#id_username")).to_have_value(PHONE)
    shot(page, "20-reset-done")
    page.fill("#id_password", "Migrant-2026!")  # the old one no longer works
    page.locator("#login-form button[type=submit]").click()
    expect(page.locator("#login-form .alert-danger")).to_be_visible()
    page.fill("#id_password", "Xin-Mima-2026")
    page.locator("#login-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/apply/$"))
    shot(page, "21-home-new-password")
    assert PASSWORD not in page.content()


def shot(tab, step):
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=ARTIFACTS / f"citizen-journey-{step}.png", full_page=True)


def officer_approves(browser, live_server, org, application):
    """The park post's community officer at the desk: the queue offers the documents, not
    the one-tap approval, until each is opened in the viewer."""
    desk = browser.new_context(
        viewport=SIZES["desktop"],
        locale="zh-CN",
        timezone_id="Asia/Shanghai",
        base_url=live_server.url,
    )
    blocked = []
    tab = desk.new_page()
    tab.on("console", lambda m: "Content Security Policy" in m.text and blocked.append(m.text))
    tab.goto("/accounts/login/")
    tab.get_by_label("用户名").fill(org.user(XIPENG_COMMUNITY).username)
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.goto("/permits/")
    card = tab.locator(f"[data-application='{application.pk}']")
    expect(card).to_contain_text("王小红")
    expect(card.locator("form[action$='/approve/']")).to_have_count(0)
    shot(tab, "09a-queue")
    card.get_by_role("link", name="查看材料后审批").click()
    expect(tab.locator("#unopened-block")).to_be_visible()
    expect(tab.locator("[data-doc-viewer][data-opened='0']")).to_have_count(4)
    shot(tab, "09b-review")
    viewer = tab.locator("#doc-viewer")
    for n in range(4):
        tab.locator("[data-doc-viewer]").nth(n).click()
        expect(viewer.locator(".doc-stage img")).to_have_js_property("complete", True)
    expect(tab.locator("[data-doc-viewer][data-opened='1']")).to_have_count(4)
    expect(tab.locator("#unopened-block")).to_be_hidden()
    shot(tab, "09c-opened")
    tab.locator("#approve-form button[type=submit]").click()
    expect(tab.locator("#application-status")).to_have_text("已批准")
    shot(tab, "09d-approved")
    desk.close()
    assert not blocked, f"blocked by the Content-Security-Policy: {blocked}"
    application.refresh_from_db()
    assert application.status == "approved" and not application.documents_confirmed
