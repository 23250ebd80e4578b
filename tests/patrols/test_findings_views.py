"""The findings pages: list, detail with the two conversion buttons, the links back from
the incident and the dispute, the photo, handling, and the command room's video log."""

import pytest
from django.urls import reverse

from apps.cases.models import Incident, IncidentCategory
from apps.core.testing.personas import (
    MEDIATOR,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.mediation.models import Dispute
from apps.patrols.models import Finding, VideoPatrol

from .factories import make_patrol
from .findings_scene import jpeg, make_finding, make_unit, shuangfeng_officer

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(client, org):
    client.force_login(org.user(XIPENG_COMMUNITY))
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def detail(finding):
    return reverse("patrols:finding_detail", args=[finding.pk])


def test_the_urls_are_where_the_lead_links_them():
    assert reverse("patrols:finding_list") == "/patrols/findings/"
    assert reverse("patrols:finding_detail", args=[3]) == "/patrols/findings/3/"
    assert reverse("patrols:video_list") == "/patrols/video/"


def test_the_list_shows_findings_and_filters_them(web, org):
    hazard = make_finding(org)
    sign = make_finding(org, kind="dispute_sign", description="两户争吵")
    page = web.get(reverse("patrols:finding_list")).content.decode()
    assert detail(hazard) in page and detail(sign) in page
    page = web.get(reverse("patrols:finding_list"), {"kind": "dispute_sign"}).content.decode()
    assert detail(sign) in page and detail(hazard) not in page


def test_the_detail_page_offers_both_conversions_and_handling(web, org):
    finding = make_finding(org, photo=jpeg())
    page = web.get(detail(finding)).content.decode()
    assert 'id="to-incident"' in page and 'id="to-dispute"' in page and 'id="handle"' in page
    assert reverse("patrols:finding_photo", args=[finding.pk]) in page


def test_the_desk_sees_a_finding_without_the_buttons(client, org):
    finding = make_finding(org)
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(detail(finding)).content.decode()
    assert "to-incident" not in page and "to-dispute" not in page and 'id="handle"' not in page


def test_turn_into_an_incident_links_both_ways(web, org):
    parent = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="09", name="安全隐患", kind="public_order"
    )
    minor = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=parent, code="0901", name="井盖缺失", kind="public_order"
    )
    finding = make_finding(org)
    response = web.post(
        reverse("patrols:finding_to_incident", args=[finding.pk]),
        {"category": minor.pk, "priority": 1},
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == incident.get_absolute_url()
    assert incident.category == minor and incident.priority == 1
    incident_page = web.get(incident.get_absolute_url()).content.decode()
    assert 'id="from-patrol-finding"' in incident_page and detail(finding) in incident_page
    finding_page = web.get(detail(finding)).content.decode()
    assert incident.number in finding_page and "to-incident" not in finding_page
    # A second tap (an old page) changes nothing and says why.
    again = web.post(reverse("patrols:finding_to_incident", args=[finding.pk]), {"priority": 2})
    assert again.status_code == 302 and Incident.objects.count() == 1
    followed = web.get(again["Location"]).content.decode()
    assert "already been turned into an incident" in followed


def test_turn_into_a_dispute_links_both_ways(web, org):
    finding = make_finding(org, kind="dispute_sign")
    response = web.post(
        reverse("patrols:finding_to_dispute", args=[finding.pk]), {"category": "neighbour"}
    )
    dispute = Dispute.objects.get()
    assert response["Location"] == dispute.get_absolute_url()
    page = web.get(dispute.get_absolute_url()).content.decode()
    assert 'id="from-patrol-finding"' in page and detail(finding) in page


def test_an_incident_not_from_a_patrol_has_no_finding_link(web, org):
    from apps.cases.services import incident_report

    incident, _ = incident_report(by=org.user(XIPENG_COMMUNITY), source="phone", place_text="x")
    page = web.get(incident.get_absolute_url()).content.decode()
    assert "from-patrol-finding" not in page


def test_a_bad_category_is_a_message_and_changes_nothing(web, org):
    finding = make_finding(org)
    response = web.post(
        reverse("patrols:finding_to_dispute", args=[finding.pk]),
        {"category": "aliens"},
        follow=True,
    )
    assert response.status_code == 200 and not Dispute.objects.exists()
    finding.refresh_from_db()
    assert finding.status == "open"


def test_handled_on_the_spot(web, org):
    finding = make_finding(org)
    web.post(reverse("patrols:finding_handle", args=[finding.pk]), {"note": "已设置警示"})
    finding.refresh_from_db()
    assert finding.status == "handled" and finding.handling_note == "已设置警示"


def test_another_station_gets_404_and_roles_without_patrols_403(client, org):
    finding = make_finding(org, photo=jpeg())
    client.force_login(shuangfeng_officer(org))
    for name in ("finding_detail", "finding_photo"):
        assert client.get(reverse(f"patrols:{name}", args=[finding.pk])).status_code == 404
    for name in ("finding_to_incident", "finding_to_dispute", "finding_handle"):
        response = client.post(reverse(f"patrols:{name}", args=[finding.pk]), {"note": "x"})
        assert response.status_code == 404, name
    for persona in (XIPENG_CASE, MEDIATOR):
        client.force_login(org.user(persona))
        assert client.get(reverse("patrols:finding_list")).status_code == 403
        assert client.get(detail(finding)).status_code == 403
        response = client.post(reverse("patrols:finding_handle", args=[finding.pk]), {"note": "x"})
        assert response.status_code == 403
        assert client.get(reverse("patrols:video_list")).status_code == 403
    finding.refresh_from_db()
    assert finding.status == "open"


def test_the_photo_is_served_inline_and_private(web, org):
    finding = make_finding(org, photo=jpeg())
    response = web.get(reverse("patrols:finding_photo", args=[finding.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["Content-Security-Policy"] == "sandbox"


def test_the_command_room_logs_a_check_with_a_finding_from_the_quick_form(client, org):
    client.force_login(org.user(XIPENG_DESK))
    page = client.get(reverse("patrols:video_list")).content.decode()
    assert 'id="video-log-form"' in page
    response = client.post(
        reverse("patrols:video_list"),
        {
            "kind": "sentry",
            "camera": "园区大门1号球机",
            "observation": "有人翻越围栏",
            "finding_kind": "suspicious_person",
        },
    )
    assert response.status_code == 302
    video = VideoPatrol.objects.get()
    assert video.finding.kind == "suspicious_person"
    page = client.get(reverse("patrols:video_list")).content.decode()
    assert "园区大门1号球机" in page and detail(video.finding) in page


def test_a_bad_quick_form_is_400_and_saves_nothing(client, org):
    client.force_login(org.user(XIPENG_DESK))
    response = client.post(reverse("patrols:video_list"), {"kind": "mouse", "camera": ""})
    assert response.status_code == 400
    assert not VideoPatrol.objects.exists() and not Finding.objects.exists()


def test_a_community_officer_reads_the_video_log_without_the_form(web, org):
    page = web.get(reverse("patrols:video_list"))
    assert page.status_code == 200 and "video-log-form" not in page.content.decode()
    assert web.post(reverse("patrols:video_list"), {"kind": "mouse"}).status_code == 403


def test_the_patrol_page_partial_lists_a_patrols_findings_in_one_query(org):
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext

    from apps.patrols.findings.services import findings_of_patrol

    patrol, other = make_patrol(org), make_patrol(org)
    unit = make_unit(org)
    mine = [make_finding(org, patrol=patrol, unit=unit) for _ in range(3)]
    elsewhere = make_finding(org, patrol=other)
    user = org.user(XIPENG_COMMUNITY)
    with CaptureQueriesContext(connection) as queries:
        html = render_to_string(
            "patrols/_findings.html", {"findings": findings_of_patrol(patrol=patrol, user=user)}
        )
    assert len(queries) == 1
    assert all(detail(f) in html for f in mine) and detail(elsewhere) not in html
    assert findings_of_patrol(patrol=patrol, user=shuangfeng_officer(org)).count() == 0


def test_enterprise_visits_show_on_the_patrol_page_and_in_the_list(web, org):
    patrol = make_patrol(org)
    plant, depot = make_unit(org), make_unit(org, name="西彭物流园")
    visit = make_finding(
        org, patrol=patrol, unit=plant, kind="", description="", nothing_found=True
    )
    trouble = make_finding(
        org, patrol=patrol, unit=depot, kind="enterprise_trouble", description="消防通道堵塞"
    )
    hazard = make_finding(org, patrol=patrol)
    page = web.get(reverse("patrols:patrol_detail", args=[patrol.pk])).content.decode()
    visited = page.split('id="patrol-enterprises"')[1].split("</dd>")[0]
    assert "西彭铝业有限公司" in visited and "nothing found" in visited
    assert "西彭物流园" in visited and "1 finding" in visited
    row = page.split(f'data-finding="{visit.pk}"')[1].split("</tr>")[0]
    assert 'data-visit="nothing-found"' in row and "Nothing found" in row
    listed = web.get(reverse("patrols:finding_list"), {"enterprise": "true"}).content.decode()
    assert detail(visit) in listed and detail(trouble) in listed
    assert detail(hazard) not in listed


def test_a_patrol_without_enterprise_visits_shows_none(web, org):
    patrol = make_patrol(org)
    make_finding(org, patrol=patrol)
    page = web.get(reverse("patrols:patrol_detail", args=[patrol.pk])).content.decode()
    assert 'id="patrol-enterprises"' not in page
