"""patrol_counts: the statistics' figures for a range and a unit, on the October scene."""

from decimal import Decimal

import pytest

from apps.cases.models import IncidentCategory
from apps.noise.models import NoiseEvent
from apps.patrols.models import Patrol
from apps.patrols.stats import patrol_counts

from ..noise.conftest import make_sensor
from .assess_data import build_october, local, make_incident

OCTOBER = {"start": local("2026-10-01 00:00"), "end": local("2026-11-01 00:00")}


@pytest.fixture
def october(org):
    scene = build_october(org)
    public_order = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="05", name="扰乱公共秩序", kind="public_order"
    )
    dance = IncidentCategory.objects.create(
        bureau=org.jiulongpo,
        parent=public_order,
        code="0501",
        name="广场舞噪声",
        kind="public_order",
    )
    crowd = IncidentCategory.objects.create(
        bureau=org.jiulongpo,
        parent=public_order,
        code="0503",
        name="聚众闹事",
        kind="public_order",
    )
    make_incident(org, community=org.yingxin, received_at="2026-10-20 20:00", category=dance)
    make_incident(org, community=scene.nibi, received_at="2026-10-21 20:00", category=dance)
    make_incident(org, community=org.yingxin, received_at="2026-10-22 20:00", category=crowd)
    make_incident(org, community=org.yingxin, received_at="2026-11-20 20:00", category=dance)
    sensor, _key = make_sensor(org)
    for opened in ("2026-10-20 20:05", "2026-10-25 21:00", "2026-09-25 21:00"):
        NoiseEvent.objects.create(
            sensor=sensor,
            opened_at=local(opened),
            closed_at=local(opened),
            peak=Decimal("70"),
            limit=55,
            period="day",
        )
    Patrol.objects.filter(pk=scene.patrols["P1"].pk).update(post=org.park_post)
    return scene


def test_a_stations_month(october):
    counts = patrol_counts(**OCTOBER, station=october.org.xipeng)
    # P1 P2 P3 P4 P7: 2.5 + 2 + 1.5 + 2 + 1 h; night P2 P3 P4; 迎新村 and 泥璧村 covered;
    # raised F1 F2 F4 F5, handled F2 F3; two noise events; two square-dance incidents.
    assert counts == {
        "patrol_hours": Decimal("9.00"),
        "patrols": 5,
        "night_patrols": 3,
        "villages_covered": 2,
        "findings_raised": 4,
        "findings_handled": 2,
        "noise_events": 2,
        "noise_complaints": 2,
    }


def test_a_villages_month(october):
    counts = patrol_counts(**OCTOBER, community=october.org.yingxin)
    assert counts == {
        "patrol_hours": Decimal("8.00"),
        "patrols": 4,
        "night_patrols": 3,
        "villages_covered": 1,
        "findings_raised": 3,
        "findings_handled": 2,
        "noise_events": 2,
        "noise_complaints": 1,
    }


def test_a_posts_month(october):
    counts = patrol_counts(**OCTOBER, post=october.org.park_post)
    # P1 is the park post's; it covered 迎新村 (the post's village) and 泥璧村 (no post's).
    assert (counts["patrols"], counts["patrol_hours"], counts["villages_covered"]) == (
        1,
        Decimal("2.50"),
        1,
    )
    assert (counts["findings_raised"], counts["noise_complaints"]) == (3, 1)


def test_another_station_has_none(october):
    counts = patrol_counts(**OCTOBER, station=october.org.shuangfeng)
    assert set(counts.values()) == {0}


def test_each_figure_is_one_query(october, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        patrol_counts(**OCTOBER, station=october.org.xipeng)
