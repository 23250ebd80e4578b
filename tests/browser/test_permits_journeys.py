"""Residence registration in a real browser: the migrant worker on a phone (sign up, apply,
upload, submit, keep the certificate and then the permit, their PDFs rendered to PNG), the
park post's community officer reviewing on a tablet (the document viewer, zoomed by button,
drag and pinch), and an enterprise's contact person uploading its workers. Pages of the
permits app are located by ids rather than by their wording."""

import re

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from playwright.sync_api import expect

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.core.testing.factories import PASSWORD, UserFactory
from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.core.testing.workbooks import workbook
from apps.permits import services
from apps.permits.choices import DocumentKind
from apps.permits.models import (
    EnterpriseContact,
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)
from tests.browser.conftest import ARTIFACTS
from tests.permits.conftest import ID_NUMBER, image_bytes, new_registration, upload
from tests.permits.test_enterprise import worker_id
from tests.registry.factories import AddressFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SENT = []


class RecordingSender:
    """The SMS gateway's stand-in: the journey reads the code from what was 'texted'."""

    def send(self, *, phone, title, body):
        SENT.append(title)


@pytest.fixture
def sms(settings):
    settings.NOTIFICATION_SENDER = "tests.browser.test_permits_journeys.RecordingSender"
    SENT.clear()
    return SENT


@pytest.mark.parametrize("size", ["phone"], indirect=True)
def test_a_migrant_worker_registers_on_the_phone_and_keeps_the_certificate(
    browser, page, snap, org, sms, tmp_path
):
    page.goto("/apply/")
    expect(page).to_have_url(re.compile(r"/apply/login/"))
    page.goto("/apply/signup/")
    page.locator("#phone-form input[name=phone]").fill("13912345678")
    page.locator("#phone-form button").click()
    code = re.search(r"\d{6}", SENT[-1]).group()
    page.locator("#code-form input[name=code]").fill(code)
    page.locator("#code-form input[name=name]").fill("王小红")
    page.locator("#code-form input[name=password]").fill("Migrant-2026!")
    snap("signup")
    page.locator("#code-form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/apply/$"))

    page.locator("#new-application").click()
    page.select_option("#id_community", value=str(org.yingxin.pk))
    page.fill("#id_address_text", "迎新村3组12号")
    page.fill("#id_name", "王小红")
    page.fill("#id_id_number", ID_NUMBER)
    page.fill("#id_phone", "13912345678")
    page.select_option("#id_basis", value="employment")
    page.fill("#id_basis_detail", "西彭铝产业园某公司")
    snap("form")
    page.locator("#application-form button").click()
    expect(page).to_have_url(re.compile(r"/apply/\d+/$"))

    photo = tmp_path / "photo.jpg"
    photo.write_bytes(image_bytes())
    for kind in ("id_front", "id_back", "lease_or_property", "portrait"):
        page.select_option("#upload-form select[name=kind]", value=kind)
        page.set_input_files("#upload-form input[type=file]", str(photo))
        page.locator("#upload-form button").click()
        expect(page.locator("#documents li")).not_to_have_count(0)
    expect(page.locator("#documents li")).to_have_count(4)
    snap("uploaded")
    page.locator("#submit-application").click()
    expect(page.locator("#application-status")).to_have_attribute("class", re.compile("badge"))
    application = PermitApplication.objects.get(name="王小红")
    assert application.status == "submitted"

    services.application_approve(
        application=application, by=org.user(XIPENG_COMMUNITY), documents_confirmed=True
    )
    page.goto("/apply/")
    page.locator("#my-documents a").first.click()
    expect(page.locator(".e-document svg")).to_be_visible()
    snap("certificate")
    pdf_to_png(browser, page, "residence-certificate")
    certificate = ResidenceCertificate.objects.get(application=application)
    page.locator("#verify-link").click()
    expect(page.locator("#verify-state")).to_have_attribute("data-state", "valid")
    expect(page.locator("#verify-name")).to_have_text("王**")
    snap("scan-target")
    expect(page.locator("#verify-number")).to_have_text(certificate.number)

    # Six months on (the registration is moved back, not the clock, which the live server
    # shares), the permit is applied for without retyping, approved, and kept likewise.
    ResidenceCertificate.objects.filter(pk=certificate.pk).update(
        issued_at=timezone.now() - relativedelta(months=7)
    )
    certificate.refresh_from_db()
    officer = org.user(XIPENG_COMMUNITY)
    holder = application.applicant
    permit_application = services.permit_application_start(certificate=certificate, by=holder)
    services.document_add(
        application=permit_application,
        by=holder,
        upload=upload(),
        kind=DocumentKind.EMPLOYMENT_OR_STUDY,
    )
    services.application_submit(application=permit_application, by=holder)
    services.application_approve(
        application=permit_application, by=officer, documents_confirmed=True
    )
    permit = ResidencePermit.objects.get(application=permit_application)
    page.goto(permit.get_absolute_url())
    expect(page.locator(".e-document")).to_have_attribute("data-state", "valid")
    snap("permit")
    pdf_to_png(browser, page, "residence-permit")


