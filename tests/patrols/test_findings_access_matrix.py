"""Findings and video patrols against every persona (apps.core.testing.matrix): the list
and detail pages, the API and admin, and lists without a query per row."""

from django.utils import timezone

from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.patrols.findings.services import video_patrol_log

from .factories import make_patrol
from .findings_scene import jpeg, make_finding, make_unit

PATROL_READERS = {XIPENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER, SHUANGFENG_DESK} | BUREAU_ADMINS


class TestFinding(ResourceMatrix):
    list_url_name = "patrols:finding_list"
    detail_url_name = "patrols:finding_detail"
    api_basename = "patrol-finding"
    readers = PATROL_READERS

    def make(self, org):
        # Every join the list shows: a patrol, a village, an enterprise, a photo.
        return make_finding(
            org,
            patrol=make_patrol(org),
            unit=make_unit(org, name=f"企业{timezone.now()}"),
            photo=jpeg(),
        )

    def marker(self, obj):
        return f'data-finding="{obj.pk}"'


class TestVideoPatrol(ResourceMatrix):
    list_url_name = "patrols:video_list"
    api_basename = "video-patrol"
    readers = PATROL_READERS

    def make(self, org):
        return video_patrol_log(
            by=org.user(XIPENG_DESK),
            kind="mouse",
            camera="1号球机",
            checked_at=timezone.now(),
            observation="有人翻越围栏",
            finding_kind="suspicious_person",
        )

    def marker(self, obj):
        return f'data-video="{obj.pk}"'
