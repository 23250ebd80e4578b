"""Every write of residence registration and permits: keyword-only, one
transaction, validated before saving, a DomainError with a user-facing message otherwise.

Concurrency: a decision locks the application's row (`select_for_update`) and re-reads its
status inside the transaction, so of two officers approving at once one wins and the other
gets a Conflict. Document numbers come from `core.NumberSequence` under a row lock. Every status
change notifies the applicant (message centre and the external sender).
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.accounts.choices import UserKind
from apps.core.errors import Conflict, DomainError, NotAllowed, OutOfScope
from apps.core.idnumbers import parse_id_number
from apps.core.limits import ensure_past
from apps.core.notifications import notify
from apps.core.phones import normalise_phone
from apps.core.rules import requires
from apps.core.scoping import CHANGE, VIEW, is_in_scope, owner_or_permitted, owns
from apps.core.services import next_number
from apps.core.timefmt import when
from apps.core.uploads import check_upload, store_private
from apps.live import events as live
from apps.registry.models import Address, Person
from apps.stations.numbers import record_number

from . import household
from .choices import ApplicationKind, ApplicationStatus, DocumentKind, EventKind
from .models import (
    ApplicationDocument,
    ApplicationEvent,
    DocumentOpening,
    HomeVisit,
    PermitApplication,
    PermitEndorsement,
    ResidenceCertificate,
    ResidencePermit,
)
from .workflow import EDITABLE, WORKFLOW, required_documents

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django_stubs_ext import StrOrPromise

    from apps.accounts.models import User
    from apps.registry.models import Unit
    from apps.stations.models import Community, Station

logger = logging.getLogger(__name__)
S = ApplicationStatus
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
MAX_APPLICATION_BYTES = 30 * 1024 * 1024
# 居住证暂行条例: six months of residence before a permit; endorsed every year.
MONTHS_BEFORE_PERMIT = 6
PERMIT_YEAR = relativedelta(years=1)
# An endorsement is accepted from this long before the due date (and any time after it).
ENDORSE_WINDOW = timedelta(days=30)
REMIND_BEFORE = timedelta(days=30)


# The roles' steps: an applicant's own (the citizens' role, and the window's officers who
# file for them), the officers' decisions, and the officers' care of issued permits.
APPLY = "permits.add_permitapplication"
DECIDE = "permits.change_permitapplication"
KEEP_PERMITS = "permits.change_residencepermit"
ONLY_OFFICERS = gettext_lazy("Only officers decide on applications.")
R = TypeVar("R", PermitApplication, ResidencePermit)


# --- helpers ---------------------------------------------------------------------------------


def _locked(record: R, by: User, *, officers_step: bool = False) -> R:
    """The one rule on a citizen's record (an application, a permit), applied after the
    service's role rule (`@requires`): the record re-read under a row lock if `by` may still
    act on it. Its owner takes the applicant's steps on it, and so does an officer whose
    station it belongs to; an officer's step (a decision, an endorsement) is never taken on
    one's own record."""
    found: R = type(record).objects.lock_for(by, record.pk)
    if officers_step:
        if owns(by, found) and not by.is_superuser:
            if isinstance(found, PermitApplication):
                raise NotAllowed(_("Nobody decides on their own application."))
            raise OutOfScope(_("Not found."))
    elif not owner_or_permitted(by, found, DECIDE):
        raise OutOfScope(_("Not found."))
    return found


def _invalid(message: StrOrPromise) -> DomainError:
    return DomainError(message, code="invalid")


def _document_number(*, station: Station, series: str) -> str:
    year = timezone.localdate().year
    return record_number(
        station, series, year, next_number(station=station, series=series, year=year)
    )


def _tell_applicant(application: PermitApplication, title: str, body: str = "") -> None:
    notify(
        recipients=[application.applicant],
        title=title,
        body=body,
        url=application.get_portal_url(),
        external=True,
    )


def _set_status(application: PermitApplication, to: str, *, by: User, **stamps: Any) -> None:
    """Move the application on (if the workflow allows), stamp it, put the step on its
    timeline and tell the applicant."""
    WORKFLOW.check(application.status, to)
    application.status = to
    for name, value in stamps.items():
        setattr(application, name, value)
    application.save()
    ApplicationEvent.objects.create(application=application, kind=to, by=by)
    title = _("Your application (%(kind)s): %(status)s") % {
        "kind": application.get_kind_display(),
        "status": application.get_status_display(),
    }
    body = application.officer_message if to == S.NEEDS_SUPPLEMENT else ""
    if to == S.REJECTED:
        body = application.rejection_reason
    _tell_applicant(application, title, body)


