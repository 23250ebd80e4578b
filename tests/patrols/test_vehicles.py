"""Patrol vehicles (issue 17 §6): plates, one patrol under way per vehicle, the board of each
post's vehicles, the API and admin in scope, and the demo's four electric patrol cars."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.core.errors import Conflict, DomainError
from apps.core.plates import is_plate, normalize_plate
from apps.core.testing.factories import PostFactory
from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.patrols.choices import PatrolStatus, VehicleKind
from apps.patrols.models import Patrol, Vehicle
from apps.patrols.selectors import vehicle_board
from apps.patrols.services import patrol_finish, patrol_start, patrol_update

from .tracks_helpers import START, planned_patrol

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
_plates = iter(range(1000, 10000))


def make_vehicle(org, *, post="park", station=None, **extra) -> Vehicle:
    station = station or org.xipeng
    fields = {
        "station": station,
        "post": org.park_post if post == "park" else post,
        "plate": f"渝A{next(_plates)}警",
        "kind": VehicleKind.E_CAR,
        "has_loudspeaker": True,
        **extra,
    }
    vehicle = Vehicle(**fields)
    vehicle.full_clean()
    vehicle.save()
    return vehicle


class TestPlates:
    @pytest.mark.parametrize(
        "typed, stored",
        [
            ("渝A1234警", "渝A·1234警"),
            ("渝A·1234警", "渝A·1234警"),
            ("渝a 1234警", "渝A·1234警"),
            ("渝Ａ１２３４警", "渝A·1234警"),  # full width, as some input methods type it
            ("渝A12345", "渝A·12345"),
            ("渝BD12345", "渝B·D12345"),
            ("渝A12345F", "渝A·12345F"),
            ("川A1234学", "川A·1234学"),
        ],
    )
    def test_it_accepts_chinese_plates_and_stores_one_form(self, typed, stored):
        assert is_plate(typed)
        assert normalize_plate(typed) == stored

    @pytest.mark.parametrize(
        "typed",
        ["", "A12345", "渝12345", "渝A1234", "渝A123456", "渝AO1234", "XX·1234警", "渝I12345"],
    )
    def test_it_refuses_what_is_not_a_plate(self, typed):
        assert not is_plate(typed)

    def test_the_model_refuses_a_bad_plate_in_chinese(self, org):
        vehicle = Vehicle(station=org.xipeng, plate="渝A123", kind=VehicleKind.POLICE_CAR)
        with pytest.raises(ValidationError) as exc:
            vehicle.full_clean()
        assert "号牌" in " ".join(exc.value.message_dict["plate"])

    def test_a_plate_is_unique_per_station_however_it_is_typed(self, org):
        make_vehicle(org, plate="渝A·5678警")
        twin = Vehicle(station=org.xipeng, plate="渝a5678警", kind=VehicleKind.POLICE_CAR)
        with pytest.raises(ValidationError) as exc:
            twin.full_clean()
        assert "plate" in exc.value.message_dict
        # Another station may have the same plate on its books.
        make_vehicle(org, station=org.shuangfeng, post=None, plate="渝A5678警")

    def test_only_a_bicycle_goes_without_a_plate(self, org):
        make_vehicle(org, plate="", kind=VehicleKind.BICYCLE, note="1号自行车")
        car = Vehicle(station=org.xipeng, plate="", kind=VehicleKind.E_CAR)
        with pytest.raises(ValidationError):
            car.full_clean()

    def test_the_post_must_be_of_the_vehicles_station(self, org):
        vehicle = Vehicle(
            station=org.xipeng, post=org.shuangfeng_post, plate="渝A2222警", kind="e_car"
        )
        with pytest.raises(ValidationError) as exc:
            vehicle.full_clean()
        assert "post" in exc.value.message_dict


class TestOnePatrolAtATime:
    def test_a_vehicle_out_on_a_patrol_cannot_be_taken_by_a_second(self, org):
        car = make_vehicle(org)
        first = planned_patrol(org, mode="e_car", vehicle=car)
        second = planned_patrol(org, start=False, mode="e_car", at=START + timedelta(minutes=5))
        officer = org.user(XIPENG_COMMUNITY)
        with pytest.raises(Conflict) as exc:
            patrol_start(patrol=second, by=officer, vehicle=car, now=START + timedelta(minutes=5))
        assert car.plate in exc.value.message and exc.value.status == 409
        second.refresh_from_db()
        assert second.status == PatrolStatus.PLANNED and second.vehicle_id is None
        # Planned with the car, the second is refused at its start too …
        patrol_update(patrol=second, by=officer, vehicle=car)
        with pytest.raises(Conflict):
            patrol_start(patrol=second, by=officer, now=START + timedelta(minutes=6))
        # … and goes once the first is back.
        patrol_finish(patrol=first, by=officer, now=START + timedelta(minutes=30))
        patrol_start(patrol=second, by=officer, now=START + timedelta(minutes=31))
        assert Patrol.objects.get(pk=second.pk).status == PatrolStatus.ACTIVE

    def test_the_refusal_is_in_chinese(self, org):
        car = make_vehicle(org)
        planned_patrol(org, mode="e_car", vehicle=car)
        second = planned_patrol(org, start=False, mode="e_car")
        with pytest.raises(Conflict) as exc:
            patrol_start(patrol=second, by=org.user(XIPENG_COMMUNITY), vehicle=car)
        assert "巡逻" in exc.value.message and "车" in exc.value.message

    def test_an_active_patrol_cannot_switch_to_a_car_that_is_out(self, org):
        car, other = make_vehicle(org), make_vehicle(org)
        planned_patrol(org, mode="e_car", vehicle=car)
        second = planned_patrol(org, mode="e_car", vehicle=other)
        with pytest.raises(Conflict):
            patrol_update(patrol=second, by=org.user(XIPENG_COMMUNITY), vehicle=car)

    def test_the_database_refuses_two_patrols_under_way_with_one_car(self, org):
        from django.db import IntegrityError, transaction

        car = make_vehicle(org)
        planned_patrol(org, mode="e_car", vehicle=car)
        second = planned_patrol(org, mode="e_car")
        with pytest.raises(IntegrityError), transaction.atomic():
            Patrol.objects.filter(pk=second.pk).update(vehicle=car)

    def test_a_foot_patrol_or_a_car_out_of_service_or_of_another_station_is_refused(self, org):
        car = make_vehicle(org)
        with pytest.raises(DomainError):
            planned_patrol(org, mode="foot", vehicle=car)
        retired = make_vehicle(org, is_active=False)
        with pytest.raises(DomainError):
            planned_patrol(org, mode="e_car", vehicle=retired)
        foreign = make_vehicle(org, station=org.shuangfeng, post=None)
        with pytest.raises(DomainError):
            planned_patrol(org, mode="e_car", vehicle=foreign)


class TestVehicleMatrix(ResourceMatrix):
    list_url_name = "patrols:vehicle_board"
    detail_url_name = "patrols:vehicle_detail"
    update_url_name = "patrols:vehicle_update"
    api_basename = "vehicle"
    readers = {XIPENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER, SHUANGFENG_DESK} | BUREAU_ADMINS
    writers = {XIPENG_LEADER} | BUREAU_ADMINS
    api_patch = {"note": "电瓶已更换"}

    def make(self, org):
        return make_vehicle(org)


class TestBoard:
    def test_it_lists_each_posts_vehicles_in_constant_queries(
        self, client, org, django_assert_max_num_queries
    ):
        client.force_login(org.user(XIPENG_LEADER))
        url = reverse("patrols:vehicle_board")
        car = make_vehicle(org)
        planned_patrol(org, mode="e_car", vehicle=car)
        with django_assert_max_num_queries(30) as few:
            client.get(url)
        other = PostFactory(station=org.xipeng, name="大石堡警务站")
        for post in (None, other, org.park_post, other):
            vehicle = make_vehicle(org, post=post)
            patrol = planned_patrol(org, mode="e_car", vehicle=vehicle)
            patrol_finish(
                patrol=patrol, by=org.user(XIPENG_COMMUNITY), now=START + timedelta(hours=2)
            )
        planned_patrol(org, mode="car", vehicle=make_vehicle(org, post=other, kind="police_car"))
        with django_assert_max_num_queries(len(few.captured_queries)):
            page = client.get(url, **EN).content.decode()
        assert page.count("data-vehicle=") == 6
        assert page.count('data-state="out"') == 2
        assert "大石堡警务站" in page and "station HQ" in page

    def test_hours_this_month_count_the_time_under_way_within_the_month(self, org):
        car = make_vehicle(org)
        officer = org.user(XIPENG_COMMUNITY)
        now = timezone.now()
        first = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        # One patrol over the month's start counts from the 1st; one under way up to now.
        before = planned_patrol(
            org, start=False, mode="e_car", vehicle=car, at=first - timedelta(hours=1)
        )
        patrol_start(patrol=before, by=officer, now=first - timedelta(hours=1))
        patrol_finish(patrol=before, by=officer, now=first + timedelta(hours=2))
        live = planned_patrol(
            org, start=False, mode="e_car", vehicle=car, at=now - timedelta(minutes=90)
        )
        patrol_start(patrol=live, by=officer, now=now - timedelta(minutes=90))
        [group] = vehicle_board(user=org.user(XIPENG_LEADER), now=now)
        [row] = group.rows
        assert row.patrol == live
        assert row.hours == pytest.approx(3.5, abs=0.05)

    def test_a_patrol_page_and_the_list_show_its_vehicle(self, client, org):
        car = make_vehicle(org)
        patrol = planned_patrol(org, mode="e_car", vehicle=car)
        client.force_login(org.user(XIPENG_DESK))
        assert car.plate in client.get(reverse("patrols:patrol_list")).content.decode()
        detail = client.get(reverse("patrols:patrol_detail", args=[patrol.pk])).content.decode()
        assert car.plate in detail and car.get_absolute_url() in detail

    def test_another_stations_vehicle_is_404_on_every_door(self, client, org):
        car = make_vehicle(org)
        client.force_login(org.user(SHUANGFENG_DESK))
        assert client.get(reverse("patrols:vehicle_detail", args=[car.pk])).status_code == 404
        assert client.get(reverse("vehicle-detail", args=[car.pk])).status_code == 404
        client.force_login(org.user("yubei_admin"))
        admin_url = reverse("admin:patrols_vehicle_change", args=[car.pk])
        assert client.get(admin_url).status_code == 404
        changelist = client.get(reverse("admin:patrols_vehicle_changelist")).content.decode()
        assert car.plate not in changelist and "西彭" not in changelist


class TestApi:
    def test_a_leader_registers_a_vehicle_and_the_plate_is_stored_in_one_form(self, client, org):
        client.force_login(org.user(XIPENG_LEADER))
        answer = client.post(
            reverse("vehicle-list"),
            {
                "station": org.xipeng.pk,
                "post": org.park_post.pk,
                "plate": "渝a 8888警",
                "kind": "e_car",
                "has_loudspeaker": True,
            },
            content_type="application/json",
        )
        assert answer.status_code == 201, answer.content
        assert answer.json()["plate"] == "渝A·8888警"
        again = client.post(
            reverse("vehicle-list"),
            {"station": org.xipeng.pk, "plate": "渝A8888警", "kind": "police_car"},
            content_type="application/json",
        )
        assert again.status_code == 400

    def test_a_community_officer_reads_but_does_not_register(self, client, org):
        client.force_login(org.user(XIPENG_COMMUNITY))
        answer = client.post(
            reverse("vehicle-list"),
            {"station": org.xipeng.pk, "plate": "渝A7777警", "kind": "e_car"},
            content_type="application/json",
        )
        assert answer.status_code == 403

    def test_the_list_filters_by_post_and_puts_the_officers_post_first(self, client, org):
        hq = make_vehicle(org, post=None)
        park = make_vehicle(org)
        client.force_login(org.user(XIPENG_COMMUNITY))
        rows = client.get(reverse("vehicle-list")).json()["results"]
        assert [r["id"] for r in rows] == [park.pk, hq.pk]
        only = client.get(reverse("vehicle-list"), {"post": org.park_post.pk}).json()["results"]
        assert [r["id"] for r in only] == [park.pk]

    def test_starting_through_the_api_with_a_car_that_is_out_is_a_409(self, client, org):
        car = make_vehicle(org)
        first = planned_patrol(org, mode="e_car", vehicle=car)
        second = planned_patrol(org, start=False, mode="e_car")
        client.force_login(org.user(XIPENG_COMMUNITY))
        answer = client.post(
            reverse("patrol-start", args=[second.pk]),
            {"vehicle": car.pk},
            content_type="application/json",
        )
        assert answer.status_code == 409
        assert car.plate in answer.json()["error"]["message"]
        rows = client.get(reverse("vehicle-list")).json()["results"]
        assert rows[0]["patrol_under_way"] == first.pk

    def test_another_stations_vehicle_is_not_a_choice_for_a_patrol(self, client, org):
        foreign = make_vehicle(org, station=org.shuangfeng, post=None)
        second = planned_patrol(org, start=False, mode="e_car")
        client.force_login(org.user(XIPENG_COMMUNITY))
        answer = client.post(
            reverse("patrol-start", args=[second.pk]),
            {"vehicle": foreign.pk},
            content_type="application/json",
        )
        assert answer.status_code == 400


def test_journey_an_officer_takes_the_car_out_and_brings_it_back(client, org):
    """Plan with the post's car on the page, start it, see it out on the post's board, finish,
    see it free again."""
    car = make_vehicle(org)
    officer = org.user(XIPENG_COMMUNITY)
    client.force_login(officer)
    form = client.get(reverse("patrols:patrol_create")).content.decode()
    assert car.plate in form
    start = timezone.localtime(timezone.now() + timedelta(minutes=10))
    answer = client.post(
        reverse("patrols:patrol_create"),
        {
            "station": org.xipeng.pk,
            "mode": "e_car",
            "post": org.park_post.pk,
            "vehicle": car.pk,
            "planned_start": start.strftime("%Y-%m-%d %H:%M"),
            "officers": [officer.pk],
            "participants-TOTAL_FORMS": "0",
            "participants-INITIAL_FORMS": "0",
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    patrol = Patrol.objects.get(vehicle=car)
    detail = client.get(reverse("patrols:patrol_detail", args=[patrol.pk])).content.decode()
    assert 'id="start-form"' in detail
    client.post(reverse("patrols:patrol_start", args=[patrol.pk]), {"vehicle": car.pk})
    board = reverse("patrols:vehicle_board") + f"?post={org.park_post.pk}"
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(board).content.decode()
    assert f'data-vehicle="{car.pk}" data-state="out"' in page
    assert f'data-patrol="{patrol.pk}"' in page
    client.force_login(officer)
    client.post(reverse("patrols:patrol_finish", args=[patrol.pk]))
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(board).content.decode()
    assert f'data-vehicle="{car.pk}" data-state="free"' in page
