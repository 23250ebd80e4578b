"""Two figures the seeds quote, computed from records: complaints against the police
(双凤's "连续八年零投诉", seed 002) and the minutes saved per day by dispatching from posts
beside the park post's estimate ("6个点 … 一天就能为警民节省600分钟", seed 001)."""

from datetime import date

import pytest
from django.urls import reverse

from apps.cases.complaints import POLICE_COMPLAINT
from apps.cases.models import Incident, IncidentCategory
from apps.cases.services import taxonomy_seed
from apps.stats import compute, estimates, selectors
from apps.stats.metrics import MINUTES_SAVED_PER_DAY

from .engine_data import DAY1, DAY2, at, incident

pytestmark = pytest.mark.django_db


def minor(bureau, code):
    return IncidentCategory.objects.get(bureau=bureau, code=code)


@pytest.fixture
def taxonomy(org):
    taxonomy_seed(bureau=org.jiulongpo)
    taxonomy_seed(bureau=org.yubei)
    return org


def board(org, persona, kind, pk, period="month", on=DAY1):
    user = org.user(persona)
    unit = selectors.unit_resolve(user=user, kind=kind, pk=pk)
    return selectors.dashboard(user=user, unit=unit, period=period, at=on)


def row(dashboard, name):
    return next(r for r in dashboard.rows if r["metric"] == name)


def test_complaints_against_the_police_are_counted_from_incidents(taxonomy):
    org = taxonomy
    desk = org.user("xipeng_desk")
    # Two complaints at 石桥铺 (an attitude complaint and a report of misconduct), a
    # complaint at the park post, and a theft that is no complaint.
    incident(org.shiqiaopu, desk, at(DAY1, 9), category=minor(org.jiulongpo, "4501"))
    incident(org.shiqiaopu, desk, at(DAY2, 22), category=minor(org.jiulongpo, "4503"))
    incident(
        org.xipeng, desk, at(DAY1, 10), post=org.park_post, category=minor(org.jiulongpo, "4502")
    )
    incident(org.xipeng, desk, at(DAY1, 11), category=minor(org.jiulongpo, "0201"))
    # 双凤: calls of other kinds only.
    sf_desk = org.user("shuangfeng_desk")
    incident(org.shuangfeng, sf_desk, at(DAY1, 8), category=minor(org.yubei, "0201"))
    assert Incident.objects.filter(POLICE_COMPLAINT).count() == 3
    compute.compute_range(org.jiulongpo, DAY1, DAY2)
    compute.compute_range(org.yubei, DAY1, DAY2)

    assert (
        row(board(org, "xipeng_leader", "station", org.xipeng.pk), "police_complaints")["value"]
        == 1
    )
    assert (
        row(board(org, "xipeng_leader", "post", org.park_post.pk), "police_complaints")["value"]
        == 1
    )
    assert (
        row(board(org, "jlp_admin", "station", org.shiqiaopu.pk), "police_complaints")["value"] == 2
    )
    assert (
        row(board(org, "jlp_admin", "bureau", org.jiulongpo.pk), "police_complaints")["value"] == 3
    )
    shuangfeng = board(org, "yubei_admin", "station", org.shuangfeng.pk)
    assert row(shuangfeng, "incidents")["value"] == 1
    assert row(shuangfeng, "police_complaints")["value"] == 0  # 零投诉
    assert "police_complaints" in selectors.CHARTED
    # Ranked with the fewest first.
    table = selectors.comparison(
        user=org.user("jlp_admin"),
        unit=selectors.unit_resolve(user=org.user("jlp_admin"), kind="bureau", pk=org.jiulongpo.pk),
        period="month",
        at=DAY1,
    )
    ranks = {r["unit"].id: r["rank_of"]["police_complaints"] for r in table.rows}
    assert ranks[org.xipeng.pk] < ranks[org.shiqiaopu.pk]


