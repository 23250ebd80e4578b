"""Where the applicant's household is registered (户籍地), and whether that is this city.

居住证暂行条例 第二条: the residence permit is for citizens who leave their permanent
household's city (常住户口所在地的城市) to live in another; someone registered in this city
is refused a permit, and residence registration (居住登记) stays open to them.

The city is judged on region codes (GB/T 2260): the first four digits name a prefecture-level
city, except for the four municipalities, where the first two do (Chongqing is 50: 九龙坡
500107 and 渝北 500112 are one city). This city's code is the sub-bureau's region code (its
`code`, when that is six digits, as 500107 is), else the setting PERMITS_HOME_REGION.
"""

import re

from django.conf import settings
from django.utils.translation import gettext as _

from apps.core.errors import DomainError
from apps.core.idnumbers import PROVINCES

MUNICIPALITIES = {"11", "12", "31", "50"}
REGION = re.compile(r"[1-9]\d{5}")


def city_of(region: str) -> str:
    """The part of a region code that names its city: 50 for any Chongqing code, 5101 for
    any Chengdu one."""
    return region[:2] if region[:2] in MUNICIPALITIES else region[:4]


def home_region(station) -> str:
    """The region code of the city the station serves."""
    code = station.bureau.code or ""
    return code if REGION.fullmatch(code) else settings.PERMITS_HOME_REGION


def is_valid_region(region: str) -> bool:
    return bool(REGION.fullmatch(region or "")) and region[:2] in PROVINCES


def is_local(household_region: str, station) -> bool:
    return bool(household_region) and city_of(household_region) == city_of(home_region(station))


def check_away_from_home(*, household_region: str, station) -> None:
    """Refuse a permit to an applicant registered in this city (第二条), saying why."""
    if is_local(household_region, station):
        raise DomainError(
            _(
                "A residence permit is for people living away from the city of their household"
                " registration (居住证暂行条例 第二条); this applicant's household is registered"
                " in this city (%(region)s). Residence registration remains open to them."
            )
            % {"region": household_region},
            code="household_in_city",
        )
