"""The statistics pages: the dashboard and comparison with their XLSX files, the bulletin
PDF, the permission matrix (a station's leader sees their station and its posts, the
bureau sees all, a case officer nothing), constant queries, and the desk's home counters."""

import json
from datetime import date
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader
from pypdf.generic import ContentStream

from apps.core.testing.factories import StationFactory
from apps.core.testing.pdf import assert_workbench_font_only
from apps.core.testing.workbooks import sheet_rows
from apps.stats.bulletin import RANKED

from .dash_data import fact

pytestmark = pytest.mark.django_db
DASH = reverse("stats:dashboard")


def get(client, org, persona, url, **params):
    client.force_login(org.user(persona))
    return client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")


def test_the_leader_sees_the_station_year_with_changes(client, org):
    fact(org.xipeng, "2026-03-03", "incidents", 30)
    fact(org.xipeng, "2025-03-03", "incidents", 20)
    fact(org.xipeng, "2026-03-03", "consultations", 9)
    response = get(
        client,
        org,
        "xipeng_leader",
        DASH,
        unit=f"station:{org.xipeng.pk}",
        period="year",
        at="2026-06-01",
    )
    assert response.status_code == 200
    html = response.content.decode()
    rows = {row["metric"]: row for row in response.context["board"].rows}
    assert rows["incidents"]["value"] == 30 and rows["incidents"]["yoy"]["percent"] == 50.0
    # a zero base shows a dash, not an error or infinity
    assert rows["consultations"]["yoy"]["percent"] is None
    assert 'data-testid="yoy-consultations">—<' in html
    assert 'data-testid="yoy-incidents">+50.0%<' in html
    assert 'data-chart="bar"' in html and "chart-labels" in html
    assert reverse("stats:bulletin") in html


def _json(response, element_id):
    html = response.content.decode()
    start = html.index(">", html.index(f'<script id="{element_id}" type="application/json">'))
    return json.loads(html[start + 1 : html.index("</script>", start)])


def test_the_dashboard_charts_response_times_resolution_noise_and_time_saved(client, org):
    from .engine_data import at, incident

    desk = org.user("xipeng_desk")
    for day, minutes in ((date(2026, 2, 3), 4), (date(2026, 2, 9), 6), (date(2026, 3, 3), 10)):
        incident(org.xipeng, desk, at(day, 9), arrived_min=minutes)
    fact(org.xipeng, "2026-03-03", "noise_events", 2)
    fact(org.xipeng, "2026-03-03", "minutes_saved", 30.5)
    fact(org.xipeng, "2026-03-03", "disputes_received", 4)
    fact(org.xipeng, "2026-03-04", "disputes_resolved", 3)
    fact(org.xipeng, "2026-03-04", "disputes_concluded", 4)
    response = get(
        client,
        org,
        "xipeng_leader",
        DASH,
        unit=f"station:{org.xipeng.pk}",
        period="year",
        at="2026-03-15",
    )
    html = response.content.decode()
    # A year shows its months.
    assert _json(response, "chart-labels")[:3] == ["2026-01", "2026-02", "2026-03"]
    rest = [None] * 9
    # Recomputed from the records per month: February 4 and 6 minutes.
    assert _json(response, "chart-response_median") == [None, 5.0, 10.0, *rest]
    assert _json(response, "chart-response_p90") == [None, pytest.approx(5.8), 10.0, *rest]
    assert _json(response, "chart-dispute_resolution_rate") == [None, None, 75.0, *rest]
    assert _json(response, "chart-noise_events") == [0, 0, 2, *[0] * 9]
    assert _json(response, "chart-minutes_saved") == [0, 0, 30.5, *[0] * 9]
    for name in ("response_median", "response_p90", "dispute_resolution_rate", "noise_events"):
        assert f'data-values-from="chart-{name}" data-label=' in html
        assert f'data-testid="chart-{name}"' in html
    # The year's median of 4, 6 and 10 minutes, recomputed from the records.
    assert 'data-testid="value-response_median">6<' in html


