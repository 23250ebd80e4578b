"""Officers appointed to villages (西彭, 2019: 28 party-member officers as deputy secretaries
of the 28 村居's party branches): the rules of the service, the pages, the API, admin."""

from datetime import date

import pytest
from django.urls import reverse

from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.testing.factories import CommunityFactory, StaffAssignmentFactory
from apps.core.testing.matrix import BUREAU_ADMINS, STATION_STAFF, ResourceMatrix
from apps.core.testing.personas import (
    JLP_ADMIN,
    MEDIATOR,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.stations.choices import AppointmentTitle, StaffKind
from apps.stations.models import Community, CommunityAppointment
from apps.stations.services import community_appointment_end, community_appointment_make

pytestmark = pytest.mark.django_db

SEPT_2019 = date(2019, 9, 1)


def officer(station, name="刘璐", **extra):
    return StaffAssignmentFactory(station=station, name=name, kind=StaffKind.OFFICER, **extra)


def baohua(org):
    return Community.objects.filter(station=org.xipeng, name="宝华村").first() or CommunityFactory(
        station=org.xipeng, name="宝华村"
    )


def appoint(org, *, community=None, who=None, by=XIPENG_LEADER, **extra):
    return community_appointment_make(
        by=org.user(by),
        community=community or baohua(org),
        officer=who or officer(org.xipeng),
        started_on=SEPT_2019,
        **extra,
    )


class TestCommunityAppointment(ResourceMatrix):
    """Read by every officer of the station and the sub-bureau admins; made in admin."""

    api_basename = "communityappointment"
    readers = STATION_STAFF | BUREAU_ADMINS

    def make(self, org):
        return CommunityAppointment.objects.create(
            station=org.xipeng,
            community=CommunityFactory(station=org.xipeng),
            officer=officer(org.xipeng, name="蓝燕"),
            started_on=SEPT_2019,
        )


def test_a_leader_appoints_an_officer_deputy_secretary_of_a_village(org):
    appointment = appoint(org)
    assert appointment.station == org.xipeng
    assert appointment.title == AppointmentTitle.BRANCH_DEPUTY_SECRETARY
    assert (appointment.started_on, appointment.ended_on) == (SEPT_2019, None)
    assert str(appointment) == "刘璐 · 宝华村 党支部副书记"


def test_the_village_page_shows_the_appointed_officer_and_the_officers_page_the_village(
    client, org
):
    appointment = appoint(org)
    client.force_login(org.user(XIPENG_COMMUNITY))
    village = client.get(reverse("stations:community_detail", args=[appointment.community_id]))
    html = village.content.decode()
    assert "驻村（居）民警" in html
    assert appointment.officer.get_absolute_url() in html
    assert "刘璐" in html and "党支部副书记" in html and "2019-09-01 起" in html
    page = client.get(reverse("stations:staff_detail", args=[appointment.officer_id]))
    html = page.content.decode()
    assert "兼任村（居）职务" in html
    assert appointment.community.get_absolute_url() in html and "宝华村" in html


def test_an_ended_appointment_shows_its_term(client, org):
    appointment = appoint(org)
    community_appointment_end(
        by=org.user(XIPENG_LEADER), appointment=appointment, ended_on=date(2021, 6, 30)
    )
    client.force_login(org.user(XIPENG_DESK))
    html = client.get(
        reverse("stations:community_detail", args=[appointment.community_id])
    ).content.decode()
    assert "2019-09-01 至 2021-06-30" in html


def test_a_mediator_sees_the_village_but_not_its_appointments(client, org):
    appointment = appoint(org)
    client.force_login(org.user(MEDIATOR))
    response = client.get(reverse("stations:community_detail", args=[appointment.community_id]))
    assert response.status_code == 200
    assert "刘璐" not in response.content.decode()


def test_another_stations_officer_gets_404_for_the_village_and_the_appointment(client, org):
    appointment = appoint(org)
    client.force_login(org.user(SHUANGFENG_DESK))
    for url in (
        reverse("stations:community_detail", args=[appointment.community_id]),
        reverse("stations:staff_detail", args=[appointment.officer_id]),
        reverse("communityappointment-detail", args=[appointment.pk]),
    ):
        assert client.get(url).status_code == 404, url
    listed = client.get(reverse("communityappointment-list")).json()["results"]
    assert listed == []


def test_the_api_filters_by_village_and_by_officer(client, org):
    baohua = appoint(org)
    other = appoint(
        org,
        community=CommunityFactory(station=org.xipeng, name="泥璧村"),
        who=officer(org.xipeng, name="向治刚"),
    )
    client.force_login(org.user(XIPENG_DESK))
    url = reverse("communityappointment-list")
    by_village = client.get(url, {"community": baohua.community_id}).json()["results"]
    assert [(r["officer_name"], r["community_name"]) for r in by_village] == [("刘璐", "宝华村")]
    by_officer = client.get(url, {"officer": other.officer_id}).json()["results"]
    assert [r["id"] for r in by_officer] == [other.pk]
    assert by_officer[0]["title"] == "branch_deputy_secretary"
    assert by_officer[0]["started_on"] == "2019-09-01"
    assert len(client.get(url, {"current": "true"}).json()["results"]) == 2
    assert client.get(url, {"current": "false"}).json()["results"] == []
    assert client.get(url, {"current": "null"}).status_code == 400


def test_the_api_does_not_write_appointments(client, org):
    client.force_login(org.user(JLP_ADMIN))
    response = client.post(
        reverse("communityappointment-list"), {"community": 1}, content_type="application/json"
    )
    assert response.status_code == 405


def test_it_refuses_an_officer_of_another_station(org):
    shiqiaopu_officer = officer(org.shiqiaopu, name="张伟")
    with pytest.raises(OutOfScope):  # the 西彭 leader does not see him at all
        appoint(org, who=shiqiaopu_officer)
    # The sub-bureau admin sees both stations: the rule refuses the mix.
    with pytest.raises(DomainError, match="其他派出所"):
        appoint(org, who=shiqiaopu_officer, by=JLP_ADMIN)
    assert not CommunityAppointment.objects.exists()


def test_it_refuses_a_village_of_another_bureau(org):
    with pytest.raises(OutOfScope):
        appoint(org, community=CommunityFactory(station=org.shuangfeng), by=JLP_ADMIN)


def test_only_a_police_officer_is_appointed(org):
    grid_worker = StaffAssignmentFactory(station=org.xipeng, kind=StaffKind.GRID_WORKER)
    with pytest.raises(DomainError, match="只有民警"):
        appoint(org, who=grid_worker)


def test_only_leaders_and_admins_appoint(org):
    with pytest.raises(NotAllowed):
        appoint(org, by=XIPENG_DESK)
    with pytest.raises(NotAllowed):
        appoint(org, by=XIPENG_COMMUNITY)


def test_a_village_has_one_current_holder_of_a_title_until_the_first_ends(org):
    first = appoint(org)
    with pytest.raises(DomainError, match="已有民警担任此职务"):
        appoint(org, community=first.community, who=officer(org.xipeng, name="蓝燕"))
    # Another title is free; and once the first ends, the post is free again.
    appoint(
        org,
        community=first.community,
        who=officer(org.xipeng, name="向治刚"),
        title=AppointmentTitle.COMMITTEE_DEPUTY_DIRECTOR,
    )
    community_appointment_end(by=org.user(XIPENG_LEADER), appointment=first)
    appoint(org, community=first.community, who=officer(org.xipeng, name="蓝燕"))
    assert first.community.appointments.count() == 3


def test_an_appointment_ends_once_and_not_before_it_began(org):
    appointment = appoint(org)
    with pytest.raises(DomainError, match="早于"):
        community_appointment_end(
            by=org.user(XIPENG_LEADER), appointment=appointment, ended_on=date(2019, 8, 1)
        )
    community_appointment_end(by=org.user(XIPENG_LEADER), appointment=appointment)
    with pytest.raises(Conflict):
        community_appointment_end(by=org.user(XIPENG_LEADER), appointment=appointment)


def test_admin_shows_the_appointments_on_the_village_and_offers_only_in_scope_officers(client, org):
    appointment = appoint(org)
    outsider = officer(org.shuangfeng, name="杨帆")  # another bureau's officer
    grid_worker = StaffAssignmentFactory(station=org.xipeng, name="何某某")  # not an officer
    client.force_login(org.user(JLP_ADMIN))
    page = client.get(
        reverse("admin:stations_community_change", args=[appointment.community_id])
    ).content.decode()
    assert f'value="{appointment.officer_id}" selected' in page
    assert outsider.name not in page and grid_worker.name not in page
    changelist = client.get(reverse("admin:stations_communityappointment_changelist"))
    assert changelist.status_code == 200 and "宝华村" in changelist.content.decode()


def test_admin_adds_an_appointment_inline_with_the_villages_station(client, org):
    community = CommunityFactory(station=org.xipeng, name="宝华村", district=org.park_district)
    liu = officer(org.xipeng)
    client.force_login(org.user(JLP_ADMIN))
    url = reverse("admin:stations_community_change", args=[community.pk])
    data = {
        "station": org.xipeng.pk,
        "district": org.park_district.pk,
        "post": "",
        "name": "宝华村",
        "kind": "village",
        "latitude": "29.305600",
        "longitude": "106.344800",
        "population": "",
        "note": "",
        "appointments-TOTAL_FORMS": "1",
        "appointments-INITIAL_FORMS": "0",
        "appointments-MIN_NUM_FORMS": "0",
        "appointments-MAX_NUM_FORMS": "1000",
        "appointments-0-officer": liu.pk,
        "appointments-0-title": "branch_deputy_secretary",
        "appointments-0-started_on": "2019-09-01",
        "appointments-0-ended_on": "",
        "appointments-0-note": "",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    appointment = CommunityAppointment.objects.get()
    assert (appointment.station, appointment.officer) == (org.xipeng, liu)
    # An officer of another station of the bureau is refused by the same-station rule.
    other = officer(org.shiqiaopu, name="张伟")
    data |= {
        "appointments-TOTAL_FORMS": "1",
        "appointments-0-officer": other.pk,
        "appointments-0-title": "committee_deputy_director",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "该民警属于其他派出所" in response.content.decode()
    assert CommunityAppointment.objects.count() == 1
