import re
import uuid

from auditlog.models import LogEntry
from django.urls import reverse

from apps.core.models import AccessLog
from apps.core.testing.factories import PostFactory, ServiceLogFactory, StaffAssignmentFactory
from apps.core.testing.personas import (
    JLP_ADMIN,
    MEDIATOR,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.stations.models import Post, ServiceLog


def test_the_desk_officers_home_counts_todays_services_and_records_one_with_a_tap(client, org):
    client.force_login(org.user(XIPENG_DESK))
    ServiceLogFactory(station=org.xipeng, recorded_by=org.user(XIPENG_DESK))
    ServiceLogFactory(station=org.shuangfeng, recorded_by=org.user(SHUANGFENG_DESK))
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="services-today">1<' in home
    response = client.post(
        reverse("stations:servicelog_create"),
        {"kind": "consultation", "post": org.park_post.pk, "client_id": str(uuid.uuid4())},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert 'data-testid="services-today">2<' in response.content.decode()


def test_a_double_tap_records_the_service_once(client, org):
    client.force_login(org.user(XIPENG_DESK))
    data = {"kind": "residence_registration", "client_id": str(uuid.uuid4())}
    client.post(reverse("stations:servicelog_create"), data)
    client.post(reverse("stations:servicelog_create"), data)
    assert ServiceLog.objects.count() == 1


def test_the_quick_entry_refuses_a_post_of_another_station(client, org):
    client.force_login(org.user(SHUANGFENG_DESK))
    response = client.post(
        reverse("stations:servicelog_create"),
        {"kind": "consultation", "post": org.park_post.pk},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400
    assert not ServiceLog.objects.exists()


def test_the_community_officers_home_shows_their_district_and_villages(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    page = client.get(reverse("home")).content.decode()
    assert "园区警区" in page
    assert "迎新村" in page


def test_the_leaders_home_shows_the_station_overview_but_not_other_stations(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    page = client.get(reverse("home")).content.decode()
    assert "西彭派出所" in page
    assert "双凤派出所" not in page


def test_the_sub_bureau_admin_sees_all_its_stations_and_no_others(client, org):
    client.force_login(org.user(JLP_ADMIN))
    page = client.get(reverse("home")).content.decode()
    assert "西彭派出所" in page and "石桥铺派出所" in page
    assert "双凤派出所" not in page


def test_the_navigation_follows_the_role(client, org):
    client.force_login(org.user(MEDIATOR))
    page = client.get(reverse("home")).content.decode()
    assert reverse("stations:post_list") in page
    assert reverse("stations:servicelog_list") not in page
    assert reverse("stations:staff_list") not in page


def test_a_leader_creates_a_post_in_their_station(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(
        reverse("stations:post_create"),
        {
            "station": org.xipeng.pk,
            "name": "迎新村警务室",
            "kind": "room",
            "area": "rural",
            "latitude": "29.378",
            "longitude": "106.292",
        },
    )
    post = Post.objects.get(name="迎新村警务室")
    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()


def test_a_post_cannot_be_created_in_another_station_by_a_forged_form(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(
        reverse("stations:post_create"),
        {
            "station": org.shuangfeng.pk,
            "name": "伪造警务站",
            "kind": "post",
            "latitude": "29.7",
            "longitude": "106.6",
        },
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert not Post.objects.filter(name="伪造警务站").exists()


def test_bad_coordinates_get_a_field_message_and_nothing_is_saved(client, org):
    client.force_login(org.user(XIPENG_LEADER))
    response = client.post(
        reverse("stations:post_create"),
        {
            "station": org.xipeng.pk,
            "name": "坏坐标警务站",
            "kind": "post",
            "latitude": "129.5",
            "longitude": "abc",
        },
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "确保该值小于或等于90。" in page
    assert "输入一个数字。" in page
    assert not Post.objects.filter(name="坏坐标警务站").exists()


def test_editing_a_post_is_recorded_in_the_audit_log_with_its_author(client, org):
    post = PostFactory(station=org.xipeng)
    client.force_login(org.user(XIPENG_LEADER))
    client.post(
        reverse("stations:post_update", args=[post.pk]),
        {
            "station": org.xipeng.pk,
            "name": post.name,
            "kind": "post",
            "area": "urban",
            "phone": "023-1234",
            "latitude": "29.5",
            "longitude": "106.5",
            "is_active": "on",
        },
    )
    entry = LogEntry.objects.get_for_object(post).get(action=LogEntry.Action.UPDATE)
    assert entry.actor == org.user(XIPENG_LEADER)
    assert entry.remote_addr == "127.0.0.1"
    assert entry.changes_dict["phone"] == ["", "023-1234"]


def test_staff_phones_are_masked_in_lists_and_the_api(client, org):
    StaffAssignmentFactory(station=org.xipeng, phone="13983001234")
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("stations:staff_list")).content.decode()
    api = client.get(reverse("staffassignment-list")).json()
    assert "139****1234" in page
    assert "13983001234" not in page
    assert api["results"][0]["phone"] == "139****1234"


def test_revealing_a_phone_shows_it_and_logs_who_looked(client, org):
    staff = StaffAssignmentFactory(station=org.xipeng, phone="13983001234")
    client.force_login(org.user(XIPENG_DESK))
    detail = client.get(staff.get_absolute_url()).content.decode()
    assert "13983001234" not in detail
    response = client.post(reverse("stations:staff_reveal", args=[staff.pk, "phone"]))
    assert "13983001234" in response.content.decode()
    log = AccessLog.objects.get()
    assert (log.user, log.field, log.subject_id) == (org.user(XIPENG_DESK), "phone", str(staff.pk))
    assert "13983001234" not in str(log.__dict__)


def test_revealing_needs_the_permission_and_the_scope(client, org):
    staff = StaffAssignmentFactory(station=org.xipeng, phone="13983001234")
    url = reverse("stations:staff_reveal", args=[staff.pk, "phone"])
    client.force_login(org.user(SHUANGFENG_DESK))
    assert client.post(url).status_code == 404
    client.force_login(org.user(MEDIATOR))
    assert client.post(url).status_code == 403
    assert not AccessLog.objects.exists()


def test_the_admin_change_page_logs_the_full_phone_view(client, org):
    staff = StaffAssignmentFactory(station=org.xipeng, phone="13983001234")
    client.force_login(org.user(JLP_ADMIN))
    response = client.get(reverse("admin:stations_staffassignment_change", args=[staff.pk]))
    assert response.status_code == 200
    assert AccessLog.objects.filter(field="phone", subject_id=str(staff.pk)).count() == 1


def test_filter_choices_do_not_leak_other_stations(client, org):
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("stations:post_list")).content.decode()
    assert "空港警务站" not in page  # 双凤's post, neither in the rows nor in a dropdown
    assert "双凤派出所" not in page


def test_the_service_log_pages_without_counting_the_table(client, org):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ServiceLogFactory.create_batch(55, station=org.xipeng, recorded_by=org.user(XIPENG_DESK))
    client.force_login(org.user(XIPENG_DESK))
    with CaptureQueriesContext(connection) as queries:
        first = client.get(reverse("stations:servicelog_list")).content.decode()
    # Read now: the next request clears the connection's query log.
    # (The navigation's unread-message count is the user's own, not the table's.)
    counts = [
        q["sql"]
        for q in queries
        if "COUNT(" in q["sql"].upper() and "core_notification" not in q["sql"]
    ]
    second = client.get(reverse("stations:servicelog_list") + "?page=2").content.decode()
    # The only counts are today's counters, bounded by a time range; no count of the table.
    assert counts and all("occurred_at" in sql for sql in counts)
    assert "page=2" in first and "第 1 页" in first
    assert "page=3" not in second and "第 2 页" in second


def test_a_bureau_admin_chooses_a_station_before_its_posts_appear_in_the_filters(client, org):
    def post_choices(url):
        page = client.get(url).content.decode()
        return re.search(r'<select name="post".*?</select>', page, re.S).group(0)

    client.force_login(org.user(JLP_ADMIN))
    assert "西彭园区警务站" not in post_choices(reverse("stations:community_list"))
    chosen = reverse("stations:community_list") + f"?station={org.xipeng.pk}"
    assert "西彭园区警务站" in post_choices(chosen)


def test_the_api_filters_by_post_without_a_station(client, org):
    client.force_login(org.user(JLP_ADMIN))
    response = client.get(reverse("community-list") + f"?post={org.park_post.pk}")
    assert response.status_code == 200
    assert [row["name"] for row in response.json()["results"]] == ["迎新村"]


def test_recording_a_service_returns_to_a_page_of_this_site_only(client, org):
    client.force_login(org.user(XIPENG_DESK))
    data = {"kind": "consultation", "post": org.park_post.pk}
    back = client.post(
        reverse("stations:servicelog_create"),
        {**data, "client_id": str(uuid.uuid4()), "next": "/cases/incidents/"},
    )
    assert back.url == "/cases/incidents/"
    for elsewhere in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
        answer = client.post(
            reverse("stations:servicelog_create"),
            {**data, "client_id": str(uuid.uuid4()), "next": elsewhere},
        )
        assert answer.status_code == 302 and answer.url == reverse("home"), elsewhere
