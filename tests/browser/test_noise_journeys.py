"""The square in the evening, in a real browser: the command room's noise page is open, a
sensor reports a loud loudspeaker for eleven minutes, the event appears without a reload and
becomes an incident with one click; the day's curve is drawn."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from apps.core.testing.personas import XIPENG_DESK
from apps.noise.models import NoiseEvent
from tests.noise.conftest import noise  # noqa: F401  (the fixture: sensor, key, contacts)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def loud_batch(start, seconds, level=100):
    return {
        "readings": [
            {"at": (start + timedelta(seconds=s)).isoformat(), "db_a": level}
            for s in range(0, seconds, 10)
        ]
    }


@pytest.mark.parametrize("size", ["desktop"], indirect=True)
def test_the_noise_page_shows_an_event_as_it_opens(page, log_in, snap, live_server, noise):  # noqa: F811
    url = f"{live_server.url}/api/v1/noise/readings/"
    headers = {"Authorization": f"Sensor {noise.key}"}
    now = timezone.now()
    quiet = page.request.post(
        url, data=loud_batch(now - timedelta(minutes=16), 120, 40), headers=headers
    )
    assert quiet.ok and quiet.json()["play_warning"] is False

    log_in(XIPENG_DESK)
    page.goto("/noise/")
    sensor_row = page.locator(f'[data-sensor="{noise.sensor.pk}"]')
    expect(sensor_row).to_contain_text("40.0")
    expect(page.locator("[data-event]")).to_have_count(0)
    # Chart.js drew the day's curve from the json_script data.
    assert page.evaluate(
        "() => !!Chart.getChart(document.querySelector('canvas[data-noise-curve]'))"
    )

    # Eleven minutes of it, sent at once by a sensor back on the network: past the 10
    # minutes after which an event may become an incident.
    loud = page.request.post(
        url, data=loud_batch(now - timedelta(minutes=13), 660), headers=headers
    )
    assert loud.ok and loud.json()["play_warning"] is True
    event = NoiseEvent.objects.get()
    card = page.locator(f'[data-event="{event.pk}"]')
    expect(card).to_be_visible(timeout=15_000)  # the htmx refresh
    expect(sensor_row).to_contain_text("100.0")
    snap("event")

    card.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/cases/incidents/\d+/$"))
    event.refresh_from_db()
    assert event.incident is not None and event.incident.source == "sensor"
    snap("incident")