def pdf_to_png(browser, page, name):
    """The e-document's PDF as the holder downloads it, rendered by Chromium's PDF viewer to
    a PNG next to the page screenshots: the test artifact the issue asks for."""
    href = page.locator(".e-document a.btn-primary").get_attribute("href")
    response = page.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"{name}.pdf"
    pdf.write_bytes(response.body())
    viewer = browser.new_page(viewport={"width": 1000, "height": 1300})
    viewer.goto(pdf.as_uri())
    # The viewer draws the page some time after loading, later on a busy machine (CI once
    # took over 1.5 s): wait until the picture holds more than an empty viewer, up to 15 s.
    png = pdf.with_suffix(".png")
    for _ in range(30):
        viewer.wait_for_timeout(500)
        viewer.screenshot(path=png)
        if png.stat().st_size > 10_000:
            break
    viewer.close()
    assert png.stat().st_size > 10_000


@pytest.mark.parametrize("size", ["tablet", "tablet-portrait"], indirect=True)
def test_the_community_officer_reviews_on_the_tablet(page, log_in, snap, org, citizen):
    application = new_registration(org, citizen)
    services.application_submit(application=application, by=citizen)
    log_in(XIPENG_COMMUNITY)
    page.goto("/permits/")
    expect(page.locator("[data-count=waiting]")).to_have_text("1")
    card = page.locator(f"[data-application='{application.pk}']")
    expect(card).to_contain_text("王小红")
    snap("queue")
    card.get_by_role("link", name="王小红").click()
    expect(page.locator(".documents img")).to_have_count(4)
    expect(page.locator(".documents img").first).to_have_js_property("complete", True)
    snap("application")
    # Each document opened in the viewer before the approval (issue 16, item 14).
    for n in range(4):
        page.locator("[data-doc-viewer]").nth(n).click()
        expect(page.locator("#doc-viewer .doc-stage img")).to_have_js_property("complete", True)
    expect(page.locator("#unopened-block")).to_be_hidden()
    page.locator("form[action$='/approve/'] button").click()
    expect(page).to_have_url(re.compile(r"/permits/applications/\d+/$"))
    expect(page.locator("#application-status")).to_have_text(re.compile(".+"))
    application.refresh_from_db()
    assert application.status == "approved"
    page.goto("/permits/")
    expect(page.locator("[data-count=approved]")).to_have_text("1")
    expect(page.locator("[data-count=certificates]")).to_have_text("1")
    snap("counts")


@pytest.fixture
def citizen(org):
    from apps.core.testing.personas import CITIZEN

    return org.user(CITIZEN)


def lease_pdf() -> bytes:
    from io import BytesIO

    from reportlab.pdfgen import canvas

    out = BytesIO()
    pdf = canvas.Canvas(out)
    pdf.drawString(72, 720, "Lease: Yingxin village, group 3, no. 12")
    pdf.save()
    return out.getvalue()


