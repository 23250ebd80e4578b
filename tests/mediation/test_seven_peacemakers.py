"""双凤派出所's "七大和事佬" (seed 002, 重庆法制报 2019-09-25): the seven kinds of mediator are
expressible, the demo committee has one of each, and a year of disputes handled by them
gives the statistics a resolution rate a little over 90 %, computed from the records."""

from datetime import datetime, time, timedelta

import pytest

from apps.mediation.choices import CONCLUDING_OUTCOMES, SEVEN_PEACEMAKERS, MediatorKind, Outcome
from apps.mediation.models import Dispute, MediationCommittee, Mediator
from apps.stats import compute, selectors
from apps.stats.metrics import RESOLUTION_RATE
from devtools.demo import mediation as demo

pytestmark = pytest.mark.django_db


def test_the_seven_kinds_of_the_seed_are_expressible():
    assert len(set(SEVEN_PEACEMAKERS)) == 7
    assert set(SEVEN_PEACEMAKERS) <= set(MediatorKind.values)
    assert {kind for _n, kind, _o, _s in demo.PEACEMAKERS} == set(SEVEN_PEACEMAKERS)
    assert sum(share for *_rest, share in demo.PEACEMAKERS) == 100
    labels = {str(MediatorKind(kind).label) for kind in SEVEN_PEACEMAKERS}
    assert all("七大和事佬" in label or "驻所律师" in label for label in labels), labels
    assert "七大员" not in "".join(str(label) for _v, label in MediatorKind.choices)


def test_the_full_demo_year_matches_the_seed_by_its_weights():
    """The full year is not seeded in the tests: its expected figures from the weights."""
    weights = dict(demo.OUTCOMES)
    total = sum(weights.values())
    agreements = demo.DISPUTES_YEAR * weights[Outcome.AGREEMENT] / total
    rate = weights[Outcome.AGREEMENT] / (weights[Outcome.AGREEMENT] + weights[Outcome.FAILED])
    assert agreements > 10_000  # "10000余起"
    assert 0.90 < rate < 0.95  # "化解率达90%以上"


def test_the_committee_has_one_peacemaker_of_each_kind_once(org):
    seven = demo.seed_shuangfeng_committee()
    assert [m.kind for m in seven] == [kind for _n, kind, _o, _s in demo.PEACEMAKERS]
    committee = MediationCommittee.objects.get(name=demo.SHUANGFENG_COMMITTEE)
    assert committee.station == org.shuangfeng
    assert {m.committee_id for m in seven} == {committee.pk}
    demo.seed_shuangfeng_committee()
    assert Mediator.objects.filter(station=org.shuangfeng).count() == 7


def test_a_small_year_gives_a_computed_rate_of_about_ninety_percent(org):
    created = demo.seed_shuangfeng_year(count=400)
    assert created == 400
    assert demo.seed_shuangfeng_year(count=400) == 0  # idempotent
    disputes = Dispute.objects.filter(station=org.shuangfeng)
    assert disputes.count() == 400
    # Every one of the seven handled some.
    assert set(disputes.values_list("mediator__kind", flat=True)) == set(SEVEN_PEACEMAKERS)
    # The numbers are the station's own TJ series, in order of receipt.
    ordered = list(disputes.order_by("received_at").values_list("number", flat=True))
    assert ordered == sorted(ordered) and len(set(ordered)) == 400

    first, last = demo.YEAR_START, demo.YEAR_END - timedelta(days=1)
    zone = compute.local_zone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    end = datetime.combine(demo.YEAR_END, time.min, tzinfo=zone)
    concluded = disputes.filter(concluded_at__gte=start, concluded_at__lt=end)
    resolved = concluded.filter(outcome=Outcome.AGREEMENT).count()
    by_mediation = concluded.filter(outcome__in=CONCLUDING_OUTCOMES).count()
    expected = round(resolved * 100 / by_mediation, 1)
    assert 88 <= expected <= 96

    compute.compute_days(org.yubei, compute.record_days(org.yubei))
    user = org.user("yubei_admin")
    values = selectors.series(
        user=user,
        unit_kind="station",
        unit_ids=[org.shuangfeng.pk],
        metrics=["disputes_received", "disputes_resolved", "disputes_concluded", RESOLUTION_RATE],
        period="range",
        first_day=first,
        last_day=last,
    )
    key = (org.shuangfeng.pk,)
    assert values[(*key, "disputes_received", first, "")] == 400
    assert values[(*key, "disputes_resolved", first, "")] == resolved
    assert values[(*key, "disputes_concluded", first, "")] == by_mediation
    assert values[(*key, RESOLUTION_RATE, first, "")] == expected
    # The dashboard's twelve months to August 2019 show the same computed rate.
    unit = selectors.unit_resolve(user=user, kind="station", pk=org.shuangfeng.pk)
    board = selectors.dashboard(user=user, unit=unit, period="12m", at=last)
    rows = {row["metric"]: row["value"] for row in board.rows}
    assert rows[RESOLUTION_RATE] == expected
    assert rows["police_complaints"] == 0  # 零投诉: no complaint on record


def test_the_year_needs_the_station_and_its_desk(db):
    assert demo.seed_shuangfeng_year(count=10) == 0
    assert not Dispute.objects.exists()
