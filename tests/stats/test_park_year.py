"""The demo's first year of 西彭园区警务站 against the seed figures (issue 9): direct counts
over the source records of the first half-year (2020-11-01 … 2021-04-30) and the first year
(2020-11-01 … 2021-10-31), local time. The year is seeded once, after the organisation and
the users (the other demos add nothing to the park post's first year)."""

import statistics
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from apps.accounts.demo import seed_users
from apps.accounts.roles import sync_roles
from apps.cases.models import Incident
from apps.cases.services import taxonomy_seed
from apps.core.idnumbers import parse_id_number
from apps.mediation.models import Dispute
from apps.patrols.models import Patrol
from apps.permits.choices import ApplicationKind
from apps.permits.models import PermitApplication, ResidenceCertificate, ResidencePermit
from apps.registry.models import Person, Residence
from apps.stations.choices import ServiceKind
from apps.stations.demo import seed_organisation
from apps.stations.models import Bureau, Post, ServiceLog
from apps.stats.compute import compute_range, period_percentiles
from apps.stats.demo import seed_park_year
from apps.stats.metrics import BY_NAME, DISTINCT
from apps.stats.models import DailyFact, UnitKind

START, HALF, END = (
    timezone.make_aware(datetime(*ymd)) for ymd in [(2020, 11, 1), (2021, 5, 1), (2021, 11, 1)]
)
PERIODS = {"half": (START, HALF), "year": (START, END)}


def direct_counts(park, period):
    first, last = PERIODS[period]
    logs = ServiceLog.objects.filter(post=park, occurred_at__gte=first, occurred_at__lt=last)
    issued = {"post": park, "issued_at__gte": first, "issued_at__lt": last}
    return {
        "consultations": logs.filter(kind=ServiceKind.CONSULTATION).count(),
        "registrations_logged": logs.filter(kind=ServiceKind.RESIDENCE_REGISTRATION).count(),
        "certificates": ResidenceCertificate.objects.filter(**issued).count(),
        "residences": Residence.objects.filter(
            housing__address__community__post=park,
            since__gte=timezone.localdate(first),
            since__lt=timezone.localdate(last),
        ).count(),
        "permits_logged": logs.filter(kind=ServiceKind.RESIDENCE_PERMIT).count(),
        "permits": ResidencePermit.objects.filter(**issued).count(),
    }


@pytest.fixture
def park(db, settings):
    settings.DEBUG = True  # the demo users' well-known password
    sync_roles()
    seed_organisation()
    seed_users()
    for bureau in Bureau.objects.all():
        taxonomy_seed(bureau=bureau)
    assert seed_park_year() > 0
    return Post.objects.get(name="西彭园区警务站")


def test_the_park_posts_first_year_gives_the_seed_figures(park):
    half, year = direct_counts(park, "half"), direct_counts(park, "year")
    # 人民网 2021-05-11: "近500次咨询, 登记居住人口2100余人, 暂住证384个".
    assert 450 <= half["consultations"] < 500
    assert 2100 <= half["certificates"] < 2200
    assert half["permits"] == 384
    # 重庆之声 2021-12-28: "咨询1000余次, 登记居住人口4400余人, 暂住证833个".
    assert 1000 <= year["consultations"] < 1100
    assert 4400 <= year["certificates"] < 4500
    assert year["permits"] == 833
    # Whichever record the statistics count a registration or a permit by, it is the same.
    for counts in (half, year):
        assert counts["registrations_logged"] == counts["certificates"] == counts["residences"]
        assert counts["permits_logged"] == counts["permits"]
    # Nothing of the park post's demo year falls outside it but the earlier registrations.
    assert not ServiceLog.objects.filter(post=park, occurred_at__gte=END).exists()

    check_permits_went_to_residents_registered_six_months_before(park)
    check_the_year_is_realistic_and_fictitious(park)
    check_the_store_equals_the_direct_counts(park)

    # Seeded once: a second run adds nothing.
    total = (ServiceLog.objects.count(), Incident.objects.count(), Person.objects.count())
    assert seed_park_year() == 0
    assert (ServiceLog.objects.count(), Incident.objects.count(), Person.objects.count()) == total
    assert direct_counts(park, "year") == year


def check_permits_went_to_residents_registered_six_months_before(park):
    permits = PermitApplication.objects.filter(
        post=park, kind=ApplicationKind.PERMIT, decided_at__gte=START, decided_at__lt=END
    )
    assert permits.count() == 833
    for permit in permits.select_related("registration"):
        registered = timezone.localdate(permit.registration.decided_at)
        issued = timezone.localdate(permit.decided_at)
        assert (issued.year - registered.year) * 12 + issued.month - registered.month >= 6
    # The first half-year's holders were registered at the station before the post opened.
    early = permits.filter(decided_at__lt=HALF)
    assert not early.filter(registration__decided_at__gte=START).exists()
    assert not early.filter(registration__post__isnull=False).exists()


