"""The site audit (issue 10, items 4 and 5): the demo, completed so that every kind of
record exists, every free-text field holding a probe, walked by every kind of user.

One walk serves three audits, each asserted by its own test module:

- personal data (test_personal_data.py): no answer shows a full ID number or phone unless
  the same request wrote an AccessLog row for its holder;
- XSS (test_xss.py): no HTML answer holds a probe unescaped;
- formula injection (test_exports.py): no spreadsheet cell starts with = + - @ tab or CR.

Everything happens inside one transaction that is rolled back before the tests run: the
result is plain data, so the suite's other tests never see the demo.
"""

import io
import json
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date

from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import resolve, reverse
from openpyxl import load_workbook
from PIL import Image

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.accounts.models import PhoneCode, User
from apps.core.models import AccessLog
from tests.scenes import SCENE_SETTINGS, celery_in_process

from .walk import Page, Walk, routes, start_pages

# --- users and the database --------------------------------------------------------------


@contextmanager
def demo_database(tmp_dir):
    """The demo's records, loaded once for a whole module (seeding takes seconds) inside a
    transaction that is rolled back at the end, as Django's setUpTestData does: each test
    still runs in its own savepoint, and nothing stays for the modules after."""
    with (
        celery_in_process(),
        override_settings(**SCENE_SETTINGS, PRIVATE_MEDIA_ROOT=tmp_dir),
        transaction.atomic(),
    ):
        with override_settings(DEBUG=True):  # seed_demo sets the demo passwords only then
            call_command("seed_demo", verbosity=0)
        yield
        transaction.set_rollback(True)


def officer_of_every_role(username: str, *, station, personal_data: bool) -> User:
    """A 西彭 officer (and admin user) holding every officer role's permissions at once, so
    that one walk opens every page an officer can; with or without the personal data."""
    perms = {
        perm
        for role, role_perms in roles.ROLES.items()
        if role != roles.CITIZEN
        for perm in role_perms
    }
    if not personal_data:
        perms -= set(roles.PERSONAL_DATA)
    group = Group.objects.create(name=f"audit {username}")
    for perm in perms:
        app_label, codename = perm.split(".")
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename=codename)
        )
    user = User.objects.create(username=username, station=station, is_staff=True)
    user.groups.add(group)
    return user


def client_of(user) -> Client:
    client = Client(raise_request_exception=False)  # a 500 is a finding, not a crash
    if user is not None:
        client.force_login(user)
    return client


# --- personal data ---------------------------------------------------------------------

# Every model field that holds an ID number or a person's phone.
PERSONAL_FIELDS = {
    "accounts.user": ["phone"],
    "accounts.phonecode": ["phone"],
    "cases.incident": ["caller_phone"],
    "cases.incomingcall": ["phone"],
    "cases.caseparty": ["phone"],
    "mediation.mediator": ["phone"],
    "mediation.disputeparty": ["phone", "id_number"],
    "patrols.patrolparticipant": ["phone"],
    "permits.permitapplication": ["id_number", "phone"],
    "permits.residencecertificate": ["id_number"],
    "permits.residencepermit": ["id_number"],
    "registry.person": ["id_number", "phone"],
    "registry.unit": ["contact_phone"],
    "stations.staffassignment": ["phone"],
}
# Digit runs as long as a phone or an ID number (which may end in X).
NUMBER = re.compile(r"(?<![0-9])[0-9]{7,17}[0-9Xx]?(?![0-9])")
# django-axes keeps each attempt's login name whole (a citizen's is their phone), or
# lockouts could not match it; its records are shown to superusers only, in admin.
NOT_CHECKED_MODELS = ("axes.",)
NOT_CHECKED_PAGES = ("/admin/axes/",)

# --- probes ----------------------------------------------------------------------------