def saved_calls(org):
    desk = org.user("xipeng_desk")
    # Day 1: 20 + 10 minutes saved at the park post; day 2: 12; the station HQ's own call
    # saves nothing but makes day 2 a day with figures at the station.
    incident(org.xipeng, desk, at(DAY1, 9), post=org.park_post, minutes_saved=20)
    incident(org.xipeng, desk, at(DAY1, 15), post=org.park_post, minutes_saved=10)
    incident(org.xipeng, desk, at(DAY2, 9), post=org.park_post, minutes_saved=12)
    incident(org.shiqiaopu, desk, at(DAY1, 9), minutes_saved=8)
    compute.compute_range(org.jiulongpo, date(2026, 3, 1), date(2026, 3, 31))


def test_minutes_saved_per_day_over_the_days_with_figures(org):
    saved_calls(org)
    user = org.user("xipeng_leader")
    values = selectors.series(
        user=user,
        unit_kind="post",
        unit_ids=[org.park_post.pk],
        metrics=[MINUTES_SAVED_PER_DAY],
        period="range",
        first_day=date(2026, 3, 1),
        last_day=date(2026, 3, 31),
    )
    # 42 minutes over the 2 days of the month with figures, not over its 31 days.
    assert values[(org.park_post.pk, MINUTES_SAVED_PER_DAY, date(2026, 3, 1), "")] == 21.0
    daily = selectors.series(
        user=user,
        unit_kind="post",
        unit_ids=[org.park_post.pk],
        metrics=[MINUTES_SAVED_PER_DAY],
        period="day",
        first_day=DAY1,
        last_day=DAY2,
    )
    assert daily[(org.park_post.pk, MINUTES_SAVED_PER_DAY, DAY1, "")] == 30.0
    assert daily[(org.park_post.pk, MINUTES_SAVED_PER_DAY, DAY2, "")] == 12.0

    station = board(org, "xipeng_leader", "station", org.xipeng.pk)
    assert row(station, MINUTES_SAVED_PER_DAY)["value"] == 21.0
    assert (station.saved_per_day, station.saved_estimate) == (21.0, 600)
    post = board(org, "xipeng_leader", "post", org.park_post.pk)
    assert (post.saved_per_day, post.saved_estimate) == (21.0, 100)
    # The estimate is 西彭's: none for another station or the sub-bureau.
    other = board(org, "jlp_admin", "station", org.shiqiaopu.pk)
    assert (other.saved_per_day, other.saved_estimate) == (8.0, None)
    assert board(org, "jlp_admin", "bureau", org.jiulongpo.pk).saved_estimate is None


def test_the_estimate_lives_in_one_place_with_the_seed():
    assert estimates.STATION_ESTIMATE == 600
    assert estimates.POST_ESTIMATE == 100
    assert "600分钟" in estimates.__doc__


def test_the_dashboard_page_shows_both_figures(client, org):
    saved_calls(org)
    client.force_login(org.user("xipeng_leader"))
    url = reverse("stats:dashboard")
    page = client.get(url, {"unit": f"station:{org.xipeng.pk}", "period": "month", "at": DAY1})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="saved-per-day-value">21<' in html
    assert 'data-testid="saved-per-day-estimate">600<' in html
    assert "日均节省分钟" in html and "报道估算" in html
    assert 'data-testid="value-police_complaints">0<' in html

    client.force_login(org.user("jlp_admin"))
    page = client.get(url, {"unit": f"station:{org.shiqiaopu.pk}", "period": "month", "at": DAY1})
    html = page.content.decode()
    assert 'data-testid="saved-per-day-value">8<' in html
    assert "saved-per-day-estimate" not in html


def test_the_api_serves_the_figure_and_the_estimate(client, org):
    saved_calls(org)
    client.force_login(org.user("xipeng_leader"))
    params = {
        "metric": f"minutes_saved,{MINUTES_SAVED_PER_DAY},police_complaints",
        "period": "range",
        "from": "2026-03-01",
        "to": "2026-03-31",
    }
    body = client.get(
        reverse("stats-series"), {**params, "unit": f"post:{org.park_post.pk}"}
    ).json()
    saved, per_day, complaints = body["series"]
    assert saved["points"][0]["value"] == 42.0 and saved["estimate"] is None
    assert per_day["points"][0]["value"] == 21.0 and per_day["estimate"] == 100
    assert complaints["points"][0]["value"] == 0
    # Another station is out of the leader's scope.
    other = client.get(reverse("stats-series"), {**params, "unit": f"station:{org.shiqiaopu.pk}"})
    assert other.status_code == 404
