"""A diverted neighbour dispute, end to end in a real browser: the desk assesses and assigns
it, the party joins the online thread by the invitation link without an account, the
mediator records the session and the agreement and prints it; and an escalating dispute
shows on the desk's board."""

import re

import pytest
from playwright.sync_api import expect

from apps.cases.services import incident_close, incident_report
from apps.core.testing.pdf import assert_workbench_font_only, pdf_pages_png
from apps.core.testing.personas import MEDIATOR, XIPENG_DESK
from apps.mediation.models import Dispute
from apps.mediation.services import dispute_receive
from tests.browser.conftest import ARTIFACTS
from tests.mediation.conftest import scene  # noqa: F401  (the fixture, with its mediators)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def divert(scene):  # noqa: F811
    desk = scene.org.user(XIPENG_DESK)
    incident, _ = incident_report(
        by=desk,
        source="110",
        place_text="迎新村3组",
        community=scene.org.yingxin,
        caller_name="张三",
        caller_phone="13983001234",
        description="楼上漏水，邻里争吵",
    )
    incident_close(incident=incident, by=desk, disposition="mediation", note="转人民调解")
    return incident


@pytest.mark.parametrize("size", ["desktop", "tablet"], indirect=True)
def test_diversion_assignment_online_thread_and_agreement(browser, page, log_in, snap, scene):  # noqa: F811
    incident = divert(scene)
    log_in(XIPENG_DESK)
    page.goto(f"/cases/incidents/{incident.pk}/")
    page.get_by_role("link", name=re.compile("TJ")).click()
    expect(page).to_have_url(re.compile(r"/mediation/\d+/$"))
    dispute = Dispute.objects.get()
    page.select_option("#step-assess select[name=risk_level]", value="low")
    page.select_option("#step-assess select[name=category]", value="neighbour")
    page.locator("#step-assess button").click()
    page.locator("#step-party select[name=role]").select_option("respondent")
    page.locator("#step-party input[name=name]").fill("李四")
    page.locator("#step-party button").click()
    page.select_option("#step-assign select[name=mediator]", value=str(scene.mediator.pk))
    page.locator("#step-assign button").click()
    expect(page.locator("#step-session")).to_be_visible()
    snap("assigned")

    page.context.clear_cookies()
    log_in(MEDIATOR)
    page.goto(dispute.get_absolute_url())
    invitation = page.locator("#invitations input[readonly]").first.input_value()

    party = browser.new_context(locale="zh-CN").new_page()
    party.goto(invitation)
    party.fill("textarea[name=text]", "楼上还在漏水，请尽快调解")
    party.locator("#message-form button").click()
    expect(party.locator("#thread")).to_contain_text("楼上还在漏水")
    # The mediator's page picks the message up without a reload.
    expect(page.locator("#thread")).to_contain_text("楼上还在漏水", timeout=15_000)
    snap("thread")

    # Each party's consent before the session (人民调解法 art. 3).
    for _party in range(2):
        page.locator("#step-consent button").click()
    expect(page.locator("#parties")).not_to_contain_text("尚未征询")
    expect(page.locator("#step-consent")).to_have_count(0)
    page.locator("#step-session input[name=held_at]").fill("2026-05-07T09:30")
    page.select_option("#step-session select[name=mode]", value="online")
    page.locator("#step-session input[name=attendees]").fill("张三、李四")
    page.locator("#step-session button").click()
    page.locator("#step-agreement textarea[name=terms]").fill("李四七日内修复防水层并赔偿500元。")
    for box in page.locator("#step-agreement input[name=signed_parties]").all():
        box.check()
    page.locator("#step-agreement input[name=mediator_signed]").check()
    page.locator("#step-agreement input[name=sealed]").check()
    page.locator("#step-agreement button").click()
    expect(page.locator("#agreements")).to_contain_text("李四七日内修复防水层")
    expect(page.locator("#agreements .agreement-effect")).to_contain_text("已生效")
    snap("agreement")
    href = page.locator("#agreements a").first.get_attribute("href")
    response = page.request.get(href)
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
    # The agreement as the parties see it: its own font, its pages rendered to PNG (poppler,
    # not Chromium's viewer, whose rendering time a fixed wait could not be sure of).
    assert_workbench_font_only(response.body())
    pages = pdf_pages_png(
        response.body(), ARTIFACTS / f"agreement-{page.viewport_size['width']}", dpi=100
    )
    assert pages and all(png.stat().st_size > 10_000 for png in pages)
    dispute.refresh_from_db()
    assert dispute.status == "agreement" and dispute.follow_ups.count() == 1
    agreement = dispute.agreements.get()
    assert agreement.signatures.count() == 2 and agreement.effective_at is not None
    assert [p.consent for p in dispute.parties.all()] == ["given", "given"]
    party.context.close()


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_an_escalating_dispute_is_on_the_desks_board(page, log_in, snap, scene):  # noqa: F811
    dispute = dispute_receive(
        by=scene.org.user(XIPENG_DESK),
        source="walk_in",
        category="debt",
        description="讨债，扬言要带人上门",
        place_text="迎新村5组",
        community=scene.org.yingxin,
        signs=["threats"],
    )
    log_in(XIPENG_DESK)
    page.goto("/mediation/board/")
    expect(page.locator("#escalating")).to_contain_text(dispute.number)
    snap("board")
    page.locator("#escalating a").first.click()
    page.locator("#open-incident").click()
    expect(page.locator("#escalated")).to_be_visible()
    dispute.refresh_from_db()
    assert dispute.escalation_incident.post == scene.org.park_post