def normalise_id_number(raw: str) -> str:
    try:
        return parse_id_number(raw).value
    except ValidationError as exc:
        logger.warning("ID number refused: %s", exc.error_list[0].code)
        raise DomainError(" ".join(exc.messages), code="invalid_id_number") from exc


def _place(
    *, community: Community, address: Address | None, address_text: str
) -> tuple[Address | None, str]:
    """The standard address picked, or the typed text matched against the community's
    standard addresses (exact text); unmatched text is kept as typed."""
    if address is not None:
        if address.community_id != community.pk:
            raise _invalid(_("The standard address is not in the chosen village / community."))
        return address, address.text
    text = (address_text or "").strip()
    if not text:
        raise _invalid(_("Pick a standard address or type the residence address."))
    matched = Address.objects.filter(community=community, text=text).first()
    return matched, text


# --- applications ----------------------------------------------------------------------------


def application_create(
    *,
    by: User,
    kind: str,
    community: Community,
    name: str,
    id_number: str,
    phone: str,
    basis: str,
    basis_detail: str = "",
    address: Address | None = None,
    address_text: str = "",
    applicant: User | None = None,
    enterprise: Unit | None = None,
    registration: PermitApplication | None = None,
    household_region: str = "",
    household_address: str = "",
    ethnicity: str = "",
) -> PermitApplication:
    """A new draft. A citizen applies for themselves (any community); an officer enters an
    application at the window for a community of their station.

    The household registration's region code (户籍地) is the one given, else the ID number's
    first six digits; a permit is refused to a household of this city (第二条)."""
    if by.kind == UserKind.CITIZEN:
        applicant = by
    elif not by.has_perm(DECIDE) and not by.has_perm(APPLY):
        raise NotAllowed(_("You cannot file applications."))
    elif not is_in_scope(community, by, CHANGE):
        raise OutOfScope(_("Not found."))
    if kind not in ApplicationKind.values:
        raise _invalid(_("Unknown kind of application."))
    if kind == ApplicationKind.PERMIT and registration is None:
        raise _invalid(
            _("A permit application starts from a residence certificate at least six months old.")
        )
    id_number = normalise_id_number(id_number)
    phone = normalise_phone(phone)
    if not name.strip():
        raise _invalid(_("Enter the applicant's name."))
    household_region = (household_region or "").strip() or id_number[:6]
    if not household.is_valid_region(household_region):
        raise _invalid(_("The household registration's region code is not a region code."))
    if kind == ApplicationKind.PERMIT:
        household.check_away_from_home(household_region=household_region, station=community.station)
    address, address_text = _place(community=community, address=address, address_text=address_text)
    with transaction.atomic():
        # Nothing here may tell the one filing about anyone else: a citizen hears only of
        # their own open applications, an officer of those in their scope.
        own = (
            PermitApplication.objects.filter(applicant=by)
            if by.kind == UserKind.CITIZEN
            else PermitApplication.objects.restrict(by, VIEW)
        )
        open_ = own.filter(id_number=id_number, kind=kind).exclude(
            status__in=(S.APPROVED, S.REJECTED)
        )
        if open_.exists():
            raise Conflict(
                _("There is already an open application of this kind for this ID number.")
            )
        application = PermitApplication(
            station_id=community.station_id,
            post_id=community.post_id,
            community=community,
            kind=kind,
            applicant=applicant,
            # Linked to a registered person at the officer's review, within their scope.
            person=None,
            registration=registration,
            name=name.strip(),
            id_number=id_number,
            phone=phone,
            address=address,
            address_text=address_text,
            basis=basis,
            basis_detail=basis_detail.strip(),
            household_region=household_region,
            household_address=(household_address or "").strip(),
            ethnicity=(ethnicity or "").strip(),
            created_by=by,
            enterprise=enterprise,
        )
        try:
            application.full_clean()
        except ValidationError as exc:
            raise _invalid(" ".join(exc.messages)) from exc
        application.save()
    return application


