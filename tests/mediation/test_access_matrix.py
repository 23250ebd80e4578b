"""Every mediation page and endpoint against every persona (apps.core.testing.matrix); a
mediator's account sees only the disputes assigned to it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import (
    MEDIATOR,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.mediation import services
from apps.mediation.models import Dispute, LawyerSlot, Mediator
from tests.mediation.helpers import consent_all

READERS = {XIPENG_DESK, SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER, MEDIATOR} | BUREAU_ADMINS


def own_mediator(org, kind="peoples") -> Mediator:
    """The mediator record of the mediator persona's account."""
    return Mediator.objects.get_or_create(
        station=org.xipeng, name="王调解", kind=kind, defaults={"user": org.user(MEDIATOR)}
    )[0]


def assigned_dispute(org, mediator=None) -> Dispute:
    desk = org.user(XIPENG_DESK)
    dispute = services.dispute_receive(
        by=desk,
        source="walk_in",
        category="neighbour",
        description="噪声",
        community=org.yingxin,
        parties=[
            {"role": "applicant", "name": "张三", "phone": "13983001234"},
            {"role": "respondent", "name": "李四"},
        ],
    )
    services.dispute_assess(dispute=dispute, by=desk, risk_level="low")
    services.dispute_assign(dispute=dispute, mediator=mediator or own_mediator(org), by=desk)
    consent_all(dispute, desk)
    return dispute


class TestDispute(ResourceMatrix):
    list_url_name = "mediation:dispute_list"
    detail_url_name = "mediation:dispute_detail"
    api_basename = "dispute"
    readers = READERS

    def make(self, org):
        return assigned_dispute(org)


class TestMediator(ResourceMatrix):
    list_url_name = "mediation:mediator_list"
    detail_url_name = "mediation:mediator_detail"
    api_basename = "mediator"
    readers = READERS
    writers = {XIPENG_LEADER} | BUREAU_ADMINS
    api_patch = {"organisation": "西彭镇司法所"}

    def make(self, org):
        return Mediator.objects.create(
            station=org.xipeng,
            name=f"调解员{Mediator.objects.count()}",
            kind="peoples",
            user=org.user(MEDIATOR),
        )


class TestMediationSession(ResourceMatrix):
    api_basename = "mediationsession"
    readers = READERS

    def make(self, org):
        return services.session_record(
            dispute=assigned_dispute(org),
            by=org.user(XIPENG_DESK),
            held_at=timezone.now(),
            attendees="张三、李四",
            mode="online",
        )


class TestFollowUp(ResourceMatrix):
    api_basename = "followup"
    readers = READERS

    def make(self, org):
        dispute = assigned_dispute(org)
        desk = org.user(XIPENG_DESK)
        services.session_record(
            dispute=dispute, by=desk, held_at=timezone.now(), attendees="张三", mode="online"
        )
        return services.agreement_make(dispute=dispute, by=desk, terms="赔偿").follow_ups.get()


class TestLawyerSlot(ResourceMatrix):
    api_basename = "lawyerslot"
    readers = READERS

    def make(self, org):
        lawyer = own_mediator(org, kind="lawyer")
        start = timezone.now() + timedelta(days=1 + LawyerSlot.objects.count())
        return LawyerSlot.objects.create(
            station=org.xipeng, mediator=lawyer, starts_at=start, ends_at=start + timedelta(hours=1)
        )


# --- a mediator sees only their own disputes ----------------------------------------------


@pytest.fixture
def others(org):
    return assigned_dispute(
        org, Mediator.objects.create(station=org.xipeng, name="老杨", kind="mass_worker")
    )


def test_a_mediator_does_not_see_another_mediators_dispute(client, org, others):
    mine = assigned_dispute(org)
    client.force_login(org.user(MEDIATOR))
    assert client.get(reverse("mediation:dispute_detail", args=[others.pk])).status_code == 404
    assert client.get(reverse("dispute-detail", args=[others.pk])).status_code == 404
    ids = [row["id"] for row in client.get(reverse("dispute-list")).json()["results"]]
    assert ids == [mine.pk]
    page = client.get(reverse("mediation:dispute_list")).content.decode()
    assert mine.get_absolute_url() in page and others.get_absolute_url() not in page


def test_a_mediator_cannot_act_on_another_mediators_dispute(client, org, others):
    client.force_login(org.user(MEDIATOR))
    response = client.post(
        reverse("dispute-withdraw", args=[others.pk]), {}, content_type="application/json"
    )
    assert response.status_code == 404
    others.refresh_from_db()
    assert others.status == "assigned"


def test_the_desk_sees_every_dispute_of_the_station(client, org, others):
    mine = assigned_dispute(org)
    client.force_login(org.user(XIPENG_DESK))
    ids = {row["id"] for row in client.get(reverse("dispute-list")).json()["results"]}
    assert ids == {mine.pk, others.pk}


def test_an_unassigned_dispute_is_hidden_from_every_mediator(client, org):
    dispute = services.dispute_receive(
        by=org.user(XIPENG_DESK), source="walk_in", category="debt", description="欠款"
    )
    own_mediator(org)
    client.force_login(org.user(MEDIATOR))
    assert client.get(reverse("dispute-detail", args=[dispute.pk])).status_code == 404
