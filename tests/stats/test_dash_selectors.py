"""The statistics readers: period arithmetic, roll-ups of hand-made store rows, year-on-year
and period-on-period changes (a zero base is "no percentage"), ranks."""

from datetime import date

import pytest

from apps.core.errors import DomainError, OutOfScope
from apps.core.testing.personas import XIPENG_DESK
from apps.stats import selectors
from apps.stats.metrics import RESOLUTION_RATE

from .dash_data import fact
from .engine_data import at, incident

pytestmark = pytest.mark.django_db


def test_change_is_the_difference_and_percent_of_the_base():
    assert selectors.change(150, 100) == {"diff": 50, "percent": 50.0}
    assert selectors.change(75, 100) == {"diff": -25, "percent": -25.0}
    assert selectors.change(1, 3)["percent"] == -66.7


def test_a_zero_base_has_no_percentage_but_a_difference():
    assert selectors.change(12, 0) == {"diff": 12, "percent": None}
    assert selectors.change(0, 0) == {"diff": 0, "percent": None}
    assert selectors.change(None, 5) == {"diff": None, "percent": None}
    assert selectors.ratio_percent(3, 0) is None
    assert selectors.ratio_percent(3, 4) == 75.0


def test_periods_start_shift_and_end():
    day = date(2026, 5, 17)
    assert selectors.period_start("quarter", day) == date(2026, 4, 1)
    assert selectors.period_end("quarter", date(2026, 4, 1)) == date(2026, 6, 30)
    assert selectors.period_shift("month", date(2026, 1, 1), -1) == date(2025, 12, 1)
    assert selectors.period_shift("quarter", date(2026, 1, 1), -1) == date(2025, 10, 1)
    assert selectors.year_before("day", date(2028, 2, 29)) == date(2027, 2, 28)
    assert selectors.year_before("month", date(2026, 3, 1)) == date(2025, 3, 1)
    assert selectors.period_label("quarter", date(2026, 4, 1)) == "2026 Q2"
    assert len(selectors.periods_between("month", date(2026, 1, 15), date(2026, 12, 31))) == 12


def test_ranks_share_places_and_lower_can_be_better():
    assert selectors.ranking({1: 5, 2: 9, 3: 5, 4: None}) == {1: 2, 2: 1, 3: 2, 4: None}
    assert selectors.ranking({1: 5, 2: 9}, lower_is_better=True) == {1: 1, 2: 2}
    assert selectors.ranking({1: 0, 2: 3}, lower_is_better=True) == {1: 1, 2: 2}


def test_figures_show_one_decimal_and_whole_numbers_without_one():
    from apps.stats.templatetags.stats import figure

    assert [figure(v) for v in (1804.04, 12.35, 833.0, 7, None)] == ["1804", "12.3", "833", 7, "—"]


def test_nobody_is_ranked_where_nothing_happened():
    assert selectors.ranking({1: 0, 2: 0, 3: None}) == {1: None, 2: None, 3: None}


def test_days_roll_up_by_sum_and_by_distinct_dimension(org):
    user = org.user("xipeng_leader")
    x = org.xipeng
    fact(x, "2026-01-05", "incidents", 3)
    fact(x, "2026-01-20", "incidents", 4)
    fact(x, "2026-02-01", "incidents", 5)
    fact(x, "2026-04-01", "incidents", 7)
    # the same village on two days counts once over the month
    fact(x, "2026-01-05", "villages_covered", 1, "11")
    fact(x, "2026-01-06", "villages_covered", 1, "11")
    fact(x, "2026-01-06", "villages_covered", 1, "12")
    fact(x, "2026-01-05", "incidents_by_source", 2, "110")
    fact(x, "2026-01-09", "incidents_by_source", 1, "110")
    fact(x, "2026-01-09", "incidents_by_source", 4, "walk_in")
    # another unit's rows stay out
    fact(org.park_post, "2026-01-05", "incidents", 100)
    common = dict(user=user, unit_kind="station", unit_ids=[x.pk])
    by_month = selectors.series(
        **common,
        metrics=["incidents", "villages_covered"],
        period="month",
        first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31),
    )
    assert by_month[(x.pk, "incidents", date(2026, 1, 1), "")] == 7
    assert by_month[(x.pk, "incidents", date(2026, 2, 1), "")] == 5
    assert by_month[(x.pk, "villages_covered", date(2026, 1, 1), "")] == 2
    by_quarter = selectors.series(
        **common,
        metrics=["incidents"],
        period="quarter",
        first_day=date(2026, 1, 1),
        last_day=date(2026, 12, 31),
    )
    assert by_quarter == {
        (x.pk, "incidents", date(2026, 1, 1), ""): 12,
        (x.pk, "incidents", date(2026, 4, 1), ""): 7,
    }
    by_year = selectors.series(
        **common,
        metrics=["incidents"],
        period="year",
        first_day=date(2026, 1, 1),
        last_day=date(2026, 1, 31),  # the range bounds the days, whatever the period
    )
    assert by_year == {(x.pk, "incidents", date(2026, 1, 1), ""): 7}
    split = selectors.series(
        **common,
        metrics=["incidents_by_source"],
        period="month",
        first_day=date(2026, 1, 1),
        last_day=date(2026, 1, 31),
        by_dimension=True,
    )
    assert split == {
        (x.pk, "incidents_by_source", date(2026, 1, 1), "110"): 3,
        (x.pk, "incidents_by_source", date(2026, 1, 1), "walk_in"): 4,
    }


