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
