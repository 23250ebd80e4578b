"""Every permits page and endpoint against every persona (apps.core.testing.matrix)."""

from datetime import date, timedelta

from django.utils import timezone

from apps.core.idnumbers import MALE, make_id_number
from apps.core.testing.matrix import BUREAU_ADMINS, ResourceMatrix
from apps.core.testing.personas import (
    CITIZEN,
    SHUANGFENG_DESK,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.permits import services
from apps.permits.choices import ApplicationKind
from apps.permits.models import (
    EnterpriseRegistration,
    PermitApplication,
    ResidenceCertificate,
    ResidencePermit,
)

READERS = {XIPENG_DESK, SHUANGFENG_DESK, XIPENG_COMMUNITY, XIPENG_LEADER} | BUREAU_ADMINS
# A citizen calls the API for their own records: the window's record below is not theirs, so
# it is missing from their list and a 404 in detail (the officers' pages stay a 403).
API_READERS = READERS | {CITIZEN}


def walk_in(org, kind=ApplicationKind.REGISTRATION) -> PermitApplication:
    """A registration entered at 西彭's window, each with its own ID number."""
    sequence = PermitApplication.objects.count()
    id_number = make_id_number(
        region="510104", birth_date=date(1990, 1, 1), sequence=sequence, gender=MALE
    )
    if kind == ApplicationKind.REGISTRATION:
        return services.application_create(
            by=org.user(XIPENG_DESK),
            kind=kind,
            community=org.yingxin,
            name=f"张{sequence}",
            id_number=id_number,
            phone="13812345678",
            basis="employment",
            address_text="迎新村1组1号",
        )
    return PermitApplication.objects.create(
        station=org.xipeng,
        post=org.park_post,
        community=org.yingxin,
        kind=kind,
        name=f"张{sequence}",
        id_number=id_number,
        phone="13812345678",
        basis="employment",
        address_text="迎新村1组1号",
        status="approved",
        created_by=org.user(XIPENG_DESK),
    )


class TestPermitApplication(ResourceMatrix):
    list_url_name = "permits:application_list"
    detail_url_name = "permits:application_detail"
    api_basename = "permitapplication"
    readers = READERS
    api_readers = API_READERS

    def make(self, org):
        return walk_in(org)


class TestResidenceCertificate(ResourceMatrix):
    list_url_name = "permits:certificate_list"
    detail_url_name = "permits:certificate_detail"
    api_basename = "residencecertificate"
    readers = READERS
    api_readers = API_READERS

    def make(self, org):
        application = walk_in(org)
        return ResidenceCertificate.objects.create(
            application=application,
            station=org.xipeng,
            post=org.park_post,
            number=f"PZ-{application.pk}",
            name=application.name,
            id_number=application.id_number,
            address_text=application.address_text,
        )


class TestResidencePermit(ResourceMatrix):
    list_url_name = "permits:permit_list"
    detail_url_name = "permits:permit_detail"
    api_basename = "residencepermit"
    readers = READERS
    api_readers = API_READERS

    def make(self, org):
        application = walk_in(org, ApplicationKind.PERMIT)
        today = timezone.localdate()
        return ResidencePermit.objects.create(
            application=application,
            station=org.xipeng,
            post=org.park_post,
            number=f"JZ-{application.pk}",
            name=application.name,
            id_number=application.id_number,
            address_text=application.address_text,
            valid_from=today,
            valid_until=today + timedelta(days=365),
        )


class TestEnterpriseRegistration(ResourceMatrix):
    list_url_name = "permits:enterprise_batches"
    detail_url_name = "permits:enterprise_batch"  # the card the page polls
    api_basename = "enterpriseregistration"
    readers = READERS

    def marker(self, obj):
        return f'data-batch="{obj.pk}"'

    def make(self, org):
        from tests.registry.factories import AddressFactory, UnitFactory

        unit = UnitFactory(address=AddressFactory(community=org.yingxin), kind="enterprise")
        return EnterpriseRegistration.objects.create(
            station=org.xipeng,
            enterprise=unit,
            uploaded_by=org.user(XIPENG_DESK),
            file="permits/enterprise/x.csv",
            file_name="workers.csv",
            status=EnterpriseRegistration.Status.DONE,
        )
