"""The statistics engine: every metric against hand-built records, idempotent re-runs,
the incremental nightly job, the seed's time-saved arithmetic, percentiles (PostgreSQL's
percentile_cont and the SQLite fallback agree), and who may start a recompute."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.cases.models import Case, Incident
from apps.core.errors import NotAllowed, OutOfScope
from apps.core.progress import get_progress
from apps.core.testing.factories import PostFactory
from apps.core.testing.personas import JLP_ADMIN, XIPENG_DESK, XIPENG_LEADER, YUBEI_ADMIN
from apps.mediation.choices import Outcome
from apps.mediation.models import Dispute
from apps.patrols.stats import patrol_counts
from apps.stats import compute, services
from apps.stats.models import DailyFact, DirtyDay, StatsRun

from .engine_data import DAY1, DAY2, at, build, case, incident, service

pytestmark = pytest.mark.django_db


def facts():
    return {
        (f.day, f.unit_kind, f.unit_id, f.metric, f.dimension): f.value
        for f in DailyFact.objects.all()
    }


def value(day, kind, unit, metric, dimension=""):
    row = DailyFact.objects.filter(
        day=day, unit_kind=kind, unit_id=unit.pk, metric=metric, dimension=dimension
    ).first()
    return None if row is None else row.value


@pytest.fixture
def built(org):
    extra = build(org, org.users[XIPENG_DESK])
    compute.compute_range(org.jiulongpo, DAY1, DAY2)
    return org, extra


def test_incident_metrics(built):
    org, _ = built
    post, xipeng, bureau = org.park_post, org.xipeng, org.jiulongpo
    assert value(DAY1, "post", post, "incidents") == 3
    assert value(DAY1, "station", xipeng, "incidents") == 4
    assert value(DAY1, "bureau", bureau, "incidents") == 4  # 双凤 is another bureau
    assert value(DAY2, "station", org.shiqiaopu, "incidents") == 1
    assert value(DAY2, "bureau", bureau, "incidents") == 1
    # A direct count over the records says the same.
    start, end = compute.day_bounds(DAY1, DAY1)
    direct = Incident.objects.filter(
        station__bureau=bureau, received_at__gte=start, received_at__lt=end
    ).count()
    assert value(DAY1, "bureau", bureau, "incidents") == direct
    assert value(DAY1, "post", post, "incidents_by_source", "110") == 2
    assert value(DAY1, "post", post, "incidents_by_source", "sensor") == 1
    assert value(DAY1, "station", xipeng, "incidents_by_source", "phone") == 1
    assert value(DAY1, "post", post, "incidents_by_category", "05") == 2
    assert value(DAY1, "post", post, "incidents_by_category", "02") == 1
    assert value(DAY1, "station", xipeng, "incidents_by_category", "none") == 1
    assert value(DAY1, "post", post, "invalid_calls") is None  # zero: no row
    assert value(DAY1, "station", xipeng, "invalid_calls") == 1
    assert value(DAY1, "post", post, "repeat_callers") == 1
    assert value(DAY1, "post", post, "minutes_saved") == 22.5
    assert value(DAY1, "bureau", bureau, "minutes_saved") == 22.5
    assert value(DAY1, "post", post, "noise_complaints") == 1  # the sensor's is no complaint


def test_response_percentiles(built):
    org, _ = built
    # Post: 5, 10, 30 min; station adds 20 (no post); percentile_cont interpolates.
    assert value(DAY1, "post", org.park_post, "response_median") == 10
    assert value(DAY1, "post", org.park_post, "response_p90") == pytest.approx(26)
    assert value(DAY1, "station", org.xipeng, "response_median") == 15
    assert value(DAY1, "station", org.xipeng, "response_p90") == pytest.approx(27)
    assert value(DAY1, "bureau", org.jiulongpo, "response_median") == 15
    assert value(DAY2, "station", org.shiqiaopu, "response_median") == 7
    assert value(DAY2, "post", org.park_post, "response_median") is None
    period = compute.period_percentiles(
        unit_kind="station", unit_id=org.xipeng.pk, first_day=DAY1, last_day=DAY2
    )
    assert period == {"response_median": 15, "response_p90": pytest.approx(27)}
    period = compute.period_percentiles(
        unit_kind="bureau", unit_id=org.jiulongpo.pk, first_day=DAY1, last_day=DAY2
    )
    # 5, 7, 10, 20, 30
    assert period["response_median"] == 10
    assert period["response_p90"] == pytest.approx(26)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans (CI runs it)")
@pytest.mark.parametrize("unit_kind", ["station", "post"])
def test_response_percentiles_read_the_arrival_index_alone(built, unit_kind):
    """A station-year's statistics page spent most of its time reading every incident of
    the year for their arrival times; the partial index cases_arrived_<unit> holds them."""
    org, _ = built
    unit = org.xipeng if unit_kind == "station" else org.park_post
    with CaptureQueriesContext(connection) as captured:
        compute.response_percentiles(
            unit_kind=unit_kind, unit_ids=[unit.pk], first_day=DAY1, last_day=DAY2
        )
    [query] = captured.captured_queries
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is a page or two
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert f"Index Only Scan using cases_arrived_{unit_kind}" in plan, plan


def test_window_documents_cases_disputes(built):
    org, _ = built
    post, xipeng, bureau = org.park_post, org.xipeng, org.jiulongpo
    assert value(DAY1, "post", post, "consultations") == 2
    assert value(DAY1, "post", post, "residents_registered") == 1
    assert value(DAY2, "station", xipeng, "residents_registered") == 1
    assert value(DAY2, "post", post, "residents_registered") is None
    assert value(DAY1, "post", post, "certificates_issued") == 1
    assert value(DAY2, "post", post, "permits_issued") == 1
    assert value(DAY2, "station", xipeng, "permits_issued") == 2
    assert value(DAY1, "station", xipeng, "cases_filed", "criminal") == 1
    assert value(DAY1, "station", xipeng, "cases_filed", "public_security") == 1
    assert value(DAY2, "bureau", bureau, "cases_filed", "criminal") == 1
    assert value(DAY2, "station", xipeng, "cases_solved", "criminal") == 1
    # The theft case counts at the post its incident was answered from; nothing else does.
    assert value(DAY1, "post", post, "cases_filed", "criminal") == 1
    assert value(DAY2, "post", post, "cases_solved", "criminal") == 1
    post_cases = DailyFact.objects.filter(unit_kind="post", metric__startswith="cases_")
    assert post_cases.count() == 2
    assert value(DAY1, "post", post, "disputes_received") == 2
    assert value(DAY2, "post", post, "disputes_resolved") == 1  # the failed one is not
    assert value(DAY2, "post", post, "disputes_concluded") == 2  # it is concluded


def test_patrols_and_noise(built):
    org, extra = built
    post, xipeng = org.park_post, org.xipeng
    assert value(DAY1, "post", post, "patrol_hours") == 3.5
    assert value(DAY1, "station", xipeng, "patrol_hours") == 4.5  # the active one is not
    villages = {org.yingxin.pk, extra["village2"].pk}
    for kind, unit in (("post", post), ("station", xipeng), ("bureau", org.jiulongpo)):
        rows = DailyFact.objects.filter(
            day=DAY1, unit_kind=kind, unit_id=unit.pk, metric="villages_covered"
        )
        assert {int(r.dimension) for r in rows} == villages
        assert {r.value for r in rows} == {1.0}
    assert value(DAY1, "post", post, "noise_events") == 1
    assert value(DAY2, "station", org.shiqiaopu, "noise_events") == 1
    assert value(DAY2, "bureau", org.jiulongpo, "noise_events") == 1


def test_a_case_counts_at_the_post_of_its_first_incident_with_one(org):
    user = org.users[XIPENG_DESK]
    other = PostFactory(station=org.xipeng)
    theft = case(org.xipeng, user, filed=at(DAY1, 15))
    for received, post in ((at(DAY1, 7), None), (at(DAY1, 8), other), (at(DAY1, 9), org.park_post)):
        call = incident(org.xipeng, user, received, post=post)
        Incident.objects.filter(pk=call.pk).update(case=theft)
    compute.compute_range(org.jiulongpo, DAY1, DAY1)
    assert value(DAY1, "post", other, "cases_filed", "criminal") == 1
    assert value(DAY1, "post", org.park_post, "cases_filed", "criminal") is None
    assert value(DAY1, "station", org.xipeng, "cases_filed", "criminal") == 1


def test_patrol_findings_leave_out_visits_where_nothing_was_found(built):
    org, _ = built
    post, xipeng, bureau = org.park_post, org.xipeng, org.jiulongpo
    assert value(DAY1, "post", post, "findings_raised") == 2
    assert value(DAY1, "station", xipeng, "findings_raised") == 3
    assert value(DAY1, "post", post, "findings_handled") is None  # the visit is not one
    assert value(DAY2, "post", post, "findings_handled") == 1
    assert value(DAY2, "station", org.shiqiaopu, "findings_raised") == 1
    assert value(DAY2, "bureau", bureau, "findings_handled") == 2


def _stored(unit_kind, unit, metric):
    rows = DailyFact.objects.filter(unit_kind=unit_kind, unit_id=unit.pk, metric=metric)
    return sum(rows.values_list("value", flat=True))


def test_the_store_and_the_patrol_counts_read_the_same_rules(built):
    """Noise complaints (a sensor's incident in a noise category is no complaint), patrol
    findings (an enterprise visit with nothing found is none) and noise events: the store
    and apps.patrols.stats give the same figures."""
    org, _ = built
    start, end = compute.day_bounds(DAY1, DAY2)
    assert Incident.objects.filter(source="sensor", category__name__contains="噪声").exists()
    for unit_kind, unit, kwargs in (
        ("station", org.xipeng, {"station": org.xipeng}),
        ("station", org.shiqiaopu, {"station": org.shiqiaopu}),
        ("post", org.park_post, {"post": org.park_post}),
    ):
        counts = patrol_counts(start=start, end=end, **kwargs)
        for metric in ("noise_complaints", "findings_raised", "findings_handled", "noise_events"):
            assert _stored(unit_kind, unit, metric) == counts[metric], (unit, metric)
    assert patrol_counts(start=start, end=end, station=org.xipeng)["noise_complaints"] == 1


def test_rows_carry_bureau_and_station(built):
    org, _ = built
    assert set(DailyFact.objects.values_list("bureau_id", flat=True)) == {org.jiulongpo.pk}
    assert not DailyFact.objects.filter(unit_kind="bureau").exclude(station=None).exists()
    post_rows = DailyFact.objects.filter(unit_kind="post", unit_id=org.park_post.pk)
    assert set(post_rows.values_list("station_id", flat=True)) == {org.xipeng.pk}


def test_rerun_gives_the_same_rows(built):
    org, _ = built
    before = facts()
    ids = set(DailyFact.objects.values_list("id", flat=True))
    compute.compute_range(org.jiulongpo, DAY1, DAY2)
    assert facts() == before
    assert set(DailyFact.objects.values_list("id", flat=True)) == ids  # upserted in place


def test_rows_that_no_longer_exist_are_deleted(built):
    org, _ = built
    Incident.objects.filter(station=org.shiqiaopu).delete()
    compute.compute_range(org.jiulongpo, DAY2, DAY2)
    assert value(DAY2, "station", org.shiqiaopu, "incidents") is None
    assert value(DAY2, "station", org.shiqiaopu, "response_median") is None
    assert value(DAY1, "station", org.xipeng, "incidents") == 4  # other days untouched


def test_incremental_recomputes_only_changed_days(built):
    org, _ = built
    bureau = org.jiulongpo
    first = services.nightly_bureau(bureau=bureau)
    yesterday = compute.yesterday()
    assert first.status == StatsRun.Status.DONE
    assert (first.first_day, first.last_day, first.days) == (yesterday, yesterday, 1)
    # An old dispute is concluded after the run; a window entry is added, backdated.
    dispute = Dispute.objects.filter(outcome=Outcome.FAILED).get()
    dispute.outcome = Outcome.AGREEMENT
    dispute.save()
    service(org.xipeng, org.users[XIPENG_DESK], at(DAY1 - timedelta(days=5), 9))
    assert compute.changed_days(bureau, first.watermark, first.marks) == {
        DAY1,  # received
        DAY2,  # concluded
        DAY1 - timedelta(days=5),  # the backdated window entry (found by id)
    }
    computed = []
    original = compute.compute_days

    def spy(bureau, days, **kwargs):
        computed.extend(days)
        return original(bureau, days, **kwargs)

    compute.compute_days = spy
    try:
        second = services.nightly_bureau(bureau=bureau)
    finally:
        compute.compute_days = original
    assert sorted(computed) == [DAY1 - timedelta(days=5), DAY1, DAY2, yesterday]
    assert second.incremental and second.days == 4
    assert value(DAY2, "post", org.park_post, "disputes_resolved") == 2
    assert value(DAY1 - timedelta(days=5), "station", org.xipeng, "consultations") == 1
    # Nothing changed since: only yesterday.
    third = services.nightly_bureau(bureau=bureau)
    assert third.days == 1


def test_today_waits_for_tomorrow_nights_run_with_its_mark(built):
    org, _ = built
    today = compute.yesterday() + timedelta(days=1)
    compute.dirty_mark(org.jiulongpo.pk, [today, DAY2])
    run = services.nightly_bureau(bureau=org.jiulongpo)
    assert (run.first_day, run.last_day) == (DAY2, compute.yesterday())
    assert not DailyFact.objects.filter(day=today).exists()
    assert compute.dirty_days(org.jiulongpo.pk) == {today}


def test_an_incident_event_marks_its_day(built):
    org, _ = built
    run = services.nightly_bureau(bureau=org.jiulongpo)
    old = Incident.objects.filter(station=org.shiqiaopu).get()
    old.events.create(kind="note", text="补充")
    assert compute.changed_days(org.jiulongpo, run.watermark, run.marks) == {DAY2}


def test_a_deleted_record_has_its_day_recomputed_by_the_nightly_run(built):
    org, _ = built
    services.nightly_bureau(bureau=org.jiulongpo)
    Incident.objects.filter(station=org.shiqiaopu).delete()  # received DAY2
    Case.objects.filter(station=org.shiqiaopu).delete()  # filed DAY2
    assert compute.dirty_days(org.jiulongpo.pk) == {DAY2}
    run = services.nightly_bureau(bureau=org.jiulongpo)
    assert (run.first_day, run.days) == (DAY2, 2)  # and yesterday
    assert value(DAY2, "station", org.shiqiaopu, "incidents") is None
    assert value(DAY2, "bureau", org.jiulongpo, "cases_filed", "criminal") is None
    assert value(DAY1, "station", org.xipeng, "incidents") == 4
    assert compute.dirty_days(org.jiulongpo.pk) == set()
    assert services.nightly_bureau(bureau=org.jiulongpo).days == 1


def test_an_incident_moved_to_another_day_has_both_days_recomputed(built):
    org, _ = built
    services.nightly_bureau(bureau=org.jiulongpo)
    moved = Incident.objects.get(station=org.shiqiaopu)
    moved.received_at -= timedelta(days=1)  # DAY2 → DAY1, no timeline entry
    moved.save()
    assert compute.dirty_days(org.jiulongpo.pk) == {DAY1, DAY2}
    services.nightly_bureau(bureau=org.jiulongpo)
    assert value(DAY2, "station", org.shiqiaopu, "incidents") is None
    assert value(DAY1, "station", org.shiqiaopu, "incidents") == 1
    assert value(DAY1, "bureau", org.jiulongpo, "incidents") == 5


def test_a_change_that_keeps_the_day_marks_nothing(built):
    org, _ = built
    kept = Incident.objects.get(station=org.shiqiaopu)
    kept.place_text = "别处"
    kept.save()
    kept.received_at += timedelta(minutes=5)
    kept.save(update_fields=["received_at"])
    assert compute.dirty_days(org.jiulongpo.pk) == set()


def test_a_patrols_villages_changing_marks_its_day(built):
    org, extra = built
    services.nightly_bureau(bureau=org.jiulongpo)
    village2 = extra["village2"]
    village2.covered_by_patrols.clear()  # the reverse side: both patrols that covered it
    assert compute.dirty_days(org.jiulongpo.pk) == {DAY1}
    services.nightly_bureau(bureau=org.jiulongpo)
    rows = DailyFact.objects.filter(day=DAY1, unit_kind="station", metric="villages_covered")
    assert {int(r.dimension) for r in rows} == {org.yingxin.pk}
    patrol = org.yingxin.covered_by_patrols.order_by("started_at").first()
    patrol.covered.add(village2)
    assert compute.dirty_days(org.jiulongpo.pk) == {DAY1}


def test_a_mark_made_after_the_computation_started_stays(built):
    org, _ = built
    compute.dirty_mark(org.jiulongpo.pk, [DAY1, DAY2])
    started = timezone.now()
    # DAY2 marked again while the computation ran
    DirtyDay.objects.filter(day=DAY2).update(marked_at=started + timedelta(seconds=1))
    compute.dirty_clear(org.jiulongpo.pk, [DAY1, DAY2], before=started)
    assert compute.dirty_days(org.jiulongpo.pk) == {DAY2}


def test_seed_time_saved_arithmetic(org):
    """6 departure points × 10 incidents a day × 10 minutes = 600 minutes a day."""
    user = org.users[XIPENG_DESK]
    posts = [org.park_post] + [PostFactory(station=org.xipeng) for _ in range(5)]
    for post in posts:
        for n in range(10):
            incident(org.xipeng, user, at(DAY1, 8 + n), post=post, minutes_saved=Decimal("10"))
    compute.compute_range(org.jiulongpo, DAY1, DAY1)
    assert value(DAY1, "station", org.xipeng, "minutes_saved") == 600
    assert value(DAY1, "bureau", org.jiulongpo, "minutes_saved") == 600
    assert {value(DAY1, "post", post, "minutes_saved") for post in posts} == {100}


@pytest.mark.parametrize(
    "minutes", [[4], [1, 2], [3, 1, 2], [1, 2, 3, 4, 100], [7.5, 7.5, 9, 12.25, 30, 41, 2]]
)
def test_percentile_fallback_equals_percentile_cont(org, minutes):
    user = org.users[XIPENG_DESK]
    for n, m in enumerate(minutes):
        incident(org.xipeng, user, at(DAY1, 8, n), post=org.park_post, arrived_min=m)
    compute.compute_range(org.jiulongpo, DAY1, DAY1)
    ordered = sorted(minutes)
    for fraction, metric in ((0.5, "response_median"), (0.9, "response_p90")):
        expected = compute.interpolate(ordered, fraction)
        assert value(DAY1, "post", org.park_post, metric) == pytest.approx(expected)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY v) "
                    "FROM unnest(%s::float8[]) AS v",
                    [fraction, [float(m) for m in minutes]],
                )
                assert cursor.fetchone()[0] == pytest.approx(expected)


def test_recompute_start_permissions(org, django_capture_on_commit_callbacks):
    for persona in (XIPENG_DESK, XIPENG_LEADER):
        with pytest.raises(NotAllowed):
            services.recompute_start(
                by=org.users[persona], bureau=org.jiulongpo, first_day=DAY1, last_day=DAY2
            )
    with pytest.raises(OutOfScope):
        services.recompute_start(
            by=org.users[YUBEI_ADMIN], bureau=org.jiulongpo, first_day=DAY1, last_day=DAY2
        )
    with django_capture_on_commit_callbacks(execute=True):
        run = services.recompute_start(
            by=org.users[JLP_ADMIN], bureau=org.jiulongpo, first_day=DAY1, last_day=DAY2
        )
    run.refresh_from_db()
    assert run.status == StatsRun.Status.DONE and run.days == 2 and run.task_id
    assert get_progress(services.progress_key(run)) == {"done": 2, "total": 2, "percent": 100}


def test_recompute_start_refuses_bad_ranges(org):
    from apps.core.errors import DomainError

    with pytest.raises(DomainError):
        services.recompute_start(
            by=org.users[JLP_ADMIN], bureau=org.jiulongpo, first_day=DAY2, last_day=DAY1
        )


def test_management_command(built, capsys):
    org, _ = built
    DailyFact.objects.all().delete()
    call_command(
        "stats_recompute", "--bureau", org.jiulongpo.code, "--from", str(DAY1), "--to", str(DAY2)
    )
    out = capsys.readouterr().out
    assert "2/2" in out
    assert value(DAY1, "station", org.xipeng, "incidents") == 4
    run = StatsRun.objects.get()
    assert run.status == StatsRun.Status.DONE and not run.incremental
