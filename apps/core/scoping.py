"""Station scoping: the one place that decides which rows a user may see or change.

Every scoped model declares a `Scope` naming the lookup paths from the model to its owning
station, bureau and (for citizens' own records) owner. `Model.objects.restrict(user, action)`
is used by the HTML views, the API, admin and the selectors alike; nothing else filters by
station for access control. Role permissions (may this user view posts at all?) are checked
separately, so that a missing permission is a 403 and an out-of-scope row is a 404.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Self, TypeVar

from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.http import Http404
from django.utils.translation import gettext as _

from .errors import OutOfScope

if TYPE_CHECKING:
    from apps.accounts.models import User

_M = TypeVar("_M", bound=models.Model)

VIEW = "view"
CHANGE = "change"


@dataclass(frozen=True)
class Scope:
    station: str | None = None  # path to the owning station's id, e.g. "station_id"
    bureau: str | None = None  # path to the owning bureau's id, e.g. "station__bureau_id"
    owner: str | None = None  # path to the owning user's id, for citizens' own records
    # Rows above station level (the bureau itself) are visible to station staff but only
    # bureau staff may change them.
    station_staff_view_via_bureau: bool = False
    # Path to the id of the user the row is assigned to: an account that works only on what
    # is assigned to it (User.assigned_only, a resident mediator) sees only those rows.
    assigned: str | None = None
    # Path to the ids of the accounts that speak for the row's unit without belonging to a
    # station (an enterprise's contact persons): they see its rows. A relation to many, so it
    # is matched through a subquery, which never repeats a row.
    contacts: str | None = None


def scope_of(model: type[models.Model]) -> Scope:
    """The Scope a scoped model declares as its class attribute `scope`."""
    scope: Scope = model.scope  # type: ignore[attr-defined]  # each scoped model's, not Model's
    return scope


def scope_level(user: "User") -> str:
    """'all', 'bureau', 'station' or 'own': how far this user's view reaches."""
    if user.is_superuser:
        return "all"
    if user.station_id:
        return "station"
    if user.bureau_id:
        return "bureau"
    return "own"


class ScopedQuerySet(models.QuerySet[_M]):
    def restrict(self, user: "User | AnonymousUser | None", action: str = VIEW) -> Self:
        """The rows of this queryset that `user` may see (VIEW) or write (CHANGE)."""
        if user is None or isinstance(user, AnonymousUser) or not user.is_authenticated:
            return self.none()
        if not user.is_active:
            return self.none()
        level = scope_level(user)
        if level == "all":
            return self
        scope = scope_of(self.model)
        allowed = models.Q(pk__in=[])
        if level == "station":
            if scope.station:
                allowed = models.Q(**{scope.station: user.station_id})
            elif scope.station_staff_view_via_bureau and action == VIEW:
                # A Scope that lets station staff view via the bureau names the bureau path.
                allowed = models.Q((scope.bureau, user.bureau_id))
        elif level == "bureau" and scope.bureau:
            allowed = models.Q(**{scope.bureau: user.bureau_id})
        if scope.owner:
            # Everyone sees their own records (a citizen's application, an officer's tokens).
            allowed |= models.Q(**{scope.owner: user.pk})
        if scope.contacts and level == "own":
            # Only accounts without a station or bureau speak for a unit: the officers'
            # queries stay without the subquery.
            spoken_for = self.model._default_manager.filter(**{scope.contacts: user.pk})
            allowed |= models.Q(pk__in=spoken_for.values("pk"))
        if scope.assigned and getattr(user, "assigned_only", False):
            allowed &= models.Q(**{scope.assigned: user.pk})
        return self.filter(allowed)

    def get_or_404(self, pk: object) -> _M:
        """The row `pk` of this queryset (restricted first), or Http404: how a view or the
        API reads one scoped record, so that another station's is a 404 like a missing one."""
        row = self.filter(pk=pk).first()
        if row is None:
            raise Http404
        return row

    def lock_for(self, user: "User | AnonymousUser | None", pk: object, action: str = CHANGE) -> _M:
        """The row `pk` re-read under a row lock if `user` may still act on it (a service's
        first step inside its transaction), else OutOfScope: two requests at once act one
        after the other, each on the row as the other left it."""
        row = self.restrict(user, action).select_for_update().filter(pk=pk).first()
        if row is None:
            raise OutOfScope(_("Not found."))
        return row


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def owns(user: "User | AnonymousUser", obj: models.Model) -> bool:
    """Whether `user` owns `obj` by its Scope's owner path (a citizen's own application,
    its documents, the certificate or permit issued to them)."""
    value: object = obj
    for part in (scope_of(type(obj)).owner or "").split("__"):
        if not part:
            return False
        value = getattr(value, part)
    return value == user.pk


def owner_or_permitted(user: "User | AnonymousUser", obj: models.Model, perm: str) -> bool:
    """The one rule for citizens' own records, on a row already read through `restrict()`:
    its owner, or someone whose role has `perm` (an officer of its station)."""
    return owns(user, obj) or user.has_perm(perm)


def scoped_rows(model: type[models.Model]) -> ScopedQuerySet[models.Model]:
    """All rows of a scoped model, from its `objects` (a ScopedManager), for restrict()."""
    rows: ScopedQuerySet[models.Model] = model.objects.all()  # type: ignore[attr-defined]  # Model declares no `objects`
    return rows


def is_in_scope(obj: models.Model, user: "User | AnonymousUser", action: str = CHANGE) -> bool:
    return scoped_rows(type(obj)).restrict(user, action).filter(pk=obj.pk).exists()
