import io
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from freezegun import freeze_time

from apps.cases.models import DutyShift, Incident
from apps.cases.services import incident_report
from apps.core.testing.factories import StaffAssignmentFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_DESK, XIPENG_LEADER


@pytest.fixture
def desk(client, scene):
    client.force_login(scene.org.user(XIPENG_DESK))
    return client


def test_the_intake_page_offers_the_categories_and_the_map(desk, scene):
    page = desk.get(reverse("cases:incident_create")).content.decode()
    assert "打架斗殴" in page and 'id="place-map"' in page
    assert json.dumps("西彭园区警务站")[1:-1] in page  # in the map's data (escaped JSON)


def test_the_suggestion_panel_finds_the_village_named_in_the_place(desk, scene):
    for _ in range(4):
        incident_report(
            by=scene.org.user(XIPENG_DESK),
            source="110",
            place_text="x",
            community=scene.org.yingxin,
            caller_phone="13900001111",
        )
    fragment = desk.post(
        reverse("cases:incident_suggest"),
        {"place_text": "迎新村3组有人打架", "caller_phone": "139 0000 1111"},
    ).content.decode()
    assert fragment.index("西彭园区警务站") < fragment.index("大石堡警务站")
    assert "李警官" in fragment
    assert "4" in fragment and 'id="caller-history"' in fragment


def test_the_suggestion_panel_refuses_coordinates_outside_china(desk, scene):
    fragment = desk.post(
        reverse("cases:incident_suggest"), {"latitude": "40.7", "longitude": "-74.0"}
    ).content.decode()
    assert "alert-danger" in fragment


