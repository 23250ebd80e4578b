"""Every organisation page and endpoint against every persona (apps.core.testing.matrix)."""

from apps.core.models import AccessLog
from apps.core.testing.factories import (
    CommunityFactory,
    PoliceDistrictFactory,
    PostFactory,
    ServiceLogFactory,
    StaffAssignmentFactory,
)
from apps.core.testing.matrix import BUREAU_ADMINS, STATION_STAFF, ResourceMatrix
from apps.core.testing.personas import MEDIATOR, XIPENG_COMMUNITY, XIPENG_LEADER

ORG_READERS = STATION_STAFF | BUREAU_ADMINS
LEADERS = {XIPENG_LEADER} | BUREAU_ADMINS


class TestBureau(ResourceMatrix):
    list_url_name = "stations:bureau_list"
    detail_url_name = "stations:bureau_detail"
    api_basename = "bureau"
    readers = ORG_READERS

    lists_grow = False  # bureaus are fixed by the organisation

    def make(self, org):
        return org.jiulongpo


class TestStation(ResourceMatrix):
    list_url_name = "stations:station_list"
    detail_url_name = "stations:station_detail"
    update_url_name = "stations:station_update"
    api_basename = "station"
    readers = ORG_READERS | {MEDIATOR}
    writers = LEADERS
    api_patch = {"phone": "023-68000999"}

    lists_grow = False  # stations are few and fixed per bureau (posts' list: TestPost)

    def make(self, org):
        return org.xipeng


class TestPost(ResourceMatrix):
    list_url_name = "stations:post_list"
    detail_url_name = "stations:post_detail"
    update_url_name = "stations:post_update"
    api_basename = "post"
    readers = ORG_READERS | {MEDIATOR}
    writers = LEADERS
    api_patch = {"phone": "023-68000888"}

    def make(self, org):
        return PostFactory(station=org.xipeng)


class TestPoliceDistrict(ResourceMatrix):
    list_url_name = "stations:district_list"
    detail_url_name = "stations:district_detail"
    update_url_name = "stations:district_update"
    api_basename = "policedistrict"
    readers = ORG_READERS
    writers = LEADERS
    api_patch = {"real_population": 61234}

    def make(self, org):
        district = PoliceDistrictFactory(station=org.xipeng, post=org.park_post)
        district.responsible_officers.add(org.user(XIPENG_COMMUNITY))
        return district


class TestCommunity(ResourceMatrix):
    list_url_name = "stations:community_list"
    detail_url_name = "stations:community_detail"
    update_url_name = "stations:community_update"
    api_basename = "community"
    readers = ORG_READERS | {MEDIATOR}
    writers = LEADERS | {XIPENG_COMMUNITY}
    api_patch = {"population": 3100}

    def make(self, org):
        return CommunityFactory(station=org.xipeng, district=org.park_district)


class TestStaffAssignment(ResourceMatrix):
    list_url_name = "stations:staff_list"
    detail_url_name = "stations:staff_detail"
    update_url_name = "stations:staff_update"
    api_basename = "staffassignment"
    readers = ORG_READERS
    writers = LEADERS
    api_patch = {"duty": "迎新村网格员"}

    def make(self, org):
        return StaffAssignmentFactory(station=org.xipeng, post=org.park_post)


class TestServiceLog(ResourceMatrix):
    list_url_name = "stations:servicelog_list"
    api_basename = "servicelog"
    readers = ORG_READERS

    def make(self, org):
        return ServiceLogFactory(
            station=org.xipeng, post=org.park_post, recorded_by=org.user("xipeng_desk")
        )

    def marker(self, obj):
        return obj.note


class TestAccessLog(ResourceMatrix):
    """The personal-data access log: leaders and sub-bureau admins only, never edited."""

    list_url_name = "accesslog_list"
    readers = {XIPENG_LEADER} | BUREAU_ADMINS

    def make(self, org):
        return AccessLog.objects.create(
            user=org.user("xipeng_desk"),
            station=org.xipeng,
            subject_type="stations.staff",
            subject_id="1",
            subject_label=f"网格员{AccessLog.objects.count()}",
            field="phone",
            page="/org/staff/1/",
        )

    def marker(self, obj):
        return obj.subject_label