def test_a_month_shows_its_days_in_the_chart_and_the_table_each_day_opening_its_page(client, org):
    from apps.stats.compute import compute_range

    from .engine_data import at, incident

    desk = org.user("xipeng_desk")
    for day, minutes in ((date(2026, 2, 3), 4), (date(2026, 2, 3), 6), (date(2026, 2, 9), 10)):
        incident(org.xipeng, desk, at(day, 9), arrived_min=minutes)
    compute_range(org.jiulongpo, date(2026, 2, 1), date(2026, 2, 28))  # the days' percentiles
    fact(org.xipeng, "2026-02-03", "consultations", 7)
    fact(org.xipeng, "2026-02-28", "permits_issued", 2)
    fact(org.xipeng, "2026-03-01", "consultations", 99)  # the next month
    response = get(
        client,
        org,
        "xipeng_leader",
        DASH,
        unit=f"station:{org.xipeng.pk}",
        period="month",
        at="2026-02-15",
    )
    labels = _json(response, "chart-labels")
    assert labels[0] == "02-01" and labels[-1] == "02-28" and len(labels) == 28
    consultations = _json(response, "chart-consultations")
    assert consultations[2] == 7 and sum(consultations) == 7
    assert _json(response, "chart-permits_issued")[-1] == 2
    # A day's percentiles are its own rows: the 3rd's median of 4 and 6, the 9th's 10.
    median = _json(response, "chart-response_median")
    assert (median[2], median[8], median[3]) == (5.0, 10.0, None)
    html = response.content.decode()
    assert 'data-testid="value-response_median">6<' in html  # the month's, of 4, 6, 10
    along = response.context["along"]
    assert [label for label, _q, _v in along][:2] == ["2026-02-01", "2026-02-02"]
    third = along[2]
    assert third[2][0] == 7  # consultations first, in the order of the charts
    day_page = f"?unit=station:{org.xipeng.pk}&amp;period=day&amp;at=2026-02-03"
    assert f'href="{day_page}">2026-02-03</a>' in html


def test_twelve_months_span_two_calendar_years_with_their_months(client, org):
    fact(org.park_post, "2020-11-02", "consultations", 10)
    fact(org.park_post, "2021-10-30", "consultations", 5)
    fact(org.park_post, "2021-11-01", "consultations", 100)  # after the twelve months
    fact(org.park_post, "2020-10-31", "consultations", 1000)  # before them: the base
    response = get(
        client,
        org,
        "xipeng_leader",
        DASH,
        unit=f"post:{org.park_post.pk}",
        period="12m",
        at="2021-10-31",
    )
    board = response.context["board"]
    assert (board.start, board.end) == (date(2020, 11, 1), date(2021, 10, 31))
    assert board.chart_labels == ["2020-11", "2020-12"] + [f"2021-{m:02d}" for m in range(1, 11)]
    rows = {row["metric"]: row for row in board.rows}
    assert rows["consultations"]["value"] == 15
    assert rows["consultations"]["previous"] == rows["consultations"]["year_before"] == 1000
    assert "2020-11 to 2021-10" in response.content.decode()


def test_by_default_the_leader_sees_their_station(client, org):
    response = get(client, org, "xipeng_leader", DASH)
    assert response.status_code == 200
    assert response.context["board"].unit.name == "西彭派出所"


