"""Every registry page and endpoint against every persona (apps.core.testing.matrix)."""

from apps.core.testing.matrix import BUREAU_ADMINS, STATION_STAFF, ResourceMatrix
from apps.core.testing.personas import (
    SHUANGFENG_DESK,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
    XIPENG_LEADER,
)
from apps.registry.models import ImportBatch

from .factories import (
    AddressFactory,
    FocusRecordFactory,
    HotelStayFactory,
    HousingFactory,
    PersonFactory,
    UnitFactory,
)

REGISTRY_READERS = STATION_STAFF | BUREAU_ADMINS
REGISTRY_WRITERS = {XIPENG_COMMUNITY, XIPENG_LEADER} | BUREAU_ADMINS


class TestAddress(ResourceMatrix):
    list_url_name = "registry:address_list"
    detail_url_name = "registry:address_detail"
    update_url_name = "registry:address_update"
    api_basename = "address"
    readers = REGISTRY_READERS
    writers = REGISTRY_WRITERS
    api_patch = {"room": "302"}

    def make(self, org):
        return AddressFactory(community=org.yingxin)


class TestPerson(ResourceMatrix):
    list_url_name = "registry:person_list"
    detail_url_name = "registry:person_detail"
    update_url_name = "registry:person_update"
    api_basename = "person"
    readers = REGISTRY_READERS
    writers = REGISTRY_WRITERS | {XIPENG_DESK, SHUANGFENG_DESK}  # desk officers by role
    api_patch = {"domicile_address": "重庆市江津区双福街道"}

    def make(self, org):
        return PersonFactory(station=org.xipeng)


class TestHousing(ResourceMatrix):
    list_url_name = "registry:housing_list"
    detail_url_name = "registry:housing_detail"
    update_url_name = "registry:housing_update"
    api_basename = "housing"
    readers = REGISTRY_READERS
    writers = REGISTRY_WRITERS
    api_patch = {"is_rented": True}

    def make(self, org):
        return HousingFactory(address=AddressFactory(community=org.yingxin))


class TestUnit(ResourceMatrix):
    list_url_name = "registry:unit_list"
    detail_url_name = "registry:unit_detail"
    update_url_name = "registry:unit_update"
    api_basename = "unit"
    readers = REGISTRY_READERS
    writers = REGISTRY_WRITERS
    api_patch = {"staff_count": 200}

    def make(self, org):
        return UnitFactory(address=AddressFactory(community=org.yingxin))


class TestHotelStay(ResourceMatrix):
    list_url_name = "registry:hotelstay_list"
    api_basename = "hotelstay"
    readers = REGISTRY_READERS
    writers = REGISTRY_WRITERS
    api_patch = {"room": "8808"}

    def make(self, org):
        hotel = UnitFactory(address=AddressFactory(community=org.yingxin))
        return HotelStayFactory(hotel=hotel, person=PersonFactory(station=org.xipeng))

    def marker(self, obj):
        return obj.person.name


class TestFocusRecord(ResourceMatrix):
    """Focus-person records: a permission of their own — the desk officer, whose role reads
    the registry, must not see them."""

    api_basename = "focusrecord"
    readers = {XIPENG_COMMUNITY, XIPENG_CASE, XIPENG_LEADER} | BUREAU_ADMINS
    writers = REGISTRY_WRITERS
    api_patch = {"reason": "复查后维持关注"}

    def make(self, org):
        return FocusRecordFactory(
            person=PersonFactory(station=org.xipeng),
            responsible_officer=org.user(XIPENG_COMMUNITY),
        )


class TestImportBatch(ResourceMatrix):
    list_url_name = "registry:import_list"
    detail_url_name = "registry:import_detail"
    readers = {XIPENG_COMMUNITY, XIPENG_LEADER} | BUREAU_ADMINS

    def make(self, org):
        return ImportBatch.objects.create(
            station=org.xipeng,
            uploaded_by=org.user(XIPENG_LEADER),
            file="imports/x.csv",
            file_name=f"网格员采集{ImportBatch.objects.count()}.csv",
            status="checked",
        )
