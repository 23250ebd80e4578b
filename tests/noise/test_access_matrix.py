"""The noise page, sensors and events against every persona (apps.core.testing.matrix)."""

from decimal import Decimal

from django.utils import timezone

from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.noise.models import NoiseEvent

from .conftest import make_sensor

NOISE_READERS = {XIPENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER, SHUANGFENG_DESK} | BUREAU_ADMINS
SENSOR_WRITERS = {XIPENG_LEADER} | BUREAU_ADMINS


class TestNoiseSensor(ResourceMatrix):
    list_url_name = "noise:dashboard"
    api_basename = "noisesensor"
    readers = NOISE_READERS
    writers = SENSOR_WRITERS
    api_patch = {"name": "改名的传感器"}

    def make(self, org):
        sensor, _key = make_sensor(org)
        return sensor

    def marker(self, obj):
        return f'data-sensor="{obj.pk}"'


class TestNoiseEvent(ResourceMatrix):
    list_url_name = "noise:dashboard"
    detail_url_name = "noise:event_detail"
    api_basename = "noiseevent"
    readers = NOISE_READERS

    def make(self, org):
        sensor, _key = make_sensor(org)  # one open event per sensor
        return NoiseEvent.objects.create(
            sensor=sensor, opened_at=timezone.now(), peak=Decimal("72"), limit=55, period="day"
        )

    def marker(self, obj):
        return f'data-event="{obj.pk}"'
