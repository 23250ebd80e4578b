"""The people's mediator's day in a real browser at the desk (1366×768): a neighbours'
quarrel called in from 迎新村 is diverted to mediation and assigned to them; their home page
lists it with its next step; they plan the session and invite both parties (QR code, copy
button, text message); a party joins on a phone and sees the mediator by name; the mediator
records the session and the agreement and downloads the agreement's PDF, whose font is
embedded, whose text can be read back, and whose pages are rendered to PNG to look at."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from apps.cases.services import incident_close, incident_report
from apps.core.qr import qr_svg
from apps.core.testing.pdf import assert_workbench_font_only, pdf_pages_png
from apps.core.testing.personas import MEDIATOR, XIPENG_DESK
from apps.mediation import services
from apps.mediation.models import Dispute
from tests.browser.conftest import ARTIFACTS, PHONE
from tests.mediation.conftest import scene  # noqa: F401  (the fixture, with its mediators)
from tests.mediation.helpers import consent_all

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TEXTS = []


class RecordingSender:
    """The SMS gateway's stand-in: the journey reads the link from what was 'texted'."""

    def send(self, *, phone, title, body):
        TEXTS.append({"phone": phone, "title": title, "body": body})


@pytest.fixture
def texts(settings):
    settings.NOTIFICATION_SENDER = "tests.browser.test_mediator_journey.RecordingSender"
    TEXTS.clear()
    return TEXTS


def diverted_and_assigned(scene) -> Dispute:  # noqa: F811
    """What the desk did before the mediator's day: the 110 call, closed as a diversion to
    mediation, assessed, the other party added, assigned to the resident mediator."""
    desk = scene.org.user(XIPENG_DESK)
    # The mediator's account carries the name the parties know (the login is xipeng_mediator).
    account = scene.mediator.user
    account.last_name, account.first_name = "王", "调解"
    account.save()
    incident, _ = incident_report(
        by=desk,
        source="110",
        place_text="迎新村3组",
        community=scene.org.yingxin,
        caller_name="张三",
        caller_phone="13983001234",
        description="楼上卫生间漏水，两家争吵",
    )
    incident_close(incident=incident, by=desk, disposition="mediation", note="转人民调解")
    dispute = Dispute.objects.get(incident=incident)
    services.dispute_assess(dispute=dispute, by=desk, risk_level="low", category="neighbour")
    services.dispute_party_add(
        dispute=dispute, by=desk, role="respondent", name="李四", phone="13983005678"
    )
    services.dispute_assign(dispute=dispute, mediator=scene.mediator, by=desk)
    consent_all(dispute, desk)
    return dispute