def test_percentiles_are_the_days_rows_for_a_day_and_recomputed_for_longer(org):
    user = org.user("xipeng_leader")
    x = org.xipeng
    fact(x, "2026-01-05", "response_median", 7.5)
    fact(x, "2026-01-06", "response_median", 100)
    by_day = selectors.series(
        user=user,
        unit_kind="station",
        unit_ids=[x.pk],
        metrics=["response_median"],
        period="day",
        first_day=date(2026, 1, 5),
        last_day=date(2026, 1, 6),
    )
    assert by_day[(x.pk, "response_median", date(2026, 1, 5), "")] == 7.5
    desk = org.users[XIPENG_DESK]
    for day, minutes in [(5, 1), (12, 10), (13, 20), (13, 22), (13, 90)]:
        incident(x, desk, at(date(2026, 1, day), 9, minutes % 60), arrived_min=minutes)
    incident(x, desk, at(date(2026, 2, 2), 9), arrived_min=5)
    incident(org.shiqiaopu, desk, at(date(2026, 1, 12), 9), arrived_min=60)  # another unit
    by_month = selectors.series(
        user=user,
        unit_kind="station",
        unit_ids=[x.pk],
        metrics=["response_median", "response_p90"],
        period="month",
        first_day=date(2026, 1, 10),
        last_day=date(2026, 2, 28),
    )
    # Recomputed from January 10 on: 10, 20, 22, 90 — not the median of the daily
    # medians (10 and 22) nor the stored day rows.
    assert by_month[(x.pk, "response_median", date(2026, 1, 1), "")] == pytest.approx(21)
    assert by_month[(x.pk, "response_p90", date(2026, 1, 1), "")] == pytest.approx(69.6)
    assert by_month[(x.pk, "response_median", date(2026, 2, 1), "")] == pytest.approx(5)


def test_the_resolution_rate_is_resolved_over_concluded_and_empty_without_conclusions(org):
    """As apps.mediation counts it: never over 100 % in a month that closes disputes
    received before it (8 received in March, 12 concluded, 9 of them by agreement)."""
    user = org.user("xipeng_leader")
    x = org.xipeng
    fact(x, "2026-03-02", "disputes_received", 8)
    fact(x, "2026-03-09", "disputes_resolved", 9)
    fact(x, "2026-03-09", "disputes_concluded", 12)
    fact(x, "2026-04-09", "disputes_received", 3)
    values = selectors.series(
        user=user,
        unit_kind="station",
        unit_ids=[x.pk],
        metrics=[RESOLUTION_RATE],
        period="month",
        first_day=date(2026, 3, 1),
        last_day=date(2026, 4, 30),
    )
    assert values[(x.pk, RESOLUTION_RATE, date(2026, 3, 1), "")] == 75.0
    assert (x.pk, RESOLUTION_RATE, date(2026, 4, 1), "") not in values


def test_the_dashboard_compares_with_the_previous_period_and_a_year_before(org):
    user = org.user("xipeng_leader")
    x = org.xipeng
    fact(x, "2026-03-03", "incidents", 30)
    fact(x, "2026-02-03", "incidents", 20)
    fact(x, "2025-03-03", "incidents", 40)
    fact(x, "2026-03-03", "consultations", 9)  # nothing before: a zero base
    unit = selectors.unit_resolve(user=user, kind="station", pk=x.pk)
    board = selectors.dashboard(user=user, unit=unit, period="month", at=date(2026, 3, 20))
    rows = {row["metric"]: row for row in board.rows}
    assert rows["incidents"]["value"] == 30
    assert rows["incidents"]["pop"] == {"diff": 10, "percent": 50.0}
    assert rows["incidents"]["yoy"] == {"diff": -10, "percent": -25.0}
    assert rows["consultations"]["pop"] == {"diff": 9, "percent": None}
    assert rows["permits_issued"]["value"] == 0
    # A month's chart: its days.
    assert board.chart_labels[:3] == ["03-01", "03-02", "03-03"] and len(board.chart_labels) == 31
    assert board.charts["incidents"][:3] == [0, 0, 30]
    year = selectors.dashboard(user=user, unit=unit, period="year", at=date(2026, 3, 20))
    assert year.chart_labels[:3] == ["2026-01", "2026-02", "2026-03"]
    assert year.charts["incidents"][:3] == [0, 20, 30]


def test_units_out_of_scope_and_malformed_names(org):
    leader = org.user("xipeng_leader")
    with pytest.raises(OutOfScope):
        selectors.unit_resolve(user=leader, kind="station", pk=org.shuangfeng.pk)
    with pytest.raises(OutOfScope):
        selectors.unit_resolve(user=leader, kind="bureau", pk=org.jiulongpo.pk)
    with pytest.raises(OutOfScope):
        selectors.unit_resolve(user=leader, kind="post", pk=org.shuangfeng_post.pk)
    assert selectors.unit_resolve(user=leader, kind="post", pk=org.park_post.pk).name
    admin = org.user("jlp_admin")
    assert selectors.unit_resolve(user=admin, kind="bureau", pk=org.jiulongpo.pk).name
    with pytest.raises(OutOfScope):
        selectors.unit_resolve(user=admin, kind="bureau", pk=org.yubei.pk)
    with pytest.raises(DomainError):
        selectors.unit_parse("village:3")
    with pytest.raises(DomainError):
        selectors.metrics_parse("incidents,nonsense")
