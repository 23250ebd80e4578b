"""Patrol lifecycle, GPS track ingestion and loudspeaker broadcasts (apps.patrols.services)."""

import uuid
from datetime import datetime, time, timedelta

import pytest
from django.utils import translation
from freezegun import freeze_time

from apps.accounts import roles
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.testing.factories import CommunityFactory, UserFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER
from apps.patrols.choices import PatrolStatus, PointFlag
from apps.patrols.models import Broadcast, PatrolParticipant, PatrolSettings, TrackBatch, TrackPoint
from apps.patrols.services import (
    broadcast_log,
    patrol_cancel,
    patrol_finish,
    patrol_start,
    patrol_update,
    track_ingest,
)

from .tracks_helpers import LAT0, LOCAL, START, path_m, planned_patrol, walk


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def ingest(org, patrol, points, batch=None, **extra):
    return track_ingest(
        patrol=patrol,
        by=org.user(XIPENG_COMMUNITY),
        client_id=batch or uuid.uuid4(),
        points=points,
        **extra,
    )


# --- lifecycle ------------------------------------------------------------------------------


class TestLifecycle:
    def test_a_patrol_is_planned_with_officers_area_and_participants(self, org):
        patrol = planned_patrol(
            org,
            start=False,
            participants=[{"kind": "security_guard", "name": "李保安", "phone": "138 0000 1111"}],
            loudspeaker=True,
        )
        assert patrol.status == PatrolStatus.PLANNED and patrol.station == org.xipeng
        assert list(patrol.officers.all()) == [org.user(XIPENG_COMMUNITY)]
        assert list(patrol.communities.all()) == [org.yingxin]
        guard = PatrolParticipant.objects.get(patrol=patrol)
        assert (guard.name, guard.phone) == ("李保安", "13800001111")

    def test_officers_of_another_station_are_refused(self, org):
        with pytest.raises(DomainError, match="not an active officer"):
            planned_patrol(org, officers=[org.user(SHUANGFENG_DESK)])

    def test_a_patrol_needs_an_officer(self, org):
        with pytest.raises(DomainError, match="at least one officer"):
            planned_patrol(org, officers=[])

    def test_a_village_of_another_station_is_refused(self, org):
        other = CommunityFactory(station=org.shuangfeng, name="双凤村")
        with pytest.raises(DomainError, match="another station"):
            planned_patrol(org, communities=[other])

    def test_the_planned_end_comes_after_the_start(self, org):
        with pytest.raises(DomainError, match="after the planned start"):
            planned_patrol(org, planned_end=START - timedelta(hours=1))

    def test_another_station_cannot_plan_here(self, org):
        with pytest.raises(OutOfScope):
            planned_patrol(org, by=org.user(SHUANGFENG_DESK), station=org.xipeng, post=None)

    def test_start_then_finish(self, org):
        patrol = planned_patrol(org)
        assert (patrol.status, patrol.started_at) == (PatrolStatus.ACTIVE, START)
        end = START + timedelta(hours=2)
        patrol = patrol_finish(patrol=patrol, by=org.user(XIPENG_COMMUNITY), now=end)
        assert (patrol.status, patrol.ended_at) == (PatrolStatus.FINISHED, end)
        assert patrol.duration == timedelta(hours=2)

    def test_finishing_twice_is_a_conflict(self, org):
        patrol = planned_patrol(org)
        patrol_finish(patrol=patrol, by=org.user(XIPENG_COMMUNITY))
        with pytest.raises(Conflict, match="already finished") as caught:
            patrol_finish(patrol=patrol, by=org.user(XIPENG_COMMUNITY))
        assert caught.value.status == 409

    def test_a_planned_patrol_cannot_finish_nor_start_twice(self, org):
        patrol = planned_patrol(org, start=False)
        with pytest.raises(Conflict):
            patrol_finish(patrol=patrol, by=org.user(XIPENG_COMMUNITY))
        patrol_start(patrol=patrol, by=org.user(XIPENG_COMMUNITY))
        with pytest.raises(Conflict):
            patrol_start(patrol=patrol, by=org.user(XIPENG_COMMUNITY))

    def test_cancel_a_planned_or_active_patrol_but_not_a_finished_one(self, org):
        planned = planned_patrol(org, start=False)
        planned = patrol_cancel(patrol=planned, by=org.user(XIPENG_COMMUNITY))
        assert planned.status == PatrolStatus.CANCELLED and planned.ended_at is None
        active = planned_patrol(org)
        active = patrol_cancel(patrol=active, by=org.user(XIPENG_COMMUNITY))
        assert active.status == PatrolStatus.CANCELLED and active.ended_at is not None
        with pytest.raises(Conflict):
            patrol_cancel(patrol=active, by=org.user(XIPENG_COMMUNITY))

    def test_another_station_cannot_touch_the_patrol(self, org):
        patrol = planned_patrol(org, start=False)
        # An officer who may start patrols, of another station: the patrol is not found.
        other = UserFactory(
            username="shuangfeng_patrol", station=org.shuangfeng, role=roles.COMMUNITY_OFFICER
        )
        with pytest.raises(OutOfScope):
            patrol_start(patrol=patrol, by=other)
        # The desk's role starts no patrol anywhere.
        with pytest.raises(NotAllowed):
            patrol_start(patrol=patrol, by=org.user(SHUANGFENG_DESK))

    def test_update_replaces_lists_and_refuses_a_finished_patrol(self, org):
        patrol = planned_patrol(org, start=False)
        colleague = UserFactory(
            username="xipeng_2", station=org.xipeng, role=roles.COMMUNITY_OFFICER
        )
        patrol = patrol_update(
            patrol=patrol,
            by=org.user(XIPENG_LEADER),
            officers=[colleague],
            route="迎新村—工业园",
            participants=[{"kind": "grid_worker", "name": "张网格"}],
        )
        assert list(patrol.officers.all()) == [colleague] and patrol.route == "迎新村—工业园"
        assert [p.name for p in patrol.participants.all()] == ["张网格"]
        patrol_start(patrol=patrol, by=colleague)
        patrol_finish(patrol=patrol, by=colleague)
        with pytest.raises(Conflict):
            patrol_update(patrol=patrol, by=colleague, note="后补")


