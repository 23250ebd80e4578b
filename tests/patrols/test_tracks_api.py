"""/api/v1/patrols/: the list, plan and state changes, the track and the broadcasts, as the
tablet page uses them."""

import json
import uuid
from datetime import timedelta

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from freezegun import freeze_time

from apps.core.testing.personas import (
    ANONYMOUS,
    SHUANGFENG_DESK,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.patrols import selectors
from apps.patrols.api import serializers as s
from apps.patrols.models import Broadcast, TrackPoint
from apps.patrols.services import patrol_finish, track_ingest

from .test_vehicles import make_vehicle
from .tracks_helpers import START, as_json, path_m, planned_patrol, walk

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def login(client, org, persona=XIPENG_COMMUNITY):
    if persona != ANONYMOUS:
        client.force_login(org.user(persona))
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json", **EN)


def batch(points, client_id=None):
    return {"client_id": str(client_id or uuid.uuid4()), "points": as_json(points)}


class TestPatrolList:
    def test_the_list_shows_position_distance_duration_officers_and_coverage(self, client, org):
        patrol = planned_patrol(org)
        track_ingest(
            patrol=patrol, by=org.user(XIPENG_COMMUNITY), client_id=uuid.uuid4(), points=walk(160)
        )
        login(client, org)
        row = client.get(reverse("patrol-list")).json()["results"][0]
        assert row["id"] == patrol.pk and row["status"] == "active"
        assert row["distance_m"] == round(path_m(walk(160)))
        assert row["last_latitude"] == pytest.approx(29.502 + 0.0159)
        assert row["last_seen_at"] and row["duration"] > 0
        assert row["officers"][0]["username"] == XIPENG_COMMUNITY
        assert row["covered"] == ["迎新村"] and row["community_names"] == ["迎新村"]

    def test_the_list_filters(self, client, org):
        active = planned_patrol(org)
        planned = planned_patrol(org, start=False, at=START + timedelta(days=3), mode="e_car")
        login(client, org)
        url = reverse("patrol-list")

        def ids(**params):
            return [row["id"] for row in client.get(url, params).json()["results"]]

        assert ids(status="planned") == [planned.pk]
        assert ids(mode="foot") == [active.pk]
        assert ids(date_from="2026-06-02") == [planned.pk]
        assert ids(date_to="2026-06-01") == [active.pk]
        assert ids(post=org.park_post.pk) == [planned.pk, active.pk]

    def test_participants_phones_are_masked(self, client, org):
        planned_patrol(
            org, participants=[{"kind": "volunteer", "name": "志愿者", "phone": "13812345678"}]
        )
        login(client, org)
        row = client.get(reverse("patrol-list")).json()["results"][0]
        assert row["participants"] == [
            {"kind": "volunteer", "name": "志愿者", "phone": "138****5678"}
        ]

    def test_the_list_is_the_serializers_json_key_for_key(self, client, org):
        """The list's lean path (patrols.api.listing) against PatrolSerializer: a patrol
        under way with a vehicle, joint-force members, two officers and covered villages;
        one planned without any; one finished on a bicycle (no plate)."""
        second = org.user(XIPENG_DESK)
        second.first_name, second.last_name = "德华", "刘"
        second.save()
        walking = planned_patrol(
            org,
            officers=[org.user(XIPENG_COMMUNITY), second],
            mode="e_car",
            vehicle=make_vehicle(org),
            participants=[
                {"kind": "volunteer", "name": "志愿者", "phone": "13812345678"},
                {"kind": "security_guard", "name": "保安"},
            ],
        )
        track_ingest(
            patrol=walking, by=org.user(XIPENG_COMMUNITY), client_id=uuid.uuid4(), points=walk(9)
        )
        planned_patrol(org, start=False, at=START + timedelta(days=2), communities=[])
        bicycle = make_vehicle(org, plate="", kind="bicycle", note="蓝色，车筐里有喇叭")
        done = planned_patrol(
            org, at=START - timedelta(days=1), mode="night_village", vehicle=bicycle
        )
        patrol_finish(patrol=done, by=org.user(XIPENG_COMMUNITY), now=START - timedelta(hours=20))
        login(client, org)

        with freeze_time(START + timedelta(hours=1)):
            listed = client.get(reverse("patrol-list")).json()["results"]
            found = selectors.patrols_for(org.user(XIPENG_COMMUNITY)).prefetch_related(
                "participants"
            )
            serialized = s.PatrolSerializer(found, many=True).data
        assert len(listed) == 3
        assert listed == json.loads(json.dumps(serialized, cls=DjangoJSONEncoder))
        assert listed[1]["vehicle_plate"] and listed[2]["vehicle_plate"].startswith("自行车")
        assert "刘德华" in [officer["name"] for officer in listed[1]["officers"]]

    def test_the_list_costs_the_same_queries_for_many_patrols(
        self, client, org, django_assert_max_num_queries
    ):
        for i in range(12):
            patrol = planned_patrol(
                org,
                at=START + timedelta(hours=i),
                participants=[{"kind": "volunteer", "name": f"志愿者{i}"}],
            )
            track_ingest(
                patrol=patrol,
                by=org.user(XIPENG_COMMUNITY),
                client_id=uuid.uuid4(),
                points=walk(3, start=START + timedelta(hours=i)),
            )
        login(client, org)
        # session, user, permissions (2, not cached yet), page, officers, covered,
        # communities, participants: no COUNT(*)
        with django_assert_max_num_queries(9):
            response = client.get(reverse("patrol-list"))
        assert len(response.json()["results"]) == 12

    def test_the_list_pages_newest_first_without_counting(self, client, org):
        made = [planned_patrol(org, at=START + timedelta(hours=i)).pk for i in range(5)]
        login(client, org)
        seen, url, params = [], reverse("patrol-list"), {"page_size": 2}
        while url:
            page = client.get(url, params).json()
            assert "count" not in page
            seen += [row["id"] for row in page["results"]]
            url, params = page["next"], None
        assert seen == made[::-1]


class TestPermissions:
    @pytest.mark.parametrize(
        "persona, expected", [(ANONYMOUS, 401), (XIPENG_CASE, 403), (SHUANGFENG_DESK, 404)]
    )
    def test_detail_track_and_broadcasts(self, client, org, persona, expected):
        patrol = planned_patrol(org)
        login(client, org, persona)
        for name in ("patrol-detail", "patrol-track", "patrol-broadcasts"):
            response = client.get(reverse(name, args=[patrol.pk]))
            assert response.status_code == expected, (name, response.content)

    @pytest.mark.parametrize(
        "persona, expected",
        [(ANONYMOUS, 401), (XIPENG_CASE, 403), (XIPENG_DESK, 403), (SHUANGFENG_DESK, 403)],
    )
    def test_only_patrol_workers_send_points(self, client, org, persona, expected):
        patrol = planned_patrol(org)
        login(client, org, persona)
        response = post(client, reverse("patrol-track", args=[patrol.pk]), batch(walk(3)))
        assert response.status_code == expected
        assert not TrackPoint.objects.exists()

    def test_another_station_with_the_role_gets_404(self, client, org):
        from apps.accounts import roles
        from apps.core.testing.factories import UserFactory

        other = UserFactory(
            username="sf_community", role=roles.COMMUNITY_OFFICER, station=org.shuangfeng
        )
        patrol = planned_patrol(org)
        client.force_login(other)
        assert post(client, reverse("patrol-finish", args=[patrol.pk])).status_code == 404
        response = post(client, reverse("patrol-track", args=[patrol.pk]), batch(walk(3)))
        assert response.status_code == 404
        assert client.get(reverse("patrol-list")).json()["results"] == []


class TestLifecycleApi:
    def test_plan_start_finish_and_finish_again(self, client, org):
        login(client, org)
        response = post(
            client,
            reverse("patrol-list"),
            {
                "post": org.park_post.pk,
                "mode": "night_village",
                "planned_start": START.isoformat(),
                "officers": [org.user(XIPENG_COMMUNITY).pk],
                "communities": [org.yingxin.pk],
                "participants": [{"kind": "safety_team", "name": "王队员", "phone": "13900000000"}],
                "loudspeaker": True,
            },
        )
        assert response.status_code == 201, response.content
        body = response.json()
        assert body["status"] == "planned" and body["station"] == org.xipeng.pk
        pk = body["id"]
        assert post(client, reverse("patrol-start", args=[pk])).json()["status"] == "active"
        finished = post(client, reverse("patrol-finish", args=[pk]))
        assert finished.status_code == 200 and finished.json()["ended_at"]
        again = post(client, reverse("patrol-finish", args=[pk]))
        assert again.status_code == 409
        assert again.json()["error"]["message"] == "This patrol is already finished."

    def test_partial_update_and_an_officer_of_another_station(self, client, org):
        patrol = planned_patrol(org, start=False)
        login(client, org)
        url = reverse("patrol-detail", args=[patrol.pk])
        response = client.patch(url, {"route": "迎新村—园区"}, content_type="application/json")
        assert response.status_code == 200 and response.json()["route"] == "迎新村—园区"
        response = client.patch(
            url,
            {"officers": [org.user(SHUANGFENG_DESK).pk]},
            content_type="application/json",
            **EN,
        )
        assert response.status_code == 400  # not one the writer may see: "does not exist"

    def test_cancel(self, client, org):
        patrol = planned_patrol(org, start=False)
        login(client, org)
        response = post(client, reverse("patrol-cancel", args=[patrol.pk]))
        assert response.json()["status"] == "cancelled"


class TestTrackApi:
    def test_upload_then_resend_then_read(self, client, org):
        patrol = planned_patrol(org)
        login(client, org)
        url = reverse("patrol-track", args=[patrol.pk])
        body = batch(walk(500))
        response = post(client, url, body)
        assert response.status_code == 200, response.content
        answer = response.json()
        assert answer == {
            "batch": body["client_id"],
            "received": 500,
            "new": 500,
            "duplicates": 0,
            "flagged": 0,
            "ignored": 0,
            "distance_m": round(path_m(walk(500))),
        }
        again = post(client, url, body).json()
        assert (again["new"], again["duplicates"]) == (0, 500)
        track = client.get(url).json()
        assert len(track["points"]) == 500 and track["distance_m"] == answer["distance_m"]
        lat, lon, at, flag = track["points"][0]
        assert (lat, lon, flag) == (29.502, 106.52, 0) and at.startswith("2026-06-01T19:00:00")

    def test_the_track_comes_back_in_time_order(self, client, org):
        patrol = planned_patrol(org)
        login(client, org)
        url = reverse("patrol-track", args=[patrol.pk])
        post(client, url, batch(walk(5, offset=5)))
        post(client, url, batch(walk(5)))
        times = [p[2] for p in client.get(url).json()["points"]]
        assert times == sorted(times) and len(times) == 10

    @pytest.mark.parametrize(
        "body, field",
        [
            ({"client_id": str(uuid.uuid4())}, "points"),
            ({"points": []}, "client_id"),
        ],
    )
    def test_a_malformed_batch_is_400(self, client, org, body, field):
        patrol = planned_patrol(org)
        login(client, org)
        response = post(client, reverse("patrol-track", args=[patrol.pk]), body)
        assert response.status_code == 400 and field in str(response.json())

    def test_a_point_without_time_zone_is_400(self, client, org):
        patrol = planned_patrol(org)
        login(client, org)
        body = batch(walk(2))
        body["points"][1]["recorded_at"] = "2026-06-01T19:00:10"
        response = post(client, reverse("patrol-track", args=[patrol.pk]), body)
        assert response.status_code == 400
        assert "Point 2" in response.json()["error"]["message"]

    def test_more_than_2000_points_is_400(self, client, org):
        patrol = planned_patrol(org)
        login(client, org)
        response = post(client, reverse("patrol-track", args=[patrol.pk]), batch(walk(2001)))
        assert response.status_code == 400

    def test_a_planned_patrol_answers_409(self, client, org):
        patrol = planned_patrol(org, start=False)
        login(client, org)
        response = post(client, reverse("patrol-track", args=[patrol.pk]), batch(walk(2)))
        assert response.status_code == 409

    def test_an_offline_tablet_after_the_finish(self, client, org):
        patrol = planned_patrol(org)
        patrol_finish(
            patrol=patrol, by=org.user(XIPENG_COMMUNITY), now=START + timedelta(seconds=45)
        )
        login(client, org)
        answer = post(client, reverse("patrol-track", args=[patrol.pk]), batch(walk(10))).json()
        assert (answer["new"], answer["ignored"]) == (5, 5)


class TestBroadcastApi:
    def test_log_and_list(self, client, org):
        patrol = planned_patrol(org)
        login(client, org)
        url = reverse("patrol-broadcasts", args=[patrol.pk])
        key = str(uuid.uuid4())
        body = {
            "client_id": key,
            "message": "防盗防骗，锁好门窗",
            "at": (START + timedelta(minutes=30)).isoformat(),
            "place": "迎新村口",
            "latitude": 29.52,
            "longitude": 106.52,
        }
        with freeze_time(START + timedelta(minutes=32)):
            response = post(client, url, body)
            assert response.status_code == 201, response.content
            assert response.json()["client_id"] == key
            assert post(client, url, body).status_code == 200  # re-sent: stored once
        rows = client.get(url).json()
        assert len(rows) == 1 and rows[0]["place"] == "迎新村口"

    def test_quiet_hours_are_a_400_with_detail(self, client, org):
        patrol = planned_patrol(org)
        login(client, org)
        url = reverse("patrol-broadcasts", args=[patrol.pk])
        with freeze_time("2026-06-01T13:30:00Z"):  # 21:30 in Chongqing
            response = post(client, url, {"message": "提醒", "place": "迎新村"})
        assert response.status_code == 400
        detail = response.json()["detail"]
        assert "quiet from 21:00 to 07:00" in detail and "21:30" in detail
        assert not Broadcast.objects.exists()

    @pytest.mark.parametrize(
        "at, says",
        [
            ("2026-06-01T20:30:00+08:00", "at most 5 minutes before the server's (22:30)"),
            ("2026-06-01T22:27:00+08:00", "quiet from 21:00 to 07:00"),
        ],
    )
    def test_a_time_in_the_past_cannot_bypass_the_quiet_hours(self, client, org, at, says):
        patrol = planned_patrol(org)
        login(client, org)
        url = reverse("patrol-broadcasts", args=[patrol.pk])
        with freeze_time("2026-06-01T14:30:00Z"):  # 22:30 in Chongqing
            response = post(client, url, {"message": "提醒", "at": at})
        assert response.status_code == 400
        assert says in response.json()["error"]["message"]
        assert not Broadcast.objects.exists()
