from datetime import timedelta

import pytest
from django.core.management import call_command
from freezegun import freeze_time

from apps.noise.models import NoiseEvent, NoiseReading, NoiseSensor
from apps.noise.selectors import DURATION, LOCAL, incident_grounds, noise_settings


# Seeded in the morning and late at night (Asia/Shanghai): today's levels must not open an
# event of their own under the night limit.
@pytest.mark.parametrize("now", ["2026-11-23 02:30", "2026-11-23 15:00"])
def test_the_demo_square_has_yesterdays_evening_event_and_stays_put_when_rerun(db, settings, now):
    settings.DEBUG = True
    with freeze_time(now, tick=True):
        call_command("seed_demo", verbosity=0)
    sensor = NoiseSensor.objects.get(name="歇台子社区广场")
    assert sensor.zone_class == "1" and sensor.community.name == "歇台子社区"
    [event] = NoiseEvent.objects.filter(sensor=sensor)
    opened = event.opened_at.astimezone(LOCAL)
    assert (opened.hour, opened.minute) == (20, 30) and event.peak == 72
    assert event.closed_at - event.opened_at == timedelta(minutes=12)
    # Past the default 10 minutes: the desk may make it an incident with one click.
    assert incident_grounds(event, noise_settings(sensor.station.bureau_id)) == [DURATION]
    readings = NoiseReading.objects.count()
    call_command("seed_demo", verbosity=0)
    assert NoiseSensor.objects.count() == 1 and NoiseEvent.objects.count() == 1
    assert NoiseReading.objects.count() == readings
