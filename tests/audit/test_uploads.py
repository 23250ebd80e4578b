"""Uploads (issue 10, item 5): the permits issue's attack files against every upload field
of the workbench — pages and API, officers', citizens' and invited parties' — each refused
with the upload check's own message (a 4xx, or the form's or page's error) and nothing
stored; a file named to climb out of its folder is stored, if at all, under a name of its
own inside the private folder.

Every FileField and every upload endpoint is listed in TARGETS; the first test keeps the
list complete.
"""

import io
import json
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from PIL import Image

from apps.core import spreadsheets, uploads
from apps.core.testing.personas import (
    JLP_ADMIN,
    MEDIATOR,
    XIPENG_CASE,
    XIPENG_COMMUNITY,
    XIPENG_DESK,
)
from apps.core.testing.workbooks import workbook
from tests.mediation.helpers import consent_all

MB = 1024 * 1024


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


NAME_ID = ["姓名", "身份证号码"]


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_macros() -> bytes:
    book = zipfile.ZipFile(io.BytesIO(workbook(NAME_ID)))
    members = {name: book.read(name) for name in book.namelist()}
    return zipped({**members, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0 macro"})


SCRIPT_SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
)
SCRIPT_HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
PDF_JS = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Names << /JavaScript 2 0 R >> >> endobj\n%%EOF"
PDF_OPEN = b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF"
ZIP = zipped({"readme.txt": b"not a document"})

# The permits issue's attacks, for a field taking photos and PDFs (or photos only)...
FILE_ATTACKS = [
    ("a renamed non-image", "photo.jpg", b"GIF89a this is no JPEG"),
    ("an empty file", "photo.png", b""),
    ("an SVG with a script renamed .png", "photo.png", SCRIPT_SVG),
    ("an HTML page renamed .png", "photo.png", SCRIPT_HTML),
    ("a PDF with JavaScript", "scan.pdf", PDF_JS),
    ("a PDF that opens an action", "scan.pdf", PDF_OPEN),
    ("a ZIP renamed .pdf", "scan.pdf", ZIP),
]
# ...and for one taking spreadsheets.
SHEET_ATTACKS = [
    ("a ZIP that is no workbook renamed .xlsx", "list.xlsx", ZIP),
    ("a workbook with macros", "list.xlsx", with_macros()),
    ("a photo renamed .csv", "list.csv", png()),
    ("an HTML page renamed .xlsx", "list.xlsx", SCRIPT_HTML),
    ("a renamed non-spreadsheet", "list.xlsx", b"GIF89a no workbook"),
    ("an empty file", "list.csv", b""),
]


@dataclass
class Target:
    """One upload field: how to post to it (`post(scene, upload)` -> response), what it
    takes (files or sheets), its size limit and the model whose rows hold its uploads."""

    name: str
    post: Callable
    takes: str  # "files" (photos, PDFs) or "sheets" (XLSX, CSV)
    limit: int
    model: str
    api: bool = False


@dataclass
class Scene:
    org: object
    incident: object
    case: object
    application: object
    dispute: object
    invitation: str
    enterprise: object
    patrol: object


def signed_in(scene, persona) -> Client:
    client = Client()
    client.force_login(scene.org.user(persona))
    return client


def html(client, url, upload, field="file", **data):
    return client.post(url, {**data, field: upload}, follow=True)


def api_post(client, url, upload, field="file", **data):
    return client.post(url, {**data, field: upload})


def as_citizen(scene):
    client = Client()
    client.force_login(scene.application.applicant)
    return client


def as_contact(scene):
    client = Client()
    client.force_login(scene.enterprise.contacts.first().user)
    return client


TARGETS = [
    Target(
        "incident attachment (page)",
        lambda s, f: html(
            signed_in(s, XIPENG_DESK), reverse("cases:incident_attach", args=[s.incident.pk]), f
        ),
        "files",
        20 * MB,
        "cases.incidentattachment",
    ),
    Target(
        "case evidence (page)",
        lambda s, f: html(
            signed_in(s, XIPENG_CASE),
            reverse("cases:case_evidence", args=[s.case.pk]),
            f,
            kind="photo",
        ),
        "files",
        50 * MB,
        "cases.caseevidence",
    ),
    Target(
        "case evidence (API)",
        lambda s, f: api_post(
            signed_in(s, XIPENG_CASE), reverse("case-evidence", args=[s.case.pk]), f, kind="photo"
        ),
        "files",
        50 * MB,
        "cases.caseevidence",
        api=True,
    ),
    Target(
        "permit document (portal)",
        lambda s, f: html(
            as_citizen(s),
            reverse("permits:portal_upload", args=[s.application.pk]),
            f,
            kind="id_front",
        ),
        "files",
        10 * MB,
        "permits.applicationdocument",
    ),
    Target(
        "permit document (API)",
        lambda s, f: api_post(
            as_citizen(s),
            reverse("permitapplication-documents", args=[s.application.pk]),
            f,
            kind="id_front",
        ),
        "files",
        10 * MB,
        "permits.applicationdocument",
        api=True,
    ),
    Target(
        "agreement scan (page)",
        lambda s, f: html(
            signed_in(s, XIPENG_DESK),
            reverse("mediation:dispute_action", args=[s.dispute.pk, "agreement"]),
            f,
            field="scan",
            terms="双方和解",
        ),
        "files",
        20 * MB,
        "mediation.agreement",
    ),
    Target(
        "agreement scan (API)",
        lambda s, f: api_post(
            signed_in(s, XIPENG_DESK),
            reverse("dispute-agreement", args=[s.dispute.pk]),
            f,
            field="scan",
            terms="双方和解",
        ),
        "files",
        20 * MB,
        "mediation.agreement",
        api=True,
    ),
    Target(
        "mediation committee's seal (admin)",
        lambda s, f: html(
            signed_in(s, JLP_ADMIN),
            reverse("admin:mediation_mediationcommittee_add"),
            f,
            field="seal_upload",
            station=s.org.xipeng.pk,
            name="迎新村人民调解委员会",
            kind="village",
        ),
        "files",
        2 * MB,
        "mediation.mediationcommittee",
    ),
    Target(
        "mediation thread attachment (page)",
        lambda s, f: html(
            signed_in(s, MEDIATOR),
            reverse("mediation:dispute_action", args=[s.dispute.pk, "message"]),
            f,
            text="材料",
        ),
        "files",
        20 * MB,
        "mediation.threadmessage",
    ),
    Target(
        "mediation thread attachment (invitation link)",
        lambda s, f: html(Client(), s.invitation, f, text="材料"),
        "files",
        20 * MB,
        "mediation.threadmessage",
    ),
    Target(
        "patrol finding photo (API, new finding)",
        lambda s, f: api_post(
            signed_in(s, XIPENG_COMMUNITY),
            reverse("patrol-finding-list"),
            f,
            field="photo",
            kind="hazard",
            description="护栏松动",
            patrol=s.patrol.pk,
            client_id=str(uuid.uuid4()),
        ),
        "files",
        10 * MB,
        "patrols.finding",
        api=True,
    ),
    Target(
        "registry import (page)",
        lambda s, f: html(
            signed_in(s, XIPENG_COMMUNITY), reverse("registry:import_create"), f, kind="persons"
        ),
        "sheets",
        30 * MB,
        "registry.importbatch",
    ),
    Target(
        "enterprise workers (page)",
        lambda s, f: html(
            signed_in(s, XIPENG_DESK),
            reverse("permits:enterprise_batches"),
            f,
            enterprise=s.enterprise.pk,
        ),
        "sheets",
        10 * MB,
        "permits.enterpriseregistration",
    ),
    Target(
        "enterprise workers (portal)",
        lambda s, f: html(as_contact(s), reverse("permits:portal_enterprise"), f),
        "sheets",
        10 * MB,
        "permits.enterpriseregistration",
    ),
    Target(
        "enterprise workers (API)",
        lambda s, f: api_post(
            signed_in(s, XIPENG_DESK),
            reverse("enterpriseregistration-list"),
            f,
            enterprise=s.enterprise.pk,
        ),
        "sheets",
        10 * MB,
        "permits.enterpriseregistration",
        api=True,
    ),
    Target(
        "duty roster import (page)",
        lambda s, f: html(signed_in(s, XIPENG_DESK), reverse("cases:roster_import"), f),
        "sheets",
        5 * MB,
        "cases.dutyshift",
    ),
    Target(
        "hub collision list of numbers (page)",
        lambda s, f: html(
            signed_in(s, XIPENG_DESK),
            reverse("registry:hub_collision"),
            f,
            field="numbers_file",
            left="hotel_stays",
            start="2026-01-01",
            end="2026-01-31",
            right="list",
        ),
        "sheets",
        2 * MB,
        "registry.person",
    ),
]
# Files uploaded through a form field of a model, and where TARGETS covers them.
FILE_FIELDS = {
    "cases.incidentattachment.file": "incident attachment (page)",
    "cases.caseevidence.file": "case evidence (page)",
    "permits.applicationdocument.file": "permit document (portal)",
    "permits.residencepermit.photo": "a copy of the application's checked portrait",
    "permits.enterpriseregistration.file": "enterprise workers (page)",
    "mediation.agreement.scan": "agreement scan (page)",
    "mediation.threadmessage.file": "mediation thread attachment (page)",
    "mediation.mediationcommittee.seal": "mediation committee's seal (admin)",
    "patrols.finding.photo": "patrol finding photo (API, new finding)",
    "registry.importbatch.file": "registry import (page)",
}


@pytest.fixture
def scene(org):
    from apps.cases.models import IncidentCategory
    from apps.cases.services import case_open, incident_report
    from apps.mediation import services as mediation
    from apps.mediation.models import Mediator
    from apps.permits.models import EnterpriseContact
    from apps.permits.services import application_create
    from apps.registry.choices import UnitKind
    from tests.mediation.conftest import two_parties
    from tests.patrols.factories import make_patrol
    from tests.registry.factories import AddressFactory, UnitFactory

    desk = org.user(XIPENG_DESK)
    fights = IncidentCategory.objects.create(
        bureau=org.jiulongpo, code="02", name="治安·打架斗殴", kind="public_order"
    )
    fight = IncidentCategory.objects.create(
        bureau=org.jiulongpo, parent=fights, code="0201", name="打架斗殴", kind="public_order"
    )
    incident, _ = incident_report(
        by=desk, source="110", place_text="迎新村3组", category=fight, client_id=uuid.uuid4()
    )
    dispute = mediation.dispute_receive(
        by=desk,
        source="walk_in",
        category="neighbour",
        description="邻居漏水纠纷",
        community=org.yingxin,
        parties=two_parties(),
    )
    mediator = Mediator.objects.create(
        station=org.xipeng, name="王调解", kind="peoples", user=org.user(MEDIATOR)
    )
    mediation.dispute_assess(dispute=dispute, by=desk, risk_level="low")
    mediation.dispute_assign(dispute=dispute, mediator=mediator, by=desk)
    consent_all(dispute, desk)
    token = mediation.invitation_token(party=dispute.parties.first(), by=desk)
    enterprise = UnitFactory(
        station=org.xipeng, kind=UnitKind.ENTERPRISE, address=AddressFactory(community=org.yingxin)
    )
    EnterpriseContact.objects.create(unit=enterprise, user=org.user("citizen"))
    patrol = make_patrol(org)
    application = application_create(
        by=org.user("citizen"),
        kind="registration",
        community=org.yingxin,
        name="王小红",
        id_number="500107199001011238",
        phone="13912345678",
        address_text="迎新村3组12号",
        basis="employment",
    )
    return Scene(
        org=org,
        incident=incident,
        case=case_open(by=org.user(XIPENG_CASE), kind="public_security", title="斗殴"),
        application=application,
        dispute=dispute,
        invitation=reverse("mediation:join", args=[dispute.pk, token]),
        enterprise=enterprise,
        patrol=patrol,
    )


@pytest.fixture
def refusals(monkeypatch):
    """The messages the upload checks refused with, in the order they did."""
    said = []
    refuse = uploads._refuse

    def recording(message, reason):
        said.append(str(message))
        refuse(message, reason)

    monkeypatch.setattr(uploads, "_refuse", recording)
    return said


def stored_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def rows_of(target) -> int:
    model = apps.get_model(target.model)
    if target.model == "patrols.finding":  # the finding may be saved; its photo not
        return model.objects.exclude(photo="").count()
    return model.objects.count()


def empty_file_message(target) -> str:
    from django import forms
    from rest_framework import serializers

    field = serializers.FileField if target.api else forms.FileField
    with translation.override(settings.LANGUAGE_CODE):
        return str(field.default_error_messages["empty"])


def shown(target, response, message) -> bool:
    """The refusal reaches the user: the API's error, or the page (form error, message)."""
    if target.api:
        body = response.json()
        return response.status_code == 400 and message in json.dumps(body, ensure_ascii=False)
    return response.status_code in (200, 400) and escape(message) in response.content.decode()


def test_every_file_field_is_attacked():
    fields = {
        f"{model._meta.label_lower}.{f.name}"
        for model in apps.get_models()
        for f in model._meta.concrete_fields
        if isinstance(f, models.FileField)
    }
    assert fields == set(FILE_FIELDS)
    names = {t.name for t in TARGETS}
    assert {v for v in FILE_FIELDS.values() if not v.startswith("a copy")} <= names


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_attack_files_are_refused_with_the_checks_message_and_nothing_is_stored(
    scene, target, refusals, settings
):
    attacks = FILE_ATTACKS if target.takes == "files" else SHEET_ATTACKS
    oversized = b"%PDF-1.4\n" if target.takes == "files" else "姓名\n".encode()
    big = ("big.pdf" if target.takes == "files" else "big.csv", oversized.ljust(target.limit + 1))
    failures = []
    for label, name, content in [*attacks, ("an oversized file", *big)]:
        before_rows, before_files = rows_of(target), stored_files(settings)
        refusals.clear()
        response = target.post(scene, SimpleUploadedFile(name, content))
        if not content:  # the form's (or serializer's) field refuses it before the checks
            refusals.append(empty_file_message(target))
        if not refusals:
            failures.append(f"{label}: not refused by the upload checks ({response.status_code})")
        elif not shown(target, response, refusals[-1]):
            failures.append(f"{label}: {refusals[-1]!r} not shown ({response.status_code})")
        if rows_of(target) != before_rows or stored_files(settings) != before_files:
            failures.append(f"{label}: something was stored")
    assert failures == []


@pytest.mark.parametrize("target", TARGETS, ids=lambda t: t.name)
def test_a_name_climbing_out_of_the_folder_stays_inside_under_a_name_of_its_own(
    scene, target, settings, tmp_path
):
    name, content = ("../../x.png", png()) if target.takes == "files" else ("../../x.csv", b"a\n")
    target.post(scene, SimpleUploadedFile(name, content))
    root = Path(settings.PRIVATE_MEDIA_ROOT).resolve()
    for climbed in (tmp_path.parent, tmp_path):
        assert not (climbed / "x.png").exists() and not (climbed / "x.csv").exists()
    assert not [p for p in tmp_path.rglob("x.*")]
    for path in stored_files(settings):
        assert path.resolve().is_relative_to(root) and "x." not in path.name


def test_a_workbook_that_unpacks_beyond_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_UNPACKED_BYTES", 1000)
    with pytest.raises(uploads.UploadRefused, match="表格过大"):
        uploads.check_spreadsheet(SimpleUploadedFile("list.xlsx", workbook(NAME_ID)), max_bytes=MB)


def test_real_lists_pass_the_spreadsheet_check():
    for name, content in (
        ("l.xlsx", workbook(NAME_ID)),
        ("l.csv", "姓名\n王小红\n".encode("gb18030")),
    ):
        checked = uploads.check_spreadsheet(SimpleUploadedFile(name, content), max_bytes=MB)
        assert checked.content == content and name.endswith(checked.extension)