def fits_the_width(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_mediator_invites_the_parties_mediates_and_prints_the_agreement(
    browser,
    page,
    log_in,
    snap,
    scene,  # noqa: F811
    texts,
):
    dispute = diverted_and_assigned(scene)
    applicant = dispute.parties.get(name="张三")

    # Home: the new dispute, with what to do next.
    log_in(MEDIATOR)
    expect(page.locator("h1")).to_contain_text("王调解，您好")
    expect(page.locator("#my-disputes")).to_contain_text(dispute.number)
    expect(page.locator(f"#my-disputes tr[data-dispute='{dispute.pk}']")).to_contain_text(
        "邀请当事人，组织首次调解"
    )
    expect(page.locator("#my-sessions")).to_contain_text("近期没有安排调解")
    assert fits_the_width(page)
    snap("home")

    # The dispute's page: plan tomorrow morning's session in the mediation room.
    page.locator("#my-disputes a", has_text=dispute.number).click()
    expect(page.locator("#next-step")).to_contain_text("邀请当事人，组织首次调解")
    tomorrow = timezone.localdate() + timedelta(days=1)
    page.locator("#step-schedule input[name=at]").fill(f"{tomorrow:%Y-%m-%d}T09:30")
    page.locator("#step-schedule input[name=place]").fill("西彭派出所调解室")
    page.locator("#step-schedule button").click()
    expect(page.locator("#next-session")).to_have_text(
        f"{tomorrow:%Y-%m-%d} 09:30 · 西彭派出所调解室"
    )

    # Invitations: each party's QR code encodes their link; copy puts it on the clipboard.
    row = page.locator(f"#invitation-{applicant.pk}")
    link = row.locator(f"#invitation-link-{applicant.pk}").input_value()
    assert re.fullmatch(rf"http://localhost:\d+/mediation/join/{dispute.pk}/\S+/", link)
    drawn = row.locator("svg path").get_attribute("d")
    assert f'd="{drawn}"' in qr_svg(link, scale=3)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    row.get_by_role("button", name="复制链接").click()
    expect(row.get_by_role("button", name="已复制")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == link
    snap("invitations")

    # …and the text message, through the notification sender.
    row.get_by_role("button", name="发送短信").click()
    expect(page.get_by_role("alert")).to_have_text("已向张三（139****1234）发送邀请短信。")
    [text] = texts
    assert text["phone"] == "13983001234"
    assert f"调解员{scene.mediator.name}" in text["title"] and MEDIATOR not in text["title"]
    assert "西彭派出所调解室" in text["body"]
    texted_link = re.search(r"http://\S+/mediation/join/\S+/", text["body"]).group()
    expect(page.locator(f"#invitation-{applicant.pk}")).to_contain_text("已于")
    page.locator("#step-message textarea[name=text]").fill("请明天上午九点半到调解室，带上维修照片")
    page.locator("#step-message button").click()
    snap("invited")

    # The applicant on their phone: the mediator by name, never the login name.
    party_context = browser.new_context(viewport=PHONE["phone"], locale="zh-CN")
    party = party_context.new_page()
    party.goto(texted_link)
    expect(party.locator("#mediator-name")).to_have_text(scene.mediator.name)
    expect(party.locator("#next-session")).to_contain_text("西彭派出所调解室")
    expect(party.locator("#thread")).to_contain_text(f"{scene.mediator.name} 调解员")
    assert MEDIATOR not in party.content()
    party.fill("textarea[name=text]", "好的，明天准时到")
    party.locator("#message-form button").click()
    expect(party.locator("#thread")).to_contain_text("好的，明天准时到")
    assert party.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    ARTIFACTS.mkdir(exist_ok=True)
    party.screenshot(path=ARTIFACTS / "mediator-journey-party-phone.png", full_page=True)
    party_context.close()

    # The session, then the agreement both parties and the mediator sign; the committee's
    # seal, affixed after, puts it in effect (人民调解法 art. 29).
    page.locator("#step-session input[name=place]").fill("西彭派出所调解室")
    page.locator("#step-session input[name=attendees]").fill("张三、李四、王调解")
    page.locator("#step-session textarea[name=notes]").fill("楼上防水层破损，双方同意维修。")
    page.locator("#step-session button").click()
    expect(page.locator("#dispute-status")).to_have_text("调解中")
    expect(page.locator("#next-step")).to_contain_text("记录调解协议或调解不成")
    terms = "一、李四于七日内修复卫生间防水层；\n二、李四赔偿张三天花板维修费800元。"
    page.locator("#step-agreement textarea[name=terms]").fill(terms)
    page.locator("#step-agreement textarea[name=responsibility]").fill("李四负全部责任")
    page.locator("#step-agreement textarea[name=performance]").fill("李四自行请人维修，现金赔偿")
    for box in page.locator("#step-agreement input[name=signed_parties]").all():
        box.check()
    page.locator("#step-agreement input[name=mediator_signed]").check()
    page.locator("#step-agreement button").click()
    expect(page.locator("#agreements")).to_contain_text("李四于七日内修复卫生间防水层")
    expect(page.locator("#agreements .agreement-effect")).to_contain_text("尚未生效")
    expect(page.locator("#agreements .agreement-effect")).to_contain_text("调解委员会印章")
    page.select_option("#step-sign select[name=signer]", value="seal")
    page.locator("#step-sign button").click()
    expect(page.locator("#agreements .agreement-effect")).to_contain_text("已生效")
    assert fits_the_width(page)
    snap("agreement")

    # The agreement's PDF: the embedded font only, the Chinese read back right.
    href = page.locator("#agreements a", has_text="调解协议").first.get_attribute("href")
    response = page.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    body = response.body()
    assert_workbench_font_only(body)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    for expected in (
        "人民调解协议书",
        dispute.number,
        "调解组织：西彭镇人民调解委员会",
        "各方责任：",
        "李四负全部责任",
        "申请人：张三",
        "被申请人：李四",
        "一、李四于七日内修复卫生间防水层；",
        "二、李四赔偿张三天花板维修费800元。",
        f"调解员（签名）：{scene.mediator.name}",
        "人民调解员签名并加盖人民调解委员会印章之日起生效",
    ):
        assert expected in text, expected
    assert "受理单位" not in text
    pngs = pdf_pages_png(body, ARTIFACTS / "mediator-journey-agreement", dpi=100)
    assert pngs and all(png.stat().st_size > 10_000 for png in pngs)

    # Home again: the dispute waits for its follow-up; the 30 days for confirmation run.
    page.goto("/")
    expect(page.locator("#my-disputes")).not_to_contain_text(dispute.number)
    expect(page.locator("#my-confirmation-windows")).to_contain_text(dispute.number)
    expect(page.locator("#my-confirmation-windows")).to_contain_text("剩 30 天")
    snap("home-after")
