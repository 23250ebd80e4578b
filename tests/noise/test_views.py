"""The noise page: live levels against the limit, open events, today's curves; and the
event's conversion from the page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from apps.cases.choices import IncidentSource
from apps.cases.models import Incident
from apps.cases.services import incident_report
from apps.noise.models import NoiseEvent
from apps.noise.selectors import LOCAL
from apps.noise.services import readings_ingest

from .conftest import closed_event, make_sensor, series

URL = reverse("noise:dashboard")


@pytest.fixture(autouse=True)
def _evening():
    """20:35 in 歇台子: the evening dance, well clear of midnight for today's curve."""
    with freeze_time("2026-06-01T12:35:00Z"):
        yield


def loud_minutes(sensor, minutes=3, level=72):
    """The last `minutes` of today (local) at `level`, ending a minute ago."""
    now = timezone.now().astimezone(LOCAL)
    start = max(
        now.replace(hour=0, minute=0, second=0, microsecond=0), now - timedelta(minutes=minutes + 1)
    )
    readings_ingest(sensor=sensor, readings=series(start, minutes * 60, level))


def test_the_page_shows_levels_events_and_todays_curve(client, noise):
    loud_minutes(noise.sensor, minutes=11, level=90)
    client.force_login(noise.org.user("xipeng_desk"))
    response = client.get(URL)
    assert response.status_code == 200
    [sensor] = response.context["sensors"]
    assert sensor.latest_db == 90 and sensor.is_over
    assert sensor.limit_now == 55  # class 1 by day
    [event] = response.context["events"]
    assert event.sensor == noise.sensor
    [(shown, curve)] = response.context["curves"]
    assert shown == noise.sensor and curve["values"] and set(curve["values"]) == {90.0}
    assert curve["hours"][0][3] is True  # the hour's loudest is over its limit
    html = response.content.decode()
    assert f'id="{curve["ids"]["values"]}"' in html and "data-noise-curve" in html
    assert 'data-live="noise" data-live-every="10"' in html
    assert reverse("noise:event_to_incident", args=[event.pk]) in html


def test_htmx_refresh_answers_the_live_part_only(client, noise):
    loud_minutes(noise.sensor)
    client.force_login(noise.org.user("xipeng_desk"))
    response = client.get(URL, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.templates[0].name == "noise/_live.html"
    assert "curves" not in response.context


def test_the_page_does_not_grow_in_queries_with_sensors_and_readings(
    client, noise, django_assert_max_num_queries
):
    client.force_login(noise.org.user("xipeng_desk"))
    loud_minutes(noise.sensor)
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for i in range(5):
        sensor, _key = make_sensor(noise.org, name=f"传感器{i}")
        loud_minutes(sensor)
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL)
    assert len(response.context["curves"]) == 6


def test_an_event_becomes_an_incident_from_the_page(client, noise):
    loud_minutes(noise.sensor, minutes=11)  # past the default 10 minutes
    event = NoiseEvent.objects.get()
    client.force_login(noise.org.user("xipeng_community"))
    response = client.post(reverse("noise:event_to_incident", args=[event.pk]))
    incident = Incident.objects.get()
    assert response.status_code == 302 and response.url == incident.get_absolute_url()
    event.refresh_from_db()
    assert event.incident == incident
    again = client.post(reverse("noise:event_to_incident", args=[event.pk]))
    assert again.status_code == 302 and Incident.objects.count() == 1


@pytest.mark.parametrize("persona,status", [("xipeng_case", 403), ("shuangfeng_desk", 404)])
def test_conversion_needs_the_right_and_the_scope(client, noise, persona, status):
    loud_minutes(noise.sensor)
    event = NoiseEvent.objects.get()
    client.force_login(noise.org.user(persona))
    response = client.post(reverse("noise:event_to_incident", args=[event.pk]))
    assert response.status_code == status
    assert not Incident.objects.exists()


def test_an_event_that_repeats_in_the_week_says_so(client, noise):
    now = timezone.now()
    for days in (2, 5, 9):  # the one 9 days ago is outside the week
        closed_event(noise.sensor, now - timedelta(days=days))
    loud_minutes(noise.sensor)
    client.force_login(noise.org.user("xipeng_desk"))
    response = client.get(URL)
    [event] = response.context["events"]
    assert event.repeats_in_week == 2 and event.grounds == ["repeat"]  # the 3rd this week
    html = response.content.decode()
    assert 'data-repeats="2"' in html and 'data-grounds="repeat"' in html
    assert reverse("noise:event_to_incident", args=[event.pk]) in html