# --- the track ------------------------------------------------------------------------------


class TestTrack:
    def test_a_batch_is_stored_with_its_distance_and_last_position(self, org):
        patrol = planned_patrol(org)
        points = walk(50)
        result = ingest(org, patrol, points)
        assert (result.received, result.new, result.duplicates, result.flagged) == (50, 50, 0, 0)
        patrol.refresh_from_db()
        assert patrol.distance_m == round(path_m(points)) and 540 < patrol.distance_m < 560
        assert result.distance_m == patrol.distance_m
        assert patrol.last_latitude == pytest.approx(LAT0 + 0.0049)
        assert patrol.last_seen_at == START + timedelta(seconds=490)
        assert TrackBatch.objects.get(patrol=patrol).new_points == 50

    def test_the_same_batch_twice_stores_nothing_new(self, org):
        patrol = planned_patrol(org)
        batch = uuid.uuid4()
        first = ingest(org, patrol, walk(20), batch=batch)
        again = ingest(org, patrol, walk(20), batch=batch)
        assert (again.new, again.duplicates, again.distance_m) == (0, 20, first.distance_m)
        assert TrackPoint.objects.filter(patrol=patrol).count() == 20
        assert TrackBatch.objects.filter(patrol=patrol).count() == 1

    def test_overlapping_batches_store_each_point_once(self, org):
        patrol = planned_patrol(org)
        ingest(org, patrol, walk(30))
        result = ingest(org, patrol, walk(30, offset=20))  # points 20–49
        assert (result.new, result.duplicates) == (20, 10)
        assert TrackPoint.objects.filter(patrol=patrol).count() == 50
        patrol.refresh_from_db()
        assert patrol.distance_m == round(path_m(walk(50)))

    def test_a_point_repeated_inside_a_batch_counts_once(self, org):
        patrol = planned_patrol(org)
        points = walk(5)
        result = ingest(org, patrol, [*points, points[0]])
        assert (result.received, result.new, result.duplicates) == (6, 5, 1)

    def test_points_arriving_out_of_order_give_the_in_order_distance(self, org):
        in_order = planned_patrol(org)
        ingest(org, in_order, walk(90))
        shuffled = planned_patrol(org)
        # The tablet went offline: the middle batch arrives last, the first one second.
        ingest(org, shuffled, walk(30, offset=60))
        ingest(org, shuffled, walk(30))
        result = ingest(org, shuffled, walk(30, offset=30))
        in_order.refresh_from_db()
        shuffled.refresh_from_db()
        assert result.new == 30
        assert shuffled.distance_m == in_order.distance_m == round(path_m(walk(90)))
        assert shuffled.last_seen_at == in_order.last_seen_at == START + timedelta(seconds=890)

    def test_a_late_point_can_turn_a_jump_into_a_valid_step(self, org):
        # Points 0 and 10 are 1.1 km apart in 100 s (40 km/h) with a limit of 30 km/h:
        # alone, point 10 is an impossible jump; once the points between arrive it is not.
        PatrolSettings.objects.create(bureau=org.jiulongpo, max_speed_kmh=30)
        patrol = planned_patrol(org)
        points = walk(11, dlat=0.001)  # 111 m every 10 s: 40 km/h, an e-car
        result = ingest(org, patrol, [points[0], points[10]])
        assert result.flagged == 1
        patrol.refresh_from_db()
        assert patrol.distance_m == 0
        # Now the walker's view: every step is 40 km/h, still too fast for 30 km/h.
        PatrolSettings.objects.filter(bureau=org.jiulongpo).update(max_speed_kmh=50)
        ingest(org, patrol, points[1:10])
        patrol.refresh_from_db()
        flags = list(TrackPoint.objects.filter(patrol=patrol).values_list("flag", flat=True))
        assert flags == [PointFlag.OK] * 11
        assert patrol.distance_m == round(path_m(points))

    def test_points_outside_china_are_kept_flagged_and_not_counted(self, org):
        patrol = planned_patrol(org)
        points = walk(10)
        points[5] = {**points[5], "latitude": 1.35, "longitude": 103.8}  # Singapore
        result = ingest(org, patrol, points)
        assert (result.new, result.flagged) == (10, 1)
        stored = TrackPoint.objects.get(client_id=points[5]["client_id"])
        assert stored.flag == PointFlag.OUTSIDE_CHINA
        patrol.refresh_from_db()
        valid = [p for i, p in enumerate(points) if i != 5]
        assert patrol.distance_m == round(path_m(valid))

    def test_an_impossible_jump_is_flagged_and_not_counted(self, org):
        patrol = planned_patrol(org)
        points = walk(10)
        # 10 s after point 3, 50 km away: 18,000 km/h.
        points[4] = {**points[4], "latitude": LAT0 + 0.45}
        result = ingest(org, patrol, points)
        assert result.flagged == 1
        assert TrackPoint.objects.get(client_id=points[4]["client_id"]).flag == (
            PointFlag.IMPOSSIBLE_SPEED
        )
        patrol.refresh_from_db()
        assert patrol.distance_m == round(path_m([p for i, p in enumerate(points) if i != 4]))
        assert patrol.last_latitude == pytest.approx(points[9]["latitude"])

    def test_villages_within_the_radius_are_covered(self, org):
        far = CommunityFactory(station=org.xipeng, name="远村", latitude=30.0, longitude=107.0)
        patrol = planned_patrol(org)
        ingest(org, patrol, walk(100))  # ends 0.9 km short of 迎新村
        assert not patrol.covered.exists()
        ingest(org, patrol, walk(60, offset=100))  # reaches 0.4 km from it
        assert list(patrol.covered.all()) == [org.yingxin]
        assert far not in patrol.covered.all()

    def test_a_flagged_point_covers_nothing(self, org):
        patrol = planned_patrol(org)
        points = walk(3)
        points[2] = {**points[2], "latitude": 29.52, "longitude": 106.52}  # a jump onto the village
        ingest(org, patrol, points)
        assert not patrol.covered.exists()

    def test_a_planned_patrol_takes_no_points(self, org):
        patrol = planned_patrol(org, start=False)
        with pytest.raises(Conflict):
            ingest(org, patrol, walk(3))
        assert not TrackPoint.objects.exists() and not TrackBatch.objects.exists()

    def test_points_sent_after_the_finish_count_when_recorded_under_way(self, org):
        patrol = planned_patrol(org)
        end = START + timedelta(seconds=295)
        patrol_finish(patrol=patrol, by=org.user(XIPENG_COMMUNITY), now=end)
        result = ingest(org, patrol, walk(40))  # recorded 0–390 s: 30 before the end
        assert (result.received, result.new, result.ignored) == (40, 30, 10)
        patrol.refresh_from_db()
        assert patrol.last_seen_at <= end and patrol.distance_m == round(path_m(walk(30)))

    def test_points_before_the_start_are_ignored(self, org):
        patrol = planned_patrol(org)
        result = ingest(org, patrol, walk(5, start=START - timedelta(minutes=5)))
        assert (result.new, result.ignored) == (0, 5)

    @pytest.mark.parametrize(
        "change, message",
        [
            ({"latitude": "north"}, "not a number"),
            ({"latitude": 95}, "out of range"),
            ({"client_id": "abc"}, "not a UUID"),
            ({"recorded_at": datetime(2026, 6, 1, 19, 0)}, "time zone"),
            ({"recorded_at": datetime(2099, 1, 1, tzinfo=LOCAL)}, "future"),
        ],
    )
    def test_a_malformed_point_refuses_the_batch(self, org, change, message):
        patrol = planned_patrol(org)
        points = walk(3)
        points[1] = {**points[1], **change}
        with pytest.raises(DomainError, match=message):
            ingest(org, patrol, points)
        assert not TrackPoint.objects.exists()

    def test_a_batch_has_at_most_2000_points(self, org):
        patrol = planned_patrol(org)
        with pytest.raises(DomainError, match="2000"):
            ingest(org, patrol, walk(2001))

    def test_another_station_cannot_send_points(self, org):
        patrol = planned_patrol(org)
        with pytest.raises(OutOfScope):
            track_ingest(
                patrol=patrol, by=org.user(SHUANGFENG_DESK), client_id=uuid.uuid4(), points=walk(2)
            )


