"""Enterprise batch registration: a park enterprise's new workers from one spreadsheet.

The list is a declaration (申报), not a decision: each good row becomes a registration
submitted to the station's queue, which an officer confirms like any other (and is its
decider: 居住登记 is the police's act, not the employer's).

The upload is checked as a file at once; the rows are read, checked and declared one by one
in a background task, each valid row in its own savepoint (a bad row never undoes the good
ones), with progress in the cache and a report of every refused row.
"""

from contextlib import closing
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import DomainError, NotAllowed, OutOfScope
from apps.core.idnumbers import parse_id_number
from apps.core.names import check_name
from apps.core.outbox import enqueue
from apps.core.phones import normalise_phone
from apps.core.progress import set_progress
from apps.core.scoping import CHANGE, is_in_scope
from apps.core.spreadsheets import SpreadsheetError, failure_reason, read_table
from apps.core.uploads import check_spreadsheet, store_private

from .choices import ApplicationKind, ApplicationStatus, Basis, EventKind
from .models import (
    ApplicationEvent,
    EnterpriseContact,
    EnterpriseRegistration,
    PermitApplication,
)
from .workflow import WORKFLOW

S = ApplicationStatus
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_WORKERS = 5000
WORKER_COLUMNS = {
    "name": ("姓名", "name"),
    "id_number": ("身份证号码", "身份证号", "公民身份号码", "id_number"),
    "phone": ("手机", "联系电话", "电话", "phone"),
    "address_text": ("居住地址", "宿舍", "address"),
}
REQUIRED = ("name", "id_number", "phone")


def contact_unit(user):
    """The enterprise this user is the contact person of, or None."""
    if not user.is_authenticated:
        return None
    link = EnterpriseContact.objects.select_related("unit").filter(user=user).first()
    return link.unit if link else None


def enterprise_upload(*, by, enterprise, upload) -> EnterpriseRegistration:
    """Keep the list privately and register it in the background. Officers upload for the
    enterprises in their scope, a contact person for their own enterprise only."""
    contact_of = contact_unit(by)
    if contact_of is not None:
        if contact_of.pk != enterprise.pk:
            raise OutOfScope(_("Not found."))
    elif not by.has_perm("permits.add_enterpriseregistration"):
        raise NotAllowed(_("You cannot register an enterprise's workers."))
    elif not is_in_scope(enterprise, by, CHANGE):
        raise OutOfScope(_("Not found."))
    checked = check_spreadsheet(upload, max_bytes=MAX_FILE_BYTES)
    with transaction.atomic():
        name = store_private(checked, folder="permits/enterprise")
        batch = EnterpriseRegistration.objects.create(
            station_id=enterprise.station_id,
            enterprise=enterprise,
            uploaded_by=by,
            file=name,
            file_name=upload.name[:200],
        )
        enqueue("permits.enterprise_register", batch.pk)
    return batch


def enterprise_register(*, batch_id: int) -> EnterpriseRegistration:
    """Check and register every row; a redelivered task finds the batch done and stops."""
    batch = EnterpriseRegistration.objects.select_related(
        "enterprise__address__community", "uploaded_by", "station"
    ).get(pk=batch_id)
    if batch.status != EnterpriseRegistration.Status.PROCESSING:
        return batch
    try:
        _register_rows(batch)
    except Exception as exc:  # a refused file or anything unforeseen: never left processing
        batch.refresh_from_db()
        batch.status, batch.failure = EnterpriseRegistration.Status.FAILED, failure_reason(exc)
        batch.finished_at = timezone.now()
        batch.save()
    return batch


def _register_rows(batch: EnterpriseRegistration) -> None:
    with batch.file.open("rb") as f:
        data = f.read()
    # The header is checked before any row is read, and no more rows than allowed are read.
    with closing(read_table(data, WORKER_COLUMNS, REQUIRED)) as table:
        rows = list(islice(table, MAX_WORKERS + 1))
    if len(rows) > MAX_WORKERS:
        raise SpreadsheetError(_("At most %(n)d workers per file.") % {"n": MAX_WORKERS})
    seen, rejected, registered = set(), [], 0
    for index, row in enumerate(rows, start=2):  # row 1 is the header
        try:
            id_number = _register_row(batch, row, seen)
        except DomainError as exc:
            rejected.append({"row": index, "name": row.get("name", "")[:50], "error": exc.message})
        else:
            seen.add(id_number)
            registered += 1
        set_progress(batch.progress_key, index - 1, len(rows))
    batch.total_rows, batch.registered_rows, batch.rejected = len(rows), registered, rejected
    batch.status, batch.finished_at = EnterpriseRegistration.Status.DONE, timezone.now()
    batch.save()


def _register_row(batch: EnterpriseRegistration, row: dict, seen: set) -> str:
    name = check_name(row.get("name") or "")
    if not name:
        raise DomainError(_("The name is missing."))
    try:
        id_number = parse_id_number(row.get("id_number", "")).value
    except ValidationError as exc:
        raise DomainError(" ".join(exc.messages)) from exc
    if id_number in seen:
        raise DomainError(_("The same ID number is on an earlier row."))
    phone = normalise_phone(row.get("phone", ""))
    enterprise = batch.enterprise
    address_text = (row.get("address_text") or "").strip()
    try:
        with transaction.atomic():
            # Only the enterprise's own lists are looked at: whether the number is registered
            # or applying elsewhere is the officer's to see at review, never the contact's.
            if (
                PermitApplication.objects.filter(
                    id_number=id_number, kind=ApplicationKind.REGISTRATION, enterprise=enterprise
                )
                .exclude(status=S.REJECTED)
                .exists()
            ):
                raise DomainError(_("This person is already on one of this enterprise's lists."))
            application = PermitApplication(
                station_id=enterprise.station_id,
                community=enterprise.address.community,
                post_id=enterprise.address.community.post_id,
                kind=ApplicationKind.REGISTRATION,
                name=name[:50],
                id_number=id_number,
                phone=phone,
                address=None if address_text else enterprise.address,
                address_text=address_text[:200] or enterprise.address.text,
                basis=Basis.EMPLOYMENT,
                basis_detail=enterprise.name[:100],
                created_by=batch.uploaded_by,
                enterprise=enterprise,
            )
            # Declared: submitted (and accepted: the 15 days run) for an officer to confirm.
            now = timezone.now()
            WORKFLOW.check(application.status, S.SUBMITTED)
            application.status = S.SUBMITTED
            application.submitted_at = application.accepted_at = application.queued_at = now
            application.household_region = id_number[:6]
            application.batch = batch
            application.save()
            ApplicationEvent.objects.create(
                application=application, kind=EventKind.SUBMITTED, at=now, by=batch.uploaded_by
            )
    except IntegrityError as exc:
        raise DomainError(_("This row could not be saved.")) from exc
    return id_number
