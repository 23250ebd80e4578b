"""The command room at night, in a real browser: the leader logs a camera check that shows
someone climbing the park's fence, the check raises a finding, and one tap on the finding's
page turns it into an incident that links back to it."""

import re

import pytest
from playwright.sync_api import expect

from apps.cases.models import Incident
from apps.core.testing.personas import XIPENG_LEADER
from apps.patrols.models import Finding, VideoPatrol

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("size", ["desktop", "tablet-portrait"], indirect=True)
def test_a_camera_check_raises_a_finding_that_becomes_an_incident(page, log_in, snap, org):
    log_in(XIPENG_LEADER)
    page.goto("/patrols/video/")
    form = page.locator("#video-log-form")
    form.locator("#id_kind").select_option("mouse")
    form.locator("#id_camera").fill("园区大门1号球机")
    form.locator("#id_observation").fill("一名男子翻越园区围栏")
    form.locator("#id_finding_kind").select_option("suspicious_person")
    snap("form")
    form.get_by_role("button").click()

    video = VideoPatrol.objects.get()
    row = page.locator(f'[data-video="{video.pk}"]')
    expect(row).to_contain_text("园区大门1号球机")
    row.get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/patrols/findings/{video.finding_id}/$"))
    snap("finding")

    panel = page.locator("#to-incident")
    panel.locator("#id_priority").select_option("1")
    panel.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/cases/incidents/\d+/$"))
    incident = Incident.objects.get()
    assert incident.source == "patrol" and incident.priority == 1
    assert Finding.objects.get().incident == incident
    snap("incident")

    page.locator("#from-patrol-finding").click()
    expect(page.locator("#finding-incident")).to_have_text(incident.number)
    expect(page.locator("#to-incident")).to_have_count(0)
