"""Every incidents-and-cases page and endpoint against every persona
(apps.core.testing.matrix)."""

from datetime import timedelta

from django.utils import timezone

from apps.cases.models import DutyShift, IncidentCategory
from apps.cases.services import case_open, incident_report
from apps.core.testing.factories import StaffAssignmentFactory
from apps.core.testing.matrix import BUREAU_ADMINS, STATION_STAFF, ResourceMatrix
from apps.core.testing.personas import (
    JLP_LEGAL,
    SHUANGFENG_DESK,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)

# The sub-bureau's legal affairs unit (jlp_legal) reads the bureau's incidents and cases.
INCIDENT_READERS = STATION_STAFF | BUREAU_ADMINS | {JLP_LEGAL}
CASE_READERS = {XIPENG_DESK, SHUANGFENG_DESK, XIPENG_CASE, XIPENG_LEADER, JLP_LEGAL} | BUREAU_ADMINS
ROSTER_READERS = {XIPENG_DESK, SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER} | BUREAU_ADMINS
ROSTER_WRITERS = ROSTER_READERS - {XIPENG_COMMUNITY}


class TestIncident(ResourceMatrix):
    list_url_name = "cases:incident_list"
    detail_url_name = "cases:incident_detail"
    api_basename = "incident"
    readers = INCIDENT_READERS

    def make(self, org):
        incident, _ = incident_report(
            by=org.user(XIPENG_DESK), source="110", place_text="迎新村", community=org.yingxin
        )
        return incident


class TestCase(ResourceMatrix):
    list_url_name = "cases:case_list"
    detail_url_name = "cases:case_detail"
    api_basename = "case"
    readers = CASE_READERS

    def make(self, org):
        return case_open(by=org.user(XIPENG_CASE), kind="criminal", title="入室盗窃")


class TestDutyShift(ResourceMatrix):
    list_url_name = "cases:shift_list"
    update_url_name = "cases:shift_update"
    api_basename = "dutyshift"
    readers = ROSTER_READERS
    writers = ROSTER_WRITERS
    api_patch = {"note": "换班"}

    def make(self, org):
        start = timezone.now() + timedelta(days=DutyShift.objects.count())
        return DutyShift.objects.create(
            station=org.xipeng,
            post=org.park_post,
            staff=StaffAssignmentFactory(station=org.xipeng, post=org.park_post),
            starts_at=start,
            ends_at=start + timedelta(hours=8),
        )


class TestIncidentCategory(ResourceMatrix):
    api_basename = "incidentcategory"
    readers = INCIDENT_READERS

    def make(self, org):
        return IncidentCategory.objects.create(
            bureau=org.jiulongpo,
            code=f"9{IncidentCategory.objects.count():03d}",
            name="其他",
            kind="other",
        )