# --- broadcasts -----------------------------------------------------------------------------


def local(clock: str, day="2026-06-01") -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=LOCAL)


def night_patrol(org):
    """Under way from 18:00 on 1 June to the next morning."""
    return planned_patrol(org, at=local("18:00"))


class TestBroadcasts:
    @pytest.mark.parametrize(
        "clock, day, allowed",
        [
            ("20:59", "2026-06-01", True),
            ("21:00", "2026-06-01", False),
            ("23:30", "2026-06-01", False),
            ("06:59", "2026-06-02", False),
            ("07:00", "2026-06-02", True),
        ],
    )
    def test_loudspeakers_are_quiet_from_21_to_7(self, org, clock, day, allowed):
        patrol = night_patrol(org)
        with freeze_time(local(clock, day)):
            if allowed:
                broadcast, created = broadcast_log(
                    patrol=patrol, by=org.user(XIPENG_COMMUNITY), message="防盗防骗，锁好门窗"
                )
                assert created and broadcast.at == local(clock, day)
            else:
                with pytest.raises(DomainError, match="quiet from 21:00 to 07:00") as caught:
                    broadcast_log(patrol=patrol, by=org.user(XIPENG_COMMUNITY), message="防盗防骗")
                assert caught.value.status == 400 and f"at {clock}" in caught.value.message
                assert not Broadcast.objects.exists()

    def test_the_morning_hour_is_the_bureaus_setting(self, org):
        PatrolSettings.objects.create(
            bureau=org.jiulongpo, broadcast_quiet_from=time(22, 0), broadcast_quiet_until=time(6)
        )
        patrol = night_patrol(org)
        by = org.user(XIPENG_COMMUNITY)
        for clock, day in (("21:30", "2026-06-01"), ("06:30", "2026-06-02")):
            with freeze_time(local(clock, day)):
                broadcast_log(patrol=patrol, by=by, message="提醒")
        with (
            freeze_time(local("05:59", "2026-06-02")),
            pytest.raises(DomainError, match="quiet from 22:00 to 06:00"),
        ):
            broadcast_log(patrol=patrol, by=by, message="提醒")
        assert Broadcast.objects.count() == 2

    @pytest.mark.parametrize(
        "clock, at, refused",
        [
            # 22:30: the evening's time, two hours back, is not believed.
            ("22:30", "20:30", r"at most 5 minutes before the server's \(22:30\)"),
            # Within the lag, but the server's clock is in the quiet hours.
            ("21:02", "20:58", "quiet from 21:00 to 07:00 .* no broadcast at 21:02"),
            ("22:30", "22:27", "quiet from 21:00 to 07:00"),
            # The morning: a time from before 07:00 is quiet even when the server's is not.
            ("07:01", "06:59", "no broadcast at 06:59"),
            ("20:30", "20:24:59", "at most 5 minutes"),
        ],
    )
    def test_a_time_in_the_past_does_not_dodge_the_quiet_hours(self, org, clock, at, refused):
        patrol = night_patrol(org)
        day = "2026-06-02" if clock.startswith("07") else "2026-06-01"
        by = org.user(XIPENG_COMMUNITY)
        with freeze_time(local(clock, day)), pytest.raises(DomainError, match=refused) as caught:
            broadcast_log(patrol=patrol, by=by, message="提醒", at=local(at, day))
        assert caught.value.status == 400
        assert not Broadcast.objects.exists()

    def test_a_broadcast_up_to_five_minutes_old_is_logged_at_its_own_time(self, org):
        patrol = night_patrol(org)
        with freeze_time(local("20:59")):
            broadcast, created = broadcast_log(
                patrol=patrol, by=org.user(XIPENG_COMMUNITY), message="提醒", at=local("20:54")
            )
        assert created and broadcast.at == local("20:54")

    def test_a_broadcast_is_logged_with_place_and_a_resent_one_once(self, org):
        patrol = night_patrol(org)
        by, at, key = org.user(XIPENG_COMMUNITY), local("19:58"), uuid.uuid4()
        fields = dict(
            patrol=patrol, by=by, message="注意防火", at=at, place="迎新村口", client_id=key
        )
        fields.update(latitude=29.52, longitude=106.52, now=local("20:00"))
        first, created = broadcast_log(**fields)
        again, created_again = broadcast_log(**fields)
        assert created and not created_again and first.pk == again.pk
        assert (first.place, first.latitude, first.by) == ("迎新村口", 29.52, by)

    def test_a_planned_patrol_does_not_broadcast(self, org):
        patrol = planned_patrol(org, start=False)
        with pytest.raises(Conflict):
            broadcast_log(patrol=patrol, by=org.user(XIPENG_COMMUNITY), message="提醒")

    def test_a_broadcast_needs_a_message_and_both_coordinates(self, org):
        patrol = night_patrol(org)
        by, now = org.user(XIPENG_COMMUNITY), local("19:00")
        with pytest.raises(DomainError, match="what was broadcast"):
            broadcast_log(patrol=patrol, by=by, message="  ", now=now)
        with pytest.raises(DomainError, match="both latitude"):
            broadcast_log(patrol=patrol, by=by, message="x", now=now, latitude=29.5)