def test_intake_dispatch_job_and_close_through_the_pages(client, desk, scene):
    response = desk.post(
        reverse("cases:incident_create"),
        {
            "category": scene.fight.pk,
            "place_text": "迎新村3组",
            "community": scene.org.yingxin.pk,
            "caller_phone": "13900001111",
            "source": "110",
            "client_id": "7b0a4a4e-5a57-4bb2-9d3e-0f1d2c3b4a59",
        },
    )
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    detail = desk.get(response.url).content.decode()
    assert 'id="dispatch-panel"' in detail and "★ 西彭园区警务站" in detail
    desk.post(
        reverse("cases:incident_dispatch", args=[incident.pk]),
        {"post": scene.org.park_post.pk},
    )
    incident.refresh_from_db()
    assert incident.status == "assigned"

    client.force_login(scene.officer_on_duty)
    jobs = client.get(reverse("cases:jobs")).content.decode()
    assert incident.number in jobs and "待接单" in jobs
    client.post(reverse("cases:incident_take", args=[incident.pk]))
    incident.refresh_from_db()
    assert incident.status == "dispatched"
    assert list(incident.officers.all()) == [scene.officer_on_duty]
    status_url = reverse("cases:incident_status", args=[incident.pk])
    client.post(status_url, {"status": "en_route"})
    client.post(status_url, {"status": "arrived"})
    checklist = client.post(
        reverse("cases:incident_checklist", args=[incident.pk]),
        {"step": "0", "done": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert "✓" in checklist.content.decode()
    client.post(status_url, {"status": "handled", "outcome": "双方已劝离"})

    desk.post(
        reverse("cases:incident_close", args=[incident.pk]),
        {"disposition": "case", "case_kind": "public_security"},
    )
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.case is not None
    assert incident.response_minutes is not None


def test_record_and_dispatch_sends_the_suggested_post_in_one_step(desk, scene):
    response = desk.post(
        reverse("cases:incident_create"),
        {
            "category": scene.fight.pk,
            "place_text": "迎新村5组老年活动室",
            "community": scene.org.yingxin.pk,
            "source": "110",
            "client_id": "0b6c1a51-3d2e-4a8e-9c55-6e1f0b2a7d10",
            "dispatch_post": scene.org.park_post.pk,
        },
        follow=True,
    )
    incident = Incident.objects.get()
    assert (incident.status, incident.post) == ("assigned", scene.org.park_post)
    page = response.content.decode()
    assert 'id="waiting-for-taker"' in page and "xipeng_community" in page
    assert 'id="dispatch-panel"' not in page  # sent: nothing left to dispatch


def test_record_and_dispatch_keeps_the_call_when_the_dispatch_is_refused(desk, scene):
    """The desk moved the place after the suggestion: 大石堡 is no longer the one."""
    response = desk.post(
        reverse("cases:incident_create"),
        {
            "category": scene.fight.pk,
            "place_text": "迎新村5组",
            "community": scene.org.yingxin.pk,
            "source": "110",
            "client_id": "6f0e2d4c-1b3a-4c5d-8e9f-0a1b2c3d4e5f",
            "dispatch_post": scene.dashibao.pk,
        },
        follow=True,
    )
    incident = Incident.objects.get()
    assert incident.status == "received"
    assert "alert-danger" in response.content.decode()


def test_the_suggestion_panel_lists_joint_forces_apart_and_never_a_negative_saving(desk, scene):
    from datetime import timedelta

    from django.utils import timezone

    jiang = StaffAssignmentFactory(
        station=scene.org.xipeng, post=scene.dashibao, name="蒋某某", kind="building_head"
    )
    DutyShift.objects.create(
        station=scene.org.xipeng,
        post=scene.dashibao,
        staff=jiang,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=timezone.now() + timedelta(hours=1),
    )
    fragment = desk.post(
        reverse("cases:incident_suggest"), {"place_text": "迎新村5组"}
    ).content.decode()
    park, dashibao = fragment.split("大石堡警务站", 1)
    assert "李警官" in park and "节省" in park and 'id="record-and-dispatch"' in park
    assert "当前无可接单的值班民警" in dashibao
    assert "联防力量" in dashibao and "蒋某某（楼栋长）" in dashibao
    assert "多用" in dashibao and "−" not in dashibao and "-" not in dashibao.split("多用")[1][:8]


def test_the_category_select_is_searchable_and_the_close_panel_preselects_nothing(desk, scene):
    page = desk.get(reverse("cases:incident_create")).content.decode()
    assert 'data-search="' in page and "js/select-search.js" in page
    incident, _ = incident_report(
        by=scene.org.user(XIPENG_DESK),
        source="110",
        place_text="迎新村",
        community=scene.org.yingxin,
    )
    detail = desk.get(reverse("cases:incident_detail", args=[incident.pk])).content.decode()
    close_panel = detail[detail.index('id="close-panel"') :]
    assert '<option value="" selected>请选择处理方式</option>' in close_panel
    assert 'value="case" selected' not in close_panel
    response = desk.post(reverse("cases:incident_close", args=[incident.pk]), {}, follow=True)
    assert "alert-danger" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "received"


def test_a_refused_dispatch_shows_the_reason_and_changes_nothing(desk, scene):
    incident, _ = incident_report(
        by=scene.org.user(XIPENG_DESK),
        source="110",
        place_text="迎新村",
        community=scene.org.yingxin,
    )
    response = desk.post(
        reverse("cases:incident_dispatch", args=[incident.pk]),
        {"post": scene.dashibao.pk},
        follow=True,
    )
    assert "alert-danger" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "received"


def test_another_station_gets_404_on_every_incident_page(client, scene):
    incident, _ = incident_report(
        by=scene.org.user(XIPENG_DESK),
        source="110",
        place_text="迎新村",
        community=scene.org.yingxin,
    )
    client.force_login(scene.org.user(SHUANGFENG_DESK))
    assert client.get(reverse("cases:incident_detail", args=[incident.pk])).status_code == 404
    assert client.get(reverse("cases:job_detail", args=[incident.pk])).status_code == 404
    for name in ("incident_dispatch", "incident_status", "incident_close", "incident_note"):
        response = client.post(reverse(f"cases:{name}", args=[incident.pk]), {})
        assert response.status_code == 404, name


def test_the_board_refreshes_as_a_fragment_with_constant_queries(
    desk, scene, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            incident_report(
                by=scene.org.user(XIPENG_DESK),
                source="110",
                place_text="迎新村",
                community=scene.org.yingxin,
                category=scene.fight,
            )

    add(2)
    page = desk.get(reverse("cases:board")).content.decode()
    assert 'data-live="incident" data-live-every="10"' in page and "迎新村" in page
    add(20)
    with django_assert_max_num_queries(8):
        fragment = desk.get(reverse("cases:board"), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode()


def test_live_pages_poll_as_the_setting_says_when_the_socket_is_down_and_say_so(
    desk, scene, settings
):
    page = desk.get(reverse("cases:board")).content.decode()
    assert 'data-live-every="10"' in page and "实时连接中断时每 10 秒刷新" in page
    settings.LIVE_REFRESH_SECONDS = {**settings.LIVE_REFRESH_SECONDS, "incident_board": 30}
    page = desk.get(reverse("cases:board")).content.decode()
    assert 'data-live-every="30"' in page and "实时连接中断时每 30 秒刷新" in page


def test_the_repeat_callers_page_masks_the_numbers(desk, scene):
    for _ in range(3):
        incident_report(
            by=scene.org.user(XIPENG_DESK),
            source="110",
            place_text="x",
            community=scene.org.yingxin,
            caller_phone="13711112222",
        )
    page = desk.get(reverse("cases:repeat_callers")).content.decode()
    assert "137****2222" in page and "13711112222" not in page


def test_the_weekly_pattern_puts_everyone_on_weekdays_and_the_group_at_weekends(client, scene):
    client.force_login(scene.org.user(XIPENG_LEADER))
    wang = StaffAssignmentFactory(station=scene.org.xipeng, name="王辅警", kind="auxiliary")
    zhao = StaffAssignmentFactory(station=scene.org.xipeng, name="赵警官", kind="officer")
    form = {
        "monday": "2026-11-30",
        "post": scene.org.park_post.pk,
        "weekday_staff": [wang.pk, zhao.pk],
        "weekend_group": [zhao.pk],
        "day_start": "08:30",
        "day_end": "17:30",
    }
    client.post(reverse("cases:roster_generate"), form)
    assert DutyShift.objects.filter(staff=wang).count() == 5
    assert DutyShift.objects.filter(staff=zhao).count() == 7
    client.post(reverse("cases:roster_generate"), form)  # again: nothing doubled
    assert DutyShift.objects.filter(staff__in=[wang, zhao]).count() == 12
    week = client.get(reverse("cases:roster"), {"week": "2026-12-02"}).content.decode()
    assert "赵警官" in week and "王辅警" in week and "12-06" in week


def test_a_roster_spreadsheet_with_a_bad_row_saves_nothing(client, scene):
    client.force_login(scene.org.user(XIPENG_LEADER))
    StaffAssignmentFactory(station=scene.org.xipeng, name="王辅警")
    good = "姓名,警务站,日期,开始,结束,角色\n王辅警,西彭园区警务站,2026-12-01,20:00,08:00,值班\n"
    bad = good + "查无此人,西彭园区警务站,2026-12-02,08:00,17:00,值班\n"
    response = client.post(
        reverse("cases:roster_import"),
        {"file": SimpleUploadedFile("roster.csv", bad.encode("utf-8"))},
    )
    page = response.content.decode()
    assert "查无此人" in page
    assert not DutyShift.objects.filter(staff__name="王辅警").exists()
    client.post(
        reverse("cases:roster_import"),
        {"file": SimpleUploadedFile("roster.csv", good.encode("gb18030"))},
    )
    shift = DutyShift.objects.get(staff__name="王辅警")
    assert (shift.ends_at - shift.starts_at).total_seconds() == 12 * 3600  # past midnight


def test_scene_attachments_are_refused_unless_real_images_or_pdfs(desk, scene):
    incident, _ = incident_report(
        by=scene.org.user(XIPENG_DESK), source="110", place_text="x", community=scene.org.yingxin
    )
    url = reverse("cases:incident_attach", args=[incident.pk])
    response = desk.post(
        url, {"file": SimpleUploadedFile("a.jpg", b"MZ\x90\x00 an exe")}, follow=True
    )
    assert "alert-danger" in response.content.decode()
    assert not incident.attachments.exists()
    out = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (4, 4)).save(out, "PNG")
    desk.post(url, {"file": SimpleUploadedFile("现场.png", out.getvalue())})
    attachment = incident.attachments.get()
    assert desk.get(attachment.get_absolute_url()).status_code == 200


@freeze_time("2026-11-23 10:00")
def test_the_overdue_list_shows_cases_due_within_three_days(client, scene):
    from apps.cases.services import case_open

    with freeze_time("2026-10-26 10:00"):
        case = case_open(by=scene.org.user(XIPENG_LEADER), kind="public_security", title="逾期案件")
    client.force_login(scene.org.user(XIPENG_LEADER))
    page = client.get(reverse("cases:overdue")).content.decode()
    assert case.number in page
    assert date(2026, 11, 25).isoformat() in page
