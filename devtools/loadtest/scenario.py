"""The load test's data, in the load database: who the users are before the run, and
whether every submission they saw acknowledged is there, once, afterwards.

The users work at 西彭派出所 of the demo: desk officers (值班民警) and community officers
(社区民警) spread over its posts, each on a roster shift covering the run, all with one
password hashed once (a hundred accounts, one hash's cost); most tablets already hold
their device token. Citizens have submitted
residence registrations for the desk to approve: each approval sends the applicant an
SMS through a Celery task, so the worker has real work.

The check reads the records the locust users wrote (client ids and ids, "sent" before a
request and "acked" after its 2xx) and, per kind of submission, compares them with the rows:
every acknowledged submission is stored (nothing lost), no client id is stored twice
(retries were not duplicated), nothing is stored that was never sent. A request cut off
when the run ended may have been stored without its answer: sent, not acknowledged, stored
is fine. Numbers (incidents, cases, certificates) must run without gaps or repeats, and
every SMS queued during the run must have been sent by the worker.
"""

import io
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image

from apps.accounts import roles
from apps.accounts.choices import UserKind
from apps.accounts.models import User
from apps.accounts.services import device_token_issue
from apps.cases.models import Case, DutyShift, Incident, IncidentCategory, IncidentEvent
from apps.core.idnumbers import FEMALE, make_id_number
from apps.core.models import Notification
from apps.patrols.models import Patrol, TrackBatch, TrackPoint
from apps.permits import services as permits
from apps.permits.choices import ApplicationKind, ApplicationStatus, Basis, DocumentKind
from apps.permits.models import PermitApplication, ResidenceCertificate
from apps.stations.choices import StaffKind, StationUnit
from apps.stations.models import Community, Post, StaffAssignment, Station
from apps.stations.numbers import number_prefix

STATION = "500107-xipeng"
DESK, TABLET, CITIZEN = "load_desk_", "load_tablet_", "1398800"
# Applications waiting for the desk: enough that the run does not empty the queue.
APPLICATIONS_PER_MINUTE = 12


def _photo() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def _officer(username, role, station, post, password, shift_until) -> User:
    user = User.objects.create(
        username=username,
        password=password,
        kind=UserKind.OFFICER,
        bureau=station.bureau,
        station=station,
        post=post,
        last_name="压测",
        first_name=username.rsplit("_", 1)[-1],
    )
    user.groups.set([Group.objects.get(name=role)])
    staff = StaffAssignment.objects.create(
        station=station,
        post=post,
        user=user,
        name=f"压测{username.rsplit('_', 1)[-1]}",
        kind=StaffKind.OFFICER,
        unit=StationUnit.COMMUNITY_TEAM if post else StationUnit.COMMAND_ROOM,
        duty=role,
    )
    DutyShift.objects.create(
        station=station,
        post=post,
        staff=staff,
        starts_at=timezone.now() - timedelta(hours=1),
        ends_at=shift_until,
    )
    return user


def _submitted_registration(index: int, community: Community, password: str, photo: bytes):
    phone = f"{CITIZEN}{index:04d}"
    citizen = User.objects.create(
        username=phone, phone=phone, password=password, kind=UserKind.CITIZEN
    )
    citizen.groups.set([Group.objects.get(name=roles.CITIZEN)])
    birth = date(1985, 1, 1) + timedelta(days=index)
    application = permits.application_create(
        by=citizen,
        kind=ApplicationKind.REGISTRATION,
        community=community,
        name=f"压测申请人{index}",
        id_number=make_id_number(region="510104", birth_date=birth, sequence=index, gender=FEMALE),
        phone=phone,
        basis=Basis.EMPLOYMENT,
        basis_detail="西彭铝产业园",
        address_text=f"{community.name}{index % 9 + 1}组{index}号",
    )
    for kind in (DocumentKind.ID_FRONT, DocumentKind.ID_BACK, DocumentKind.LEASE_OR_PROPERTY):
        upload = SimpleUploadedFile(f"{kind}.jpg", photo)
        permits.document_add(application=application, by=citizen, upload=upload, kind=kind)
    return permits.application_submit(application=application, by=citizen)


def prepare(*, users: int, minutes: float) -> dict:
    """Create the load users and the applications; returns what the locust users read."""
    station = Station.objects.select_related("bureau").get(code=STATION)
    posts = list(Post.objects.filter(station=station, is_active=True).order_by("pk"))
    communities = list(Community.objects.filter(station=station).order_by("pk"))
    password = secrets.token_urlsafe(12)
    encoded = make_password(password)
    shift_until = timezone.now() + timedelta(minutes=minutes, hours=2)
    with transaction.atomic():
        desk = [
            _officer(f"{DESK}{i:02d}", roles.DESK_OFFICER, station, None, encoded, shift_until)
            for i in range(users)
        ]
        tablet = [
            _officer(
                f"{TABLET}{i:02d}",
                roles.COMMUNITY_OFFICER,
                station,
                posts[i % len(posts)],
                encoded,
                shift_until,
            )
            for i in range(users)
        ]
        # Tablets are paired for 30 days: most have their token; every fifth pairs itself
        # this morning (POST /api/v1/auth/token/, a password check like a desk's login).
        tokens = [
            "" if i % 5 == 0 else device_token_issue(user=user, device=f"平板 {i}")[1]
            for i, user in enumerate(tablet)
        ]
    photo = _photo()
    placed = [c for c in communities if c.post_id]
    for i in range(max(20, round(minutes * APPLICATIONS_PER_MINUTE))):
        _submitted_registration(i, placed[i % len(placed)], encoded, photo)
    categories = IncidentCategory.objects.filter(
        bureau=station.bureau, parent__isnull=False, is_active=True
    )
    return {
        "password": password,
        "desk": [u.username for u in desk],
        "tablet": [
            {"username": u.username, "id": u.pk, "post": u.post_id, "token": key}
            for u, key in zip(tablet, tokens, strict=True)
        ],
        "posts": {
            str(p.pk): {"latitude": float(p.latitude), "longitude": float(p.longitude)}
            for p in posts
        },
        "communities": [
            {"id": c.pk, "name": c.name, "post": c.post_id} for c in communities if c.latitude
        ],
        "categories": list(categories.order_by("pk").values_list("pk", flat=True)),
    }


