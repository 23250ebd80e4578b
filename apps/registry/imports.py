"""Spreadsheet imports of collected population data: read, check row by row, commit.

The same checks run for the preview and again inside the commit's transaction, so that
what is committed is what the database holds at that moment, not at upload time.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from apps.core.idnumbers import parse_id_number

from .choices import PersonCategory
from .models import Person

MAX_ROWS = 200_000
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


class ImportFileError(Exception):
    """The file as a whole cannot be read (wrong type, no header, too many rows)."""


def read_rows(data: bytes, file_name: str) -> Iterator[dict]:
    """Rows of a CSV (UTF-8 or GB18030) or XLSX file as dicts keyed by our field names."""
    if data[:4] == b"PK\x03\x04":
        sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).active
        rows = (
            [("" if v is None else str(v)).strip() for v in row]
            for row in sheet.iter_rows(values_only=True)
        )
    else:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError(_("The file is neither a spreadsheet nor readable text."))
        rows = ([cell.strip() for cell in row] for row in csv.reader(io.StringIO(text)))
    header = next(rows, None)
    if not header:
        raise ImportFileError(_("The file is empty."))
    columns = {}
    for index, title in enumerate(header):
        for name, titles in PERSON_COLUMNS.items():
            if title.strip().lower() in titles:
                columns[name] = index
    missing = [PERSON_COLUMNS[n][0] for n in ("name", "id_number", "category") if n not in columns]
    if missing:
        raise ImportFileError(_("Missing columns: %(columns)s.") % {"columns": "、".join(missing)})
    for count, row in enumerate(rows, start=1):
        if count > MAX_ROWS:
            raise ImportFileError(_("A file may hold at most %(n)d rows.") % {"n": MAX_ROWS})
        if any(row):
            yield {name: row[index] if index < len(row) else "" for name, index in columns.items()}


@dataclass
class CheckedPersons:
    """What a file would do: new persons, updates of registered ones, rejected rows."""

    new: list[Person] = field(default_factory=list)
    updates: list[Person] = field(default_factory=list)
    rejected: list[dict] = field(default_factory=list)
    rejected_count: int = 0
    total: int = 0

    def reject(self, row_number: int, message: str) -> None:
        self.rejected_count += 1
        if len(self.rejected) < MAX_KEPT_REJECTIONS:
            self.rejected.append({"row": row_number, "message": message})


def check_persons(rows, *, station, user, update_existing: bool, progress=None) -> CheckedPersons:
    """Check every row; rows are numbered as in the spreadsheet (the header is row 1)."""
    result = CheckedPersons()
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
        if person is not None and not update_existing:
            result.reject(row_number, _("Already registered; choose to update to overwrite."))
        elif person is not None and person.pk not in in_scope:
            result.reject(row_number, _("Registered at another station."))
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
    person.domicile_province = number[:2]  # bulk_create does not call Person.save()


def _existing_persons(numbers: list[str]) -> dict[str, Person]:
    found = {}
    for start in range(0, len(numbers), 5000):
        chunk = numbers[start : start + 5000]
        found.update({p.id_number: p for p in Person.objects.filter(id_number__in=chunk)})
    return found
