"""Issue 16, item 13: official numbers are the station's organ code (公安机关机构代码), the
kind's letters, the year and the sequence — digits a person reads aloud over a radio, no
pinyin — unique per station, kind and year and without gaps (apps/stations/numbers.py)."""

import importlib
import re
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from freezegun import freeze_time

from apps.cases.models import Incident
from apps.cases.services import case_open, incident_report
from apps.core.errors import DomainError
from apps.core.testing.factories import StationFactory
from apps.core.testing.personas import SHUANGFENG_DESK, XIPENG_CASE, XIPENG_DESK
from apps.mediation.services import dispute_receive
from apps.stations.models import Station
from apps.stations.numbers import SERIES_DIGITS, record_number
from devtools.demo.stations import seed_organisation

OFFICIAL = re.compile(r"^[0-9]{12}(JQ|XS|ZA|TJ|PZ|JZ)20[0-9]{2}[0-9]{5,6}$")


def call(org, persona=XIPENG_DESK, **kwargs):
    incident, _created = incident_report(
        by=org.user(persona), source="110", place_text="迎新村3组", **kwargs
    )
    return incident


def test_a_number_is_the_organ_code_the_letters_the_year_and_the_sequence(org):
    assert record_number(org.xipeng, "JQ", 2026, 12) == "500107530100JQ2026000012"
    assert record_number(org.xipeng, "ZA", 2026, 7) == "500107530100ZA202600007"
    for series in SERIES_DIGITS:
        assert OFFICIAL.match(record_number(org.shuangfeng, series, 2026, 1))


def test_every_kind_of_record_is_numbered_in_the_official_form(org):
    incident = call(org)
    case = case_open(by=org.user(XIPENG_CASE), kind="criminal", title="入室盗窃")
    dispute = dispute_receive(
        by=org.user(XIPENG_DESK),
        source="walk_in",
        category="neighbour",
        description="邻居漏水纠纷",
        parties=[
            {"role": "applicant", "name": "张三", "phone": "13983001234"},
            {"role": "respondent", "name": "李四", "phone": "13983005678"},
        ],
    )
    for record in (incident, case, dispute):
        assert OFFICIAL.match(record.number), record.number
        assert record.number.startswith(org.xipeng.organ_code)
        assert "xipeng" not in record.number


def test_each_station_counts_its_own_numbers_from_one_and_never_shares_one(org):
    with freeze_time("2026-05-01 09:00"):
        xipeng = [call(org).number for _ in range(3)]
        shuangfeng = [call(org, SHUANGFENG_DESK).number for _ in range(2)]
    assert xipeng == [f"500107530100JQ2026{n:06d}" for n in (1, 2, 3)]
    assert shuangfeng == [f"500112530100JQ2026{n:06d}" for n in (1, 2)]
    numbers = list(Incident.objects.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers)) == 5


def test_the_year_of_a_number_is_the_local_year(org):
    """2026-12-31 16:30 UTC is already 2027-01-01 00:30 in Shanghai."""
    with freeze_time("2026-12-31 15:30"):
        december = call(org)
    with freeze_time(datetime(2026, 12, 31, 16, 30, tzinfo=UTC)):
        new_year = call(org)
    assert december.number == "500107530100JQ2026000001"
    assert new_year.number == "500107530100JQ2027000001"


def test_a_refused_incident_takes_no_number(org):
    call(org)
    with pytest.raises(DomainError):
        # refused by the record's own check, after its number was taken: rolled back
        call(org, caller_name="张" * 51)
    assert call(org).number == f"{org.xipeng.organ_code}JQ{timezone.localdate().year}000002"


def test_the_organ_code_is_twelve_digits_and_one_stations_own(org):
    station = StationFactory.build(bureau=org.jiulongpo, organ_code="50010753010")
    with pytest.raises(ValidationError) as refused:
        station.full_clean()
    assert "organ_code" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        StationFactory(bureau=org.jiulongpo, organ_code=org.xipeng.organ_code)


def test_the_demo_stations_carry_distinct_organ_codes_of_their_district(db):
    seed_organisation()
    codes = dict(Station.objects.values_list("organ_code", "bureau__code"))
    assert len(codes) == Station.objects.count() == 15
    assert all(organ.startswith(bureau) and len(organ) == 12 for organ, bureau in codes.items())
    assert Station.objects.get(name="西彭派出所").organ_code == "500107530100"


def test_the_migration_gives_old_numbers_the_organ_code(org):
    """Numbers given before organ codes (…-xipeng-JQ…) are renumbered by the migration
    that brought them, with a provisional code from the sub-bureau's."""
    migration = importlib.import_module("apps.stations.migrations.0004_station_organ_code")
    old = call(org)
    Station.objects.filter(pk=org.shiqiaopu.pk).delete()  # (no records: keeps codes unique)
    Station.objects.filter(pk=org.xipeng.pk).update(organ_code="")
    Incident.objects.filter(pk=old.pk).update(number="500107-xipeng-JQ2026000001")
    migration.give_organ_codes(apps, None)
    org.xipeng.refresh_from_db()
    old.refresh_from_db()
    assert org.xipeng.organ_code == "500107530100"
    assert old.number == "500107530100JQ2026000001"
