"""The assessment's scores against every persona (apps.core.testing.matrix): the API and a
read-only admin, for leaders and bureau admins of their own station or bureau only."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.core.testing.factories import CommunityFactory
from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import JLP_ADMIN, XIPENG_LEADER
from apps.patrols.choices import AssessmentSubject
from apps.patrols.models import AssessmentScore

pytestmark = pytest.mark.django_db


def make_score(org, community=None):
    """A community's October score, each call a year later (one row per community-month)."""
    community = community or org.yingxin
    return AssessmentScore.objects.create(
        station=community.station,
        month=date(2000 + AssessmentScore.objects.count(), 10, 1),
        subject=AssessmentSubject.COMMUNITY,
        community=community,
        patrol_hours=Decimal("12.50"),
        patrols=5,
        night_patrols=2,
        villages_covered=1,
        villages_total=1,
        findings_raised=3,
        findings_handled=2,
        incidents=1,
        score=Decimal("48.50"),
        rank=1,
    )


class TestAssessmentScore(ResourceMatrix):
    api_basename = "assessment"
    readers = {XIPENG_LEADER} | BUREAU_ADMINS

    def make(self, org):
        return make_score(org)


def test_a_bureau_admin_reads_their_bureaus_scores_in_admin_and_changes_none(client, org):
    mine = make_score(org)
    theirs = make_score(org, community=CommunityFactory(station=org.shuangfeng, name="双凤村"))
    client.force_login(org.user(JLP_ADMIN))
    listing = client.get(reverse("admin:patrols_assessmentscore_changelist"))
    assert listing.status_code == 200
    assert list(listing.context["cl"].result_list) == [mine]
    assert theirs not in listing.context["cl"].result_list
    url = reverse("admin:patrols_assessmentscore_change", args=[mine.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(url, {"score": "99.00"}).status_code == 403
    mine.refresh_from_db()
    assert mine.score == Decimal("48.50")
    assert client.get(reverse("admin:patrols_assessmentscore_add")).status_code == 403
