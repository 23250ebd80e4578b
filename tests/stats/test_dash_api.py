"""/api/v1/stats/: series by unit, metric, period and grouping; clear 400s; 404 out of scope."""

import pytest
from django.urls import reverse

from .dash_data import fact

pytestmark = pytest.mark.django_db
URL = reverse("stats-series")


def call(client, org, persona, **params):
    if persona != "anonymous":
        client.force_login(org.user(persona))
    return client.get(URL, params, HTTP_ACCEPT_LANGUAGE="en")


def test_a_monthly_series_of_a_station(client, org):
    fact(org.xipeng, "2026-01-05", "incidents", 3)
    fact(org.xipeng, "2026-01-20", "incidents", 4)
    fact(org.xipeng, "2026-03-01", "incidents", 5)
    fact(org.xipeng, "2026-03-01", "disputes_received", 4)
    fact(org.xipeng, "2026-03-02", "disputes_resolved", 3)
    fact(org.xipeng, "2026-03-02", "disputes_concluded", 4)
    response = call(
        client,
        org,
        "xipeng_leader",
        unit=f"station:{org.xipeng.pk}",
        metric="incidents,dispute_resolution_rate",
        period="month",
        **{"from": "2026-01-01", "to": "2026-03-31"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"] == {"kind": "station", "id": org.xipeng.pk, "name": "西彭派出所"}
    incidents, rate = body["series"]
    assert [(p["period"], p["value"]) for p in incidents["points"]] == [
        ("2026-01-01", 7.0),
        ("2026-02-01", 0.0),
        ("2026-03-01", 5.0),
    ]
    assert incidents["rollup"] == "sum" and incidents["points"][0]["label"] == "2026-01"
    assert [(p["period"], p["value"]) for p in rate["points"]] == [("2026-03-01", 75.0)]


def test_a_range_is_one_point_with_its_percentiles_over_the_whole_range(client, org):
    from datetime import date

    from .engine_data import at, incident

    desk = org.user("xipeng_desk")
    for day, minutes in ((date(2020, 11, 3), 4), (date(2021, 3, 9), 6), (date(2021, 10, 3), 20)):
        incident(org.park_post.station, desk, at(day, 9), arrived_min=minutes, post=org.park_post)
    fact(org.park_post, "2020-11-02", "villages_covered", 1, "7")
    fact(org.park_post, "2021-10-30", "villages_covered", 1, "7")  # the same village
    fact(org.park_post, "2021-10-30", "permits_issued", 833)
    fact(org.park_post, "2020-11-02", "consultations", 1000)
    fact(org.park_post, "2021-10-31", "consultations", 46)
    fact(org.park_post, "2021-11-01", "consultations", 9)  # after the range
    response = call(
        client,
        org,
        "xipeng_leader",
        unit=f"post:{org.park_post.pk}",
        metric="consultations,permits_issued,villages_covered,response_median",
        period="range",
        **{"from": "2020-11-01", "to": "2021-10-31"},
    )
    assert response.status_code == 200, response.content
    points = {s["metric"]: s["points"] for s in response.json()["series"]}
    assert points["consultations"] == [
        {
            "period": "2020-11-01",
            "label": "2020-11-01 to 2021-10-31",
            "dimension": "",
            "value": 1046,
        }
    ]
    assert points["permits_issued"][0]["value"] == 833
    assert points["villages_covered"][0]["value"] == 1  # distinct over the range
    assert points["response_median"][0]["value"] == 6  # of 4, 6 and 20 minutes


def test_grouped_by_dimension(client, org):
    fact(org.park_post, "2026-01-05", "incidents_by_source", 2, "110")
    fact(org.park_post, "2026-01-06", "incidents_by_source", 1, "walk_in")
    fact(org.park_post, "2026-01-07", "incidents_by_source", 1, "110")
    response = call(
        client,
        org,
        "xipeng_desk",
        unit=f"post:{org.park_post.pk}",
        metric="incidents_by_source",
        period="year",
        group="dimension",
        **{"from": "2026-01-01", "to": "2026-12-31"},
    )
    assert response.status_code == 200
    [series] = response.json()["series"]
    assert [(p["dimension"], p["value"]) for p in series["points"]] == [
        ("110", 3.0),
        ("walk_in", 1.0),
    ]


@pytest.mark.parametrize(
    "params, field",
    [
        ({"unit": "village:1", "metric": "incidents"}, "village:1"),
        ({"unit": "station:x", "metric": "incidents"}, "station:x"),
        ({"metric": "nonsense"}, "nonsense"),
        ({"metric": "incidents", "period": "week"}, "period"),
        ({"metric": "incidents", "to": "2025-01-01"}, "to"),
        ({"metric": "incidents", "from": "yesterday"}, "from"),
    ],
)
def test_bad_queries_are_400_with_a_clear_message(client, org, params, field):
    query = {
        "unit": f"station:{org.xipeng.pk}",
        "period": "month",
        "from": "2026-01-01",
        "to": "2026-12-31",
        **params,
    }
    response = call(client, org, "xipeng_leader", **query)
    assert response.status_code == 400
    assert field in str(response.json()["error"])


def test_scope_and_roles(client, org):
    def status(persona, unit):
        return call(
            client,
            org,
            persona,
            unit=unit,
            metric="incidents",
            **{"from": "2026-01-01", "to": "2026-01-31"},
        ).status_code

    assert status("xipeng_leader", f"station:{org.shuangfeng.pk}") == 404
    assert status("xipeng_leader", f"bureau:{org.jiulongpo.pk}") == 404
    assert status("xipeng_leader", "station:999999") == 404
    assert status("jlp_admin", f"bureau:{org.jiulongpo.pk}") == 200
    assert status("jlp_admin", f"station:{org.shiqiaopu.pk}") == 200
    assert status("xipeng_case", f"station:{org.xipeng.pk}") == 403
    client.logout()
    assert status("anonymous", f"station:{org.xipeng.pk}") in (401, 403)


def test_grouped_by_station_a_series_per_station_of_the_bureau(client, org):
    from datetime import date

    from .engine_data import at, incident

    fact(org.xipeng, "2026-02-03", "incidents", 4)
    fact(org.shiqiaopu, "2026-02-03", "incidents", 9)
    fact(org.shuangfeng, "2026-02-03", "incidents", 99)  # another bureau's station
    fact(org.jiulongpo, "2026-02-03", "incidents", 13)  # the bureau's own total: not a child
    desk = org.user("xipeng_desk")
    for minutes in (4, 6, 30):
        incident(org.xipeng, desk, at(date(2026, 2, 3), 9), arrived_min=minutes)
    response = call(
        client,
        org,
        "jlp_admin",
        unit=f"bureau:{org.jiulongpo.pk}",
        metric="incidents,response_median",
        period="year",
        group="station",
        **{"from": "2026-01-01", "to": "2026-12-31"},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["unit"]["kind"] == "bureau"
    series = {(s["of_unit"]["name"], s["metric"]): s["points"] for s in body["series"]}
    assert set(series) == {
        ("西彭派出所", "incidents"),
        ("西彭派出所", "response_median"),
        ("石桥铺派出所", "incidents"),
        ("石桥铺派出所", "response_median"),
    }
    assert [p["value"] for p in series[("西彭派出所", "incidents")]] == [4.0]
    assert [p["value"] for p in series[("石桥铺派出所", "incidents")]] == [9.0]
    assert [p["value"] for p in series[("西彭派出所", "response_median")]] == [6.0]
    assert series[("石桥铺派出所", "response_median")] == []  # no arrivals: no point
    assert {s["of_unit"]["kind"] for s in body["series"]} == {"station"}


def test_grouped_by_post_a_series_per_post_of_the_station_in_scope(client, org):
    fact(org.park_post, "2026-01-05", "consultations", 3)
    fact(org.xipeng, "2026-01-05", "consultations", 8)
    response = call(
        client,
        org,
        "xipeng_leader",
        unit=f"station:{org.xipeng.pk}",
        metric="consultations",
        period="month",
        group="post",
        **{"from": "2026-01-01", "to": "2026-02-28"},
    )
    assert response.status_code == 200, response.content
    [series] = response.json()["series"]
    assert series["of_unit"] == {"kind": "post", "id": org.park_post.pk, "name": "西彭园区警务站"}
    assert [(p["label"], p["value"]) for p in series["points"]] == [
        ("2026-01", 3.0),
        ("2026-02", 0.0),
    ]
    # Without grouping the series is the station's own.
    plain = call(
        client,
        org,
        "xipeng_leader",
        unit=f"station:{org.xipeng.pk}",
        metric="consultations",
        period="year",
        **{"from": "2026-01-01", "to": "2026-12-31"},
    ).json()["series"]
    assert plain[0]["of_unit"]["kind"] == "station" and plain[0]["points"][0]["value"] == 8.0


@pytest.mark.parametrize(
    "persona, unit, group, status",
    [
        ("jlp_admin", "bureau:jiulongpo", "post", 400),  # a bureau's posts: ask per station
        ("jlp_admin", "station:xipeng", "station", 400),
        ("jlp_admin", "station:xipeng", "post", 200),
        ("xipeng_leader", "bureau:jiulongpo", "station", 404),
        ("xipeng_leader", "station:shuangfeng", "post", 404),
        ("xipeng_leader", "station:xipeng", "weekday", 400),
    ],
)
def test_grouping_by_child_unit_needs_the_right_parent_in_scope(
    client, org, persona, unit, group, status
):
    kind, name = unit.split(":")
    response = call(
        client,
        org,
        persona,
        unit=f"{kind}:{getattr(org, name).pk}",
        metric="incidents",
        group=group,
        **{"from": "2026-01-01", "to": "2026-01-31"},
    )
    assert response.status_code == status
    if status == 400:
        assert "group" in str(response.json()["error"])