def test_a_short_first_event_says_when_it_would_qualify_and_offers_no_button(client, noise):
    loud_minutes(noise.sensor)  # three minutes
    client.force_login(noise.org.user("xipeng_desk"))
    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    [event] = response.context["events"]
    assert event.grounds == []
    html = response.content.decode()
    assert 'data-grounds=""' in html and "after 10 minutes over the limit" in html
    assert "as event no. 3 here within 7 days" in html
    assert reverse("noise:event_to_incident", args=[event.pk]) not in html


def test_a_refused_conversion_is_a_message_on_the_events_page(client, noise):
    loud_minutes(noise.sensor)
    event = NoiseEvent.objects.get()
    client.force_login(noise.org.user("xipeng_community"))
    response = client.post(
        reverse("noise:event_to_incident", args=[event.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "cannot become an incident yet" in page
    assert not Incident.objects.exists()


def test_the_events_page_tells_its_story_and_the_incident_links_back_to_it(client, noise):
    loud_minutes(noise.sensor, minutes=11)
    event = NoiseEvent.objects.get()
    client.force_login(noise.org.user("xipeng_community"))
    page = client.get(event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="event-lasted">10 min' in html and 'data-grounds="duration"' in html
    assert reverse("noise:event_to_incident", args=[event.pk]) in html
    response = client.post(reverse("noise:event_to_incident", args=[event.pk]))
    incident = Incident.objects.get()
    incident_page = client.get(incident.get_absolute_url()).content.decode()
    assert 'id="from-noise-event"' in incident_page
    assert f'href="{event.get_absolute_url()}"' in incident_page
    html = client.get(event.get_absolute_url()).content.decode()
    assert 'id="event-incident"' in html and 'id="to-incident"' not in html
    assert response.url == incident.get_absolute_url()


def test_a_sensor_incident_without_an_event_has_no_noise_link(client, noise):
    incident, _ = incident_report(
        by=noise.org.user("xipeng_desk"),
        source=IncidentSource.SENSOR,
        station=noise.org.xipeng,
        place_text="迎新村广场",
    )
    client.force_login(noise.org.user("xipeng_desk"))
    assert "from-noise-event" not in client.get(incident.get_absolute_url()).content.decode()


def test_the_page_lists_the_weeks_closed_events_with_their_pages(client, noise):
    now = timezone.now()
    elsewhere, _key = make_sensor(
        noise.org,
        "双凤广场",
        by=noise.org.user("yubei_admin"),
        station=noise.org.shuangfeng,
        community=None,
        latitude=Decimal("29.720000"),
        longitude=Decimal("106.630000"),
    )

    def closed(sensor, days_ago):
        return closed_event(sensor, now - timedelta(days=days_ago), minutes=25)

    recent, older = closed(noise.sensor, 1), closed(noise.sensor, 3)
    closed(noise.sensor, 8)  # outside the week
    closed(elsewhere, 1)  # another bureau's square
    client.force_login(noise.org.user("xipeng_desk"))
    response = client.get(URL)
    assert list(response.context["past_week"]) == [recent, older]
    # Counted back from each event: the one a day ago has the two before it in its week.
    assert response.context["past_week"][0].repeats_in_week == 2
    table = response.content.decode().split('data-testid="past-week"')[1].split("</table>")[0]
    assert table.count("<tr>") == 3  # the head and the two events
    assert reverse("noise:event_detail", args=[recent.pk]) in table


def test_the_curve_steps_by_five_local_minutes_each_at_its_loudest(noise):
    """20:21–20:33 Beijing time: the loudest minute of each 5-minute step, labelled with
    the step's local start, the night's limit after 22:00 not yet in force."""
    from apps.noise.selectors import day_curves, sensors_live

    start = timezone.now().astimezone(LOCAL).replace(hour=20, minute=21, second=0)
    readings = []
    for minute, level in ((0, 60), (2, 81), (4, 70), (9, 65), (12, 58)):
        readings += series(start + timedelta(minutes=minute), 1, level)
    readings_ingest(sensor=noise.sensor, readings=readings)
    [sensor] = sensors_live(user=noise.org.user("xipeng_desk"))
    curve = day_curves(sensors=[sensor])[sensor.pk]
    assert curve["labels"] == ["20:20", "20:25", "20:30"]
    assert curve["values"] == [81.0, 70.0, 65.0]  # 20:25 begins a step, 20:33 is quieter
    assert curve["limits"] == [55, 55, 55]
    assert curve["hours"] == [("20:00", 81.0, 55, True)]