@requires(APPLY)
def document_add(
    *, application: PermitApplication, by: User, upload: UploadedFile, kind: str
) -> ApplicationDocument:
    """Attach a document (JPEG, PNG or PDF by content, 10 MB each, 30 MB per application); a
    new one of the same kind replaces the old."""
    if kind not in DocumentKind.values:
        raise _invalid(_("Unknown kind of document."))
    checked = check_upload(upload, allowed=("jpeg", "png", "pdf"), max_bytes=MAX_DOCUMENT_BYTES)
    if kind == DocumentKind.PORTRAIT and checked.kind == "pdf":
        raise _invalid(_("The portrait must be a photo (JPEG or PNG)."))
    with transaction.atomic():
        application = _locked(application, by)
        if application.status not in EDITABLE:
            raise Conflict(_("Documents can only be added to a draft or when asked for."))
        others = application.documents.exclude(kind=kind)
        total = (others.aggregate(total=Sum("size"))["total"] or 0) + len(checked.content)
        if total > MAX_APPLICATION_BYTES:
            raise _invalid(
                _("The documents of one application may total at most %(mb)d MB.")
                % {"mb": MAX_APPLICATION_BYTES // (1024 * 1024)}
            )
        application.documents.filter(kind=kind).delete()
        return ApplicationDocument.objects.create(
            application=application,
            kind=kind,
            file=store_private(checked, folder="permits"),
            content_type=checked.content_type,
            size=len(checked.content),
            sha256=checked.sha256,
            uploaded_by=by,
        )


def missing_documents(application: PermitApplication) -> list[str]:
    present = {d.kind for d in application.documents.all()}
    return [
        kind
        for kind in required_documents(kind=application.kind, basis=application.basis)
        if kind not in present
    ]


@requires(APPLY)
def application_submit(*, application: PermitApplication, by: User) -> PermitApplication:
    """Send a draft (or a supplemented application) to the officers' queue."""
    with transaction.atomic():
        application = _locked(application, by)
        to = S.RESUBMITTED if application.status == S.NEEDS_SUPPLEMENT else S.SUBMITTED
        WORKFLOW.check(application.status, to)
        missing = missing_documents(application)
        if missing:
            raise _invalid(
                _("Upload these documents first: %(docs)s.")
                % {"docs": "、".join(str(DocumentKind(k).label) for k in missing)}
            )
        if application.kind == ApplicationKind.PERMIT:
            _check_permit_applicant(application)
        now = timezone.now()
        # Complete (the documents are all there): the station accepts it now, and the time
        # limit runs from here, after a supplement too.
        stamps = {"queued_at": now, "accepted_at": now}
        if to == S.SUBMITTED:
            stamps["submitted_at"] = now
        _set_status(application, to, by=by, **stamps)
        live.publish(
            "application",
            application,
            status=to,
            toast="application",
            url=reverse("permits:application_detail", args=[application.pk]),
        )
    return application


@requires(DECIDE, message=ONLY_OFFICERS)
def application_review(*, application: PermitApplication, by: User) -> PermitApplication:
    """An officer opens the review (the applicant sees that someone is on it)."""
    with transaction.atomic():
        application = _locked(application, by, officers_step=True)
        _set_status(application, S.UNDER_REVIEW, by=by)
    return application


def supplement_items(*, message: str = "", items: list[str] | None = None) -> list[str]:
    """Every missing item of one request: those listed, then each line of the message."""
    lines = [line.strip(" \t；;、") for line in (message or "").splitlines()]
    listed = [str(item).strip() for item in items or []]
    return [item for item in [*listed, *lines] if item]


@requires(DECIDE, message=ONLY_OFFICERS)
def application_ask_supplement(
    *, application: PermitApplication, by: User, message: str = "", items: list[str] | None = None
) -> PermitApplication:
    """Ask for more papers, everything missing at once (一次性告知, 居住证暂行条例 第九条):
    the request lists every item; a second request is refused unless the applicant has
    handed in new documents since the first (then only what those new papers raise)."""
    wanted = supplement_items(message=message, items=items)
    if not wanted:
        raise _invalid(_("Say what the applicant must add."))
    text = (
        wanted[0] if len(wanted) == 1 else "；".join(f"{n}. {w}" for n, w in enumerate(wanted, 1))
    )
    if len(text) > 500:
        raise _invalid(_("The list of missing items may have at most 500 characters."))
    with transaction.atomic():
        application = _locked(application, by, officers_step=True)
        asked = (
            application.events.filter(kind=EventKind.NEEDS_SUPPLEMENT)
            .order_by("-at", "-id")
            .first()
        )
        if application.status == S.NEEDS_SUPPLEMENT:
            raise Conflict(
                _("The applicant was already told everything missing and has not answered yet.")
            )
        if asked is not None and not (
            application.documents.filter(uploaded_at__gt=asked.at).exists()
        ):
            raise Conflict(
                _(
                    "More papers were already asked for on %(date)s and nothing new has been"
                    " handed in since: everything missing is asked for at once (居住证暂行"
                    "条例 第九条). Decide on the application as it is."
                )
                % {"date": when(asked.at, "date")}
            )
        _set_status(application, S.NEEDS_SUPPLEMENT, by=by, officer_message=text)
    return application


@requires(DECIDE, message=ONLY_OFFICERS)
def application_reject(
    *, application: PermitApplication, by: User, reason: str
) -> PermitApplication:
    if not reason.strip():
        raise _invalid(_("Give the reason for the rejection."))
    with transaction.atomic():
        application = _locked(application, by, officers_step=True)
        _set_status(
            application,
            S.REJECTED,
            by=by,
            rejection_reason=reason.strip()[:500],
            decided_at=timezone.now(),
            decided_by=by,
            queued_at=None,
        )
    return application


def unopened_documents(application: PermitApplication, by: User) -> list[ApplicationDocument]:
    """The application's documents that this officer has not opened yet."""
    return list(application.documents.exclude(openings__officer=by).order_by("kind", "id"))


def document_opened(*, document: ApplicationDocument, by: User) -> None:
    """Note that an officer opened the document's file (not its applicant, who uploaded
    it); the first opening per officer is kept."""
    if owns(by, document) or not by.has_perm(DECIDE):
        return
    DocumentOpening.objects.get_or_create(document=document, officer=by)


@requires(DECIDE, message=ONLY_OFFICERS)
def application_approve(
    *, application: PermitApplication, by: User, documents_confirmed: bool = False
) -> PermitApplication:
    """Approve and issue at once: the residence certificate for a registration, the
    residence permit for a permit application. The approving officer has opened every
    document, or confirms explicitly that they checked them otherwise."""
    with transaction.atomic():
        application = _locked(application, by, officers_step=True)
        WORKFLOW.check(application.status, S.APPROVED)
        unopened = unopened_documents(application, by)
        if unopened and not documents_confirmed:
            raise DomainError(
                _(
                    "Open every document before approving, or confirm that you checked them"
                    " otherwise. Not opened yet: %(docs)s."
                )
                % {"docs": "、".join(str(d.get_kind_display()) for d in unopened)},
                code="documents_not_opened",
            )
        if application.kind == ApplicationKind.PERMIT:
            _check_permit_applicant(application)
        if application.person_id is None:
            # Only a person the approving officer may see: never one of another bureau.
            application.person = (
                Person.objects.restrict(by, VIEW).filter(id_number=application.id_number).first()
            )
        _set_status(
            application,
            S.APPROVED,
            by=by,
            decided_at=timezone.now(),
            decided_by=by,
            queued_at=None,
            documents_confirmed=bool(unopened),
        )
        if application.kind == ApplicationKind.REGISTRATION:
            _issue_certificate(application)
        else:
            _issue_permit(application)
    return application


def _issued_fields(application: PermitApplication) -> dict[str, Any]:
    return dict(
        application=application,
        station_id=application.station_id,
        post_id=application.post_id,
        holder_id=application.applicant_id,
        person_id=application.person_id,
        name=application.name,
        id_number=application.id_number,
        address_text=application.address_text,
    )


def _issue_certificate(application: PermitApplication) -> ResidenceCertificate:
    certificate = ResidenceCertificate.objects.create(
        number=_document_number(station=application.station, series="PZ"),
        **_issued_fields(application),
    )
    _tell_applicant(
        application,
        _("Your residence certificate %(number)s is issued") % {"number": certificate.number},
    )
    return certificate


def issuing_organ(station: Station) -> str:
    """居住证暂行条例 第十条: the county-level public-security organ issues the permit (the
    station's sub-bureau, under its city bureau); the station accepts and hands it out."""
    bureau = station.bureau
    city = bureau.city_bureau or ""
    return bureau.name if bureau.name.startswith(city) else f"{city}{bureau.name}"


def _issue_permit(application: PermitApplication) -> ResidencePermit:
    portrait = application.documents.filter(kind=DocumentKind.PORTRAIT).first()
    today = timezone.localdate()
    parsed = parse_id_number(application.id_number)
    person = application.person
    permit = ResidencePermit.objects.create(
        number=_document_number(station=application.station, series="JZ"),
        photo=portrait.file.name if portrait else "",
        valid_from=today,
        valid_until=today + PERMIT_YEAR,
        gender=parsed.gender,
        birth_date=parsed.birth_date,
        ethnicity=application.ethnicity or (person.ethnicity if person else ""),
        household_address=application.household_address
        or (person.domicile_address if person else ""),
        issuing_organ=issuing_organ(application.station),
        **_issued_fields(application),
    )
    _tell_applicant(
        application,
        _("Your residence permit %(number)s is issued, valid until %(date)s")
        % {"number": permit.number, "date": when(permit.valid_until, "date")},
    )
    return permit


@requires(DECIDE, message=ONLY_OFFICERS)
def home_visit_record(
    *, application: PermitApplication, by: User, visited_on: date, result: str, note: str = ""
) -> HomeVisit:
    """Record a check on site; an application still waiting moves under review."""
    ensure_past(visited_on, _("A visit cannot be in the future."))
    with transaction.atomic():
        application = _locked(application, by, officers_step=True)
        if application.status in (S.SUBMITTED, S.RESUBMITTED):
            _set_status(application, S.UNDER_REVIEW, by=by)
        elif application.status != S.UNDER_REVIEW:
            raise Conflict(_("Only applications waiting for a decision can be visited."))
        visit = HomeVisit(
            application=application,
            visited_on=visited_on,
            officer=by,
            result=result,
            note=note.strip(),
        )
        try:
            visit.full_clean()
        except ValidationError as exc:
            raise _invalid(" ".join(exc.messages)) from exc
        visit.save()
        # On the applicant's timeline: the day of the visit, at the hour it is recorded.
        now = timezone.localtime()
        ApplicationEvent.objects.create(
            application=application,
            kind=EventKind.VISITED,
            at=now.replace(year=visited_on.year, month=visited_on.month, day=visited_on.day),
            by=by,
        )
    return visit


# --- permits ---------------------------------------------------------------------------------


def _check_permit_applicant(application: PermitApplication) -> None:
    """Still entitled at submission and at approval: away from home (第二条) and six months
    after registration."""
    household.check_away_from_home(
        household_region=application.household_region or application.id_number[:6],
        station=application.station,
    )
    check_permit_eligible(application.registration)


def permit_eligible_from(certificate: ResidenceCertificate) -> datetime:
    eligible_from: datetime = certificate.issued_at + relativedelta(months=MONTHS_BEFORE_PERMIT)
    return eligible_from


def check_permit_eligible(registration: PermitApplication | None) -> ResidenceCertificate:
    certificate: ResidenceCertificate | None = (
        getattr(registration, "certificate", None) if registration else None
    )
    if certificate is None:
        raise Conflict(_("A residence permit needs an approved residence registration."))
    eligible_from = permit_eligible_from(certificate)
    if timezone.now() < eligible_from:
        raise Conflict(
            _("A residence permit can be applied for from %(date)s, six months after registration.")
            % {"date": when(eligible_from, "date")}
        )
    return certificate


@requires(APPLY)
def permit_application_start(
    *, certificate: ResidenceCertificate, by: User, basis: str = "", basis_detail: str = ""
) -> PermitApplication:
    """A permit application prefilled from the registration (data and documents), so that
    nobody types anything twice."""
    if not is_in_scope(certificate, by, VIEW):
        raise OutOfScope(_("Not found."))
    registration = certificate.application
    check_permit_eligible(registration)
    if ResidencePermit.objects.filter(
        id_number=certificate.id_number, revoked_at__isnull=True
    ).exists():
        raise Conflict(_("This person already holds a residence permit: endorse it instead."))
    with transaction.atomic():
        application = application_create(
            by=by,
            kind=ApplicationKind.PERMIT,
            community=registration.community,
            name=registration.name,
            id_number=registration.id_number,
            phone=registration.phone,
            basis=basis or registration.basis,
            basis_detail=basis_detail or registration.basis_detail,
            address=registration.address,
            address_text=registration.address_text,
            applicant=registration.applicant,
            registration=registration,
            household_region=registration.household_region,
            household_address=registration.household_address,
            ethnicity=registration.ethnicity,
        )
        # The stored files are immutable: the new rows point at the same bytes.
        ApplicationDocument.objects.bulk_create(
            ApplicationDocument(
                application=application,
                kind=doc.kind,
                file=doc.file.name,
                content_type=doc.content_type,
                size=doc.size,
                sha256=doc.sha256,
                uploaded_by=doc.uploaded_by,
            )
            for doc in registration.documents.all()
        )
    return application


@requires(KEEP_PERMITS, message=gettext_lazy("Only officers endorse or revoke permits."))
def permit_endorse(*, permit: ResidencePermit, by: User) -> ResidencePermit:
    """The yearly endorsement (签注): another year from the due date, or from today for a
    lapsed permit (endorsing late restores it)."""
    with transaction.atomic():
        permit = _locked(permit, by, officers_step=True)
        if permit.revoked_at:
            raise Conflict(_("A revoked permit cannot be endorsed."))
        today = timezone.localdate()
        if permit.valid_until - today > ENDORSE_WINDOW:
            raise Conflict(
                _("Endorsement opens 30 days before the due date %(date)s.")
                % {"date": when(permit.valid_until, "date")}
            )
        start = permit.valid_until if permit.valid_until >= today else today
        permit.valid_until = start + PERMIT_YEAR
        permit.lapsed_at = None
        permit.save()
        PermitEndorsement.objects.create(permit=permit, by=by, valid_until=permit.valid_until)
        notify(
            recipients=[permit.holder],
            title=_("Your residence permit %(number)s is endorsed until %(date)s")
            % {"number": permit.number, "date": when(permit.valid_until, "date")},
            external=True,
        )
    return permit


@requires(KEEP_PERMITS, message=gettext_lazy("Only officers endorse or revoke permits."))
def permit_revoke(*, permit: ResidencePermit, by: User, reason: str) -> ResidencePermit:
    if not reason.strip():
        raise _invalid(_("Give the reason for the revocation."))
    with transaction.atomic():
        permit = _locked(permit, by, officers_step=True)
        if permit.revoked_at:
            raise Conflict(_("The permit is already revoked."))
        permit.revoked_at = timezone.now()
        permit.revoke_reason = reason.strip()[:300]
        permit.save()
        notify(
            recipients=[permit.holder],
            title=_("Your residence permit %(number)s is revoked") % {"number": permit.number},
            body=permit.revoke_reason,
            external=True,
        )
    return permit


def permits_remind_endorsements() -> int:
    """Remind holders whose endorsement is due within 30 days; once per due date, however
    often the job runs."""
    today = timezone.localdate()
    due = ResidencePermit.objects.filter(
        revoked_at__isnull=True,
        lapsed_at__isnull=True,
        valid_until__gte=today,
        valid_until__lte=today + REMIND_BEFORE,
    ).exclude(reminded_for=F("valid_until"))
    sent = 0
    for permit in due.select_related("holder"):
        with transaction.atomic():
            updated = (
                ResidencePermit.objects.filter(pk=permit.pk)
                .exclude(reminded_for=permit.valid_until)
                .update(reminded_for=permit.valid_until)
            )
            if not updated:
                continue
            notify(
                recipients=[permit.holder],
                title=_("Endorse your residence permit %(number)s by %(date)s")
                % {"number": permit.number, "date": when(permit.valid_until, "date")},
                body=_("Without the yearly endorsement the permit lapses."),
                external=True,
            )
            sent += 1
    return sent


def permits_mark_lapsed() -> int:
    """Mark permits past their due date without endorsement as lapsed; tell the holder once."""
    today = timezone.localdate()
    lapsing = ResidencePermit.objects.filter(
        revoked_at__isnull=True, lapsed_at__isnull=True, valid_until__lt=today
    ).select_related("holder")
    count = 0
    for permit in lapsing:
        with transaction.atomic():
            if not ResidencePermit.objects.filter(pk=permit.pk, lapsed_at__isnull=True).update(
                lapsed_at=timezone.now()
            ):
                continue
            notify(
                recipients=[permit.holder],
                title=_("Your residence permit %(number)s has lapsed") % {"number": permit.number},
                body=_("Endorse it at your police post to restore it."),
                external=True,
            )
            count += 1
    return count