# Starts like a formula, closes an attribute and opens a script and an image that runs code.
PROBE = "=1+1<script>alert(1)</script>\"'><img src=x onerror=alert(1)>"
SHORT_PROBE = "=<q>'\"</q>"  # for fields too short for the whole probe
UNESCAPED = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<q>'\"</q>")
# What a spreadsheet runs as a formula (or as data exchange, for tab and CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Free-text fields keep the probe, each with its own formula start; these are not typed by
# users (identifiers, hashes, internal names) or are personal data (checked above).
NOT_PROBED = {
    "password",
    "username",
    "badge_number",
    "digest",
    "token_key",
    "code",
    "series",
    "sha256",
    "content_type",
    "scan_content_type",
    "verify_nonce",
    "code_hash",
    "key_hash",
    "params",
    "task_id",
    "metric",
    "dimension",
    "subject_type",
    "subject_id",
    "field",
    "page",
    *{name for names in PERSONAL_FIELDS.values() for name in names},
}
ROW_ID = 6  # characters kept for the row's number
NUMBERED = {"incident", "case", "dispute", "residencecertificate", "residencepermit"}


def probe_fields():
    """(model, field) of every free-text field a user types and a page may show."""
    for model in apps.get_models():
        if not model.__module__.startswith("apps."):
            continue
        for f in model._meta.concrete_fields:
            if (
                isinstance(f, models.CharField | models.TextField)
                and not f.choices
                and not isinstance(f, models.EmailField | models.GenericIPAddressField)
                and f.name not in NOT_PROBED
                and not (f.name == "number" and model._meta.model_name in NUMBERED)
                and (f.max_length is None or f.max_length >= len(SHORT_PROBE) + ROW_ID)
            ):
                yield model, f


