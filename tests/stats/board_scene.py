"""Hand-built rows for the live board's tests (tests/stats/test_board*.py and the browser
journey): incidents, patrols and noise events of 西彭 and 双凤 at chosen times."""

import itertools
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils import timezone

from apps.cases.models import Incident, IncidentCategory
from apps.noise.models import NoiseEvent
from apps.noise.services import sensor_create
from apps.patrols.models import Patrol

LOCAL = ZoneInfo("Asia/Shanghai")
# 10:00 in Chongqing on a Monday: "today" began ten hours ago.
NOW = datetime(2026, 6, 1, 10, 0, tzinfo=LOCAL)
_numbers = itertools.count(1)


def category(org, name="打架斗殴", kind="public_order"):
    major, _ = IncidentCategory.objects.get_or_create(
        bureau=org.jiulongpo, code=f"9{kind[:3]}", defaults={"name": f"大类{name}", "kind": kind}
    )
    minor, _ = IncidentCategory.objects.get_or_create(
        bureau=org.jiulongpo,
        parent=major,
        code=f"9{kind[:3]}1",
        defaults={"name": name, "kind": kind},
    )
    return minor


def incident(org, station=None, *, status, ago, received_by=None, **fields):
    """An incident of `station` (西彭) received `ago` (minutes or a timedelta) before NOW."""
    station = station or org.xipeng
    now = fields.pop("now", NOW) or timezone.now()  # now=None: the real clock
    received = now - (ago if isinstance(ago, timedelta) else timedelta(minutes=ago))
    defaults = {
        "source": "110",
        "priority": 2,
        "place_text": "迎新村路口",
        "latitude": Decimal("29.360000"),
        "longitude": Decimal("106.310000"),
        "category": category(org),
    }
    if status == "closed":
        defaults["disposition"] = "settled"
        defaults["closed_at"] = received + timedelta(hours=1)
    defaults.update(fields)
    return Incident.objects.create(
        station=station,
        number=f"T{station.pk}-{next(_numbers):06d}",
        status=status,
        received_at=received,
        received_by=received_by or org.user("xipeng_desk"),
        **defaults,
    )


def patrol(
    org, station=None, *, status="active", officers=(), at=(29.355, 106.316), now=NOW, **fields
):
    station = station or org.xipeng
    now = now or timezone.now()
    started = fields.pop("started_at", now - timedelta(hours=1))
    row = Patrol.objects.create(
        station=station,
        mode=fields.pop("mode", "foot"),
        status=status,
        planned_start=started,
        started_at=started,
        created_by=org.user("xipeng_leader"),
        last_latitude=at[0] if at else None,
        last_longitude=at[1] if at else None,
        last_seen_at=now - timedelta(minutes=2) if at else None,
        **fields,
    )
    row.officers.add(*officers)
    return row


def sensor(org, station=None, name="迎新村广场", lat="29.378150", lon="106.292470"):
    station = station or org.xipeng
    community = org.yingxin if station == org.xipeng else None
    found, _key = sensor_create(
        by=org.user("superuser"),
        station=station,
        community=community,
        name=name,
        latitude=Decimal(lat),
        longitude=Decimal(lon),
        zone_class="1",
    )
    found.last_db_a = Decimal("68.5")
    found.save(update_fields=["last_db_a"])
    return found


def noise_event(the_sensor, *, ago=15, closed=False, now=NOW):
    opened = (now or timezone.now()) - timedelta(minutes=ago)
    return NoiseEvent.objects.create(
        sensor=the_sensor,
        opened_at=opened,
        closed_at=opened + timedelta(minutes=5) if closed else None,
        peak=Decimal("72.0"),
        limit=55,
        period="day",
    )