@pytest.mark.parametrize(
    "persona, unit, status",
    [
        ("xipeng_leader", "station:xipeng", 200),
        ("xipeng_leader", "post:park_post", 200),
        ("xipeng_leader", "station:shuangfeng", 404),
        ("xipeng_leader", "station:shiqiaopu", 404),
        ("xipeng_leader", "bureau:jiulongpo", 404),
        ("xipeng_desk", "station:xipeng", 200),
        ("xipeng_case", "station:xipeng", 403),
        ("jlp_admin", "bureau:jiulongpo", 200),
        ("jlp_admin", "station:shiqiaopu", 200),
        ("jlp_admin", "station:shuangfeng", 404),
        ("jlp_admin", "bureau:yubei", 404),
        ("superuser", "bureau:yubei", 200),
        ("xipeng_leader", "village:1", 404),
    ],
)
def test_permission_matrix(client, org, persona, unit, status):
    kind, name = unit.split(":")
    target = getattr(org, name, None)
    for page in ("stats:dashboard", "stats:compare", "stats:dashboard_xlsx", "stats:compare_xlsx"):
        response = get(
            client, org, persona, reverse(page), unit=f"{kind}:{target.pk if target else 1}"
        )
        assert response.status_code == status, page


def test_anonymous_is_sent_to_log_in(client):
    assert client.get(DASH).status_code == 302


def test_the_bureau_compares_its_stations_with_ranks(client, org):
    fact(org.xipeng, "2026-05-03", "incidents", 5)
    fact(org.shiqiaopu, "2026-05-03", "incidents", 9)
    fact(org.xipeng, "2026-05-03", "response_median", 4)  # day rows: ranked lowest first
    fact(org.shuangfeng, "2026-05-03", "incidents", 99)  # another bureau
    response = get(
        client,
        org,
        "jlp_admin",
        reverse("stats:compare"),
        unit=f"bureau:{org.jiulongpo.pk}",
        period="day",
        at="2026-05-03",
    )
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r["unit"].name for r in rows] == ["石桥铺派出所", "西彭派出所"]
    assert [r["by_metric"]["incidents"] for r in rows] == [9, 5]
    assert [r["rank_of"]["incidents"] for r in rows] == [1, 2]
    assert rows[1]["rank_of"]["response_median"] == 1
    assert response.context["chart_values"] == [9, 5]


def test_the_leader_compares_the_posts_of_the_station(client, org):
    fact(org.park_post, "2026-05-03", "consultations", 4)
    response = get(
        client,
        org,
        "xipeng_leader",
        reverse("stats:compare"),
        unit=f"station:{org.xipeng.pk}",
        period="month",
        at="2026-05-03",
        metric="consultations",
    )
    assert response.status_code == 200
    [row] = response.context["rows"]
    assert row["unit"].name == "西彭园区警务站" and row["by_metric"]["consultations"] == 4


def test_a_unit_without_figures_is_not_ranked_and_comes_last(client, org):
    fact(org.xipeng, "2026-05-03", "incidents", 5)
    response = get(
        client,
        org,
        "jlp_admin",
        reverse("stats:compare"),
        unit=f"bureau:{org.jiulongpo.pk}",
        period="month",
        at="2026-05-03",
        metric="invalid_calls",
    )
    rows = response.context["rows"]
    assert [r["unit"].name for r in rows] == ["西彭派出所", "石桥铺派出所"]
    xipeng, shiqiaopu = rows
    assert xipeng["rank_of"]["incidents"] == 1 and xipeng["by_metric"]["invalid_calls"] == 0
    # Nobody had an invalid call: nothing to rank; 石桥铺 has no figure at all: no value.
    assert xipeng["rank_of"]["invalid_calls"] is None
    assert set(shiqiaopu["by_metric"].values()) == {None}
    assert set(shiqiaopu["rank_of"].values()) == {None}
    html = response.content.decode()
    shown = html[html.index(f'data-unit="station:{org.shiqiaopu.pk}"') :]
    shown = shown[: shown.index("</tr>")]
    assert "badge" not in shown and shown.count(">—<") == len(xipeng["values"])


def _sheet(response):
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    return sheet_rows(response.content)


