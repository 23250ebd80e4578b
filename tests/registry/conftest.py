from datetime import date

import pytest

from apps.core.idnumbers import FEMALE

from .factories import WANG_XIAOHONG, PersonFactory


@pytest.fixture
def wang(org):
    """王小红 of 西彭, whom the desk looks for by number, pinyin or initials."""
    return PersonFactory(
        station=org.xipeng,
        name="王小红",
        id_number=WANG_XIAOHONG,
        birth_date=date(1990, 5, 4),
        gender=FEMALE,
        phone="13983464184",
    )


@pytest.fixture
def others(org):
    """Names that share a start with 王小红's keys, and one that does not."""
    return [
        PersonFactory(station=org.xipeng, name="王小明"),  # wxm, wangxiaoming
        PersonFactory(station=org.xipeng, name="吴晓辉"),  # wxh too
        PersonFactory(station=org.xipeng, name="李强"),
    ]