def check_the_year_is_realistic_and_fictitious(park):
    persons = Person.objects.filter(residences__housing__address__community__post=park)
    for person in persons.order_by("id")[:300]:
        assert parse_id_number(person.id_number).value == person.id_number
        assert len(person.phone) == 11 and person.phone.startswith("1")
        assert 2 <= len(person.name) <= 3

    incidents = Incident.objects.filter(post=park, received_at__gte=START, received_at__lt=END)
    handled = list(incidents.filter(arrived_at__isnull=False).select_related("community"))
    assert 700 <= incidents.count() <= 1500 and len(handled) > 600
    for incident in handled:
        assert (
            incident.received_at
            < incident.dispatched_at
            < incident.en_route_at
            < incident.arrived_at
            < incident.closed_at
        )
        assert incident.minutes_saved > 0
    assert 5 <= statistics.median(i.response_minutes for i in handled) <= 25
    # 迎新村: about 40 minutes from the station HQ, about 20 from the park post.
    yingxin = [i.minutes_saved for i in handled if i.community and i.community.name == "迎新村"]
    assert 10 <= statistics.median(yingxin) <= 30
    assert Dispute.objects.filter(post=park, incident__in=incidents).count() >= 10
    assert Patrol.objects.filter(post=park, ended_at__lt=END).count() >= 100


def store_total(park, metric, first, last):
    """The store's total of a metric for the post over [first, last) as the pages read it:
    days add up, a distinct metric counts distinct dimension values."""
    rows = DailyFact.objects.filter(
        unit_kind=UnitKind.POST,
        unit_id=park.pk,
        metric=metric,
        day__gte=timezone.localdate(first),
        day__lt=timezone.localdate(last),
    )
    if BY_NAME[metric].rollup == DISTINCT:
        return rows.values("dimension").distinct().count()
    return round(sum(rows.values_list("value", flat=True)), 6)


def check_the_store_equals_the_direct_counts(park):
    """Issue 9: "With the demo data's year for 西彭园区警务站, the numbers on the page must
    equal what a direct count over the source records gives"."""
    days, _rows = compute_range(park.station.bureau, date(2020, 11, 1), date(2021, 10, 31))
    assert days == 365
    for period, (first, last) in PERIODS.items():
        counts = direct_counts(park, period)
        in_period = {"post": park, "received_at__gte": first, "received_at__lt": last}
        incidents = list(Incident.objects.filter(**in_period))
        disputes = Dispute.objects.filter(post=park)
        patrols = list(
            Patrol.objects.filter(
                post=park, status="finished", started_at__gte=first, started_at__lt=last
            )
        )
        responses = sorted(
            (i.arrived_at - i.received_at).total_seconds() / 60 for i in incidents if i.arrived_at
        )
        direct = {
            "consultations": counts["consultations"],
            "residents_registered": counts["registrations_logged"],
            "certificates_issued": counts["certificates"],
            "permits_issued": counts["permits"],
            "incidents": len(incidents),
            "invalid_calls": sum(i.disposition == "invalid" for i in incidents),
            "repeat_callers": sum(i.is_repeat_caller for i in incidents),
            "minutes_saved": round(float(sum(i.minutes_saved or 0 for i in incidents)), 6),
            "disputes_received": disputes.filter(
                received_at__gte=first, received_at__lt=last
            ).count(),
            "disputes_resolved": disputes.filter(
                concluded_at__gte=first, concluded_at__lt=last, outcome="agreement"
            ).count(),
            "patrol_hours": round(
                sum((p.ended_at - p.started_at).total_seconds() for p in patrols) / 3600, 6
            ),
            "villages_covered": len({v.pk for p in patrols for v in p.covered.all()}),
        }
        stored = {metric: store_total(park, metric, first, last) for metric in direct}
        # The store keeps each day's value to 4 decimals: patrol hours of whole minutes
        # (k/60 h) differ by well under a minute over the year; everything else is exact.
        assert stored.pop("patrol_hours") == pytest.approx(direct.pop("patrol_hours"), abs=0.01)
        assert stored == direct, period
        assert stored["disputes_received"] > 0 and stored["villages_covered"] == 3
        assert stored["invalid_calls"] > 0 and stored["repeat_callers"] > 0
        percentiles = period_percentiles(
            unit_kind=UnitKind.POST,
            unit_id=park.pk,
            first_day=timezone.localdate(first),
            last_day=timezone.localdate(last) - timedelta(days=1),
        )
        assert percentiles["response_median"] == pytest.approx(statistics.median(responses))
        # percentile_cont's linear interpolation is the "inclusive" method.
        p90 = statistics.quantiles(responses, n=10, method="inclusive")[8]
        assert percentiles["response_p90"] == pytest.approx(p90)
