"""Citizen ID numbers (居民身份证号码, GB 11643-1999).

18 characters: a 6-digit region code, the date of birth (YYYYMMDD), a 3-digit sequence whose
last digit is odd for men and even for women, and an ISO 7064 MOD 11-2 check character
(0-9 or X). `parse_id_number` says exactly what is wrong with a bad one.

Residence permits of Hong Kong, Macao and Taiwan residents (港澳台居民居住证申领发放办法, 2018)
carry numbers of the same form with the address codes 810000, 820000 and 830000.

First-generation numbers (15 digits: the year in two digits, no check character) are read as
the 18-character number they became (GB 11643-1999 附录: "19" goes before the year and the
check character is computed), so an import or a look-up by an old number finds the person.
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARACTERS = "10X98765432"
PROVINCES = {
    "11": "北京",
    "12": "天津",
    "13": "河北",
    "14": "山西",
    "15": "内蒙古",
    "21": "辽宁",
    "22": "吉林",
    "23": "黑龙江",
    "31": "上海",
    "32": "江苏",
    "33": "浙江",
    "34": "安徽",
    "35": "福建",
    "36": "江西",
    "37": "山东",
    "41": "河南",
    "42": "湖北",
    "43": "湖南",
    "44": "广东",
    "45": "广西",
    "46": "海南",
    "50": "重庆",
    "51": "四川",
    "52": "贵州",
    "53": "云南",
    "54": "西藏",
    "61": "陕西",
    "62": "甘肃",
    "63": "青海",
    "64": "宁夏",
    "65": "新疆",
    "71": "台湾",
    "81": "香港",
    "82": "澳门",
    # Only as 830000: the numbers of Taiwan residents' residence permits.
    "83": "台湾居民居住证",
}
# Province codes that are valid with one address code only.
ONLY_REGION = {"83": "830000"}
MALE, FEMALE = "male", "female"


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: date
    gender: str
    province: str  # two-digit code, see PROVINCES


def check_character(first17: str) -> str:
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(first17, WEIGHTS, strict=True)) % 11]


def upgrade_15(value: str) -> str:
    """A first-generation 15-digit number as 18 characters (born 19xx); other values as
    they are."""
    if len(value) == 15 and value.isdigit():
        first17 = f"{value[:6]}19{value[6:]}"
        return first17 + check_character(first17)
    return value


def normalise(raw: str) -> str:
    """What the number is stored and looked up as: no spaces, upper-case X, 18 characters."""
    return upgrade_15((raw or "").strip().upper())


def parse_id_number(raw: str) -> IdNumber:
    """The normalised number and what it says, or a ValidationError naming the fault."""
    value = normalise(raw)
    if len(value) != 18:
        raise ValidationError(
            _("An ID number has 18 characters; this one has %(count)d."),
            code="id_length",
            params={"count": len(value)},
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("An ID number has only digits, and X only as its last character."),
            code="id_characters",
        )
    if value[:2] not in PROVINCES:
        raise ValidationError(
            _("The ID number starts with %(code)s, which is no province code."),
            code="id_region",
            params={"code": value[:2]},
        )
    only = ONLY_REGION.get(value[:2])
    if only and value[:6] != only:
        raise ValidationError(
            _("The ID number starts with %(code)s, which is no province code."),
            code="id_region",
            params={"code": value[:6]},
        )
    if int(value[6:10]) < 1900:
        # Said as it is (not "a typing error"): nobody now alive was born before 1900.
        raise ValidationError(
            _("The date of birth in the ID number (%(digits)s) is before 1900."),
            code="id_birth_before_1900",
            params={"digits": value[6:14]},
        )
    try:
        birth = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise ValidationError(
            _("The date of birth in the ID number (%(digits)s) is not a real date."),
            code="id_birth_date",
            params={"digits": value[6:14]},
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("The date of birth in the ID number (%(birth)s) is impossible."),
            code="id_birth_date",
            params={"birth": birth.isoformat()},
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise ValidationError(
            _("The last character should be %(expected)s: the number has a typing error."),
            code="id_check",
            params={"expected": expected},
        )
    gender = MALE if int(value[16]) % 2 else FEMALE
    return IdNumber(value=value, birth_date=birth, gender=gender, province=value[:2])


def make_id_number(*, region: str, birth_date: date, sequence: int, gender: str) -> str:
    """A valid number for demo and benchmark data (the sequence's parity is set by gender)."""
    sequence = sequence % 500 * 2 + (1 if gender == MALE else 0)
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
