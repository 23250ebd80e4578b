from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from apps.core.masking import mask_id_number
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.registry.models import SavedQuery

from .factories import PersonFactory
from .test_hub import hotel_week


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def week():
    today = timezone.localdate()
    return {"kind": "hotel_stays", "start": str(today - timedelta(days=7)), "end": str(today)}


def test_the_api_collides_hotel_guests_with_the_focus_list(client, org):
    focus_guest, _ = hotel_week(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    response = post(client, reverse("hub-collision"), {"left": week(), "right": {"kind": "focus"}})
    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body["results"]] == [focus_guest.pk]
    assert body["results"][0]["id_number"] == mask_id_number(focus_guest.id_number)
    assert "birth_date" not in body["results"][0]


def test_the_focus_list_is_refused_without_its_permission(client, org):
    hotel_week(org)
    client.force_login(org.user(XIPENG_DESK))
    response = post(client, reverse("hub-collision"), {"left": week(), "right": {"kind": "focus"}})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_the_api_collides_with_a_list_of_numbers(client, org):
    _, plain_guest = hotel_week(org)
    client.force_login(org.user(XIPENG_DESK))
    response = post(
        client,
        reverse("hub-collision"),
        {"left": week(), "right": {"kind": "list", "numbers": f"{plain_guest.id_number}, 123"}},
    )
    assert [row["id"] for row in response.json()["results"]] == [plain_guest.pk]


def test_a_saved_query_feeds_the_collision_and_is_deleted_only_by_its_owner(client, org):
    _, plain_guest = hotel_week(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    created = post(client, reverse("savedquery-list"), {"name": "普通住客", "params": "q=普通住客"})
    assert created.status_code == 201
    query_id = created.json()["id"]
    client.force_login(org.user(XIPENG_DESK))
    response = post(
        client,
        reverse("hub-collision"),
        {"left": week(), "right": {"kind": "saved_query", "saved_query": query_id}},
    )
    assert [row["id"] for row in response.json()["results"]] == [plain_guest.pk]
    assert client.delete(reverse("savedquery-detail", args=[query_id])).status_code == 403
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.delete(reverse("savedquery-detail", args=[query_id])).status_code == 404
    assert SavedQuery.objects.filter(pk=query_id).exists()


def test_the_api_compares_and_classifies(client, org):
    for gender in ("male", "male", "female"):
        PersonFactory(station=org.xipeng, gender=gender)
    client.force_login(org.user(XIPENG_DESK))
    rows = client.get(reverse("hub-classification"), {"by": "gender"}).json()
    assert rows == [{"label": "男", "count": 2}, {"label": "女", "count": 1}]
    today = timezone.localdate()
    compared = client.get(
        reverse("hub-comparison"),
        {
            "measure": "persons_registered",
            "first_start": today - timedelta(days=60),
            "first_end": today - timedelta(days=31),
            "second_start": today - timedelta(days=30),
            "second_end": today,
        },
    ).json()
    assert (compared["first"], compared["second"], compared["percent"]) == (0, 3, None)


def test_a_period_that_ends_before_it_starts_is_refused(client, org):
    client.force_login(org.user(XIPENG_DESK))
    today = timezone.localdate()
    response = client.get(
        reverse("hub-comparison"),
        {
            "measure": "hotel_stays",
            "first_start": today,
            "first_end": today - timedelta(days=3),
            "second_start": today,
            "second_end": today,
        },
    )
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "时段的结束早于开始。"
