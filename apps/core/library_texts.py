"""The libraries' words in Chinese.

Django admin (5.2), django-axes, django-auditlog, django-celery-beat and django-otp show
texts they mark for translation but that their own Chinese catalogues lack (or have none).
Marked here, makemessages keeps them in the workbench's catalogue, which Django reads
before the libraries' own, so they read in Chinese like everything else. (Found by
tests/security/test_chinese.py, which walks every page and admin page in zh-CN.)

`name_library_records` names the records that django-axes and django-otp name in plain
English strings, which no catalogue can translate.
"""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from apps.core.timefmt import when

if TYPE_CHECKING:
    from axes.models import AccessBase

TEXTS = [
    # Django admin: the app list's headers for screen readers, the user form, errors.
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("After you’ve created a user, you’ll be able to edit more user options."),
    gettext_noop("In case you’ve forgotten, you are:"),
    gettext_noop("Forgotten your login credentials?"),
    gettext_noop("Error:"),
    # django-axes: the login records and lockouts.
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("Access Attempt"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Logout Time"),
    gettext_noop("Expires At"),
    gettext_noop("The time when access attempt expires and is no longer valid."),
    gettext_noop("User Agent"),
    gettext_noop("IP Address"),
    gettext_noop("HTTP Accept"),
    gettext_noop("Path"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("Failed Logins"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Attempt Remaining"),
    gettext_noop("Not set"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Account locked: too many login attempts. Please try again later."),
    gettext_noop(
        "Account locked: too many login attempts. Contact an admin to unlock your account."
    ),
    # django-auditlog: the change history.
    gettext_noop("Audit log"),
    gettext_noop("Audit log: %s"),
    gettext_noop("Changes"),
    gettext_noop("Resource Type"),
    gettext_noop("create"),
    gettext_noop("update"),
    gettext_noop("delete"),
    gettext_noop("access"),
    gettext_noop("action"),
    gettext_noop("actor"),
    gettext_noop("timestamp"),
    gettext_noop("object pk"),
    gettext_noop("object representation"),
    gettext_noop("additional data"),
    gettext_noop("remote address"),
    gettext_noop("remote port"),
    gettext_noop("actor email"),
    gettext_noop("Relationship"),
    gettext_noop("No field changes"),
    gettext_noop("No log entries found."),
    gettext_noop("system"),
    # django-celery-beat: the scheduled jobs.
    gettext_noop("Schedule"),
    gettext_noop("Arguments"),
    gettext_noop("Execution Options"),
    gettext_noop("Periodic Tasks Using This Schedule"),
    gettext_noop('Cron Months (1-12) Of The Year to Run. Use "*" for "all". (Example: "1,12")'),
    gettext_noop(
        'Cron Days Of The Week to Run. Use "*" for "all", Sunday is 0 or 7, Monday is 1. '
        '(Example: "0,5")'
    ),
    # django-otp: the second factor's messages.
    gettext_noop("Please enter your OTP token."),
    gettext_noop("Invalid token. Please make sure you have entered it correctly."),
    gettext_noop("Verification of the token is currently disabled"),
]


def name_library_records() -> None:
    """django-axes names its records in English with the stored UTC time ("Access Log for x
    @ 2026-03-13 17:05:00+00:00") and django-otp its devices with plain English names; admin
    shows both (titles, checkboxes, the app list). Verbose names are no part of the database
    (migrations read the declared Meta), so renaming them changes no schema."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.__str__ = _login_record_name
    apps.get_app_config("axes").verbose_name = _("Login records")
    apps.get_app_config("otp_totp").verbose_name = _("Authenticator apps")
    TOTPDevice._meta.verbose_name = _("authenticator app")
    TOTPDevice._meta.verbose_name_plural = _("authenticator apps")


def _login_record_name(record: "AccessBase") -> str:
    return f"{record.username} · {when(record.attempt_time, 'seconds')}"
