"""Which role may take a step: declared once, on the service that takes it.

A service decorated with `@requires("app.perm", ...)` refuses a caller without every named
permission (`NotAllowed`, 403), whoever calls it — a page, the API, a task or a shell. Pages
and the API do not repeat the rule: they read it from the service (`permissions_of`) to
answer 403 before looking the record up, so that a role without the step learns nothing
about which ids exist.
"""

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.utils.translation import gettext_lazy as _

from .errors import NotAllowed

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_REFUSAL = _("Your role does not allow this step.")


def requires(*permissions: str, message: Any = None) -> Callable[[F], F]:
    """The permissions a service's caller (`by=`) must hold, checked before it runs."""

    def decorate(service: F) -> F:
        @functools.wraps(service)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            by = kwargs.get("by")
            if by is None or not by.has_perms(permissions):
                raise NotAllowed(message or DEFAULT_REFUSAL)
            return service(*args, **kwargs)

        guarded.permissions = permissions  # type: ignore[attr-defined]
        return guarded  # type: ignore[return-value]

    return decorate


def permissions_of(service: Callable[..., Any]) -> tuple[str, ...]:
    """The permissions a service declared with `@requires`; () if it declared none."""
    return tuple(getattr(service, "permissions", ()))


def may(user: Any, service: Callable[..., Any]) -> bool:
    """Whether the user's role allows the service's step: to answer 403 before a lookup, or
    to show the step's form only to those who may take it."""
    return bool(user.has_perms(permissions_of(service)))
