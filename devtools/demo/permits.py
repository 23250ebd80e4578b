"""Demo residence registrations at 西彭园区警务站, replaying the seeds; idempotent (keyed on
the demo citizen's account).

- 王小红 (demo citizen 13983461234) registered eight months ago, got her certificate, and
  now holds a residence permit; her portal shows both, with their QR codes.
- The park post's queue has work on it: two new registrations, one waiting for the
  employment proof the officer asked for, one resubmitted.
- 周经理 (13983461400) is the contact person of the park's enterprise: from the portal he
  uploads its workers' list at /apply/enterprise/.
"""

import io
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.core.idnumbers import FEMALE, MALE, make_id_number
from apps.permits import services
from apps.permits.choices import ApplicationKind, Basis, DocumentKind
from apps.permits.models import (
    ApplicationEvent,
    EnterpriseContact,
    PermitApplication,
    ResidenceCertificate,
)
from apps.registry.choices import UnitKind
from apps.registry.models import Unit
from apps.stations.models import Community, Post
from devtools.demo.accounts import DEMO_PASSWORD

DEMO_CITIZEN = "13983461234"
DEMO_CONTACT = "13983461400"


def _photo(text: str) -> ContentFile:
    image = Image.new("RGB", (480, 300), (232, 238, 246))
    ImageDraw.Draw(image).text((20, 20), text, fill=(20, 40, 90))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return ContentFile(out.getvalue(), name="demo.jpg")


def _register(*, by, community, name, id_number, phone, basis, address_text, detail=""):
    application = services.application_create(
        by=by,
        kind=ApplicationKind.REGISTRATION,
        community=community,
        name=name,
        id_number=id_number,
        phone=phone,
        basis=basis,
        basis_detail=detail,
        address_text=address_text,
    )
    for kind in (
        DocumentKind.ID_FRONT,
        DocumentKind.ID_BACK,
        DocumentKind.LEASE_OR_PROPERTY,
        DocumentKind.PORTRAIT,
    ):
        services.document_add(
            application=application, by=by, upload=_photo(f"{name} {kind}"), kind=kind
        )
    return services.application_submit(application=application, by=by)


def _review_and_approve(application, officer) -> None:
    """As the officer does on the tablet: open each document, then approve."""
    for document in application.documents.select_related("application"):
        services.document_opened(document=document, by=officer)
    services.application_approve(application=application, by=officer)


def _citizen(phone: str, family: str, given: str) -> User:
    from django.contrib.auth.models import Group

    user, created = User.objects.get_or_create(
        username=phone,
        defaults={
            "phone": phone,
            "kind": UserKind.CITIZEN,
            "last_name": family,
            "first_name": given,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(*Group.objects.filter(name=roles.CITIZEN))
    return user


@transaction.atomic
def seed_permits() -> int:
    """Returns the applications created on this run."""
    park = Post.objects.filter(name="西彭园区警务站").select_related("station").first()
    officer = User.objects.filter(username="xipeng_community").first()
    if park is None or officer is None or User.objects.filter(username=DEMO_CITIZEN).exists():
        return 0
    community = Community.objects.filter(post=park).order_by("name").first()
    if community is None:
        return 0
    citizen = _citizen(DEMO_CITIZEN, "王", "小红")
    registration = _register(
        by=citizen,
        community=community,
        name="王小红",
        id_number=make_id_number(
            region="510104", birth_date=date(1995, 3, 8), sequence=61, gender=FEMALE
        ),
        phone=DEMO_CITIZEN,
        basis=Basis.EMPLOYMENT,
        address_text=f"{community.name}3组12号",
        detail="西彭铝产业园 某铝业公司",
    )
    _review_and_approve(registration, officer)
    # Eight months ago, so that the permit has been possible for two.
    eight_months_ago = timezone.now() - relativedelta(months=8)
    ResidenceCertificate.objects.filter(application=registration).update(issued_at=eight_months_ago)
    PermitApplication.objects.filter(pk=registration.pk).update(
        created_at=eight_months_ago,
        submitted_at=eight_months_ago,
        accepted_at=eight_months_ago,
        decided_at=eight_months_ago,
    )
    ApplicationEvent.objects.filter(application=registration).update(at=eight_months_ago)
    registration.refresh_from_db()
    permit_application = services.permit_application_start(
        certificate=registration.certificate, by=citizen
    )
    services.document_add(
        application=permit_application,
        by=citizen,
        upload=_photo("劳动合同"),
        kind=DocumentKind.EMPLOYMENT_OR_STUDY,
    )
    services.application_submit(application=permit_application, by=citizen)
    _review_and_approve(permit_application, officer)
    created = 2

    waiting = [
        ("13983461301", "刘", "建", MALE, Basis.EMPLOYMENT, "某铝业公司"),
        ("13983461302", "陈", "芳", FEMALE, Basis.HOUSING, ""),
        ("13983461303", "赵", "伟", MALE, Basis.EMPLOYMENT, "某物流公司"),
        ("13983461304", "孙", "丽", FEMALE, Basis.STUDY, "西彭职业学校"),
    ]
    for n, (phone, family, given, gender, basis, detail) in enumerate(waiting):
        person = _citizen(phone, family, given)
        application = _register(
            by=person,
            community=community,
            name=f"{family}{given}",
            id_number=make_id_number(
                region="520102",
                birth_date=date(1990 + n, 5, 1 + n),
                sequence=70 + n,
                gender=gender,
            ),
            phone=phone,
            basis=basis,
            address_text=f"{community.name}{n + 1}组{20 + n}号",
            detail=detail,
        )
        # Waiting for different lengths of time, so that the queue's order shows.
        PermitApplication.objects.filter(pk=application.pk).update(
            queued_at=timezone.now() - timedelta(hours=30 - n * 7)
        )
        if n == 2:
            services.application_ask_supplement(
                application=application, by=officer, message="请上传劳动合同或在职证明"
            )
        created += 1

    unit = Unit.objects.filter(station=park.station, kind=UnitKind.ENTERPRISE).first()
    if unit is not None:
        EnterpriseContact.objects.create(user=_citizen(DEMO_CONTACT, "周", "经理"), unit=unit)
    return created
