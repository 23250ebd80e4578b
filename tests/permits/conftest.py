"""A citizen from 四川 who lives in 迎新村 (西彭派出所, park post), her documents, and the
park post's community officer who reviews them."""

import io
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.testing.personas import CITIZEN, XIPENG_COMMUNITY
from apps.permits import services
from apps.permits.choices import ApplicationKind, Basis, DocumentKind

ID_NUMBER = make_id_number(region="510104", birth_date=date(1995, 3, 8), sequence=12, gender=FEMALE)
REGISTRATION_DOCUMENTS = (
    DocumentKind.ID_FRONT,
    DocumentKind.ID_BACK,
    DocumentKind.LEASE_OR_PROPERTY,
    DocumentKind.PORTRAIT,
)


def image_bytes(fmt="JPEG", size=(60, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, fmt)
    return out.getvalue()


def upload(content: bytes | None = None, name="photo.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes() if content is None else content)


@pytest.fixture
def citizen(org):
    return org.user(CITIZEN)


@pytest.fixture
def officer(org):
    return org.user(XIPENG_COMMUNITY)


def new_registration(org, citizen, *, id_number=ID_NUMBER, documents=REGISTRATION_DOCUMENTS):
    application = services.application_create(
        by=citizen,
        kind=ApplicationKind.REGISTRATION,
        community=org.yingxin,
        name="王小红",
        id_number=id_number,
        phone="13912345678",
        basis=Basis.EMPLOYMENT,
        basis_detail="西彭铝产业园某公司",
        address_text="迎新村3组12号",
    )
    for kind in documents:
        services.document_add(application=application, by=citizen, upload=upload(), kind=kind)
    return application


@pytest.fixture
def registration(org, citizen):
    """A submitted registration with every document."""
    application = new_registration(org, citizen)
    return services.application_submit(application=application, by=citizen)
