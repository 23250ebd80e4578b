"""A patrol of 迎新村 on the community officer's tablet (1024×768), end to end: planned on
the form, started on the tablet, walked with GPS fixes, a finding whose photo the server
refuses (no picture) keeps its text for another photo and is then saved with it, and the
patrol is finished. Offline, a refused finding waits in a list until the form is free."""

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.patrols.choices import PatrolStatus
from apps.patrols.models import Finding, Patrol, TrackPoint
from tests.browser.test_patrols_journeys import active_patrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

START = {"latitude": 29.37815, "longitude": 106.29247}  # 迎新村
STEP = 0.00002  # about 2 m northwards per fix
NO_PICTURE = {"name": "cover.jpg", "mimeType": "image/jpeg", "buffer": b"not a picture at all"}


def picture(name="cover.jpg"):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 90, 90)).save(out, "JPEG")
    return {"name": name, "mimeType": "image/jpeg", "buffer": out.getvalue()}


def walk(page, step):
    page.wait_for_timeout(300)  # walking pace: no impossible speed
    page.context.set_geolocation(
        {"latitude": START["latitude"] + step * STEP, "longitude": START["longitude"]}
    )


def report(page, kind, place, text, photo=None):
    page.locator("#finding-kind").select_option(kind)
    page.locator("#finding-place").fill(place)
    page.locator("#finding-description").fill(text)
    page.locator("#finding-photo").set_input_files(files=[photo] if photo else [])
    page.get_by_role("button", name="保存发现").click()