# --- after the run -------------------------------------------------------------------------


@dataclass
class Outcome:
    """Per kind of submission: (acknowledged, stored) counts; and what is wrong."""

    counts: dict[str, tuple[int, int]] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _compare(outcome: Outcome, kind: str, records: dict, stored: list) -> None:
    sent = {str(key) for key in records["sent"].get(kind, [])}
    acked = {str(key) for key in records["acked"].get(kind, [])}
    rows = Counter(str(key) for key in stored)
    outcome.counts[kind] = (len(acked), len(rows))
    lost = acked - set(rows)
    twice = sorted(key for key, n in rows.items() if n > 1)
    strays = set(rows) - sent
    if lost:
        outcome.problems.append(
            f"{kind}: {len(lost)} acknowledged but not stored: {sorted(lost)[:5]}"
        )
    if twice:
        outcome.problems.append(f"{kind}: {len(twice)} stored more than once: {twice[:5]}")
    if strays:
        outcome.problems.append(
            f"{kind}: {len(strays)} stored but never sent: {sorted(strays)[:5]}"
        )


def _gapless(outcome: Outcome, what: str, numbers: list[str], prefix: str) -> None:
    serials = sorted(int(n.removeprefix(prefix)) for n in numbers)
    if serials != list(range(1, len(serials) + 1)):
        missing = sorted(set(range(1, (serials or [0])[-1] + 1)) - set(serials))
        repeated = sorted(n for n, c in Counter(serials).items() if c > 1)
        outcome.problems.append(
            f"{what} numbers {prefix}…: missing {missing[:5]}, repeated {repeated[:5]}"
        )


def pending_sms(since: datetime) -> int:
    """SMS queued since then that the worker has not sent yet."""
    return Notification.objects.filter(
        external=True, created_at__gte=since, sent_at__isnull=True
    ).count()


def check(records: dict, *, since: datetime) -> Outcome:
    outcome = Outcome()
    incidents = Incident.objects.filter(received_by__username__startswith=DESK)
    _compare(outcome, "incident", records, incidents.values_list("client_id", flat=True))
    events = IncidentEvent.objects.exclude(client_id=None)
    dispatched = events.filter(kind=IncidentEvent.Kind.DISPATCHED, by__username__startswith=DESK)
    _compare(outcome, "dispatch", records, dispatched.values_list("client_id", flat=True))
    twice = (
        IncidentEvent.objects.filter(incident__in=incidents, kind=IncidentEvent.Kind.DISPATCHED)
        .values_list("incident_id", flat=True)
        .order_by()
    )
    if repeated := [pk for pk, n in Counter(twice).items() if n > 1]:
        outcome.problems.append(f"dispatch: incidents dispatched more than once: {repeated[:5]}")
    reports = events.filter(kind=IncidentEvent.Kind.STATUS, by__username__startswith=TABLET)
    _compare(outcome, "status", records, reports.values_list("client_id", flat=True))

    patrols = Patrol.objects.filter(created_by__username__startswith=TABLET)
    # A patrol is planned without a client id: the tablet puts its own in the note.
    _compare(outcome, "patrol", records, patrols.values_list("note", flat=True))
    for kind, model in (("batch", TrackBatch), ("point", TrackPoint)):
        rows = model.objects.filter(patrol__in=patrols).values_list("patrol_id", "client_id")
        _compare(outcome, kind, records, [f"{patrol}:{client}" for patrol, client in rows])

    approved = PermitApplication.objects.filter(
        decided_by__username__startswith=DESK, status=ApplicationStatus.APPROVED
    )
    _compare(outcome, "approval", records, approved.values_list("pk", flat=True))
    certificates = ResidenceCertificate.objects.filter(application__in=approved)
    if certificates.count() != approved.count():
        outcome.problems.append(
            f"approval: {approved.count()} approved, {certificates.count()} certificates"
        )
    closed = set(records["acked"].get("close", []))
    still_open = Incident.objects.filter(pk__in=closed).exclude(status="closed").count()
    outcome.counts["close"] = (len(closed), len(closed) - still_open)
    if still_open:
        outcome.problems.append(f"close: {still_open} acknowledged closes not closed")

    station = Station.objects.get(code=STATION)
    year = timezone.localdate().year
    for what, model, series in (
        ("incident", Incident, "JQ"),
        ("case", Case, "ZA"),
        ("case", Case, "XS"),
        ("certificate", ResidenceCertificate, "PZ"),
    ):
        prefix = number_prefix(station, series, year)
        numbers = model.objects.filter(number__startswith=prefix).values_list("number", flat=True)
        _gapless(outcome, what, list(numbers), prefix)
    if unsent := pending_sms(since):
        outcome.problems.append(f"celery: {unsent} SMS queued during the run were never sent")
    return outcome