def test_the_tables_export_to_xlsx(client, org):
    fact(org.xipeng, "2026-03-03", "incidents", 30)
    fact(org.xipeng, "2026-03-03", "incidents_by_source", 30, "=HYPERLINK(1)")
    fact(org.xipeng, "2026-03-03", "patrol_hours", 12.3456)
    fact(org.xipeng, "2026-02-03", "patrol_hours", 10.0)
    response = get(
        client,
        org,
        "xipeng_leader",
        reverse("stats:dashboard_xlsx"),
        unit=f"station:{org.xipeng.pk}",
        period="month",
        at="2026-03-01",
    )
    rows = _sheet(response)
    assert rows[0][0] == "Metric" and rows[0][2] == "2026-03"
    incidents = next(r for r in rows if r[0] == "Incidents")
    assert incidents[2] == 30 and incidents[4] is None  # no base: the cell stays empty
    assert any(r[0] == "Incidents by source: =HYPERLINK(1)" for r in rows)  # not a formula
    # Figures to one decimal, whole ones without a decimal point: 12.3 h against 10 h.
    assert next(r for r in rows if r[0] == "Patrol hours")[2:5] == (12.3, 10, 23.5)
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    widths = {c: sheet.column_dimensions[c].width for c in "ABCDEFG"}
    assert widths["A"] >= len("Incidents by source: =HYPERLINK(1)")
    assert all(6 <= width <= 50 for width in widths.values())
    response = get(
        client,
        org,
        "jlp_admin",
        reverse("stats:compare_xlsx"),
        unit=f"bureau:{org.jiulongpo.pk}",
        period="month",
        at="2026-03-01",
    )
    rows = _sheet(response)
    assert rows[0][:3] == ("Unit", "Consultations", "Rank")
    assert {r[0] for r in rows[1:]} == {"西彭派出所", "石桥铺派出所"}
    # The unit's name stays in view beside every column; Chinese names count double.
    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.freeze_panes == "B2"
    assert sheet.column_dimensions["A"].width == 2 * len("石桥铺派出所") + 2


def _bulletin(client, org, persona, unit, *, quarter=2, url="stats:bulletin"):
    return get(client, org, persona, reverse(url), unit=unit, year=2026, quarter=quarter)


BLUE_FILL = (0.050980, 0.431373, 0.992157)  # bulletin.BLUE, the bars' colour


def _pdf(response):
    """Each page's text and the (width, height) of the rectangles it draws in the bars'
    blue: the charts are reportlab drawings, vector operators in the page."""
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert_workbench_font_only(response.content)
    reader = PdfReader(BytesIO(response.content))
    pages = []
    for page in reader.pages:
        bars, blue = [], False
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"rg":
                blue = tuple(round(float(v), 6) for v in operands) == BLUE_FILL
            elif operator == b"re" and blue:
                bars.append((float(operands[2]), float(operands[3])))
        pages.append((page.extract_text(), bars))
    return pages


def test_the_quarterly_bulletin_has_its_title_figures_charts_and_ranking(client, org):
    for month, value in ((1, 3), (4, 6), (5, 5)):
        fact(org.jiulongpo, date(2026, month, 3), "incidents", value)
    fact(org.jiulongpo, "2026-05-03", "incidents_by_category", 11, "01")
    fact(org.xipeng, "2026-05-03", "incidents", 5)
    fact(org.shiqiaopu, "2026-02-03", "incidents", 9)
    bureau = f"bureau:{org.jiulongpo.pk}"
    (summary, summary_bars), (charts, chart_bars), (ranking, ranking_bars) = _pdf(
        _bulletin(client, org, "jlp_admin", bureau)
    )
    assert "九龙坡区分局2026年第2季度工作通报" in summary
    assert "统计期间：2026年4月1日至2026年6月30日" in summary
    assert "警情" in summary and "环比" in summary and "同比" in summary
    # The charts, drawn in order: the quarters' incidents (Q1 3, Q2 11; empty quarters have
    # no bar), as high as their figures, then the quarter's one category, across.
    assert "各季度警情数" in charts and "本季度警情类别" in charts
    assert not summary_bars
    [(_w, first), (_w, second), (category, _h)] = chart_bars
    assert second / first == pytest.approx(11 / 3, rel=0.01) and category > 0
    # The half-year ranking of the stations, with its chart of two bars.
    assert "三、2026年上半年派出所排名（1月1日至6月30日）" in ranking
    assert "截至" not in ranking
    assert "石桥铺派出所" in ranking and "西彭派出所" in ranking
    assert "9（1）" in ranking and "5（2）" in ranking
    assert "2026年上半年各派出所警情数" in ranking
    [nine, five] = [h for _w, h in ranking_bars]
    assert nine / five == pytest.approx(9 / 5, rel=0.01)


