"""Spreadsheet imports of collected population data: read, check row by row, commit.

The file is read by apps.core.spreadsheets.read_table with the columns of COLUMNS[kind]
(header first, rows streamed, the limits on rows and unpacked size).

The same checks run for the preview and again inside the commit's transaction, so that
what is committed is what the database holds at that moment, not at upload time.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.idnumbers import parse_id_number
from apps.core.names import NameValidator, invisible_characters
from apps.stations.models import Community

from .choices import PersonCategory
from .models import Address, HotelStay, Person, Unit
from .selectors import NOT_HERE

MAX_KEPT_REJECTIONS = 5_000  # the preview lists this many; the count covers them all
# Column headers as the grid workers' sheets have them (Chinese) or in English.
PERSON_COLUMNS = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "id_number"),
    "gender": ("性别", "gender"),
    "ethnicity": ("民族", "ethnicity"),
    "phone": ("联系电话", "电话", "手机", "phone"),
    "domicile_address": ("户籍地址", "户籍地", "domicile_address"),
    "category": ("人员类别", "类别", "category"),
}
CATEGORIES = {
    "常住": PersonCategory.PERMANENT,
    "常住人口": PersonCategory.PERMANENT,
    "permanent": PersonCategory.PERMANENT,
    "流动": PersonCategory.FLOATING,
    "流动人口": PersonCategory.FLOATING,
    "floating": PersonCategory.FLOATING,
}
GENDERS = {"男": "male", "女": "female", "male": "male", "female": "female"}
ADDRESS_COLUMNS = {
    "community": ("村（社区）", "村社区", "社区", "村", "community"),
    "road": ("路（街、组）", "路", "街道", "组", "road"),
    "number": ("门牌号", "号", "number"),
    "building": ("栋", "楼栋", "building"),
    "unit": ("单元", "unit"),
    "room": ("室", "房号", "room"),
}
UNIT_COLUMNS = {
    "name": ("名称", "单位名称", "name"),
    "kind": ("类别", "单位类别", "kind"),
    "address": ("标准地址", "地址", "address"),
    "contact_name": ("联系人", "contact"),
    "contact_phone": ("联系电话", "电话", "contact_phone"),
    "staff_count": ("从业人数", "人数", "staff_count"),
}
UNIT_KINDS = {
    "企业": "enterprise",
    "商铺": "shop",
    "旅馆": "hotel",
    "宾馆": "hotel",
    "酒店": "hotel",
    "学校": "school",
    "餐饮": "restaurant",
    "娱乐场所": "entertainment",
    "其他": "other",
}
STAY_COLUMNS = {
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "id_number"),
    "hotel": ("旅馆", "旅馆名称", "hotel"),
    "room": ("房间", "房号", "room"),
    "checked_in_at": ("入住时间", "checked_in_at"),
    "checked_out_at": ("退房时间", "checked_out_at"),
}
# Per kind: the columns and which of them a file must have.
COLUMNS = {
    "persons": (PERSON_COLUMNS, ("name", "id_number", "category")),
    "addresses": (ADDRESS_COLUMNS, ("community", "road", "number")),
    "units": (UNIT_COLUMNS, ("name", "kind", "address")),
    "hotel_stays": (STAY_COLUMNS, ("id_number", "hotel", "checked_in_at")),
}
PERSON_UPDATE_FIELDS = [
    "name",
    "birth_date",
    "gender",
    "ethnicity",
    "phone",
    "domicile_address",
    "category",
    "updated_at",
]


@dataclass
class Checked:
    """What a file would do: new records, updates of registered ones, rejected rows."""

    model: type[Person | Address | Unit | HotelStay]
    update_fields: list[str] = field(default_factory=list)
    new: list = field(default_factory=list)
    updates: list = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0
    total: int = 0

    def reject(self, row_number: int, message: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_KEPT_REJECTIONS:
            self.rejected.append({"row": row_number, "message": message})


def check_persons(rows, *, station, user, update_existing: bool, progress=None) -> Checked:
    """Check every row; rows are numbered as in the spreadsheet (the header is row 1)."""
    result = Checked(Person, PERSON_UPDATE_FIELDS)
    parsed: list[tuple[int, dict, str]] = []
    seen: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        result.total += 1
        problem, number = _check_row(row)
        if problem is None and number in seen:
            problem = _("The same ID number as row %(row)d.") % {"row": seen[number]}
        if problem:
            result.reject(row_number, problem)
            continue
        seen[number] = row_number
        parsed.append((row_number, row, number))
    existing = _existing_persons([number for _n, _r, number in parsed])
    in_scope = set(
        Person.objects.restrict(user, "change")
        .filter(pk__in=[p.pk for p in existing.values()])
        .values_list("pk", flat=True)
    )
    for done, (row_number, row, number) in enumerate(parsed, start=1):
        person = existing.get(number)
        if person is not None and person.pk not in in_scope:
            result.reject(row_number, str(NOT_HERE))
        elif person is not None and not update_existing:
            result.reject(row_number, _("Already registered; choose to update to overwrite."))
        else:
            target = person or Person(station=station, id_number=number)
            _apply(target, row, number)
            (result.updates if person else result.new).append(target)
        if progress and done % 1000 == 0:
            progress(done, len(parsed))
    return result


def _check_row(row: dict) -> tuple[str | None, str]:
    name = row.get("name", "")
    if not name:
        return _("The name is missing."), ""
    if len(name) > 50:
        return _("The name is longer than 50 characters."), ""
    if invisible_characters(name):
        return str(NameValidator.message) % {"chars": ", ".join(invisible_characters(name))}, ""
    try:
        parsed = parse_id_number(row.get("id_number", ""))
    except ValidationError as exc:
        return exc.messages[0], ""
    gender = row.get("gender", "")
    if gender and GENDERS.get(gender.lower()) != parsed.gender:
        return _("The gender does not match the ID number."), ""
    if row.get("category", "").lower() not in CATEGORIES:
        return _("Unknown category “%(value)s”: use 常住 or 流动.") % {
            "value": row.get("category", "")
        }, ""
    phone = row.get("phone", "")
    if phone and (not phone.replace("-", "").isdigit() or not 7 <= len(phone) <= 20):
        return _("The phone number “%(value)s” is not valid.") % {"value": phone}, ""
    return None, parsed.value


def _apply(person: Person, row: dict, number: str) -> None:
    parsed = parse_id_number(number)
    person.name = row["name"]
    person.birth_date, person.gender = parsed.birth_date, parsed.gender
    person.ethnicity = row.get("ethnicity") or person.ethnicity or "汉族"
    person.phone = row.get("phone", "") or person.phone
    person.domicile_address = row.get("domicile_address", "") or person.domicile_address
    person.category = CATEGORIES[row["category"].lower()]


def _existing_persons(numbers: list[str]) -> dict[str, Person]:
    found = {}
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        found.update({p.id_number: p for p in Person.objects.filter(id_number__in=chunk)})
    return found


def check_addresses(rows, *, station, user, update_existing: bool, progress=None) -> Checked:
    """Standard addresses of the station; an address already registered is left as it is."""
    result = Checked(Address)
    communities = {c.name: c for c in Community.objects.filter(station=station)}
    known = set(Address.objects.filter(station=station).values_list("text", flat=True))
    for row_number, row in enumerate(rows, start=2):
        result.total += 1
        community = communities.get(row.get("community", ""))
        if community is None:
            result.reject(
                row_number,
                _("No village / community “%(name)s” at this station.")
                % {"name": row.get("community", "")},
            )
            continue
        if not row.get("road") or not row.get("number"):
            result.reject(row_number, _("The road and the number are required."))
            continue
        address = Address(
            station=station,
            community=community,
            road=row["road"],
            number=row["number"],
            building=row.get("building", ""),
            unit=row.get("unit", ""),
            room=row.get("room", ""),
        )
        address.text = address.compose_text()  # bulk_create does not call save()
        if address.text in known:
            result.reject(row_number, _("This address is already registered."))
            continue
        known.add(address.text)
        result.new.append(address)
    return result


def check_units(rows, *, station, user, update_existing: bool, progress=None) -> Checked:
    """Units at standard addresses of the station, updated by name when the officer chooses."""
    result = Checked(
        Unit, ["kind", "address", "contact_name", "contact_phone", "staff_count", "updated_at"]
    )
    addresses = dict(Address.objects.filter(station=station).values_list("text", "id"))
    existing = {u.name: u for u in Unit.objects.filter(station=station)}
    seen = set()
    for row_number, row in enumerate(rows, start=2):
        result.total += 1
        name, kind = row.get("name", ""), UNIT_KINDS.get(row.get("kind", ""))
        problem = None
        if not name or len(name) > 100:
            problem = _("The name is missing or longer than 100 characters.")
        elif invisible_characters(name + row.get("contact_name", "")):
            problem = str(NameValidator.message) % {
                "chars": ", ".join(invisible_characters(name + row.get("contact_name", "")))
            }
        elif kind is None:
            problem = _("Unknown kind “%(value)s”.") % {"value": row.get("kind", "")}
        elif row.get("address") not in addresses:
            problem = _("The address is not a standard address of this station.")
        elif row.get("staff_count") and not row["staff_count"].isdigit():
            problem = _("The staff count must be a whole number.")
        elif name in seen:
            problem = _("The same name as an earlier row.")
        elif name in existing and not update_existing:
            problem = _("Already registered; choose to update to overwrite.")
        if problem:
            result.reject(row_number, problem)
            continue
        seen.add(name)
        unit = existing.get(name) or Unit(station=station, name=name)
        unit.kind, unit.address_id = kind, addresses[row["address"]]
        unit.contact_name = row.get("contact_name", "")
        unit.contact_phone = row.get("contact_phone", "")
        unit.staff_count = int(row["staff_count"]) if row.get("staff_count") else None
        (result.updates if unit.pk else result.new).append(unit)
    return result


def check_hotel_stays(rows, *, station, user, update_existing: bool, progress=None) -> Checked:
    """Guest registrations of the station's hotels, for persons in the registry."""
    result = Checked(HotelStay)
    hotels = dict(Unit.objects.filter(station=station, kind="hotel").values_list("name", "id"))
    rows = list(rows)
    numbers = []
    for row in rows:
        try:
            numbers.append(parse_id_number(row.get("id_number", "")).value)
        except ValidationError:
            numbers.append(None)
    persons = {
        p.id_number: p.pk
        for p in Person.objects.restrict(user).filter(id_number__in=[n for n in numbers if n])
    }
    for row_number, (row, number) in enumerate(zip(rows, numbers, strict=True), start=2):
        result.total += 1
        checked_in, checked_out = (
            _datetime(row.get("checked_in_at")),
            _datetime(row.get("checked_out_at")),
        )
        problem = None
        if number is None:
            problem = _("The ID number is not valid.")
        elif number not in persons:
            problem = _("This person is not in the registry of your station.")
        elif row.get("hotel") not in hotels:
            problem = _("No hotel “%(name)s” at this station.") % {"name": row.get("hotel", "")}
        elif checked_in is None:
            problem = _("The check-in time must look like 2026-11-21 20:30.")
        elif row.get("checked_out_at") and (checked_out is None or checked_out < checked_in):
            problem = _("The check-out time is missing its form or before the check-in.")
        if problem:
            result.reject(row_number, problem)
            continue
        result.new.append(
            HotelStay(
                station=station,
                person_id=persons[number],
                hotel_id=hotels[row["hotel"]],
                room=row.get("room", ""),
                checked_in_at=checked_in,
                checked_out_at=checked_out,
            )
        )
    return result


def _datetime(value):
    if not value:
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(value.strip(), pattern))
        except ValueError:
            continue
    return None


CHECKERS = {
    "persons": check_persons,
    "addresses": check_addresses,
    "units": check_units,
    "hotel_stays": check_hotel_stays,
}
