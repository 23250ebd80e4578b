"""Benchmark of the live board (see devtools.benchmark; target: p95 ≤ 200 ms, queries
constant). On top of the incidents the cases bench spreads over two years (one in 3,000
still open), it puts patrols under way with their last positions and officers, and open
noise events on the noise bench's sensors, in 九龙坡's stations; the board is then read
through the API by a 西彭 desk officer (one station) and by 九龙坡's admin (the bureau)."""

import random
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.noise.models import NoiseEvent, NoiseSensor
from apps.patrols.choices import PatrolStatus
from apps.patrols.models import Patrol
from apps.stations.models import Station
from devtools.benchmark import generator, request_scenario

BUREAU = "500107"
ROUTE = "压测看板"
PATROLS = 60
NOISE_EVENTS = 20


@generator
def board_live_rows(sizes: dict, progress) -> None:
    """Patrols under way (two officers each, a last position near their station) and open
    noise events, once: the board's lists stay the same size whatever the scale."""
    if Patrol.objects.filter(route=ROUTE).exists():
        return
    rng = random.Random(9)
    now = timezone.now()
    stations = list(Station.objects.filter(bureau__code=BUREAU).order_by("pk"))
    leader = User.objects.get(username="admin")
    officers = {
        station.pk: list(User.objects.filter(station=station).order_by("pk")[:4])
        for station in stations
    }
    patrols = []
    for n in range(PATROLS):
        station = stations[n % len(stations)]
        started = now - timedelta(minutes=rng.randint(10, 180))
        patrols.append(
            Patrol(
                station=station,
                mode=rng.choice(["foot", "e_car", "car"]),
                status=PatrolStatus.ACTIVE,
                route=ROUTE,
                planned_start=started,
                started_at=started,
                created_by=leader,
                last_latitude=float(station.latitude or Decimal("29.4")) + rng.uniform(-0.02, 0.02),
                last_longitude=float(station.longitude or Decimal("106.3"))
                + rng.uniform(-0.02, 0.02),
                last_seen_at=now - timedelta(seconds=rng.randint(5, 300)),
            )
        )
    Patrol.objects.bulk_create(patrols)
    through = Patrol.officers.through
    links = []
    for patrol in patrols:
        staff = officers[patrol.station_id]
        links += [
            through(patrol_id=patrol.pk, user_id=user.pk)
            for user in rng.sample(staff, min(2, len(staff)))
        ]
    through.objects.bulk_create(links)
    sensors = NoiseSensor.objects.filter(station__bureau__code=BUREAU, events__isnull=True)
    NoiseEvent.objects.bulk_create(
        NoiseEvent(
            sensor=sensor,
            opened_at=now - timedelta(minutes=rng.randint(1, 60)),
            peak=Decimal("71.5"),
            limit=55,
            period="day",
        )
        for sensor in sensors.order_by("pk")[:NOISE_EVENTS]
    )


@request_scenario("board: live data (API), a station", persona="xipeng_desk")
def board_station():
    return reverse("board")


@request_scenario("board: live data (API), the bureau", persona="jlp_admin")
def board_bureau():
    return reverse("board")


@request_scenario("board: live data (API), the bureau, posts unchanged", persona="jlp_admin")
def board_bureau_steady():
    # What the wall screen asks from its second round on: the posts only if they changed.
    from apps.stats.board.selectors import board_data

    version = board_data(user=User.objects.get(username="jlp_admin"))["posts_version"]
    return reverse("board") + "?" + urlencode({"posts_version": version})
