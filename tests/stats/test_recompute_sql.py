"""The benchmark's hand-written SQL of a recompute (devtools.bench.stats.RECOMPUTE_SQL) writes
exactly the rows the engine writes, on hand-built records of every family at two stations
and two posts: only then is the ratio of the two a measure of the engine's overhead.
PostgreSQL only (percentile_cont, GROUPING SETS, a two-statement script); CI runs it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from apps.cases.choices import CaseKind
from apps.cases.models import Incident, IncidentCategory
from apps.core.testing.factories import CommunityFactory, PostFactory
from apps.core.testing.personas import XIPENG_DESK
from apps.mediation.choices import Outcome
from apps.patrols.choices import PatrolStatus
from apps.permits.models import ResidenceCertificate
from apps.stats import compute
from apps.stats.metrics import METRICS
from apps.stats.models import DailyFact
from devtools.bench.stats import recompute_sql

from .engine_data import (
    DAY1,
    DAY2,
    at,
    build,
    case,
    categories,
    dispute,
    document,
    finding,
    incident,
    noise_event,
    patrol,
    service,
)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the script is PostgreSQL's (CI runs it)"
    ),
]

DAY0 = DAY1 - timedelta(days=1)


def second_post(org, user):
    """石桥铺's post and its village, with records of every family there too: a response
    time of zero (a percentile row of 0 is stored), a third of an hour of patrol (rounded),
    a village covered twice by the post (once per unit), a case whose first incident with a
    post is neither its first incident nor its last one with a post."""
    _noise, theft = categories(org.jiulongpo)
    station = org.shiqiaopu
    post = PostFactory(station=station, name="石桥铺社区警务室")
    village = CommunityFactory(station=station, name="石桥村", post=post)
    first = incident(station, user, at(DAY1, 7), arrived_min=0, post=post, category=theft)
    incident(station, user, at(DAY1, 8), minutes_saved=Decimal("7.5"), is_repeat_caller=True)
    without_post = incident(station, user, at(DAY2, 6), arrived_min=12)
    at_post = incident(station, user, at(DAY2, 7), arrived_min=3, post=post)
    later = incident(station, user, at(DAY2, 8), arrived_min=4, post=PostFactory(station=station))
    filed = case(station, user, kind=CaseKind.PUBLIC_SECURITY, filed=at(DAY2, 12))
    Incident.objects.filter(pk__in=[without_post.pk, at_post.pk, later.pk]).update(case=filed)
    Incident.objects.filter(pk=first.pk).update(case=case(station, user, solved=at(DAY2, 13)))
    service(station, user, at(DAY1, 9), post=post)
    document(ResidenceCertificate, station, village, at(DAY2, 10), user, post=post)
    agreed = at(DAY1, 17)
    dispute(station, user, at(DAY1, 11), post=post, concluded=agreed, outcome=Outcome.AGREEMENT)
    dispute(station, user, at(DAY2, 11), post=post)
    patrol(station, user, at(DAY1, 19), 1 / 3, post=post, villages=[village])
    patrol(station, user, at(DAY1, 21), 2.25, post=post, villages=[village])
    patrol(station, user, at(DAY2, 9), 1, post=post, status=PatrolStatus.ACTIVE)
    noise_event(station, at(DAY1, 22), post=post)
    finding(station, user, at(DAY1, 20), community=village, handled=at(DAY2, 9))
    # A burglary (preventable, by its major's code) and a complaint against the police.
    for major, minor, name, kind in (
        ("01", "0101", "入室盗窃", "criminal"),
        ("45", "4501", "执法态度投诉", "report"),
    ):
        parent = IncidentCategory.objects.get_or_create(
            bureau=org.jiulongpo, code=major, defaults={"name": name, "kind": kind}
        )[0]
        category = IncidentCategory.objects.create(
            bureau=org.jiulongpo, code=minor, name=name, kind=kind, parent=parent
        )
        incident(station, user, at(DAY2, 15), post=post, category=category)


def store():
    """Every row as stored: both writers round to 4 places, so the values compare exactly."""
    return {
        (f.day, f.unit_kind, f.unit_id, f.station_id, f.metric, f.dimension): f.value
        for f in DailyFact.objects.all()
    }


def test_the_hand_written_recompute_writes_exactly_the_engines_rows(org):
    user = org.users[XIPENG_DESK]
    build(org, user)
    second_post(org, user)
    dispute(org.xipeng, user, at(DAY2, 8), concluded=at(DAY2, 18), outcome=Outcome.AGREEMENT)
    # Rows the script must leave alone: the day before its range, another bureau.
    compute.compute_range(org.jiulongpo, DAY0, DAY2)
    compute.compute_range(org.yubei, DAY1, DAY2)
    engine = store()
    ours = DailyFact.objects.filter(bureau=org.jiulongpo, day__gte=DAY1, day__lte=DAY2)
    # Every metric of the catalogue, at posts of both stations.
    assert set(ours.values_list("metric", flat=True)) == {metric.name for metric in METRICS}
    post_stations = set(ours.filter(unit_kind="post").values_list("station_id", flat=True))
    assert post_stations == {org.xipeng.pk, org.shiqiaopu.pk}
    assert DailyFact.objects.filter(bureau=org.jiulongpo, day=DAY0).exists()
    assert DailyFact.objects.filter(bureau=org.yubei).exists()

    sql, params = recompute_sql(org.jiulongpo.pk, DAY1, DAY2)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # its DELETE first: the INSERT would collide otherwise

    written = store()
    assert written.keys() - engine.keys() == set()
    assert engine.keys() - written.keys() == set()
    assert written == engine