@pytest.mark.parametrize("size", ["tablet"], indirect=True)
def test_a_patrol_planned_walked_with_a_refused_photo_and_finished(page, log_in, snap, org):
    officer = org.user(XIPENG_COMMUNITY)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(START)
    log_in(XIPENG_COMMUNITY)

    # Planned on the form, starting now.
    page.goto("/patrols/new/")
    page.locator("select[name=mode]").select_option("foot")
    page.locator("select[name=post]").select_option(str(org.park_post.pk))
    start = page.locator("input[name=planned_start]")
    start.fill(timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    page.locator(f"input[name=officers][value='{officer.pk}']").check()
    page.locator(f"input[name=communities][value='{org.yingxin.pk}']").check()
    page.locator("input[name=route]").fill("迎新村3组—村委会")
    snap("plan")
    page.locator("#patrol-form button[type=submit]").click()
    patrol = Patrol.objects.get()
    expect(page).to_have_url(re.compile(rf"/patrols/{patrol.pk}/$"))
    page.get_by_role("link", name="平板巡逻页").click()
    expect(page).to_have_url(re.compile(rf"/patrols/{patrol.pk}/tablet/$"))
    tablet = page.locator("#tablet")
    expect(tablet).to_have_attribute("data-status", "planned")
    snap("tablet-planned")

    # Started on the tablet; the GPS fixes go to the server as they come.
    page.get_by_role("button", name="开始巡逻").click()
    expect(tablet).to_have_attribute("data-status", "active")
    for step in range(1, 5):
        walk(page, step)
        expect(page.get_by_test_id("position")).to_contain_text(
            f"{START['latitude'] + step * STEP:.5f}"
        )
    waiting = page.get_by_test_id("waiting")
    expect(waiting).to_have_attribute("data-points", "0", timeout=15_000)
    assert TrackPoint.objects.filter(patrol=patrol).count() >= 4

    # A finding with a "photo" that is no picture: the server refuses it, the officer keeps
    # every word typed and only chooses another photo. No green "saved" anywhere.
    message = page.get_by_test_id("message")
    description = page.locator("#finding-description")
    text = "迎新村3组路口井盖缺失，夜间已有村民踩空"
    seen_at = timezone.now()
    report(page, "hazard", "迎新村3组路口", text, NO_PICTURE)
    expect(message).to_have_attribute("data-tone", "error")
    expect(message).to_contain_text("服务器拒收了这条发现")
    expect(message).to_contain_text("文字已放回表单")
    expect(description).to_have_value(text)
    expect(page.locator("#finding-place")).to_have_value("迎新村3组路口")
    expect(page.locator("#finding-kind")).to_have_value("hazard")
    expect(page.locator("#finding-photo")).to_have_value("")
    expect(page.get_by_test_id("refused")).to_be_hidden()
    expect(page.locator(".text-success")).to_have_count(0)
    assert not Finding.objects.exists()
    snap("photo-refused")

    walk(page, 5)  # a few steps on before the new photo is taken
    page.locator("#finding-photo").set_input_files(files=[picture("cover-2.jpg")])
    page.get_by_role("button", name="保存发现").click()
    expect(message).to_have_attribute("data-tone", "ok")
    expect(message).to_have_text("巡逻发现已保存到所里。")
    expect(description).to_have_value("")
    finding = Finding.objects.get()
    assert finding.description == text and finding.place == "迎新村3组路口"
    assert finding.patrol == patrol and finding.found_by == officer
    assert finding.photo.read(3) == b"\xff\xd8\xff"
    # Found when it was first reported, where the officer stood then.
    assert abs(finding.found_at - seen_at) < timedelta(seconds=5)
    assert finding.latitude == pytest.approx(START["latitude"] + 4 * STEP)
    snap("finding-saved")

    page.get_by_role("button", name="结束巡逻").click()
    expect(tablet).to_have_attribute("data-status", "finished")
    patrol.refresh_from_db()
    assert patrol.status == PatrolStatus.FINISHED
    assert patrol.started_at <= finding.found_at <= patrol.ended_at <= timezone.now()
    recorded = int(page.get_by_test_id("recorded").inner_text())
    assert TrackPoint.objects.filter(patrol=patrol).count() == recorded >= 5
    snap("finished")


@pytest.mark.parametrize("size", ["tablet"], indirect=True)
def test_offline_a_refused_finding_waits_until_the_form_is_free(page, log_in, snap, org):
    patrol = active_patrol(org)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(START)
    log_in(XIPENG_COMMUNITY)
    page.goto(f"/patrols/{patrol.pk}/tablet/")
    waiting, message = page.get_by_test_id("waiting"), page.get_by_test_id("message")
    description = page.locator("#finding-description")
    page.context.set_offline(True)
    expect(page.get_by_test_id("network")).to_have_attribute("data-online", "false")
    report(page, "hazard", "迎新桥", "桥边护栏松动", NO_PICTURE)
    expect(message).to_have_attribute("data-tone", "ok")  # kept on the tablet, said so
    report(page, "other", "村委会", "路灯不亮")
    expect(waiting).to_have_attribute("data-findings", "2")
    description.fill("两名男子在厂区围墙外徘徊")  # the officer is typing the next one

    page.context.set_offline(False)
    refused = page.get_by_test_id("refused")
    expect(refused).to_be_visible(timeout=15_000)
    expect(waiting).to_have_attribute("data-findings", "0")
    assert list(Finding.objects.values_list("description", flat=True)) == ["路灯不亮"]
    expect(refused).to_contain_text("桥边护栏松动")
    expect(message).to_have_attribute("data-tone", "error")
    expect(description).to_have_value("两名男子在厂区围墙外徘徊")  # not overwritten
    snap("refused-waits")
    # Putting it back would overwrite what is typed: the tablet says so and waits.
    refused.get_by_role("button", name="放回表单").click()
    expect(message).to_contain_text("请先保存或清空表单中的发现")
    expect(description).to_have_value("两名男子在厂区围墙外徘徊")

    page.locator("#finding-kind").select_option("suspicious_person")
    page.get_by_role("button", name="保存发现").click()
    # Saved, and said so, but not in green beside the refusal still listed.
    expect(message).to_have_text("巡逻发现已保存到所里。")
    expect(message).to_have_attribute("data-tone", "muted")
    assert Finding.objects.filter(kind="suspicious_person").exists()
    refused.get_by_role("button", name="放回表单").click()
    expect(refused).to_be_hidden()
    expect(description).to_have_value("桥边护栏松动")
    expect(page.locator("#finding-place")).to_have_value("迎新桥")
    expect(message).to_contain_text("文字已放回表单")
    page.locator("#finding-photo").set_input_files(files=[picture()])
    page.get_by_role("button", name="保存发现").click()
    expect(message).to_have_text("巡逻发现已保存到所里。")
    expect(message).to_have_attribute("data-tone", "ok")
    assert Finding.objects.filter(description="桥边护栏松动").exclude(photo="").exists()
    snap("refused-resent")