def test_a_first_quarter_bulletin_ranks_the_half_year_so_far_and_says_so(client, org):
    fact(org.shiqiaopu, "2026-02-03", "incidents", 9)
    fact(org.xipeng, "2026-05-03", "incidents", 5)  # after the first quarter
    *_, (ranking, _bars) = _pdf(
        _bulletin(client, org, "jlp_admin", f"bureau:{org.jiulongpo.pk}", quarter=1)
    )
    assert "三、2026年上半年（截至3月31日）派出所排名（1月1日至3月31日）" in ranking
    # 西彭 has no figure in the first quarter: shown as none, and not ranked.
    assert "9（1）" in ranking and "（2）" not in ranking
    assert "西彭派出所\n—\n—" in ranking


def test_the_bulletin_is_in_scope_and_checks_its_quarter(client, org):
    # the leader's bulletin ranks the station's posts; another station's is out of reach
    [*_, (ranking, _bars)] = _pdf(
        _bulletin(client, org, "xipeng_leader", f"station:{org.xipeng.pk}")
    )
    assert "警务站排名" in ranking and "西彭园区警务站" in ranking
    assert (
        _bulletin(client, org, "xipeng_leader", f"station:{org.shuangfeng.pk}").status_code == 404
    )
    assert (
        _bulletin(client, org, "jlp_admin", f"bureau:{org.jiulongpo.pk}", quarter=7).status_code
        == 400
    )
    assert _bulletin(client, org, "xipeng_leader", f"post:{org.park_post.pk}").status_code == 404


def test_the_bulletins_ranking_exports_to_xlsx(client, org):
    fact(org.xipeng, "2026-05-03", "incidents", 5)
    fact(org.shiqiaopu, "2026-02-03", "incidents", 9)
    fact(org.xipeng, "2026-03-03", "consultations", 4)
    fact(org.xipeng, "2026-08-03", "incidents", 50)  # the second half-year
    response = _bulletin(
        client, org, "jlp_admin", f"bureau:{org.jiulongpo.pk}", url="stats:bulletin_ranking"
    )
    rows = _sheet(response)
    assert rows[0][:5] == ("Unit", "Consultations", "Rank", "Residence permits issued", "Rank")
    assert "Incidents" in rows[0] and "Dispute resolution rate" in rows[0]
    assert len(rows[0]) == 1 + 2 * len(RANKED)
    by_unit = {row[0]: row for row in rows[1:]}
    incidents = rows[0].index("Incidents")
    assert by_unit["石桥铺派出所"][incidents : incidents + 2] == (9, 1)
    assert by_unit["西彭派出所"][incidents : incidents + 2] == (5, 2)
    assert by_unit["西彭派出所"][1:3] == (4, 1)
    assert (
        _bulletin(
            client,
            org,
            "xipeng_leader",
            f"station:{org.shuangfeng.pk}",
            url="stats:bulletin_ranking",
        ).status_code
        == 404
    )


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


