"""Limits on what people type and on the times they give: one place for each rule.

The models (full_clean, admin), the forms (which also tell the browser: `maxlength` stops
the typing before anything is sent), the API's serializers and the services all take them
from here.

Text. Free text (a description, notes, the terms of an agreement) holds at most
TEXT_MAX_LENGTH characters, a place as people say it ("迎新村3组路口") PLACE_MAX_LENGTH.
Free text stays a `text` column: `LongTextField` checks its length the way a CharField
does (full_clean, form field, serializer field), while the database keeps the type that
suits long text and a limit can change without rewriting the table.

Times. What already happened (a session held, a visit made, a finding seen, a patrol
finished) cannot lie in the future; a tablet's or a desk's clock a little ahead of the
server's (CLOCK_SKEW) is tolerated. What is planned (a patrol, a duty shift, a lawyer's
sitting) lies at most PLANNING_HORIZON ahead: a year, so that a typo such as 2099 is caught.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from .errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    # The stubs' fields are generic in what they are set to and what they give back;
    # Django's own classes take no subscript at run time.
    _TextField = models.TextField[str, str]
else:
    _TextField = models.TextField

TEXT_MAX_LENGTH = 5000
PLACE_MAX_LENGTH = 200

CLOCK_SKEW = timedelta(minutes=5)
PLANNING_HORIZON = timedelta(days=365)


class LongTextField(_TextField):
    """Free text of at most `max_length` (default TEXT_MAX_LENGTH) characters, checked
    like a CharField's: by full_clean, by the form field (a textarea with `maxlength`) and
    by DRF's serializer field."""

    def __init__(self, *args: Any, max_length: int = TEXT_MAX_LENGTH, **kwargs: Any) -> None:
        # `args` never holds max_length: callers name it.
        super().__init__(*args, max_length=max_length, **kwargs)  # type: ignore[misc]

    @cached_property
    def validators(self) -> list[Callable[[Any], None]]:
        return [*super().validators, MaxLengthValidator(self.max_length)]


def is_future(value: date, *, now: datetime | None = None) -> bool:
    """Whether a time (beyond the clock skew) or a day (after today) is still to come."""
    now = now or timezone.now()
    if isinstance(value, datetime):
        return value > now + CLOCK_SKEW
    return value > timezone.localdate(now)


def plan_limit(now: datetime | None = None) -> datetime:
    """The latest time a plan may be made for."""
    return (now or timezone.now()) + PLANNING_HORIZON


def _beyond_plan_limit(value: date, now: datetime | None) -> bool:
    limit = plan_limit(now)
    if isinstance(value, datetime):
        return value > limit
    return value > timezone.localdate(limit)


def validate_past(value: date | None, *, now: datetime | None = None) -> None:
    """A validator for the time (or day) something happened: not in the future."""
    now = now or timezone.now()
    if value is None or not is_future(value, now=now):
        return
    if isinstance(value, datetime):
        raise ValidationError(
            _("This time is in the future; it is now %(now)s."),
            code="future",
            params={"now": f"{timezone.localtime(now):%Y-%m-%d %H:%M}"},
        )
    raise ValidationError(
        _("This day is in the future; today is %(today)s."),
        code="future",
        params={"today": f"{timezone.localdate(now):%Y-%m-%d}"},
    )


def validate_plannable(value: date | None, *, now: datetime | None = None) -> None:
    """A validator for a planned time (or day): at most PLANNING_HORIZON ahead."""
    if value is not None and _beyond_plan_limit(value, now):
        raise ValidationError(
            _("Plan at most a year ahead, up to %(date)s."),
            code="too_far_ahead",
            params={"date": f"{timezone.localdate(plan_limit(now)):%Y-%m-%d}"},
        )


def ensure_past(
    value: date | None, message: "StrOrPromise", *, now: datetime | None = None
) -> None:
    """For services: refuse with `message` when `value` is in the future."""
    if value is not None and is_future(value, now=now):
        raise DomainError(message, code="invalid")


def ensure_plannable(value: date | None, what: object, *, now: datetime | None = None) -> None:
    """For services: refuse, naming `what`, a plan more than a year ahead."""
    if value is not None and _beyond_plan_limit(value, now):
        raise DomainError(
            _("%(what)s is more than a year ahead: plan at most up to %(date)s.")
            % {"what": what, "date": f"{timezone.localdate(plan_limit(now)):%Y-%m-%d}"},
            code="invalid",
        )


def clean_times(
    obj: models.Model, *, past: Iterable[str] = (), planned: Iterable[str] = ()
) -> None:
    """For a model's clean(): the fields named in `past` are not in the future, those in
    `planned` at most a year ahead (one error per field, as forms show them)."""
    errors: dict[str, list[ValidationError]] = {}
    for names, validate in ((past, validate_past), (planned, validate_plannable)):
        for name in names:
            try:
                validate(getattr(obj, name))
            except ValidationError as exc:
                errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)
