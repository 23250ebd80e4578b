"""A sensor's retries racing each other, and two desks converting one event, on PostgreSQL:
the sensor's row lock serialises its batches, the event's lock its conversion."""

import pytest

from apps.cases.models import Incident
from apps.core.errors import Conflict
from apps.core.models import Notification
from apps.noise.models import NoiseEvent, NoiseReading
from apps.noise.services import noise_event_to_incident, readings_ingest
from tests.cases.test_concurrency import needs_postgres, run_together

from .conftest import local, series

DAY = "2026-06-01"


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_batch_sent_three_times_at_once_counts_once(noise):
    readings = series(local(DAY, "20:30:00"), 120, 72)
    results = run_together(
        3, lambda _i: readings_ingest(sensor=noise.sensor, readings=readings).processed
    )
    assert sorted(results) == [0, 0, 12]
    assert NoiseReading.objects.count() == 12
    assert NoiseEvent.objects.count() == 1
    assert Notification.objects.count() == 2  # the two contacts, once


@needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_desks_converting_one_event_make_one_incident(noise):
    # Eleven minutes: an event that may become an incident.
    readings_ingest(sensor=noise.sensor, readings=series(local(DAY, "20:30:00"), 660, 72))
    event = NoiseEvent.objects.get()
    desk, officer = noise.org.user("xipeng_desk"), noise.org.user("xipeng_community")

    def convert(index):
        return noise_event_to_incident(event=event, by=(desk, officer)[index])

    results = run_together(2, convert)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Incident"]
    assert isinstance(next(r for r in results if not isinstance(r, Incident)), Conflict)
    assert Incident.objects.count() == 1
