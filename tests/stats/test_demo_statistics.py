"""`seed_demo` leaves the statistics store as the nightly job would have (issue 16): every
day of the demo's records up to yesterday computed, and a nightly run on record whose
watermark the next night's run starts from; seeding again changes nothing. The park post's
year (DEMO_PARK_YEAR, off in the tests for speed) is checked in test_park_year.py."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.db.models.functions import TruncDate
from django.urls import reverse

from apps.accounts.models import User
from apps.cases.models import Incident
from apps.stations.models import Bureau, Station
from apps.stats import compute, services
from apps.stats.models import DailyFact, StatsRun

pytestmark = pytest.mark.django_db


def stored(metric, unit_kind, unit_id):
    return dict(
        DailyFact.objects.filter(metric=metric, unit_kind=unit_kind, unit_id=unit_id)
        .values_list("day", "value")
        .order_by("day")
    )


def test_every_day_of_the_demo_up_to_yesterday_is_computed(demo_seeded):
    yesterday = compute.yesterday()
    xipeng = Station.objects.get(name="西彭派出所")
    counted = dict(
        Incident.objects.filter(station=xipeng)
        .annotate(day=TruncDate("received_at", tzinfo=compute.local_zone()))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    expected = {day: float(n) for day, n in counted.items() if day <= yesterday}
    assert len(expected) >= 3  # the demo's recent weeks, not just one day
    assert stored("incidents", "station", xipeng.pk) == expected
    # Today's records wait for tonight's run, as the page says.
    assert not DailyFact.objects.filter(day__gt=yesterday).exists()


def test_the_nightly_job_takes_over_from_the_seed(demo_seeded):
    for bureau in Bureau.objects.all():
        [run] = StatsRun.objects.filter(bureau=bureau)
        assert run.incremental and run.status == StatsRun.Status.DONE and run.watermark
    rows = set(DailyFact.objects.values_list("id", "value"))
    call_command("seed_demo", verbosity=0)
    assert StatsRun.objects.count() == Bureau.objects.count()
    assert set(DailyFact.objects.values_list("id", "value")) == rows
    # The next night: nothing changed since the seed's run, so only yesterday again.
    bureau = Bureau.objects.get(name="九龙坡区分局")
    assert services.nightly_bureau(bureau=bureau).days == 1


def test_the_leader_sees_the_demo_on_first_opening(demo_seeded, client):
    leader = User.objects.get(username="xipeng_leader")
    client.force_login(leader)
    xipeng = Station.objects.get(name="西彭派出所")
    days = stored("incidents", "station", xipeng.pk)
    newest = max(days)
    response = client.get(reverse("stats:dashboard"), {"period": "year", "at": newest})
    board = response.context["board"]
    rows = {row["metric"]: row for row in board.rows}
    assert rows["incidents"]["value"] == sum(v for d, v in days.items() if d.year == newest.year)
    assert any(board.charts["incidents"])  # the year's months, drawn
    series = client.get(
        reverse("stats-series"),
        {
            "unit": f"station:{xipeng.pk}",
            "metric": "incidents",
            "period": "range",
            "from": min(days).isoformat(),
            "to": newest.isoformat(),
        },
    ).json()["series"]
    assert series[0]["points"][0]["value"] == sum(days.values())
