import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from apps.core.errors import DomainError, OutOfScope
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_DESK
from apps.stations.choices import ServiceKind
from apps.stations.models import ServiceLog
from apps.stations.services import service_log_record


def test_it_records_a_service_at_the_post_and_its_station(org):
    entry, created = service_log_record(
        by=org.user(XIPENG_COMMUNITY), kind=ServiceKind.CONSULTATION, post=org.park_post
    )
    assert created
    assert (entry.station, entry.post) == (org.xipeng, org.park_post)
    assert entry.recorded_by == org.user(XIPENG_COMMUNITY)


def test_it_defaults_to_the_officers_station(org):
    entry, _ = service_log_record(by=org.user(XIPENG_DESK), kind=ServiceKind.RESIDENCE_PERMIT)
    assert entry.station == org.xipeng
    assert entry.post is None


def test_it_acknowledges_a_repeat_without_recording_twice(org):
    client_id = uuid.uuid4()
    first, created = service_log_record(
        by=org.user(XIPENG_DESK), kind=ServiceKind.CONSULTATION, client_id=client_id
    )
    again, created_again = service_log_record(
        by=org.user(XIPENG_DESK), kind=ServiceKind.CONSULTATION, client_id=client_id
    )
    assert created and not created_again
    assert again.pk == first.pk
    assert ServiceLog.objects.count() == 1


def test_it_refuses_a_post_of_another_station(org):
    with pytest.raises(OutOfScope):
        service_log_record(
            by=org.user(SHUANGFENG_DESK), kind=ServiceKind.CONSULTATION, post=org.park_post
        )
    assert not ServiceLog.objects.exists()


def test_it_refuses_a_time_in_the_future(org):
    with pytest.raises(DomainError):
        service_log_record(
            by=org.user(XIPENG_DESK),
            kind=ServiceKind.CONSULTATION,
            occurred_at=timezone.now() + timedelta(hours=2),
        )
    assert not ServiceLog.objects.exists()


def test_it_refuses_an_unknown_service_type(org):
    with pytest.raises(DomainError):
        service_log_record(by=org.user(XIPENG_DESK), kind="haircut")
