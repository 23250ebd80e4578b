from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils.translation import gettext as _

from apps.core.errors import DomainError

from .filters import PersonFilter
from .hub import UserRequest
from .models import SavedQuery

# Paging and ordering are not part of what a sieve selects.
_NOT_FILTERS = {"page", "page_size", "ordering"}


@transaction.atomic
def saved_query_create(*, by, name: str, params: str) -> SavedQuery:
    """Keep the sieve's filters under a name for the user (and their station)."""
    query = QueryDict(params, mutable=True)
    for key in _NOT_FILTERS:
        query.pop(key, None)
    if not [value for values in query.lists() for value in values[1] if value]:
        raise DomainError(_("Choose at least one filter before saving."), code="invalid")
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
def saved_query_delete(*, query: SavedQuery, by) -> None:
    """Only the owner deletes a saved query; colleagues may use it but not remove it."""
    if query.owner_id != by.pk and not by.is_superuser:
        raise PermissionDenied(_("Only the person who saved this query can delete it."))
    query.delete()
