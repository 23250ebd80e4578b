"""Small typed helpers that read settings from the environment.

A malformed value stops start-up with a message naming the variable, instead of
surfacing later as a confusing error deep inside Django.
"""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_key(debug: bool) -> str:
    """The SECRET_KEY, or a demo key when DEBUG is on; a weak key in production stops start-up."""
    key = env_str("SECRET_KEY")
    if debug and not key:
        return "django-insecure-demo-key-only-for-debug-never-for-production-use"
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or weak: with DEBUG off, set SECRET_KEY to a random string "
            "of at least 50 characters (e.g. python -c 'import secrets; "
            "print(secrets.token_urlsafe(64))')."
        )
    return key