@pytest.mark.parametrize("size", ["tablet"], indirect=True)
def test_the_officer_zooms_and_pans_a_document_in_the_viewer(page, log_in, snap, org, citizen):
    application = new_registration(
        org,
        citizen,
        documents=(DocumentKind.ID_FRONT, DocumentKind.ID_BACK, DocumentKind.PORTRAIT),
    )
    services.document_add(
        application=application,
        by=citizen,
        upload=upload(lease_pdf(), name="lease.pdf"),
        kind=DocumentKind.LEASE_OR_PROPERTY,
    )
    log_in(XIPENG_COMMUNITY)
    page.goto(application.get_absolute_url())
    viewer = page.locator("#doc-viewer")
    expect(viewer).to_be_hidden()

    page.locator("[data-doc-viewer][data-type='image/jpeg']").first.click()
    expect(viewer).to_be_visible()
    expect(viewer).to_have_attribute("data-kind", "image")
    picture = viewer.locator(".doc-stage img")
    expect(picture).to_have_js_property("complete", True)
    assert "scale(1)" in picture.get_attribute("style")
    viewer.locator("[data-zoom=in]").click()
    expect(viewer).to_have_attribute("data-scale", "1.50")
    zoomed = picture.get_attribute("style")
    assert "scale(1.5)" in zoomed
    # A drag (the same pointer events as a finger) pans the zoomed picture.
    viewer.locator(".doc-stage").scroll_into_view_if_needed()
    box = viewer.locator(".doc-stage").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + 60, cy + 40, steps=4)
    page.mouse.up()
    assert picture.get_attribute("style") != zoomed
    snap("viewer-zoomed")
    viewer.locator("[data-zoom=reset]").click()
    expect(viewer).to_have_attribute("data-scale", "1.00")

    page.locator("[data-doc-viewer][data-type='application/pdf']").click()
    expect(viewer).to_have_attribute("data-kind", "pdf")
    embedded = viewer.locator("object.doc-pdf")
    href = embedded.get_attribute("data")
    assert viewer.locator(".doc-open").get_attribute("href") == href
    # The same access-checked URL, framable by the workbench's own pages only.
    response = page.request.get(href)
    assert response.ok and response.body().startswith(b"%PDF")
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    page.wait_for_timeout(1000)
    snap("viewer-pdf")


def test_two_fingers_pinch_the_document_larger(browser, live_server, org, citizen):
    """A real two-finger pinch, sent to Chromium as touch input (not a script's events)."""
    application = new_registration(org, citizen)
    context = browser.new_context(
        viewport={"width": 1024, "height": 768},
        has_touch=True,
        is_mobile=True,
        locale="zh-CN",
        base_url=live_server.url,
    )
    tab = context.new_page()
    tab.goto("/accounts/login/")
    tab.get_by_label("用户名").fill(org.user(XIPENG_COMMUNITY).username)
    tab.get_by_label("密码").fill(PASSWORD)
    tab.get_by_role("button", name="登录").click()
    tab.goto(application.get_absolute_url())
    tab.locator("[data-doc-viewer]").first.tap()
    viewer = tab.locator("#doc-viewer")
    expect(viewer).to_have_attribute("data-kind", "image")
    viewer.locator(".doc-stage").scroll_into_view_if_needed()  # the fingers land on it
    box = viewer.locator(".doc-stage").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    cdp = context.new_cdp_session(tab)

    def fingers(kind, spread):
        points = [{"x": cx - spread, "y": cy, "id": 1}, {"x": cx + spread, "y": cy, "id": 2}]
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})

    fingers("touchStart", 40)
    for spread in (60, 80, 100, 120):
        fingers("touchMove", spread)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    expect(viewer).to_have_attribute("data-scale", re.compile(r"^[2-9]\."))
    assert "scale(1)" not in viewer.locator(".doc-stage img").get_attribute("style")
    context.close()


@pytest.mark.parametrize("size", ["phone"], indirect=True)
def test_the_enterprise_contact_uploads_the_workers_from_the_phone(page, snap, org, tmp_path):
    unit = UnitFactory(
        address=AddressFactory(community=org.yingxin), name="西彭某铝业公司", kind="enterprise"
    )
    manager = UserFactory(username="13988887777", kind=UserKind.CITIZEN, role=roles.CITIZEN)
    EnterpriseContact.objects.create(user=manager, unit=unit)
    sheet = tmp_path / "workers.xlsx"
    sheet.write_bytes(
        workbook(
            ["姓名", "身份证号码", "手机", "居住地址"],
            ["刘一", worker_id(1), "13900000001", ""],
            ["张三", "123", "13900000003", ""],
        )
    )

    page.goto("/apply/login/")
    page.fill("#id_username", "13988887777")
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.locator("#enterprise-link").click()
    expect(page.locator("#enterprise-unit")).to_have_text("西彭某铝业公司")
    page.set_input_files("#enterprise-form input[type=file]", str(sheet))
    page.locator("#enterprise-form button").click()
    card = page.locator("#batches [data-batch]")
    expect(card).to_have_count(1)
    expect(card).to_have_attribute("data-status", "done")
    expect(card).to_contain_text("1")
    card.locator("summary").click()
    expect(card.locator("li")).to_have_count(1)
    snap("report")
    assert PermitApplication.objects.get(enterprise=unit).name == "刘一"
