"""The scene of the seeds, moved to 西彭's area for the personas: a decibel sensor in a
square of 迎新村, zone class 1 (55 dB(A) by day, 45 at night), whose contacts are the
property manager and the community officer; and the bureau's square-dance noise category."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from apps.accounts.choices import UserKind
from apps.cases.models import IncidentCategory
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.noise.models import NoiseEvent
from apps.noise.services import sensor_create

LOCAL = ZoneInfo("Asia/Shanghai")


def local(day: str, clock: str) -> datetime:
    """A local (Beijing) time: local("2026-06-01", "20:30:00")."""
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LOCAL)


def series(start: datetime, seconds: int, level, step: int = 10) -> list[dict]:
    """Readings every `step` seconds from `start` for `seconds` (end excluded)."""
    return [
        {"at": start + timedelta(seconds=s), "db_a": Decimal(str(level))}
        for s in range(0, seconds, step)
    ]


@dataclass
class NoiseScene:
    org: object
    sensor: object
    key: str
    manager: object
    officer: object
    noise_category: IncidentCategory


def make_sensor(org, name="迎新村广场", by=None, **extra):
    fields = {
        "station": org.xipeng,
        "community": org.yingxin,
        "name": name,
        "latitude": Decimal("29.378150"),
        "longitude": Decimal("106.292470"),
        "zone_class": "1",
        **extra,
    }
    return sensor_create(by=by or org.user("xipeng_leader"), **fields)


def closed_event(sensor, opened, minutes=20):
    """A closed event of `sensor` that opened at `opened` and lasted `minutes`."""
    return NoiseEvent.objects.create(
        sensor=sensor,
        opened_at=opened,
        closed_at=opened + timedelta(minutes=minutes),
        peak=70,
        limit=55,
        period="day",
    )


@pytest.fixture
def noise(org):
    manager = UserFactory(
        username="wuye", kind=UserKind.CITIZEN, first_name="王经理", phone="13800000001"
    )
    officer = org.user(XIPENG_COMMUNITY)
    sensor, key = make_sensor(org, contacts=[manager, officer])
    disputes = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="05", name="治安·噪声扰民", kind="public_order"
    )
    category = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=disputes, code="0501", name="广场舞噪声", kind="public_order"
    )
    return NoiseScene(
        org=org, sensor=sensor, key=key, manager=manager, officer=officer, noise_category=category
    )
