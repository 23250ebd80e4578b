from contextlib import closing
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import DatabaseError, IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.core.errors import Conflict, DomainError
from apps.core.filters import is_number
from apps.core.outbox import enqueue
from apps.core.progress import set_progress
from apps.core.rules import requires
from apps.core.spreadsheets import failure_reason, read_table
from apps.core.uploads import check_spreadsheet, store_private
from apps.stations.models import Station

from .filters import PersonFilter
from .hub import UserRequest
from .imports import CHECKERS, COLUMNS, Checked
from .models import Address, Housing, ImportBatch, Person, Residence, SavedQuery

if TYPE_CHECKING:
    from apps.accounts.models import User

# Paging and ordering are not part of what a sieve selects.
_NOT_FILTERS = {"page", "page_size", "ordering"}


@transaction.atomic
def saved_query_create(*, by: "User", name: str, params: str) -> SavedQuery:
    """Keep the sieve's filters under a name for the user (and their station)."""
    query = QueryDict(params, mutable=True)
    for key in _NOT_FILTERS:
        query.pop(key, None)
    if not [value for values in query.lists() for value in values[1] if value]:
        raise DomainError(_("Choose at least one filter before saving."), code="invalid")
    if is_number(query.get("q", "")):
        # A saved query is shown to colleagues as a link: no ID or phone number in it.
        raise DomainError(_("A search by ID or phone number cannot be saved."), code="invalid")
    filterset = PersonFilter(query, request=UserRequest(by))
    if not filterset.is_valid():
        raise DomainError(_("The filters are not valid."), code="invalid")
    try:
        with transaction.atomic():
            return SavedQuery.objects.create(
                station_id=by.station_id, owner=by, name=name.strip(), params=query.urlencode()
            )
    except IntegrityError:
        raise DomainError(
            _("You already have a saved query of this name."), code="conflict"
        ) from None


@transaction.atomic
def saved_query_delete(*, query: SavedQuery, by: "User") -> None:
    """Only the owner deletes a saved query; colleagues may use it but not remove it."""
    if query.owner_id != by.pk and not by.is_superuser:
        raise PermissionDenied(_("Only the person who saved this query can delete it."))
    query.delete()


# --- Imports ------------------------------------------------------------------------------

MAX_IMPORT_BYTES = 30 * 1024 * 1024


def import_upload(
    *,
    by: "User",
    upload: UploadedFile,
    update_existing: bool,
    station: Station | None = None,
    kind: str = ImportBatch.Kind.PERSONS,
) -> ImportBatch:
    """Keep the uploaded file privately and check it in the background."""
    station = station or by.station
    if station is None:
        raise DomainError(_("Choose the station the records belong to."), code="invalid")
    if not Station.objects.restrict(by, "change").filter(pk=station.pk).exists():
        raise DomainError(_("You can only import into your own station."), code="not_found")
    checked = check_spreadsheet(upload, max_bytes=MAX_IMPORT_BYTES)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            station=station,
            uploaded_by=by,
            file=store_private(checked, folder="imports"),
            file_name=(upload.name or "")[:200],
            update_existing=update_existing,
            kind=kind,
        )
        enqueue("registry.import_check", batch.pk)
    return batch


def import_check(*, batch_id: int) -> ImportBatch:
    """Read and check every row for the preview; writes nothing but the batch's figures.
    Whatever stops the reading — a refused file or an unforeseen error — fails the batch
    with its reason: no batch stays "checking" for good."""
    batch = ImportBatch.objects.select_related("station", "uploaded_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.CHECKING:  # a redelivered task: already done
        return batch
    try:
        checked = _check(batch, progress_key=f"import-check-{batch.pk}")
        batch.status = ImportBatch.Status.CHECKED
        _record(batch, checked)
    except Exception as exc:
        _fail(batch, failure_reason(exc))
    return batch


def _fail(batch: ImportBatch, reason: str) -> None:
    batch.status, batch.failure = ImportBatch.Status.FAILED, reason[:300]
    batch.save(update_fields=["status", "failure", "updated_at"])


@requires("registry.add_importbatch")
def import_commit(*, batch: ImportBatch, by: "User") -> ImportBatch:
    """Commit a checked import in the background; a second commit is refused."""
    with transaction.atomic():
        batch = ImportBatch.objects.lock_for(by, batch.pk)
        if batch.status != ImportBatch.Status.CHECKED:
            raise Conflict(_("This import is not waiting for a commit."))
        batch.status = ImportBatch.Status.COMMITTING
        batch.save(update_fields=["status", "updated_at"])
        enqueue("registry.import_apply", batch.pk)
    return batch


def import_apply(*, batch_id: int) -> ImportBatch:
    """Check again and write every accepted row in one transaction: all or nothing."""
    batch = ImportBatch.objects.select_related("station", "uploaded_by").get(pk=batch_id)
    if batch.status != ImportBatch.Status.COMMITTING:  # a redelivered task: already done
        return batch
    try:
        with transaction.atomic():
            checked = _check(batch, progress_key=f"import-apply-{batch.pk}")
            checked.model.objects.bulk_create(checked.new, batch_size=2000)
            if checked.updates:
                checked.model.objects.bulk_update(
                    checked.updates, checked.update_fields, batch_size=2000
                )
            batch.status, batch.committed_at = ImportBatch.Status.COMMITTED, timezone.now()
            _record(batch, checked)
    except DatabaseError as exc:  # disk full, a constraint: nothing was written
        batch.refresh_from_db()
        _fail(batch, str(exc))
    except Exception as exc:
        batch.refresh_from_db()
        _fail(batch, failure_reason(exc))
    return batch


def _check(batch: ImportBatch, *, progress_key: str) -> Checked:
    with batch.file.open("rb") as f:
        data = f.read()
    with closing(read_table(data, *COLUMNS[batch.kind])) as rows:
        return CHECKERS[batch.kind](
            rows,
            station=batch.station,
            user=batch.uploaded_by,
            update_existing=batch.update_existing,
            progress=lambda done, total: set_progress(progress_key, done, total),
        )


def _record(batch: ImportBatch, checked: Checked) -> None:
    batch.total_rows = checked.total
    batch.accepted_rows = len(checked.new) + len(checked.updates)
    batch.updated_rows = len(checked.updates)
    batch.rejected, batch.rejected_count = checked.rejected, checked.rejected_count
    batch.save()


# --- A resident registered at the door ----------------------------------------------------


@transaction.atomic
def resident_register(
    *, by: "User", person: Person, address: Address, relation: str, since: date
) -> Person:
    """Save a new person and where they live, in one go: the person, the housing at the
    address (created on first use) and the residence."""
    if not Address.objects.restrict(by, "change").filter(pk=address.pk).exists():
        raise DomainError(_("The address is not within your station."), code="not_found")
    person.station = address.station
    person.full_clean()
    person.save()
    housing, _created = Housing.objects.get_or_create(
        address=address, defaults={"station": address.station, "kind": "residential"}
    )
    residence = Residence(
        station=address.station, person=person, housing=housing, relation=relation, since=since
    )
    residence.full_clean()
    residence.save()
    return person
