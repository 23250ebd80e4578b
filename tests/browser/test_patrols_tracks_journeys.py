"""An evening foot patrol through 迎新村 in a real browser: the community officer plans it
on the form with a security guard, starts it, the tablet uploads its track, and the
patrol's page shows the distance and the village covered; finishing ends it."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.patrols.models import Patrol
from tests.patrols.tracks_helpers import as_json, walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop", "tablet-portrait"], indirect=True)
def test_plan_start_track_and_finish_a_patrol(page, log_in, snap, org):
    officer = org.user(XIPENG_COMMUNITY)
    log_in(XIPENG_COMMUNITY)
    page.goto("/patrols/new/")
    page.locator("select[name=mode]").select_option("foot")
    page.locator("select[name=post]").select_option(str(org.park_post.pk))
    start = timezone.localtime() - timedelta(minutes=30)
    page.locator("input[name=planned_start]").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.locator(f"input[name=officers][value='{officer.pk}']").check()
    page.locator(f"input[name=communities][value='{org.yingxin.pk}']").check()
    page.locator("select[name=participants-0-kind]").select_option("security_guard")
    page.locator("input[name=participants-0-name]").fill("李保安")
    page.locator("input[name=participants-0-phone]").fill("13800001111")
    snap("form")
    page.locator("#patrol-form button[type=submit]").click()

    patrol = Patrol.objects.get()
    expect(page).to_have_url(re.compile(rf"/patrols/{patrol.pk}/$"))
    expect(page.locator("#participants")).to_contain_text("138****1111")
    page.locator(f"form[action='/patrols/{patrol.pk}/start/'] button").click()
    expect(page.locator("#patrol-status")).to_have_attribute("class", "badge fs-6 text-bg-success")

    # The tablet uploads two minutes of an e-car's fixes, one a second, up to the village.
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    patrol.refresh_from_db()
    points = walk(121, start=patrol.started_at, step_s=1, dlat=0.00015)
    answer = page.request.post(
        f"/api/v1/patrols/{patrol.pk}/track/",
        data={"client_id": str(uuid.uuid4()), "points": as_json(points)},
        headers={"X-CSRFToken": csrf, "Referer": page.url},
    )
    assert answer.ok, answer.text()
    assert answer.json()["new"] == len(points)

    page.reload()
    patrol.refresh_from_db()
    expect(page.locator("#patrol-distance")).to_contain_text(f"{patrol.distance_m} m")
    assert 1900 < patrol.distance_m < 2100
    expect(page.locator("#patrol-covered")).to_contain_text("迎新村")
    expect(page.locator("#track-map")).to_have_attribute(
        "data-track-url", f"/api/v1/patrols/{patrol.pk}/track/"
    )
    snap("under-way")
    page.locator(f"form[action='/patrols/{patrol.pk}/finish/'] button").click()
    expect(page.locator("#patrol-status")).to_have_attribute(
        "class", "badge fs-6 text-bg-secondary"
    )
    snap("finished")
