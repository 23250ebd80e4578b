"""The scene of the findings tests: a night patrol of 西彭 through 迎新村 by the community
officer, an enterprise of the aluminium park, and photos (a real one and a fake)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.accounts import roles
from apps.core.testing.factories import UserFactory
from apps.core.testing.personas import XIPENG_COMMUNITY
from apps.patrols.findings.services import finding_report
from tests.registry.factories import AddressFactory, UnitFactory


def make_finding(org, *, by=None, **fields):
    fields = {
        "kind": "hazard",
        "description": "迎新村3组路口井盖缺失",
        "place": "迎新村3组路口",
        "community": org.yingxin,
        **fields,
    }
    finding, _created = finding_report(by=by or org.user(XIPENG_COMMUNITY), **fields)
    return finding


def make_unit(org, name="西彭铝业有限公司"):
    return UnitFactory(address=AddressFactory(community=org.yingxin), name=name)


def jpeg(name="photo.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def fake_jpeg() -> SimpleUploadedFile:
    return SimpleUploadedFile(
        "photo.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg"
    )


def shuangfeng_officer(org):
    """A community officer of another station (双凤): has the role, not the scope."""
    return UserFactory(
        username="shuangfeng_community", role=roles.COMMUNITY_OFFICER, station=org.shuangfeng
    )
