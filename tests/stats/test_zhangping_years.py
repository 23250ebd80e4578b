"""张坪警区's two years (devtools/demo/stats_zhangping.py) in a small version: the statistics
count criminal and preventable (可防性) incidents from the records, and the dashboard's
year-on-year change of the twelve months to October 2021 is the seed's −25 % and −28 %."""

from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.cases.choices import Disposition
from apps.cases.models import Incident
from apps.cases.taxonomy_data import PREVENTABLE_CODES
from apps.stations.models import Station
from apps.stats.compute import CRIMINAL, PREVENTABLE
from devtools.demo.stats import seed_statistics
from devtools.demo.stats_zhangping import seed_zhangping_years

BEFORE = [timezone.make_aware(datetime(*ymd)) for ymd in [(2019, 11, 1), (2020, 11, 1)]]
AFTER = [timezone.make_aware(datetime(*ymd)) for ymd in [(2020, 11, 1), (2021, 11, 1)]]


@pytest.fixture
def zhangping(demo_taxonomy):
    assert seed_zhangping_years(scale=10) > 0
    seed_statistics()
    return Station.objects.get(code="500107-shiqiaopu")


def counted(station, period, which):
    incidents = Incident.objects.filter(
        station=station, received_at__gte=period[0], received_at__lt=period[1]
    ).exclude(disposition=Disposition.INVALID)
    if which == "criminal":
        return incidents.filter(category__kind="criminal").count()
    return sum(
        1
        for i in incidents.select_related("category__parent")
        if {i.category.code, (i.category.parent or i.category).code} & PREVENTABLE_CODES
    )


def test_the_dashboard_shows_the_seeds_year_on_year_fall_from_the_records(zhangping, client):
    direct = {
        which: (counted(zhangping, BEFORE, which), counted(zhangping, AFTER, which))
        for which in ("criminal", "preventable")
    }
    assert direct == {"criminal": (32, 24), "preventable": (25, 18)}
    client.force_login(User.objects.get(username="jlp_admin"))
    response = client.get(
        reverse("stats:dashboard"),
        {"unit": f"station:{zhangping.pk}", "period": "12m", "at": "2021-10-31"},
    )
    assert response.status_code == 200
    rows = {row["metric"]: row for row in response.context["board"].rows}
    for which, metric, percent in (
        ("criminal", "criminal_incidents", -25.0),
        ("preventable", "preventable_incidents", -28.0),
    ):
        before, after = direct[which]
        assert (rows[metric]["year_before"], rows[metric]["value"]) == (before, after)
        assert rows[metric]["yoy"]["percent"] == percent
    page = response.content.decode()
    assert "可防性警情" in page and "刑事警情" in page and "-28.0" in page
    # Seeded once.
    total = Incident.objects.count()
    assert seed_zhangping_years(scale=10) == 0
    assert Incident.objects.count() == total


def test_an_invalid_call_is_no_crime_and_a_major_category_counts(zhangping):
    incidents = Incident.objects.filter(station=zhangping)
    theft = incidents.filter(category__code="0101").first()
    Incident.objects.filter(pk=theft.pk).update(disposition=Disposition.INVALID)
    assert not incidents.filter(PREVENTABLE, pk=theft.pk).exists()
    assert not incidents.filter(CRIMINAL, pk=theft.pk).exists()
    fraud = incidents.filter(category__code="0401").first()
    Incident.objects.filter(pk=fraud.pk).update(category=fraud.category.parent)
    assert incidents.filter(PREVENTABLE, pk=fraud.pk).exists()
    assert incidents.filter(CRIMINAL, pk=fraud.pk).exists()
