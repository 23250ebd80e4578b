"""Benchmark of the place matcher (apps.places): words to a point for the desk of 西彭, whose
registry holds `place_addresses` standard addresses (1,000,000 at full scale) in its villages'
groups, numbers and buildings."""

import itertools
import random
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from apps.places.gazetteer import forget
from apps.registry.models import Address, address_text
from apps.stations.models import Community
from devtools.benchmark import copy_rows, generator, request_scenario

XIPENG = "500107-xipeng"
ROAD = "{}组"  # the groups of a village, 1组 to 9组
CN = "一二三四五六七八九"


def _layout(n: int, communities: int) -> tuple[int, int, int, int, int, int]:
    """The n-th generated address: community index, group, number, building, unit, room —
    distinct for every n below communities × 9 × 300 × 12 × 3 × 20."""
    n, community = divmod(n, communities)
    n, group = divmod(n, 9)
    n, number = divmod(n, 300)
    n, building = divmod(n, 12)
    room, unit = divmod(n, 3)
    return community, group + 1, number + 1, building + 1, unit + 1, room % 20 + 1


@generator
def places_at_scale(sizes: dict, progress) -> None:
    communities = list(
        Community.objects.filter(station__code=XIPENG)
        .order_by("id")
        .values_list("id", "station_id", "name", "latitude", "longitude")
    )
    marked = Address.objects.filter(station__code=XIPENG, road__regex=r"^[0-9]组$")
    missing = sizes["place_addresses"] - marked.count()
    if missing <= 0 or not communities:
        return
    start = marked.count()
    now = timezone.now()
    rng = random.Random(20)

    def rows():
        for n in range(start, start + missing):
            index, group, number, building, unit, room = _layout(n, len(communities))
            community, station, name, lat, lon = communities[index]
            road = ROAD.format(group)
            yield [
                now,
                now,
                station,
                community,
                road,
                str(number),
                str(building),
                str(unit),
                f"{room}0{unit}",
                address_text(name, road, str(number), str(building), str(unit), f"{room}0{unit}"),
                # A few hundred metres around the village's point.
                float(lat) + rng.uniform(-0.004, 0.004),
                float(lon) + rng.uniform(-0.004, 0.004),
            ]

    columns = ["created_at", "updated_at", "station_id", "community_id", "road", "number"]
    columns += ["building", "unit", "room", "text", "latitude", "longitude"]
    copy_rows("registry_address", columns, rows(), missing, progress, "place addresses")
    forget()


_texts: list[str] = []


def _said():
    """What callers say, round the villages: groups in Chinese numerals, numbers and
    buildings, a mistyped character, what happened after the place."""
    if not _texts:
        rng = random.Random(7)
        names = list(Community.objects.filter(station__code=XIPENG).values_list("name", flat=True))
        for index in range(400):
            village = rng.choice(names)
            group = rng.randint(1, 9)
            short = village.removesuffix("村")
            said = rng.choice([f"{village}{CN[group - 1]}组", f"{short}{group}组"])
            if index % 2:  # half name a house: the registry is searched below the group
                said += f"{rng.randint(1, 300)}号{rng.randint(1, 12)}栋"
            said += rng.choice(["", "，两个老人下棋打起来了", " 有人打架", "门口车被刮了"])
            _texts.append(said)
    return itertools.cycle(_texts)


_turn = {"texts": None}


def _next_url() -> str:
    if _turn["texts"] is None:
        _turn["texts"] = _said()
    return f"{reverse('place-match')}?{urlencode({'text': next(_turn['texts'])})}"


def _address_sql():
    """The database's own part: the standard address under a village's group, number and
    building (what a match below a group reads), found through the index."""
    community = Community.objects.filter(station__code=XIPENG).order_by("id").first()
    return (
        "SELECT id, text, latitude, longitude FROM registry_address "
        "WHERE community_id = %s AND number IN (%s, %s) AND building IN (%s, %s) "
        "AND latitude IS NOT NULL ORDER BY room, id LIMIT 200",
        [community.pk, "12", "12号", "3", "3栋"],
    )


@request_scenario(
    "places: words to a point (API)", persona="xipeng_desk", sql=_address_sql, fresh=True
)
def place_match():
    return _next_url()