def test_the_station_year_page_makes_a_constant_number_of_queries(client, org):
    client.force_login(org.user("xipeng_leader"))
    params = {"unit": f"station:{org.xipeng.pk}", "period": "year", "at": "2026-06-01"}
    fact(org.xipeng, "2026-03-03", "incidents", 1)
    fact(org.xipeng, "2026-03-03", "incidents_by_category", 1, "01")
    _queries(client, DASH, params)  # the first request also fills the permission cache
    few = _queries(client, DASH, params)
    for month in range(1, 13):
        for metric in ("incidents", "consultations", "patrol_hours", "disputes_received"):
            fact(org.xipeng, date(2026, month, 2), metric, month)
            fact(org.xipeng, date(2025, month, 2), metric, month)
        fact(org.xipeng, date(2026, month, 2), "incidents_by_category", 1, f"{month:02d}")
        fact(org.xipeng, date(2026, month, 2), "incidents_by_source", 1, "110")
    assert _queries(client, DASH, params) == few


def test_the_comparison_makes_a_constant_number_of_queries(client, org):
    client.force_login(org.user("jlp_admin"))
    params = {"unit": f"bureau:{org.jiulongpo.pk}", "period": "month", "at": "2026-06-01"}
    few = _queries(client, reverse("stats:compare"), params)
    for n in range(5):
        station = StationFactory(bureau=org.jiulongpo, code=f"extra-{n}", name=f"站{n}")
        fact(station, "2026-06-01", "incidents", n)
    more = _queries(client, reverse("stats:compare"), params)
    # the percentiles are recomputed per station from the records: one query each at most
    assert more - few <= 5 * 1


def test_the_desk_sees_todays_counters_on_the_home_page(client, org):
    from datetime import timedelta

    from django.utils import timezone

    from apps.stats.board.selectors import board_data, today_bounds

    from .engine_data import incident, service

    desk = org.user("xipeng_desk")
    now = timezone.now()
    midnight, _ = today_bounds()
    yesterday = midnight - timedelta(hours=1)
    for received, status in [
        (now, "received"),
        (now, "dispatched"),
        (now, "en_route"),
        (yesterday, "arrived"),
        (yesterday, "handled"),  # handled, not closed: still open, as on the board
    ]:
        incident(org.xipeng, desk, received, status=status)
    incident(org.xipeng, desk, now, status="closed", disposition="settled")
    incident(org.xipeng, desk, yesterday, status="closed", disposition="settled")
    incident(org.shuangfeng, desk, now)  # another station's
    service(org.xipeng, desk, now)
    service(org.xipeng, desk, now)
    service(org.xipeng, desk, now, kind="other")
    service(org.xipeng, desk, yesterday)
    service(org.shuangfeng, desk, now)

    response = get(client, org, "xipeng_desk", reverse("home"))
    assert response.status_code == 200
    counters = response.context["stats_counters"]
    assert counters == {"today": 4, "open": 5, "dispatched": 3, "consultations": 2}
    # One definition of "open" for the desk and the command board.
    assert counters["open"] == board_data(user=desk)["counters"]["open"]
    html = response.content.decode()
    for name, figure in [("today", 4), ("open", 5), ("dispatched", 3), ("consultations", 2)]:
        assert f'data-testid="count-{name}">{figure}<' in html
    assert "stats_counters" not in get(client, org, "xipeng_case", reverse("home")).context


def test_breakdowns_name_categories_and_sources(client, org):
    from apps.cases.models import IncidentCategory

    IncidentCategory.objects.create(bureau=org.jiulongpo, code="07", name="纠纷类", kind="dispute")
    fact(org.xipeng, "2026-03-03", "incidents_by_category", 4, "07")
    fact(org.xipeng, "2026-03-03", "incidents_by_category", 1, "none")
    fact(org.xipeng, "2026-03-03", "incidents_by_source", 2, "walk_in")
    response = get(
        client,
        org,
        "xipeng_leader",
        DASH,
        unit=f"station:{org.xipeng.pk}",
        period="month",
        at="2026-03-03",
    )
    split = {name: parts for name, _label, parts in response.context["board"].breakdowns}
    assert split["incidents_by_category"] == [("纠纷类", 4), ("No category", 1)]
    assert split["incidents_by_source"] == [("Walk-in", 2)]