def fill_with_probes() -> int:
    """Every row's free-text fields hold a probe, ending with the row's number (names are
    unique per station)."""
    filled = 0
    for index, (model, f) in enumerate(probe_fields()):
        start = FORMULA_STARTS[index % len(FORMULA_STARTS)]
        fits = f.max_length is None or f.max_length >= len(PROBE) + ROW_ID
        probe = start + (PROBE if fits else SHORT_PROBE).removeprefix("=")
        for number, pk in enumerate(model.objects.values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(**{f.name: f"{probe}{number}"})
            filled += 1
    return filled


# --- the result --------------------------------------------------------------------------


@dataclass
class Shown:
    walker: str
    path: str
    value: str
    holders: list


@dataclass
class SiteAudit:
    walks: dict[str, Walk] = field(default_factory=dict)
    owners: dict[str, list] = field(default_factory=dict)  # value -> its holders
    shown: list[Shown] = field(default_factory=list)  # full values without a log row
    named: list[tuple] = field(default_factory=list)  # records whose str() holds one
    reveals: dict[str, list] = field(default_factory=dict)  # walker -> rows
    unescaped: list[tuple] = field(default_factory=list)  # (walker, path, probe)
    formulas: list[tuple] = field(default_factory=list)  # (walker, path, cell, value)
    workbooks: set[str] = field(default_factory=set)  # routes of the exports walked
    probed: int = 0
    unwalked: dict[str, str] = field(default_factory=dict)

    def pages(self):
        return [(name, page) for name, walk in self.walks.items() for page in walk.pages]


# --- the scene ---------------------------------------------------------------------------


def png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def complete_the_demo():
    """What the demo lacks for a full walk: a case party, a mediator's phone, a sign-up
    code, a statistics run, one record of each kind of file (the import and the enterprise
    list checked, as their background tasks would), a tablet job. Returns a party's
    invitation link to the thread that holds a file."""
    from apps.cases.models import Case, CaseParty, Incident, IncomingCall
    from apps.cases.services import case_evidence_add, case_open, case_transition, incident_attach
    from apps.core.idnumbers import MALE, make_id_number
    from apps.core.uploads import check_upload, store_private
    from apps.mediation.models import Agreement, Dispute, Mediator
    from apps.mediation.services import invitation_token, thread_post
    from apps.patrols.models import Finding
    from apps.permits import enterprise
    from apps.permits.models import EnterpriseContact
    from apps.registry import services as registry
    from apps.registry.models import Person
    from apps.stats.models import StatsRun

    desk = User.objects.get(username="xipeng_desk")
    case = Case.objects.filter(station=desk.station).first()
    CaseParty.objects.create(case=case, role="victim", name="陈某", phone="13700001111")
    Mediator.objects.filter(station=desk.station).update(phone="13700002222")
    PhoneCode.objects.create(phone="13700003333", purpose="signup", code_hash="x")
    # A call the telephone system reported at the desk (its number: personal data).
    IncomingCall.objects.create(
        station=desk.station, desk=desk, extension="8001", phone="13700006666"
    )
    incident = Incident.objects.filter(station=desk.station).exclude(status="closed").first()
    incident_attach(incident=incident, by=desk, upload=png("scene.png"))
    case_officer = User.objects.get(username="xipeng_case")
    case_evidence_add(case=case, by=case_officer, upload=png(), kind="photo")
    # A criminal matter refused, so that its 不予立案通知书 is walked.
    refused = case_open(by=case_officer, kind="criminal", title="电动车失窃案")
    CaseParty.objects.create(case=refused, role="victim", name="周某", phone="13700005555")
    case_transition(case=refused, to="not_filed", by=case_officer, note="没有犯罪事实")
    dispute = (
        Dispute.objects.filter(station=desk.station, parties__isnull=False)
        .exclude(status="closed")
        .first()
    )
    thread_post(dispute=dispute, by=desk, text="材料", upload=png("material.png"))
    # A party's ID number, which the agreement states (人民调解法 第29条).
    born = date(1975, 3, 3)
    dispute.parties.filter(pk=dispute.parties.first().pk).update(
        id_number=make_id_number(region="500107", birth_date=born, sequence=7, gender=MALE)
    )
    person = Person.objects.filter(station=desk.station).first()
    rows = f"姓名,身份证号码,人员类别\n{person.name},{person.id_number},常住\n,1,常住\n"
    batch = registry.import_upload(
        by=User.objects.get(username="xipeng_community"),
        upload=SimpleUploadedFile("persons.csv", rows.encode()),
        update_existing=False,
    )
    registry.import_check(batch_id=batch.pk)
    contact = EnterpriseContact.objects.select_related("user", "unit").first()
    workers = f"姓名,身份证号码,手机\n{person.name},{person.id_number},13700004444\n"
    for name in ("workers.csv", "more.csv"):  # the second stays "being registered"
        listed = enterprise.enterprise_upload(
            by=contact.user,
            enterprise=contact.unit,
            upload=SimpleUploadedFile(name, workers.encode()),
        )
        if name == "workers.csv":
            enterprise.enterprise_register(batch_id=listed.pk)
    checked = check_upload(png(), allowed=("png",), max_bytes=10**6)
    agreement = Agreement.objects.first()
    agreement.scan = store_private(checked, folder="mediation/agreements")
    agreement.scan_name, agreement.scan_content_type = "scan.png", checked.content_type
    agreement.save()
    finding = Finding.objects.filter(station=desk.station).first()
    finding.photo = store_private(checked, folder="patrols/findings")
    finding.save(update_fields=["photo"])
    StatsRun.objects.create(
        bureau=desk.bureau, first_day=date(2026, 1, 1), last_day=date(2026, 1, 2), status="done"
    )
    return reverse(
        "mediation:join",
        args=[dispute.pk, invitation_token(party=dispute.parties.first(), by=desk)],
    )


def owners_of_values() -> dict[str, list[tuple[str, str, str]]]:
    """Every stored ID number and phone -> the (model, pk, field) holding it; a citizen's
    account name is their phone too."""
    found: dict[str, list] = {}
    for label, fields in PERSONAL_FIELDS.items():
        for row in apps.get_model(label).objects.values("pk", *fields):
            for name in fields:
                if len(row[name] or "") >= 7:
                    found.setdefault(row[name], []).append((label, str(row["pk"]), name))
    for user in User.objects.filter(kind=UserKind.CITIZEN):
        found.setdefault(user.username, []).append(("accounts.user", str(user.pk), "username"))
    return found


def pages_of(objs) -> set[str]:
    """The page and the admin page of each record, or of the records it belongs to."""
    pages = set()
    for obj in objs:
        parents = [
            getattr(obj, f.name)
            for f in obj._meta.concrete_fields
            if isinstance(f, models.ForeignKey) and getattr(obj, f.attname)
        ]
        for candidate in [obj, *parents]:
            if hasattr(candidate, "get_absolute_url"):
                pages.add(candidate.get_absolute_url())
            opts = candidate._meta
            if type(candidate) in admin.site._registry:
                name = f"admin:{opts.app_label}_{opts.model_name}_change"
                pages.add(reverse(name, args=[candidate.pk]))
    return pages


def pages_with_files() -> list[str]:
    return sorted(
        pages_of(
            obj
            for model in apps.get_models()
            for f in model._meta.concrete_fields
            if isinstance(f, models.FileField)
            for obj in model.objects.exclude(**{f.name: ""})[:20]
        )
    )


def own_values(user) -> set[str]:
    """What a citizen may see of themselves: their phone, their applications' numbers."""
    from apps.permits.models import PermitApplication

    values = {user.username, user.phone}
    for row in PermitApplication.objects.filter(applicant=user).values("id_number", "phone"):
        values |= set(row.values())
    return values


# --- the checks of each answer -----------------------------------------------------------


def check_page(audit: SiteAudit, walker: str, page: Page, *, logged, allowed) -> None:
    if not page.path.startswith(NOT_CHECKED_PAGES):
        for value in set(NUMBER.findall(page.text)) - allowed:
            holders = audit.owners.get(value.upper())
            if holders and not any((label, pk) in logged for label, pk, _f in holders):
                audit.shown.append(Shown(walker, page.path, value, holders[:3]))
    if page.content_type.startswith("text/html"):
        for probe in UNESCAPED:
            if probe in page.text:
                audit.unescaped.append((walker, page.path, probe))
    if "spreadsheetml" in page.content_type:
        audit.workbooks.add(page.route)
        book = load_workbook(io.BytesIO(page.body))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value = cell.value
                    if cell.data_type == "f" or (
                        isinstance(value, str) and value.startswith(FORMULA_STARTS)
                    ):
                        audit.formulas.append((walker, page.path, cell.coordinate, value))


def walk_as(audit, name, user, start, *, first=(), allowed=frozenset(), skip=(), per_route=2):
    """Walk; a full value on a page must come with an AccessLog row of its holder written
    by that very request (none can be, without the permission)."""
    last = [AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0]

    def on_page(page):
        new = AccessLog.objects.filter(pk__gt=last[0])
        logged = set(new.values_list("subject_type", "subject_id"))
        last[0] = max([last[0], *new.values_list("pk", flat=True)])
        check_page(audit, name, page, logged=logged, allowed=allowed)

    walk = Walk(
        client_of(user), on_page=on_page, first=set(first), skip=set(skip), per_route=per_route
    )
    audit.walks[name] = walk.run(start)


def reveal_all(audit, links, user) -> list:
    """POST every reveal button: (link, status, whether exactly its row was logged, body)."""
    client, rows = client_of(user), []
    for link in links:
        before = AccessLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.post(link, HTTP_HX_REQUEST="true")
        kwargs = resolve(link).kwargs
        written = list(AccessLog.objects.filter(pk__gt=before).values_list("subject_id", "field"))
        logged = written == [(str(kwargs["pk"]), kwargs["field"])]
        rows.append((link, response.status_code, logged, response.content.decode()))
    return rows


def records_named_with_personal_data(owners) -> list[tuple]:
    """Records whose name (str) holds a full value (admin's titles, selects and delete
    pages show it), and entries of the change history (django-auditlog) that do."""
    from auditlog.models import LogEntry

    named = [
        (model._meta.label_lower, obj.pk, value)
        for model in apps.get_models()
        if not model._meta.label_lower.startswith(NOT_CHECKED_MODELS)
        for obj in model.objects.all()[:100]
        for value in NUMBER.findall(str(obj))
        if value.upper() in owners
    ]
    return named + [
        ("auditlog.logentry", entry.pk, value)
        for entry in LogEntry.objects.all()
        for value in NUMBER.findall(json.dumps(entry.changes))
        if value.upper() in owners
    ]


# --- routes no walk opened -----------------------------------------------------------------

# Routes no walk opens, and why nothing is missed. Routes that answer GET with 405 (actions,
# uploads, lookups: POST only) count as walked; what they write is the apps' tests' concern.
NOT_WALKED = {
    "api/schema/": "the OpenAPI schema: no records",
    "api/docs/": "the schema's viewer: no records",
    "i18n/setlang/": "switches the language",
    "tiles/<int:z>/<int:x>/<int:y>.<str:ext>": "map images of an offline package: no records",
    "accounts/logout/": "ends the walker's session",
    "admin/logout/": "ends the walker's session",
    "admin/login/": "the login form",
    "api/v1/auth/logout/": "a device's token ends itself (token authentication only)",
    "api/v1/auth/tokens/(?P<token_key>[^/.]+)/$": "a device token: its name and dates",
    "api/v1/noise/readings/": "a sensor's batches (sensor key only, POST)",
    "admin/autocomplete/": "str() of records, as the walked selects show them",
    "accounts/two-factor/verify/": "the admin's code form, asked only with ADMIN_REQUIRE_OTP",
    "api/v1/places/match/": "names and points of places for typed words (tests/places)",
    "cases/calls/ringing/": "a call at one's own desk, its number masked (tests/cases/test_calls)",
}
NOT_WALKED_PATTERNS = {
    r"^admin/.+/(add|delete|history)/$": "see walk.NOT_FOLLOWED_ROUTES",
    r"^admin/.*<path:object_id>/$": "admin's old link form: redirects to the change page",
    r"^admin/\(\?P<url>": "admin's catch-all: redirects or 404",
    r"reveal/<str:field>/$": "POSTed by the audit itself (reveal_all)",
}


def example_path(route: str) -> str:
    """A path of the route, with made-up arguments."""
    path = re.sub(r"<int:\w+>|\(\?P<\w+>[^)]*\)", "1", route)
    return "/" + re.sub(r"<(?:\w+:)?\w+>", "x", path).replace("$", "").lstrip("^")


def model_of(path: str):
    """The model a view shows (admin, DRF viewset or generic view), when it says."""
    func = resolve(path).func
    if hasattr(func, "model_admin"):
        return func.model_admin.model
    view = getattr(func, "cls", None) or getattr(func, "view_class", None)
    queryset = getattr(view, "queryset", None)
    return queryset.model if queryset is not None else getattr(view, "model", None)


def unwalked_routes(audit, superuser) -> dict[str, str]:
    """Routes no walk opened and no reason covers: POST only (405 to a GET) and kinds of
    record that do not exist at all are accounted for; the rest fails the test."""
    walks = audit.walks.values()
    walked = {route for walk in walks for route in walk.reached | walk.answered(405)}
    walked |= {resolve(link).route for link, *_ in audit.reveals["with"]}
    client, left = client_of(superuser), {}
    for route in set(routes()) - walked - set(NOT_WALKED):
        if any(re.search(pattern, route) for pattern in NOT_WALKED_PATTERNS):
            continue
        path = example_path(route)
        if client.get(path).status_code == 405:
            continue
        model = model_of(path)
        if model is not None and not model.objects.exists():
            continue  # nothing of the kind: settings never made, no rows
        left[route] = path
    return left


# --- the audit ------------------------------------------------------------------------------


def run_audit(tmp_dir) -> SiteAudit:
    from apps.accounts.services import device_token_issue
    from apps.cases.models import Incident
    from apps.permits.models import ResidenceCertificate
    from apps.stations.models import Station

    audit = SiteAudit()
    with demo_database(tmp_dir):  # rolled back at its end
        invitation = complete_the_demo()
        xipeng = Station.objects.get(code="500107-xipeng")
        with_pd = officer_of_every_role("audit_with", station=xipeng, personal_data=True)
        without = officer_of_every_role("audit_without", station=xipeng, personal_data=False)
        superuser = User.objects.create(username="audit_root", is_superuser=True, is_staff=True)
        job = Incident.objects.filter(station=xipeng).exclude(status="closed").first()
        Incident.objects.filter(pk=job.pk).update(status="dispatched")
        for officer in (with_pd, without):
            device_token_issue(user=officer, device="audit tablet")
            job.officers.add(officer)  # the tablet's job pages
        verify = [c.get_verify_url() for c in ResidenceCertificate.objects.all()[:1]]
        audit.owners = owners_of_values()
        first = pages_of(
            apps.get_model(label).objects.get(pk=pk)
            for label, pk, _f in {o for found in audit.owners.values() for o in found}
        )
        files = pages_with_files()
        audit.probed = fill_with_probes()

        statistics = f"/api/v1/stats/?unit=station:{xipeng.pk}&metric=incidents&period=month"
        halves = "first_start=2026-01-01&first_end=2026-06-30&second_start=2026-07-01"
        start = [
            *files,  # first, so that the records walked are ones with files
            *start_pages(),
            # API reads that need their parameters
            f"{statistics}&from=2026-01-01&to=2026-12-31",
            "/api/v1/hub/classification/?by=gender",
            f"/api/v1/hub/comparison/?measure=persons_registered&{halves}&second_end=2026-12-31",
        ]
        api = [path for path in start if path.startswith("/api/")]
        # Whether a page logs its full values is the view's decision: one record per kind.
        walk_as(audit, "officer with the permission", with_pd, start, first=first, per_route=1)
        walk_as(audit, "officer without the permission", without, start, first=first)
        # The superuser opens what no 西彭 officer can (other stations', the bureau's,
        # groups, lockouts, schedules), from admin's and the API's lists: the pages share
        # their templates with 西彭's.
        walked = {route for walk in audit.walks.values() for route in walk.reached}
        lists = [
            reverse(f"admin:{m._meta.app_label}_{m._meta.model_name}_changelist")
            for m in admin.site._registry
        ]
        with_arguments = {r for r in walked if re.search(r"[<(]", r.replace("$", ""))}
        walk_as(audit, "superuser", superuser, files + lists + api, skip=with_arguments)
        for username, pages in (
            ("13983461234", ["/apply/"]),
            ("13983461400", ["/apply/", "/apply/enterprise/"]),
            ("mediator_xipeng", ["/", "/mediation/"]),
        ):
            user = User.objects.get(username=username)
            walk_as(audit, username, user, pages + api, allowed=own_values(user))
        invitations = [
            path
            for route, paths in audit.walks["officer with the permission"].by_route.items()
            if route.startswith("mediation/join/")
            for path in paths
        ]
        walk_as(audit, "anonymous", None, ["/", "/apply/", *verify, invitation, *invitations])

        reveals = sorted({link for w in audit.walks.values() for link in w.post_links})
        reveals = [link for link in reveals if "/reveal/" in link]
        audit.reveals = {"with": reveal_all(audit, reveals, with_pd)}
        audit.reveals["without"] = reveal_all(audit, reveals, without)
        audit.named = records_named_with_personal_data(audit.owners)
        audit.unwalked = unwalked_routes(audit, superuser)
    return audit
