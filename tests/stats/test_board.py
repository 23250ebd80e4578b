"""The live board's data (apps/stats/board.py) on hand-built rows: colours and ages by
status, today's counters, patrols and noise events, scoping, permissions and a constant
number of queries."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.testing.personas import (
    CITIZEN,
    JLP_ADMIN,
    MEDIATOR,
    SHUANGFENG_DESK,
    SUPERUSER,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
    YUBEI_ADMIN,
)
from apps.stats.board.selectors import age_band, board_data

from .board_scene import NOW, category, incident, noise_event, patrol, sensor


@pytest.fixture
def wall(org):
    """西彭: five open incidents, one at each stage and age, one closed invalid call today,
    one closed yesterday; an active and a finished patrol; an open and a closed noise event.
    双凤: an open incident, a patrol and a noise event of its own."""
    rows = {
        "new": incident(org, status="received", ago=5, priority=1),
        "waiting": incident(org, status="assigned", ago=20, post=org.park_post),
        "late": incident(
            org, status="dispatched", ago=45, dispatched_at=NOW - timedelta(minutes=40)
        ),
        "arrived": incident(
            org,
            status="arrived",
            ago=90,
            dispatched_at=NOW - timedelta(minutes=85),
            arrived_at=NOW - timedelta(minutes=78),  # 12 minutes after receipt
        ),
        "handled": incident(
            org, status="handled", ago=120, latitude=None, longitude=None, community=org.yingxin
        ),
        "invalid": incident(
            org,
            status="closed",
            ago=180,
            disposition="invalid",
            category=category(org, "无效报警", "invalid"),
            dispatched_at=NOW - timedelta(minutes=175),
            arrived_at=NOW - timedelta(minutes=160),  # 20 minutes after receipt
        ),
        "yesterday": incident(org, status="closed", ago=timedelta(hours=11)),
        "shuangfeng": incident(
            org, org.shuangfeng, status="received", ago=3, received_by=org.user(SHUANGFENG_DESK)
        ),
    }
    rows["patrol"] = patrol(org, officers=[org.user(XIPENG_COMMUNITY)])
    patrol(org, status="finished", at=None)
    patrol(org, org.shuangfeng, at=(29.72, 106.63))
    rows["sensor"] = sensor(org)
    rows["noise"] = noise_event(rows["sensor"])
    noise_event(sensor(org, name="旧传感器"), ago=200, closed=True)
    noise_event(sensor(org, org.shuangfeng, name="空港广场", lat="29.72", lon="106.63"))
    return rows


@pytest.mark.parametrize(
    "status,minutes,band",
    [
        ("received", 9, "new"),
        ("received", 10, "waiting"),
        ("assigned", 29, "waiting"),
        ("dispatched", 30, "late"),
        ("en_route", 300, "late"),
        ("arrived", 300, "on_scene"),
        ("handled", 0, "on_scene"),
    ],
)
def test_the_age_band_counts_only_while_nobody_has_arrived(status, minutes, band):
    assert age_band(status, minutes) == band


def test_open_incidents_carry_colour_age_and_band_by_status(org, wall):
    data = board_data(user=org.user(XIPENG_LEADER), now=NOW)
    by_number = {row["number"]: row for row in data["incidents"]}
    assert set(by_number) == {
        wall[key].number for key in ("new", "waiting", "late", "arrived", "handled")
    }
    new, waiting, late = (by_number[wall[k].number] for k in ("new", "waiting", "late"))
    arrived, handled = by_number[wall["arrived"].number], by_number[wall["handled"].number]
    assert (new["color"], new["minutes"], new["band"]) == ("#dc3545", 5, "new")
    assert (waiting["color"], waiting["band"]) == ("#fd7e14", "waiting")
    assert waiting["post"] == "西彭园区警务站"
    assert (late["color"], late["minutes"], late["band"]) == ("#ffc107", 45, "late")
    assert (arrived["color"], arrived["band"]) == ("#198754", "on_scene")
    assert handled["color"] == "#6c757d"
    # No coordinates of its own: drawn at its village's.
    assert (handled["lat"], handled["lon"]) == (29.52, 106.52)
    assert new["category"] == "打架斗殴" and new["lat"] == 29.36
    # Urgent first, then the oldest.
    assert data["incidents"][0]["number"] == wall["new"].number


def test_todays_counters(org, wall):
    counters = board_data(user=org.user(XIPENG_LEADER), now=NOW)["counters"]
    assert counters == {
        "incidents_today": 6,  # not yesterday's, not 双凤's
        "open": 5,
        "open_by_status": {
            "received": 1,
            "assigned": 1,
            "dispatched": 1,
            "en_route": 0,
            "arrived": 1,
            "handled": 1,
        },
        "dispatched_today": 3,
        "arrived_today": 2,
        "invalid_today": 1,
        "median_response_today": 16.0,  # of 12 and 20 minutes
        "patrols_under_way": 1,
        "noise_open": 1,
    }


def test_posts_patrols_and_noise_events(org, wall):
    data = board_data(user=org.user(XIPENG_LEADER), now=NOW)
    assert [(p["name"], p["lat"], p["lon"]) for p in data["posts"]] == [
        ("西彭园区警务站", 29.51, 106.51)
    ]
    [walking] = data["patrols"]
    assert walking["id"] == wall["patrol"].pk
    assert (walking["mode"], walking["lat"], walking["lon"]) == ("foot", 29.355, 106.316)
    assert walking["officers"] == [org.user(XIPENG_COMMUNITY).get_full_name() or XIPENG_COMMUNITY]
    assert datetime.fromisoformat(walking["seen_at"]) == NOW - timedelta(minutes=2)
    [loud] = data["noise_events"]
    assert (loud["sensor"], loud["level"], loud["peak"]) == ("迎新村广场", 68.5, 72.0)
    assert loud["limit"] == 55
    assert (loud["minutes"], loud["lat"]) == (15, 29.37815)


def test_a_shuangfeng_officer_sees_only_shuangfeng(org, wall):
    data = board_data(user=org.user(SHUANGFENG_DESK), now=NOW)
    assert [row["number"] for row in data["incidents"]] == [wall["shuangfeng"].number]
    assert [p["name"] for p in data["posts"]] == ["空港警务站"]
    assert [p["lat"] for p in data["patrols"]] == [29.72]
    assert [n["sensor"] for n in data["noise_events"]] == ["空港广场"]
    assert data["counters"]["incidents_today"] == 1
    assert data["counters"]["open"] == 1


@pytest.mark.parametrize(
    "persona,sees_xipeng,sees_shuangfeng",
    [(JLP_ADMIN, True, False), (YUBEI_ADMIN, False, True), (SUPERUSER, True, True)],
)
def test_the_bureau_sees_its_stations(org, wall, persona, sees_xipeng, sees_shuangfeng):
    numbers = {row["number"] for row in board_data(user=org.user(persona), now=NOW)["incidents"]}
    assert (wall["new"].number in numbers) is sees_xipeng
    assert (wall["shuangfeng"].number in numbers) is sees_shuangfeng


def test_a_case_officer_sees_incidents_but_not_patrols_or_noise(org, wall):
    data = board_data(user=org.user(XIPENG_CASE), now=NOW)
    assert len(data["incidents"]) == 5
    assert data["patrols"] is None and data["noise_events"] is None
    assert data["counters"]["patrols_under_way"] is None


@pytest.mark.parametrize("persona", [XIPENG_DESK, XIPENG_CASE, XIPENG_LEADER, JLP_ADMIN])
def test_the_page_and_the_api_open_for_who_may_view_incidents(client, org, persona):
    client.force_login(org.user(persona))
    page = client.get(reverse("stats:board"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Live command board" in page.content.decode()
    assert client.get(reverse("board")).status_code == 200


@pytest.mark.parametrize("persona", [CITIZEN, MEDIATOR])
def test_without_the_permission_it_is_403(client, org, persona):
    client.force_login(org.user(persona))
    assert client.get(reverse("stats:board")).status_code == 403
    assert client.get(reverse("board")).status_code == 403


def test_anonymous_goes_to_the_login(client, db):
    page = client.get(reverse("stats:board"))
    assert page.status_code == 302 and "login" in page["Location"]
    assert client.get(reverse("board")).status_code in (401, 403)


def test_the_api_answers_the_board_for_the_callers_scope(client, org, wall):
    fresh = incident(org, status="received", ago=0, now=None)  # received just now
    client.force_login(org.user(XIPENG_DESK))
    response = client.get(reverse("board"))
    assert response["Cache-Control"] == "no-store"
    data = response.json()
    numbers = [row["number"] for row in data["incidents"]]
    assert fresh.number in numbers and wall["shuangfeng"].number not in numbers
    assert data["counters"]["incidents_today"] >= 1


def test_the_answer_is_what_its_openapi_serializer_describes(client, org, wall):
    """The plain dict of board_data, rendered as JSON, equals its serializer's rendering:
    every key is described, with the type it has (for a role that sees everything, and for
    one whose patrols and noise parts are null)."""
    from apps.stats.api.serializers import BoardSerializer

    for persona in (XIPENG_LEADER, XIPENG_CASE):
        client.force_login(org.user(persona))
        answer = client.get(reverse("board")).json()
        assert answer["incidents"] and answer["posts"]
        assert BoardSerializer(answer).data == answer
        assert BoardSerializer(data=answer).is_valid(), persona
    assert answer["patrols"] is None and answer["noise_events"] is None
    client.force_login(org.user(XIPENG_LEADER))
    answer = client.get(reverse("board")).json()
    assert answer["patrols"] and answer["noise_events"]
    again = client.get(reverse("board"), {"posts_version": answer["posts_version"]}).json()
    assert again["posts"] is None and BoardSerializer(again).data == again


def _more_rows(org, n):
    officer = org.user(XIPENG_COMMUNITY)
    for i in range(n):
        incident(org, status="dispatched", ago=i + 1, dispatched_at=NOW)
        incident(org, status="closed", ago=i + 1, arrived_at=NOW, post=org.park_post)
        patrol(org, officers=[officer, org.user(XIPENG_LEADER)])
        noise_event(sensor(org, name=f"传感器{n}-{i}", lat=str(Decimal("29.3") + Decimal(i) / 100)))


def _queries(user):
    with CaptureQueriesContext(connection) as captured:
        board_data(user=user, now=NOW)
    return len(captured)


@pytest.mark.parametrize("persona", [XIPENG_LEADER, JLP_ADMIN])
def test_the_same_queries_for_few_rows_and_many(org, wall, persona, django_assert_max_num_queries):
    user = org.user(persona)
    _more_rows(org, 2)
    # 11 for the board, 2 the first time the user's role permissions are read.
    with django_assert_max_num_queries(13):
        board_data(user=user, now=NOW)
    few = _queries(user)
    _more_rows(org, 25)
    with django_assert_max_num_queries(13):
        board_data(user=user, now=NOW)
    assert _queries(user) == few


def test_the_bench_reads_the_board_as_a_station_and_as_the_bureau():
    from devtools import benchmark

    benchmark.autodiscover()
    names = {scenario.name: scenario for scenario in benchmark.registry.requests}
    assert names["board: live data (API), a station"].persona == XIPENG_DESK
    assert names["board: live data (API), the bureau"].persona == JLP_ADMIN


def test_posts_come_again_only_when_they_changed(client, org, wall):
    client.force_login(org.user(XIPENG_LEADER))
    first = client.get(reverse("board")).json()
    assert [p["name"] for p in first["posts"]] == ["西彭园区警务站"]
    again = client.get(reverse("board"), {"posts_version": first["posts_version"]}).json()
    assert again["posts"] is None and again["posts_version"] == first["posts_version"]
    org.park_post.name = "西彭园区警务站（新址）"
    org.park_post.save()
    moved = client.get(reverse("board"), {"posts_version": first["posts_version"]}).json()
    assert [p["name"] for p in moved["posts"]] == ["西彭园区警务站（新址）"]
    assert moved["posts_version"] != first["posts_version"]
